import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/util/clock.js';
import { Fencer } from '../../src/fencing/fencer.js';
import { StonithDevice, type FenceAction } from '../../src/fencing/device.js';
import { stonithResourceAgent } from '../../src/fencing/resourceAgent.js';
import { LocalExecutor } from '../../src/agents/executor.js';
import { OcfExitCode } from '../../src/agents/codes.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise(r => setImmediate(r));
};

test('function device: static hosts, plug from host map, failure and exceptions', async () => {
  const clock = new VirtualClock(1000);
  const fencer = new Fencer({ node: 'n1', clock });
  const calls: string[] = [];
  let healthy = true;
  fencer.register(StonithDevice.function('fn', {
    hosts: ['n2', 'n3'],
    fence: (target, action, ctx) => { calls.push(`${action}:${target}:${ctx.plug}`); return healthy; },
  }, { pcmk_host_map: 'n3:slot3', pcmk_reboot_retries: '0' }));
  const r = await fencer.fence('n3');
  assert.ok(r.ok);
  assert.equal(r.val.requestedAt, 1000);
  assert.deepEqual(calls, ['reboot:n3:slot3']);
  healthy = false;
  const f = await fencer.fence('n2');
  assert.ok(f.err);
  assert.equal(f.val.code, 'QUORATE_ERR_FENCE_FAILED');
  assert.equal(f.val.target, 'n2');
  const thrower = new Fencer({ node: 'n1', clock });
  thrower.register(StonithDevice.function('t', { hosts: ['n2'], fence: () => { throw new Error('bmc unreachable'); } }, { pcmk_reboot_retries: '0' }));
  const t = await thrower.fence('n2');
  assert.ok(t.err);
  assert.match(t.val.attempts?.[0]?.output ?? '', /bmc unreachable/);
});

test('function device that hangs times out on the virtual clock', async () => {
  const clock = new VirtualClock(0);
  const fencer = new Fencer({ node: 'n1', clock, defaultTimeoutMs: 30_000 });
  fencer.register(StonithDevice.function('hang', { hosts: ['n2'], fence: () => new Promise<void>(() => { /* never */ }) }));
  let settled = false;
  const p = fencer.fence('n2').then(r => { settled = true; return r; });
  await flush();
  clock.advance(29_999);
  await flush();
  assert.equal(settled, false);
  clock.advance(1);
  const r = await p;
  assert.ok(r.err);
  assert.equal(r.val.code, 'QUORATE_ERR_FENCE_TIMEOUT');
  assert.equal(r.val.attempts?.length, 1, 'a timed-out device is not retried');
  assert.equal(fencer.history()[0]?.completedAt, 30_000);
});

test('a level with two devices reboots as off, off, on, on; without topology devices go by priority', async () => {
  const clock = new VirtualClock(0);
  const fencer = new Fencer({ node: 'n1', clock });
  const calls: string[] = [];
  const psu = (id: string, priority: string) => StonithDevice.function(id, {
    hosts: ['n2'], fence: (_t, action: FenceAction) => { calls.push(`${id}:${action}`); },
  }, { priority });
  fencer.register(psu('psu1', '1'));
  fencer.register(psu('psu2', '5'));
  assert.deepEqual((await fencer.devicesFor('n2')).map(d => d.id), ['psu2', 'psu1']);
  const single = await fencer.fence('n2');
  assert.ok(single.ok);
  assert.deepEqual(calls, ['psu2:reboot'], 'first capable device by priority, one is enough');
  calls.length = 0;
  fencer.setTopology([{ index: 1, targetPattern: 'n[0-9]+', devices: ['psu1', 'psu2'] }]);
  const both = await fencer.fence('n2');
  assert.ok(both.ok);
  assert.deepEqual(both.val.devices, ['psu1', 'psu2']);
  assert.deepEqual(calls, ['psu1:off', 'psu2:off', 'psu1:on', 'psu2:on']);
});

test('topology: a level naming an unregistered device fails over; invalid levels are refused', async () => {
  const fencer = new Fencer({ node: 'n1', clock: new VirtualClock() });
  fencer.register(StonithDevice.function('ok', { hosts: ['n2'], fence: () => true }));
  fencer.setTopology([{ index: 1, target: 'n2', devices: ['gone'] }, { index: 2, target: 'n2', devices: ['ok'] }]);
  const r = await fencer.fence('n2');
  assert.ok(r.ok);
  assert.equal(r.val.level, 2);
  assert.match(r.val.attempts[0]?.output ?? '', /not registered/);
  for (const bad of [
    [{ index: 0, target: 'n2', devices: ['ok'] }],
    [{ index: 1, devices: ['ok'] }],
    [{ index: 1, target: 'n2', devices: [] }],
    [{ index: 1, targetPattern: '([', devices: ['ok'] }],
    [{ index: 1, target: 'n2', devices: ['ok'] }, { index: 1, target: 'n2', devices: ['ok'] }],
  ]) {
    const v = fencer.setTopology(bad);
    assert.ok(v.err, JSON.stringify(bad));
    assert.equal(v.val.code, 'QUORATE_ERR_BAD_TOPOLOGY');
  }
});

test('concurrent requests to fence the same node share one operation', async () => {
  const clock = new VirtualClock(0);
  const fencer = new Fencer({ node: 'n1', clock });
  let count = 0;
  fencer.register(StonithDevice.function('slow', {
    hosts: ['n2'], fence: () => new Promise<void>(res => { count++; clock.setTimeout(res, 1000); }),
  }));
  const a = fencer.fence('n2', { origin: 'n3' });
  const b = fencer.fence('n2', { origin: 'n4' });
  await flush();
  clock.advance(1000);
  const [ra, rb] = await Promise.all([a, b]);
  assert.ok(ra.ok && rb.ok);
  assert.equal(count, 1);
  assert.equal(ra.val.id, rb.val.id);
  assert.equal(fencer.history().length, 1);
});

test('a stonith resource in the executor registers its device on start and removes it on stop', async () => {
  const clock = new VirtualClock(0);
  const fencer = new Fencer({ node: 'n1', clock });
  const ex = new LocalExecutor({ node: 'n1', clock });
  let reachable = true;
  const dev = StonithDevice.function('fence-n2', { hosts: ['n2'], fence: () => true, monitor: () => reachable });
  ex.register('fence-n2', { class: 'stonith', agent: stonithResourceAgent(fencer, dev) });
  assert.equal((await ex.probe('fence-n2')).rc, OcfExitCode.NOT_RUNNING);
  assert.equal((await ex.execute({ resourceId: 'fence-n2', action: 'start' })).rc, OcfExitCode.OK);
  assert.deepEqual(fencer.devices().map(d => d.id), ['fence-n2']);
  reachable = false;
  assert.equal((await ex.execute({ resourceId: 'fence-n2', action: 'monitor' })).rc, OcfExitCode.ERR_GENERIC);
  assert.equal((await ex.execute({ resourceId: 'fence-n2', action: 'stop' })).rc, OcfExitCode.OK);
  assert.equal(fencer.devices().length, 0);
  const r = await fencer.fence('n2');
  assert.ok(r.err);
  assert.equal(r.val.code, 'QUORATE_ERR_NO_FENCE_DEVICE');
});

test('pcmk_delay_base (per-node map) delays fencing on the cluster clock', async () => {
  const clock = new VirtualClock(0);
  const fencer = new Fencer({ node: 'n1', clock });
  const at: number[] = [];
  fencer.register(StonithDevice.function('d', { hosts: ['n2', 'n3'], fence: () => { at.push(clock.now()); } },
    { pcmk_delay_base: 'n2:5s;n3:0' }));
  const p = fencer.fence('n2');
  await flush();
  clock.advance(4999);
  await flush();
  assert.deepEqual(at, []);
  clock.advance(1);
  assert.ok((await p).ok);
  assert.deepEqual(at, [5000]);
  assert.ok((await fencer.fence('n3')).ok);
  assert.deepEqual(at, [5000, 5000], 'n3 has no delay');
  const dev = StonithDevice.function('r', { fence: () => true }, { pcmk_delay_base: '2s', pcmk_delay_max: '4s' });
  const { SeededRng } = await import('../../src/util/rng.js');
  const rng = new SeededRng(7);
  for (let i = 0; i < 20; i++) {
    const d = dev.delayMs('x', rng);
    assert.ok(d >= 2000 && d <= 4000, String(d));
  }
});
