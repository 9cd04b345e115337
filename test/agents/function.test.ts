import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/util/clock.js';
import { FunctionAgent } from '../../src/agents/function.js';
import { OcfExitCode, OpStatus } from '../../src/agents/codes.js';
import type { AgentCall, OpResult } from '../../src/agents/agent.js';

const call = (timeoutMs = 1000): AgentCall => ({ resourceId: 'f1', params: { a: '1' }, meta: {}, timeoutMs });
const flush = (): Promise<void> => new Promise(r => setImmediate(r));

test('function agent: undefined is OK, numbers are exit codes, objects carry output', async () => {
  let running = false;
  const agent = new FunctionAgent({
    start: () => { running = true; },
    stop: async () => { running = false; return 0; },
    monitor: () => (running ? { rc: 0, output: 'up' } : OcfExitCode.NOT_RUNNING),
  }, new VirtualClock());
  assert.equal((await agent.monitor(call())).rc, OcfExitCode.NOT_RUNNING);
  assert.equal((await agent.start(call())).rc, OcfExitCode.OK);
  const mon = await agent.monitor(call());
  assert.deepEqual([mon.rc, mon.status, mon.output], [0, OpStatus.DONE, 'up']);
  assert.equal((await agent.stop(call())).rc, OcfExitCode.OK);
  assert.equal(running, false);
  assert.equal(agent.promote, undefined, 'no promote in the spec, none on the agent');
});

test('function agent: exceptions and rejections become rc 1 with the message', async () => {
  const agent = new FunctionAgent({
    start: () => { throw new Error('boom'); },
    stop: () => Promise.reject(new Error('stuck')),
    monitor: () => 'nonsense' as unknown as number,
  }, new VirtualClock());
  const s = await agent.start(call());
  assert.deepEqual([s.rc, s.status, s.output], [OcfExitCode.ERR_GENERIC, OpStatus.DONE, 'boom']);
  const t = await agent.stop(call());
  assert.deepEqual([t.rc, t.output], [OcfExitCode.ERR_GENERIC, 'stuck']);
  assert.equal((await agent.monitor(call())).rc, OcfExitCode.ERR_GENERIC);
});

test('function agent: a hung promise times out on the virtual clock', async () => {
  const clock = new VirtualClock(1_000_000);
  const agent = new FunctionAgent({
    start: () => new Promise<void>(() => { /* never settles */ }),
    stop: () => undefined,
    monitor: () => undefined,
  }, clock);
  const box: { result?: OpResult } = {};
  void agent.start(call(5000)).then(r => { box.result = r; });
  clock.advance(4999);
  await flush();
  assert.equal(box.result === undefined, true, 'not yet timed out');
  clock.advance(1);
  await flush();
  const result = box.result;
  assert.ok(result);
  assert.equal(result.status, OpStatus.TIMEOUT);
  assert.equal(result.durationMs, 5000);
});
