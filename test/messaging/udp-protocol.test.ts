import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HbSim } from '../../src/messaging/udp/sim.js';

const CFG = { intervalMs: 50, deadtimeMs: 500 };

function allInView(sim: HbSim, nodes: number[]): boolean {
  const vs = nodes.map(n => sim.lastView(n));
  return vs.every(v => v && v.members.join() === nodes.join() && v.ring.seq === vs[0]!.ring.seq && v.ring.rep === vs[0]!.ring.rep);
}
const payloads = (sim: HbSim, n: number): string[] => sim.records.get(n)!.deliveries.map(d => d.payload);

test('heartbeat protocol: same total order on all members under 15% loss', () => {
  for (const seed of [1, 2, 3]) {
    const sim = new HbSim([1, 2, 3, 4], { seed, cfg: CFG });
    sim.start();
    assert.ok(sim.runUntil(() => allInView(sim, [1, 2, 3, 4]), 10_000), `seed ${seed}: view`);
    sim.loss = 0.15;
    for (let i = 0; i < 300; i++) sim.broadcast((i % 4) + 1, `m${i}`);
    assert.ok(sim.runUntil(() => [1, 2, 3, 4].every(n => payloads(sim, n).length === 300), 60_000), `seed ${seed}: delivered`);
    for (const n of [2, 3, 4]) assert.deepEqual(payloads(sim, n), payloads(sim, 1), `seed ${seed}: node ${n}`);
    assert.ok([...sim.states.values()].some(s => s.counters.retransmits > 0), 'loss was repaired by NAKs');
  }
});

test('heartbeat protocol: sequencer crash → survivors agree on the old view and install a new one', () => {
  const sim = new HbSim([1, 2, 3, 4], { seed: 9, cfg: CFG });
  sim.start();
  assert.ok(sim.runUntil(() => allInView(sim, [1, 2, 3, 4]), 10_000));
  sim.loss = 0.05;
  for (let i = 0; i < 200; i++) sim.broadcast((i % 4) + 1, `a${i}`);
  sim.runUntil(() => false, 30);
  sim.crash(1);
  assert.ok(sim.runUntil(() => allInView(sim, [2, 3, 4]), 20_000), 'new view');
  assert.equal(sim.lastView(2)!.ring.rep, 2);
  const old = sim.records.get(2)!.views.find(v => v.members.length === 4)!.ring;
  const ofOld = (n: number): string[] => sim.records.get(n)!.deliveries.filter(d => d.ring.seq === old.seq && d.ring.rep === old.rep).map(d => d.payload);
  for (const n of [3, 4]) assert.deepEqual(ofOld(n), ofOld(2), 'same old-view messages on survivors');
  // Survivors' messages cut off by the crash are ordered in the new view: none lost.
  const survivorMsgs = Array.from({ length: 200 }, (_, i) => i).filter(i => i % 4 !== 0).map(i => `a${i}`);
  assert.ok(sim.runUntil(() => [2, 3, 4].every(n => survivorMsgs.every(m => payloads(sim, n).includes(m))), 20_000), 'none lost');
  sim.runUntil(() => false, 500);
  for (const n of [3, 4]) assert.deepEqual(payloads(sim, n), payloads(sim, 2));
});

test('heartbeat protocol: partition and heal', () => {
  const sim = new HbSim([1, 2, 3], { seed: 4, cfg: CFG });
  sim.start();
  assert.ok(sim.runUntil(() => allInView(sim, [1, 2, 3]), 10_000));
  sim.partition([1], [2, 3]);
  assert.ok(sim.runUntil(() => allInView(sim, [1]) && allInView(sim, [2, 3]), 10_000), 'split');
  sim.heal();
  assert.ok(sim.runUntil(() => allInView(sim, [1, 2, 3]), 10_000), 'healed');
  sim.broadcast(3, 'x');
  assert.ok(sim.runUntil(() => [1, 2, 3].every(n => payloads(sim, n).includes('x')), 5_000));
});
