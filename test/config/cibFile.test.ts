import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileCibStorage } from '../../src/cli/cibFile.js';
import { emptyCib, applyCibOps } from '../../src/cluster/cibOps.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'quorate-cibfile-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

test('FileCibStorage: a saved CIB and its quorate version come back after a restart', () => withDir(async dir => {
  const s = FileCibStorage.open(path.join(dir, 'state'));
  assert.ok(s.ok);
  assert.equal(s.val.load(), undefined, 'nothing stored yet');
  const cib = applyCibOps(emptyCib(['a', 'b']), [{ op: 'set-property', name: 'stonith-enabled', value: 'false' }]);
  s.val.save({ cib, quorateVersion: cib.version });
  s.val.flush();
  const again = FileCibStorage.open(path.join(dir, 'state'));
  assert.ok(again.ok, again.err ? again.val.message : '');
  const stored = again.val.load();
  assert.deepEqual(stored?.cib.version, { adminEpoch: 0, epoch: 2, numUpdates: 0 });
  assert.deepEqual(stored?.quorateVersion, { adminEpoch: 0, epoch: 2, numUpdates: 0 });
  assert.deepEqual(stored?.cib.configuration.nodes.map(n => n.uname), ['a', 'b']);
  assert.match(await readFile(path.join(dir, 'state', 'cib.xml'), 'utf8'), /name="stonith-enabled" value="false"/);
}));

test('FileCibStorage: saves are coalesced and written after the delay', () => withDir(async dir => {
  const s = FileCibStorage.open(dir, 50);
  assert.ok(s.ok);
  let cib = emptyCib(['a']);
  for (let i = 0; i < 5; i++) {
    cib = applyCibOps(cib, [{ op: 'transient', node: 'a', name: `x${i}`, value: '1' }]);
    s.val.save({ cib, quorateVersion: cib.version });
  }
  await new Promise(r => setTimeout(r, 150));
  const again = FileCibStorage.open(dir);
  assert.ok(again.ok);
  assert.equal(again.val.load()?.cib.version.numUpdates, 5, 'the last save reached the disk');
}));

test('FileCibStorage: a damaged CIB or version file is an error naming the file', () => withDir(async dir => {
  await writeFile(path.join(dir, 'cib.xml'), '<cib><configuration>');
  const bad = FileCibStorage.open(dir);
  assert.ok(bad.err);
  assert.match(bad.val.message, /cib\.xml: /);
  const s = FileCibStorage.open(path.join(dir, 'ok'));
  assert.ok(s.ok);
  const cib = emptyCib(['a']);
  s.val.save({ cib, quorateVersion: cib.version });
  s.val.flush();
  await writeFile(path.join(dir, 'ok', 'cib.quorate.json'), '{"quorateVersion":{"epoch":-1}}');
  const badMeta = FileCibStorage.open(path.join(dir, 'ok'));
  assert.ok(badMeta.err);
  assert.match(badMeta.val.message, /cib\.quorate\.json: quorateVersion is missing/);
}));
