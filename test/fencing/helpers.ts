/** Fixtures for fencing tests: a scriptable fence agent in a temp agent dir. */
import { mkdtemp, writeFile, symlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A temp dir holding /usr/sbin/fence_dummy (symlinked) and `fence_test`, a
 * shell fence agent that supports list (plugs from $dir/plugs), logs every
 * request's stdin to $dir/log and fails when $dir/fail exists.
 */
export async function agentDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'quorate-fence-'));
  await symlink('/usr/sbin/fence_dummy', path.join(dir, 'fence_dummy'));
  await writeFile(path.join(dir, 'plugs'), 'plug-a,node-a\nplug-b\n');
  await writeFile(path.join(dir, 'fence_test'), `#!/bin/sh
D=${dir}
input=$(cat)
action=$(printf '%s\\n' "$input" | sed -n 's/^action=//p')
case "$action" in
metadata)
  cat <<'XML'
<?xml version="1.0" ?>
<resource-agent name="fence_test" shortdesc="test agent">
<parameters>
  <parameter name="plug" unique="0" required="0"><content type="string"/></parameter>
</parameters>
<actions><action name="on"/><action name="off"/><action name="reboot"/><action name="status"/><action name="list"/><action name="monitor"/><action name="metadata"/></actions>
</resource-agent>
XML
  exit 0 ;;
list) cat $D/plugs; exit 0 ;;
monitor|status) exit 0 ;;
*)
  printf '%s\\n--\\n' "$input" >> $D/log
  if [ -f $D/fail ]; then echo "Failed: plug is broken" >&2; exit 1; fi
  exit 0 ;;
esac
`, { mode: 0o755 });
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The key=value requests logged by fence_test, one record per request. */
export function parseLog(text: string): Record<string, string>[] {
  return text.split('--\n').filter(b => b.trim()).map(b => Object.fromEntries(
    b.trim().split('\n').map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
  ));
}
