import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCibWithWarnings } from '../../src/cib/parse.js';
import { stderrWarnings } from '../../src/cli/simulate.js';

const BIN = fileURLToPath(new URL('../../../bin/quorate.js', import.meta.url));
const NOTICE = 'Schema validation of configuration is disabled (enabling is encouraged and prevents common misconfigurations)';

const cib = (validateWith: string | undefined, extra = ''): string =>
  `<cib admin_epoch="0" epoch="1" num_updates="1"${validateWith === undefined ? '' : ` validate-with="${validateWith}"`}>
  <configuration><crm_config/><nodes><node id="n1" uname="n1"/></nodes>
  <resources><primitive id="r1" class="ocf" provider="heartbeat" type="Dummy"/></resources>
  <constraints>${extra}</constraints></configuration><status/></cib>`;

test('validate-with="none" yields the schema notice as a warning', () => {
  const r = parseCibWithWarnings(cib('none'));
  assert.ok(r.ok);
  assert.equal(stderrWarnings(r.val.warnings), `${NOTICE}\n`);
});

test('a schema version or no validate-with: no notice', () => {
  for (const v of ['pacemaker-3.7', undefined]) {
    const r = parseCibWithWarnings(cib(v));
    assert.ok(r.ok);
    assert.equal(stderrWarnings(r.val.warnings), '');
  }
});

test('configuration warnings are not printed (Pacemaker logs them)', () => {
  const r = parseCibWithWarnings(cib('pacemaker-3.7', '<rsc_order id="o" first="r1" then="r1" kind="foo"/>'));
  assert.ok(r.ok);
  assert.ok(r.val.warnings.length > 0);
  assert.equal(stderrWarnings(r.val.warnings), '');
});

test('quorate simulate prints the notice on stderr, exit 0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quorate-stderr-'));
  const file = join(dir, 'cib.xml');
  writeFileSync(file, cib('none'));
  const r = spawnSync(process.execPath, [BIN, 'simulate', '-x', file, '-S'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, `${NOTICE}\n`);
  assert.match(r.stdout, /Transition Summary/);
  assert.ok(readFileSync(file, 'utf8').includes('none'));
});
