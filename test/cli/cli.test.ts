import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sameText, splitSections } from '../../src/cli/compare.js';
import { CASES_DIR } from '../../scripts/paths.js';

const BIN = fileURLToPath(new URL('../../../bin/quorate.js', import.meta.url));
const DATA = CASES_DIR;
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 20_000 });

test('--help prints usage and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /quorate <command>/);
  assert.match(r.stdout, /-x, --xml-file/);
});

test('missing file: one line on stderr, exit 2, no stack', () => {
  const r = run('simulate', '-x', '/nonexistent/cib.xml');
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /nonexistent\/cib\.xml/);
  assert.doesNotMatch(r.stderr, /at .*\.js/);
});

test('bad XML: one line on stderr, exit 2', () => {
  const r = run('simulate', '-x', fileURLToPath(import.meta.url));
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('unknown option: exit 2', () => {
  const r = run('simulate', '--bogus');
  assert.equal(r.status, 2);
});

for (const name of ['simple1', 'group8', 'bug-rh-1097457', 'promoted-1', 'clone-no-shuffle']) {
  test(`status section of ${name} equals crm_simulate's`, () => {
    const r = run('simulate', '-x', `${DATA}/xml/${name}.xml`);
    assert.equal(r.status, 0, r.stderr);
    const exp = splitSections(readFileSync(`${DATA}/summary/${name}.summary`, 'utf8')).get('Current cluster status') ?? '';
    const got = splitSections(r.stdout).get('Current cluster status') ?? '';
    assert.ok(sameText(got, exp), `got:\n${got}\nexpected:\n${exp}`);
  });
}

test('-O saves the CIB after the simulated transition, and it loads again', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'quorate-cli-')), 'simple4-out.xml');
  const r = run('simulate', '-x', `${DATA}/xml/simple4.xml`, '-S', '-O', out);
  assert.equal(r.status, 0, r.stderr);
  const again = run('simulate', '-x', out);
  assert.equal(again.status, 0, again.stderr);
  // simple4's failed rsc1 is stopped by the transition: the saved CIB records it.
  assert.match(again.stdout, /rsc1\t\(ocf:heartbeat:apache\):\t Stopped/);
  assert.doesNotMatch(readFileSync(out, 'utf8'), /^\s*$/);
});
