import { test } from 'node:test';
import assert from 'node:assert/strict';
import { op, unpackXml, up, lrm, prim } from './helpers.js';
import { isNewerOp } from '../../src/cib/unpack/migration.js';
import { formatStatus } from '../../src/cib/format/status.js';

const vm = prim('vm', '<meta_attributes id="m"><nvpair id="am" name="allow-migrate" value="true"/></meta_attributes>');

test('migrate_to and migrate_from both done: the source is a dangling migration, active only on the target', () => {
  const c = unpackXml({
    resources: vm,
    states: up(1, 'n1', lrm('vm', op('vm', 'start', 2, 0) + op('vm', 'migrate_to', 3, 0, { src: 'n1', tgt: 'n2' })))
      + up(2, 'n2', lrm('vm', op('vm', 'monitor', 1, 7) + op('vm', 'migrate_from', 2, 0, { src: 'n1', tgt: 'n2' }))),
  });
  const r = c.byId.get('vm')!;
  assert.deepEqual(r.runningOn, ['n2']);
  assert.deepEqual(r.dangling, ['n1']);
  assert.equal(r.failed, false);
});

test('migrate_to done, migrate_from missing: partial migration, active on target and source', () => {
  const c = unpackXml({
    resources: vm,
    states: up(1, 'n1', lrm('vm', op('vm', 'start', 2, 0) + op('vm', 'migrate_to', 3, 0, { src: 'n1', tgt: 'n2' })))
      + up(2, 'n2', lrm('vm', op('vm', 'monitor', 1, 7))),
  });
  const r = c.byId.get('vm')!;
  // The target is added while the source's history is read, so it comes first.
  assert.deepEqual(r.runningOn, ['n2', 'n1']);
  assert.deepEqual(r.partialMigration, { source: 'n1', target: 'n2', stage: 'migrate_to' });
  assert.equal(r.failed, false);
});

test('migrate_to done towards a node that is gone: the resource is failed on the source', () => {
  const c = unpackXml({
    resources: vm,
    states: up(1, 'n1', lrm('vm', op('vm', 'start', 2, 0) + op('vm', 'migrate_to', 3, 0, { src: 'n1', tgt: 'n9' }))) + up(2, 'n2'),
  });
  const r = c.byId.get('vm')!;
  assert.deepEqual(r.runningOn, ['n1']);
  assert.equal(r.failed, true);
});

test('failed migrate_from: active (failed) on both nodes', () => {
  const c = unpackXml({
    resources: vm,
    states: up(1, 'n1', lrm('vm', op('vm', 'start', 2, 0) + op('vm', 'migrate_to', 3, 0, { src: 'n1', tgt: 'n2' })))
      + up(2, 'n2', lrm('vm', op('vm', 'monitor', 1, 7) + op('vm', 'migrate_from', 2, 1, { src: 'n1', tgt: 'n2' }))),
  });
  const r = c.byId.get('vm')!;
  assert.deepEqual(r.runningOn, ['n2', 'n1']);
  assert.equal(r.failed, true);
});

test('failed migrate_to then stop: still considered active on the target, role stays Stopped', () => {
  const c = unpackXml({
    resources: vm,
    states: up(1, 'n1', lrm('vm', op('vm', 'start', 2, 0) + op('vm', 'migrate_to', 3, 1, { src: 'n1', tgt: 'n2' }) + op('vm', 'stop', 4, 0)))
      + up(2, 'n2', lrm('vm', op('vm', 'monitor', 1, 7))),
  });
  const r = c.byId.get('vm')!;
  assert.deepEqual(r.runningOn, ['n2']);
  assert.equal(r.role, 'Stopped');
  assert.ok(formatStatus(c).some((l) => /vm\s+\(ocf:heartbeat:Dummy\):\s+Stopped n2$/.test(l)));
});

test('isNewerOp: call ids on one node, last-rc-change across nodes', () => {
  const mk = (call: number, lrc?: number) => ({ id: 'x', operation: 'stop', interval: 0, rcCode: 0, opStatus: 0, callId: call, lastRcChange: lrc });
  assert.equal(isNewerOp(mk(5), mk(3), true), 1);
  assert.equal(isNewerOp(mk(3), mk(5), true), -1);
  assert.equal(isNewerOp(mk(3, 200), mk(5, 100), false), 1);
  assert.equal(isNewerOp(mk(3), mk(5, 100), false), 0);
});
