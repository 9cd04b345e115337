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

/**
 * The sequencer (1) dies with its last messages only partly spread: 4 has all
 * ten, 2 has eight, 3 has six. 2 proposes {2,3,4}; the cut of the old view is
 * 4's ten, held by 4. Then 4 dies before serving anyone (`starved` lists
 * who gets no old-view retransmissions while 4 lives) — or after serving only
 * 2, so 2 installs the interrupted view and 3 never does. Either way the
 * survivors must deliver the same old-view messages, each exactly once, and
 * agree on every view they both install.
 */
function holderDiesDuringFlush(starved: number[]): void {
  const sim = new HbSim([1, 2, 3, 4], { seed: 5, cfg: CFG });
  sim.start();
  assert.ok(sim.runUntil(() => allInView(sim, [1, 2, 3, 4]), 10_000), 'first view');
  const r0 = sim.lastView(2)!.ring;
  const inR0 = (ring: { rep: number; seq: number }): boolean => ring.rep === r0.rep && ring.seq === r0.seq;
  // Old-view data beyond 8 never reaches 2, beyond 6 never reaches 3, and no
  // one repairs it in that view.
  sim.drop = (from, to, f) => (f.t === 'data' && inR0(f.ring) && from === 1 && ((to === 2 && f.seq > 8) || (to === 3 && f.seq > 6)))
    || (f.t === 'nak' && inR0(f.ring) && to === 1);
  for (let i = 1; i <= 10; i++) sim.broadcast(3, `m${i}`);
  assert.ok(sim.runUntil(() => payloads(sim, 4).length === 10 && payloads(sim, 2).length === 8 && payloads(sim, 3).length === 6, 5_000),
    `spread: ${[2, 3, 4].map(n => payloads(sim, n).length).join('/')}`);
  // 4 keeps heartbeating (so it is in the next proposal and holds the cut)
  // but old-view retransmissions never reach the starved members.
  sim.drop = (_from, to, f) => f.t === 'data' && inR0(f.ring) && starved.includes(to);
  sim.crash(1);
  assert.ok(sim.runUntil(() => {
    const fl = sim.states.get(3)!.flush;
    return !!fl && fl.members.join() === '2,3,4' && fl.cut?.holder === 4 && fl.cut.seq === 10;
  }, 10_000), '3 flushes {2,3,4} towards 4\'s ten');
  // Let the starved members wait on 4 well past the old give-up deadline.
  sim.runUntil(() => false, 200);
  sim.crash(4);
  // Starved until the next view's install reaches 3 (else 3 may still
  // complete the interrupted flush from 2, which is also correct).
  assert.ok(sim.runUntil(() => sim.states.get(3)!.flush?.members.join() === '2,3', 20_000), '3 flushes {2,3}');
  sim.drop = undefined;
  assert.ok(sim.runUntil(() => allInView(sim, [2, 3]), 20_000), 'survivors install {2,3}');
  // The interrupted view {2,3,4}: installed by those 4 served, by no one else.
  const installedR1 = (n: number): boolean => sim.records.get(n)!.views.some(v => v.members.join() === '2,3,4');
  for (const n of [2, 3]) assert.equal(installedR1(n), !starved.includes(n), `node ${n} installed {2,3,4}`);
  const ofR0 = (n: number): string[] => sim.records.get(n)!.deliveries.filter(d => inR0(d.ring)).map(d => d.payload);
  assert.deepEqual(ofR0(3), ofR0(2), 'same old-view messages on both survivors');
  assert.ok(ofR0(2).length >= 8, `at least what 2 held: ${ofR0(2).length}`);
  // Every view both installed: same messages, same order.
  const views = (n: number): string[] => sim.records.get(n)!.views.map(v => `${v.ring.rep}/${v.ring.seq}`);
  for (const v of views(2).filter(x => views(3).includes(x))) {
    const of = (n: number): string[] => sim.records.get(n)!.deliveries.filter(d => `${d.ring.rep}/${d.ring.seq}` === v).map(d => d.payload);
    assert.ok(sim.runUntil(() => of(3).length === of(2).length, 5_000));
    assert.deepEqual(of(3), of(2), `view ${v}`);
  }
  // 3's messages the old view lost are ordered in the new one: each exactly once.
  const all = Array.from({ length: 10 }, (_, i) => `m${i + 1}`);
  assert.ok(sim.runUntil(() => [2, 3].every(n => all.every(m => payloads(sim, n).includes(m))), 10_000), 'none lost');
  for (const n of [2, 3]) assert.deepEqual([...payloads(sim, n)].sort(), [...all].sort(), `node ${n}: each once`);
  assert.deepEqual(payloads(sim, 3), payloads(sim, 2), 'same total order');
}

test('heartbeat protocol: the flush holder dies before serving anyone → survivors flush to a cut they can reach', () => {
  holderDiesDuringFlush([2, 3]);
});

test('heartbeat protocol: the flush holder dies after serving one survivor → the other fetches from it (retired view)', () => {
  holderDiesDuringFlush([3]);
});
