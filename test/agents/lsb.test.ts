import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { LsbAgent, lsbStatusToOcf } from '../../src/agents/lsb.js';
import { OcfExitCode, OpStatus } from '../../src/agents/codes.js';
import { tempDir } from './helpers.js';

// An init script that keeps its state in a file next to itself; `status` exit
// code is chosen by the content of a second file to exercise the mapping.
const SCRIPT = (dir: string): string => `#!/bin/sh
S=${dir}/svc.state
case "$1" in
start) touch $S; exit 0 ;;
stop) rm -f $S; exit 0 ;;
status) if [ -f $S ]; then exit 0; fi; if [ -f ${dir}/code ]; then exit $(cat ${dir}/code); fi; exit 3 ;;
*) exit 3 ;;
esac
`;

test('LSB script: start/status/stop with LSB status codes mapped to OCF', async () => {
  const dir = await tempDir();
  try {
    await writeFile(path.join(dir, 'svc'), SCRIPT(dir), { mode: 0o755 });
    const made = LsbAgent.create({ name: 'svc', lsbDir: dir });
    assert.ok(made.ok);
    const svc = made.val;
    const c = { resourceId: 'svc', params: {}, meta: {}, timeoutMs: 5000 };
    assert.equal((await svc.monitor(c)).rc, OcfExitCode.NOT_RUNNING, 'status 3 -> 7');
    assert.equal((await svc.start(c)).rc, OcfExitCode.OK);
    assert.equal((await svc.monitor(c)).rc, OcfExitCode.OK);
    assert.equal((await svc.stop(c)).rc, OcfExitCode.OK);
    await writeFile(path.join(dir, 'code'), '1');
    assert.equal((await svc.monitor(c)).rc, OcfExitCode.NOT_RUNNING, 'status 1 (dead, pid file) -> 7');
    await writeFile(path.join(dir, 'code'), '4');
    assert.equal((await svc.monitor(c)).rc, OcfExitCode.ERR_GENERIC, 'status 4 (unknown) -> 1');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('LSB: missing script is not installed, names with paths are refused', async () => {
  const dir = await tempDir();
  try {
    const made = LsbAgent.create({ name: 'absent', lsbDir: dir });
    assert.ok(made.ok);
    const r = await made.val.start({ resourceId: 'x', params: {}, meta: {}, timeoutMs: 1000 });
    assert.deepEqual([r.rc, r.status], [OcfExitCode.NOT_INSTALLED, OpStatus.NOT_INSTALLED]);
    assert.ok(LsbAgent.create({ name: '../bin/sh' }).err);
    assert.equal(lsbStatusToOcf(2), OcfExitCode.NOT_RUNNING);
    assert.equal(lsbStatusToOcf(0), OcfExitCode.OK);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
