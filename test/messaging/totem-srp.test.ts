import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TotemSim } from '../../src/messaging/totem/sim.js';
import type { ProcId } from '../../src/messaging/totem/frames.js';

const T = { tokenMs: 200, tokenCoefficientMs: 50, joinMs: 20, mergeMs: 100 };

function allInView(sim: TotemSim, nodes: ProcId[]): boolean {
  const views = nodes.map(n => sim.lastView(n));
  return views.every(v => v && v.members.join() === nodes.join() && v.ring.seq === views[0]!.ring.seq && v.ring.rep === views[0]!.ring.rep);
}

function seqOf(sim: TotemSim, n: ProcId): string[] {
  return sim.records.get(n)!.deliveries.map(d => d.payload);
}

test('a ring of 4 forms and delivers the same total order under 10% loss', () => {
  const nodes = [1, 2, 3, 4];
  const sim = new TotemSim({ nodes, seed: 7, timers: T });
  sim.start();
  assert.ok(sim.runUntil(() => allInView(sim, nodes), 10_000), 'ring formed');
  sim.loss = 0.1;
  for (let i = 0; i < 200; i++) sim.broadcast(nodes[i % 4]!, `m${i}`);
  assert.ok(sim.runUntil(() => nodes.every(n => seqOf(sim, n).length === 200), 60_000), 'all delivered');
  const ref = seqOf(sim, 1);
  for (const n of nodes) assert.deepEqual(seqOf(sim, n), ref);
  // Per-sender FIFO holds inside the total order.
  for (const sender of nodes) {
    const mine = ref.filter(p => Number(p.slice(1)) % 4 === sender - 1).map(p => Number(p.slice(1)));
    assert.deepEqual(mine, [...mine].sort((a, b) => a - b));
  }
  assert.ok([...sim.states.values()].some(s => s.counters.retransmits > 0), 'loss forced retransmissions');
  assert.ok(allInView(sim, nodes), 'loss alone did not break the ring');
});

test('token loss after a crash installs a view without the dead node; survivors agree on the old ring', () => {
  const nodes = [1, 2, 3, 4, 5];
  const sim = new TotemSim({ nodes, seed: 3, timers: T });
  sim.start();
  assert.ok(sim.runUntil(() => allInView(sim, nodes), 10_000));
  for (let i = 0; i < 100; i++) sim.broadcast(nodes[i % 5]!, `a${i}`);
  sim.run(15);
  sim.crash(3);
  const t0 = sim.clock.now();
  const survivors = [1, 2, 4, 5];
  assert.ok(sim.runUntil(() => allInView(sim, survivors), 20_000), 'new view');
  const cfg = sim.states.get(1)!.cfg;
  // The bound: the others agree within token + consensus (+10 %), on the virtual clock.
  const bound = Math.round(1.1 * (cfg.tokenTimeoutMs + cfg.consensusMs));
  assert.ok(sim.clock.now() - t0 <= bound, `detected in ${sim.clock.now() - t0} ms, bound ${bound} ms`);
  // Virtual synchrony: every survivor delivered the same messages of the old ring.
  const oldRing = sim.records.get(1)!.views[0]!.ring;
  const ofOld = (n: ProcId): string[] => sim.records.get(n)!.deliveries.filter(d => d.ring.seq === oldRing.seq).map(d => d.payload);
  for (const n of survivors) assert.deepEqual(ofOld(n), ofOld(1));
  for (let i = 0; i < 40; i++) sim.broadcast(survivors[i % 4]!, `b${i}`);
  assert.ok(sim.runUntil(() => survivors.every(n => seqOf(sim, n).filter(p => p.startsWith('b')).length === 40), 20_000));
  sim.run(1000); // let trailing messages of the crash-time backlog land everywhere
  const ref2 = seqOf(sim, 1);
  for (const n of survivors) assert.deepEqual(seqOf(sim, n), ref2);
  // Messages of survivors broadcast before the crash are never lost.
  for (let i = 0; i < 100; i++) if (i % 5 !== 2) assert.ok(ref2.includes(`a${i}`), `a${i} delivered`);
});

test('a healed partition merges into one ring with a fresh ring id', () => {
  const nodes = [1, 2, 3];
  const sim = new TotemSim({ nodes, seed: 11, timers: T });
  sim.start();
  assert.ok(sim.runUntil(() => allInView(sim, nodes), 10_000));
  const first = sim.lastView(1)!.ring;
  sim.partition([1, 2], [3]);
  assert.ok(sim.runUntil(() => allInView(sim, [1, 2]) && allInView(sim, [3]), 20_000), 'split');
  sim.broadcast(1, 'left');
  sim.broadcast(3, 'right');
  sim.run(500);
  assert.ok(seqOf(sim, 2).includes('left') && !seqOf(sim, 2).includes('right'));
  sim.heal();
  assert.ok(sim.runUntil(() => allInView(sim, nodes), 20_000), 'merged');
  const merged = sim.lastView(1)!.ring;
  assert.ok(merged.seq > first.seq);
  sim.broadcast(3, 'after');
  assert.ok(sim.runUntil(() => nodes.every(n => seqOf(sim, n).includes('after')), 5_000));
  const tail = (n: ProcId): string[] => seqOf(sim, n).slice(seqOf(sim, n).indexOf('after'));
  assert.deepEqual(tail(1), tail(3));
});

test('a node that starts late joins the ring', () => {
  const nodes = [1, 2, 3];
  const sim = new TotemSim({ nodes, seed: 5, timers: T });
  sim.crash(3); // not running yet
  sim.start();
  assert.ok(sim.runUntil(() => allInView(sim, [1, 2]), 10_000));
  assert.ok(!sim.lastView(3));
});
