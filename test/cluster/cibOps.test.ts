import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyCibOps, compareCibVersions, emptyCib, getFromSets } from '../../src/cluster/cibOps.js';
import { LrmHistory, isFailure, opDigest } from '../../src/cluster/lrmHistory.js';
import type { OpRecord } from '../../src/agents/executor.js';

test('configuration changes bump epoch, status changes bump num_updates', () => {
  const c0 = emptyCib(['a', 'b']);
  const c1 = applyCibOps(c0, [{ op: 'set-property', name: 'stonith-enabled', value: 'false' }]);
  assert.deepEqual(c1.version, { adminEpoch: 0, epoch: 2, numUpdates: 0 });
  assert.equal(getFromSets(c1.configuration.crmConfig, 'stonith-enabled'), 'false');
  const c2 = applyCibOps(c1, [{ op: 'node-state', node: 'a', inCcm: 'true', crmd: 'online' }, { op: 'transient', node: 'a', name: 'fail-count-x#start_0', value: '1' }]);
  assert.deepEqual(c2.version, { adminEpoch: 0, epoch: 2, numUpdates: 1 });
  assert.ok(compareCibVersions(c2, c1) > 0);
  assert.equal(getFromSets(c2.status.nodes[0]!.transient, 'fail-count-x#start_0'), '1');
  const c3 = applyCibOps(c2, [{ op: 'transient-clear', node: 'a', prefixes: ['fail-count-x#'] }]);
  assert.equal(getFromSets(c3.status.nodes[0]!.transient, 'fail-count-x#start_0'), undefined);
  assert.equal(c0.version.epoch, 1, 'inputs are not changed');
});

test('constraints are added, replaced by id and removed', () => {
  let c = emptyCib(['a']);
  c = applyCibOps(c, [{ op: 'add-constraint', constraint: { kind: 'rsc_location', id: 'l1', rsc: 'r', node: 'a', score: 5, rules: [], sets: [] } }]);
  c = applyCibOps(c, [{ op: 'add-constraint', constraint: { kind: 'rsc_location', id: 'l1', rsc: 'r', node: 'a', score: 9, rules: [], sets: [] } }]);
  assert.equal(c.configuration.constraints.length, 1);
  assert.equal((c.configuration.constraints[0] as { score: number }).score, 9);
  c = applyCibOps(c, [{ op: 'remove-constraints', ids: ['l1'] }]);
  assert.equal(c.configuration.constraints.length, 0);
});

function rec(over: Partial<OpRecord>): OpRecord {
  return {
    node: 'a', resourceId: 'r', action: 'start', intervalMs: 0, operationKey: 'r_start_0', callId: 1, rc: 0, status: 0,
    requestedAt: 0, lastRunAt: 0, finishedAt: 0, lastRcChangeAt: 0, execTimeMs: 0, queueTimeMs: 0, recurring: false, ...over,
  };
}

test('lrm history names entries as Pacemaker does and drops monitors after a stop', () => {
  const h = new LrmHistory('a');
  const ref = { id: 'r', class: 'ocf', provider: 'heartbeat', type: 'Dummy' };
  const opts = { transitionKey: '1:1:0:u', targetRc: 0, params: { state: '/x' } };
  h.record(ref, rec({}), opts);
  h.record(ref, rec({ action: 'monitor', intervalMs: 10000, operationKey: 'r_monitor_10000', callId: 2 }), opts);
  assert.deepEqual(h.snapshot()[0]!.ops.map(o => o.id), ['r_last_0', 'r_monitor_10000']);
  const fail = h.record(ref, rec({ action: 'monitor', intervalMs: 10000, operationKey: 'r_monitor_10000', callId: 2, rc: 7 }), opts);
  assert.equal(fail.failed, true);
  assert.deepEqual(fail.records.map(r => r.id), ['r_monitor_10000', 'r_last_failure_0']);
  const stop = h.record(ref, rec({ action: 'stop', operationKey: 'r_stop_0', callId: 3 }), opts);
  assert.deepEqual(stop.remove, ['r_monitor_10000']);
  assert.deepEqual(h.snapshot()[0]!.ops.map(o => o.id).sort(), ['r_last_0', 'r_last_failure_0']);
  assert.equal(h.snapshot()[0]!.ops.find(o => o.id === 'r_last_0')!.transitionMagic, '0:0;1:1:0:u');
  assert.equal(opDigest({ b: '2', a: '1', CRM_meta_timeout: '5' }), opDigest({ a: '1', b: '2' }));
  assert.notEqual(opDigest({ a: '1' }), opDigest({ a: '2' }));
  assert.notEqual(opDigest({ a: '1' }, 10_000, 20_000), opDigest({ a: '1' }, 10_000, 30_000), 'recurring digests cover the timeout');
  assert.equal(opDigest({ a: '1' }, 0, 20_000), opDigest({ a: '1' }, 0, 30_000));
});

test('probes finding a resource active are not failures; a timeout is', () => {
  assert.equal(isFailure(rec({ action: 'monitor', rc: 0 }), 7), false);
  assert.equal(isFailure(rec({ action: 'monitor', rc: 1 }), 7), true);
  assert.equal(isFailure(rec({ action: 'start', status: 2 }), 0), true);
  assert.equal(isFailure(rec({ action: 'monitor', intervalMs: 5000, rc: 7 }), 0), true);
});
