import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TotemSim } from '../../src/messaging/totem/sim.js';
import { SeededRng } from '../../src/util/rng.js';
import type { ProcId } from '../../src/messaging/totem/frames.js';

const T = { tokenMs: 200, tokenCoefficientMs: 50, joinMs: 20, mergeMs: 100 };
const ringKey = (r: { rep: number; seq: number }): string => `${r.rep}/${r.seq}`;

/** Virtual synchrony: members moving from view A to view B delivered the same messages in A. */
function checkVirtualSynchrony(sim: TotemSim, nodes: ProcId[], seed: number): void {
  const transitions = new Map<string, { node: ProcId; delivered: string }[]>();
  for (const n of nodes) {
    const r = sim.records.get(n)!;
    for (let i = 0; i + 1 < r.views.length; i++) {
      const a = ringKey(r.views[i]!.ring);
      const b = ringKey(r.views[i + 1]!.ring);
      const delivered = r.deliveries.filter(d => ringKey(d.ring) === a).map(d => d.payload).join(',');
      const k = `${a}->${b}`;
      transitions.set(k, [...(transitions.get(k) ?? []), { node: n, delivered }]);
    }
  }
  for (const [k, list] of transitions) {
    for (const e of list) assert.equal(e.delivered, list[0]!.delivered, `seed ${seed}: ${k} node ${e.node} vs ${list[0]!.node}`);
  }
}

test('random partitions, heals, loss and a crash: virtual synchrony holds and the ring converges', () => {
  for (const seed of [101, 202, 303, 404]) {
    const nodes = [1, 2, 3, 4, 5];
    const sim = new TotemSim({ nodes, seed, timers: T });
    const rng = new SeededRng(seed);
    sim.start();
    let n = 0;
    const crashed = new Set<ProcId>();
    for (let round = 0; round < 12; round++) {
      sim.loss = rng.chance(0.5) ? 0.05 : 0;
      const r = rng.next();
      if (r < 0.35) {
        const cut = rng.int(1, 4);
        sim.partition(nodes.slice(0, cut), nodes.slice(cut));
      } else if (r < 0.7) sim.heal();
      else if (r < 0.75 && crashed.size === 0) {
        const victim = rng.int(1, 5);
        crashed.add(victim);
        sim.crash(victim);
      }
      for (let i = 0; i < 20; i++) {
        const from = rng.int(1, 5);
        if (!crashed.has(from)) sim.broadcast(from, `s${seed}-${n++}`);
      }
      sim.runUntil(() => false, rng.int(50, 1500));
    }
    // Liveness: heal everything and expect one ring of all live nodes.
    sim.heal();
    sim.loss = 0;
    const live = nodes.filter(x => !crashed.has(x));
    const converged = sim.runUntil(() => {
      const vs = live.map(x => sim.lastView(x));
      return vs.every(v => v && v.members.join() === live.join() && ringKey(v.ring) === ringKey(vs[0]!.ring));
    }, 30_000);
    assert.ok(converged, `seed ${seed}: converged to one ring of ${live}`);
    checkVirtualSynchrony(sim, live, seed);
    // After convergence, everybody delivers the same further stream.
    const marker = `end-${seed}`;
    sim.broadcast(live[0]!, marker);
    assert.ok(sim.runUntil(() => live.every(x => sim.records.get(x)!.deliveries.some(d => d.payload === marker)), 10_000));
    sim.runUntil(() => false, 1000); // backlog ordered after the marker lands everywhere
    const tail = (x: ProcId): string[] => {
      const ds = sim.records.get(x)!.deliveries;
      const ring = ringKey(sim.lastView(x)!.ring);
      return ds.filter(d => ringKey(d.ring) === ring).map(d => d.payload);
    };
    for (const x of live) assert.deepEqual(tail(x), tail(live[0]!), `seed ${seed}: final ring stream of ${x}`);
  }
});
