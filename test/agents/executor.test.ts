import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { VirtualClock, SystemClock } from '../../src/util/clock.js';
import { LocalExecutor, type OpRecord } from '../../src/agents/executor.js';
import { OcfExitCode, OpStatus } from '../../src/agents/codes.js';
import { tempDir, waitFor } from './helpers.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise(r => setImmediate(r));
};

test('operations on one resource run one at a time, in order; call ids increase', async () => {
  const clock = new VirtualClock(0);
  const ex = new LocalExecutor({ node: 'n1', clock });
  const log: string[] = [];
  const slow = (name: string, ms: number) => () => new Promise<void>(resolve => {
    log.push(`${name}:begin`);
    clock.setTimeout(() => { log.push(`${name}:end`); resolve(); }, ms);
  });
  assert.ok(ex.register('a', { class: 'function', agent: { start: slow('a.start', 100), stop: slow('a.stop', 10), monitor: () => 0 } }).ok);
  assert.ok(ex.register('b', { class: 'function', agent: { start: slow('b.start', 50), stop: () => 0, monitor: () => 0 } }).ok);
  const events: OpRecord[] = [];
  ex.on('op:completed', r => events.push(r));
  const p1 = ex.execute({ resourceId: 'a', action: 'start', timeoutMs: 1000 });
  const p2 = ex.execute({ resourceId: 'a', action: 'stop', timeoutMs: 1000 });
  const p3 = ex.execute({ resourceId: 'b', action: 'start', timeoutMs: 1000 });
  await flush();
  assert.deepEqual(log, ['a.start:begin', 'b.start:begin'], 'a.stop waits for a.start; b runs alongside');
  clock.advance(50);
  await flush();
  clock.advance(50);
  await flush();
  clock.advance(10);
  await flush();
  const [r1, r2, r3] = await Promise.all([p1, p2, p3]);
  assert.deepEqual(log, ['a.start:begin', 'b.start:begin', 'b.start:end', 'a.start:end', 'a.stop:begin', 'a.stop:end']);
  assert.deepEqual([r1.callId, r2.callId, r3.callId], [1, 2, 3]);
  assert.equal(r2.queueTimeMs, 100);
  assert.equal(r2.execTimeMs, 10);
  assert.equal(r1.operationKey, 'a_start_0');
  assert.equal(r1.node, 'n1');
  assert.equal(events.length, 3);
});

test('recurring monitor: reports its first run and changes; failure emits monitor:failed; cancel stops it', async () => {
  const clock = new VirtualClock(0);
  const ex = new LocalExecutor({ node: 'n1', clock });
  let healthy = true;
  let runs = 0;
  ex.register('r', { class: 'function', agent: { start: () => 0, stop: () => 0, monitor: () => { runs++; return healthy ? 0 : 7; } } });
  const completed: OpRecord[] = [];
  const failed: OpRecord[] = [];
  const cancelled: OpRecord[] = [];
  ex.on('op:completed', r => completed.push(r));
  ex.on('monitor:failed', r => failed.push(r));
  ex.on('op:cancelled', r => cancelled.push(r));
  const first = await ex.execute({ resourceId: 'r', action: 'monitor', intervalMs: 10_000, timeoutMs: 5000 });
  assert.equal(first.rc, 0);
  assert.equal(runs, 1);
  for (let i = 0; i < 3; i++) { clock.advance(10_000); await flush(); }
  assert.equal(runs, 4);
  assert.equal(completed.length, 1, 'unchanged results are not re-reported');
  healthy = false;
  clock.advance(10_000);
  await flush();
  assert.equal(runs, 5);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.rc, OcfExitCode.NOT_RUNNING);
  assert.equal(failed[0]!.callId, first.callId, 'a recurring op keeps its call id');
  assert.equal(failed[0]!.lastRcChangeAt, 40_000);
  assert.deepEqual(ex.recurring(), [{ resourceId: 'r', action: 'monitor', intervalMs: 10_000, callId: first.callId }]);
  assert.equal(ex.cancel('r', 'monitor', 10_000), true);
  assert.equal(ex.cancel('r', 'monitor', 10_000), false);
  assert.equal(cancelled.length, 1);
  assert.equal(cancelled[0]!.status, OpStatus.CANCELLED);
  clock.advance(50_000);
  await flush();
  assert.equal(runs, 5, 'no runs after cancel');
  assert.equal(clock.pending(), 0);
});

test('unregistered resources and unsupported actions give typed results, not exceptions', async () => {
  const ex = new LocalExecutor({ node: 'n1', clock: new VirtualClock() });
  const r = await ex.execute({ resourceId: 'ghost', action: 'start' });
  assert.equal(r.status, OpStatus.INVALID);
  ex.register('f', { class: 'function', agent: { start: () => 0, stop: () => 0, monitor: () => 0 } });
  const p = await ex.execute({ resourceId: 'f', action: 'promote' });
  assert.deepEqual([p.rc, p.status], [OcfExitCode.UNIMPLEMENTED, OpStatus.NOT_SUPPORTED]);
  const bad = ex.register('x', { class: 'ocf', provider: 'heartbeat', type: '../x' });
  assert.ok(bad.err);
  assert.equal(bad.val.code, 'QUORATE_ERR_BAD_AGENT_NAME');
});

test('real ocf:heartbeat:Dummy through the executor: probe, start, recurring monitor catches a failure', async () => {
  const dir = await tempDir();
  const state = path.join(dir, 'd.state');
  const ex = new LocalExecutor({ node: 'n1', clock: new SystemClock() });
  try {
    assert.ok(ex.register('dummy', { class: 'ocf', provider: 'heartbeat', type: 'Dummy', params: { state } }).ok);
    assert.ok((await ex.metadata('dummy'))?.parameters.some(p => p.name === 'state'));
    assert.equal((await ex.probe('dummy', 10_000)).rc, OcfExitCode.NOT_RUNNING);
    const start = await ex.execute({ resourceId: 'dummy', action: 'start', timeoutMs: 10_000 });
    assert.equal(start.rc, OcfExitCode.OK, start.output);
    const failed: OpRecord[] = [];
    ex.on('monitor:failed', r => failed.push(r));
    const mon = await ex.execute({ resourceId: 'dummy', action: 'monitor', intervalMs: 200, timeoutMs: 10_000 });
    assert.equal(mon.rc, OcfExitCode.OK);
    await rm(state);
    assert.ok(await waitFor(() => failed.length > 0, 8000), 'recurring monitor noticed');
    assert.equal(failed[0]!.rc, OcfExitCode.NOT_RUNNING);
    assert.equal(failed[0]!.operationKey, 'dummy_monitor_200');
    assert.ok(ex.cancel('dummy', 'monitor', 200));
    assert.equal((await ex.execute({ resourceId: 'dummy', action: 'stop', timeoutMs: 10_000 })).rc, OcfExitCode.OK);
  } finally {
    ex.cancelAll();
    await ex.idle();
    await rm(dir, { recursive: true, force: true });
  }
});
