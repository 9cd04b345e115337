/**
 * Virtual synchrony and membership liveness of the UDP heartbeat protocol on
 * the deterministic simulator: what happens between a member's ack of a
 * proposal and the install, process stalls, and two stable views meeting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HbSim } from '../../src/messaging/udp/sim.js';
import type { HbRing } from '../../src/messaging/udp/frames.js';

const CFG = { intervalMs: 50, deadtimeMs: 500 };
const key = (r: HbRing): string => `${r.rep}/${r.seq}`;

function allInView(sim: HbSim, nodes: number[]): boolean {
  const vs = nodes.map(n => sim.lastView(n));
  return vs.every(v => v && v.members.join() === nodes.join() && key(v.ring) === key(vs[0]!.ring));
}
const payloads = (sim: HbSim, n: number): string[] => sim.records.get(n)!.deliveries.map(d => d.payload);
const ofRing = (sim: HbSim, n: number, ring: string): string[] =>
  sim.records.get(n)!.deliveries.filter(d => key(d.ring) === ring).map(d => d.payload);
const views = (sim: HbSim, n: number): string[] => sim.records.get(n)!.views.map(v => key(v.ring));

/**
 * Virtual synchrony: any two of `nodes` that install view V and then the
 * same next view deliver the same messages in V, in the same order. (A
 * member that went through a view of its own in between, cut off from part
 * of V, may have delivered less of V: extended virtual synchrony.)
 */
function sameInSharedViews(sim: HbSim, nodes: number[]): void {
  const steps = (n: number): string[] => views(sim, n).slice(0, -1).map((v, i) => `${v}>${views(sim, n)[i + 1]}`);
  for (const a of nodes) {
    for (const b of nodes) {
      if (a >= b) continue;
      for (const step of steps(a).filter(x => steps(b).includes(x))) {
        const v = step.split('>')[0]!;
        assert.deepEqual(ofRing(sim, b, v), ofRing(sim, a, v), `nodes ${a} and ${b} in view ${v} (then ${step.split('>')[1]})`);
      }
    }
  }
}

/** Starts 4 members, lets them agree and exchange a few messages; returns the ring and its last sequence number. */
function warm(seed: number): { sim: HbSim; r0: HbRing; top: number } {
  const sim = new HbSim([1, 2, 3, 4], { seed, cfg: CFG });
  sim.start();
  assert.ok(sim.runUntil(() => allInView(sim, [1, 2, 3, 4]), 10_000), 'first view');
  for (let i = 0; i < 8; i++) sim.broadcast((i % 4) + 1, `w${i}`);
  assert.ok(sim.runUntil(() => [1, 2, 3, 4].every(n => payloads(sim, n).length === 8), 5_000), 'warm-up delivered');
  const r0 = sim.lastView(1)!.ring;
  return { sim, r0, top: sim.states.get(1)!.cur!.aru };
}

test('udp vsync: the sequencer orders nothing between proposing a view and installing it', () => {
  const { sim, r0, top } = warm(11);
  const inR0 = (r: HbRing): boolean => key(r) === key(r0);
  // Old-view messages numbered after the proposal reach 2 only after 2's
  // ack, and 4 never (nor do retransmissions from 1); 4's ack is slow, so
  // the install's cut is what the acks reported.
  sim.drop = (from, to, f) => from === 1 && to === 4 && f.t === 'data' && inR0(f.ring) && f.seq > top;
  sim.delay = (from, to, f) => (f.t === 'ack' && from === 4 && to === 1 ? 100 : 0) + (f.t === 'data' && from === 1 && to === 2 && inR0(f.ring) && f.seq > top ? 6 : 0);
  sim.crash(3);
  assert.ok(sim.runUntil(() => sim.states.get(1)!.proposal?.members.join() === '1,2,4', 5_000, 1), '1 proposes {1,2,4}');
  sim.broadcast(1, 'late-1');
  sim.broadcast(2, 'late-2');
  assert.ok(sim.runUntil(() => allInView(sim, [1, 2, 4]), 10_000), 'survivors install {1,2,4}');
  sim.drop = undefined;
  sim.delay = undefined;
  const all = ['late-1', 'late-2'];
  assert.ok(sim.runUntil(() => [1, 2, 4].every(n => all.every(m => payloads(sim, n).includes(m))), 5_000),
    `every survivor delivers both late messages: ${[1, 2, 4].map(n => payloads(sim, n).slice(8).join(',')).join(' | ')}`);
  assert.deepEqual(ofRing(sim, 4, key(r0)), ofRing(sim, 1, key(r0)), 'same old-view messages on 1 and 4');
  sameInSharedViews(sim, [1, 2, 4]);
  for (const n of [1, 2, 4]) assert.equal(payloads(sim, n).filter(p => all.includes(p)).length, 2, `node ${n}: each once`);
});

test('udp vsync: a member delivers nothing after acknowledging a proposal (old sequencer still sending)', () => {
  const { sim, r0, top } = warm(12);
  const inR0 = (r: HbRing): boolean => key(r) === key(r0);
  // 2 stops hearing 1 (one way), so 2 proposes {2,3,4} while 1 still orders
  // and sends: 3 gets 1's next message after acking 2's proposal, 4 never.
  sim.drop = (from, to, f) => (from === 1 && to === 2) || (from === 1 && to === 4 && f.t === 'data' && inR0(f.ring) && f.seq > top);
  sim.delay = (from, to, f) => (f.t === 'ack' && from === 4 && to === 2 ? 100 : 0);
  assert.ok(sim.runUntil(() => sim.states.get(2)!.proposal?.members.join() === '2,3,4', 5_000, 1), '2 proposes {2,3,4}');
  sim.runUntil(() => false, 5, 1); // 3's ack is out
  sim.broadcast(1, 'late-1');
  sim.runUntil(() => false, 300);
  // Whatever 3 and 4 installed since (2's view, or 1's next), they left the
  // first view at the same point.
  assert.ok([3, 4].every(n => key(sim.lastView(n)!.ring) !== key(r0)) || [3, 4].every(n => ofRing(sim, n, key(r0)).length === 8),
    `3 and 4 left the first view together, or both wait in it: ${[3, 4].map(n => views(sim, n).join(',')).join(' | ')}`);
  assert.deepEqual(ofRing(sim, 4, key(r0)), ofRing(sim, 3, key(r0)), 'same first-view messages on 3 and 4');
  sim.drop = undefined;
  sim.delay = undefined;
  assert.ok(sim.runUntil(() => allInView(sim, [1, 2, 3, 4]), 20_000), 'all merge again');
  sim.broadcast(4, 'after');
  assert.ok(sim.runUntil(() => [1, 2, 3, 4].every(n => payloads(sim, n).includes('after')), 5_000));
  sameInSharedViews(sim, [2, 3, 4]);
});

test('udp liveness: a stalled process declares no one dead when it wakes, and views merge back', () => {
  const { sim } = warm(13);
  const before = views(sim, 3).length;
  sim.pause(3, 400); // under the deadtime: no one notices
  sim.runUntil(() => false, 1_000);
  assert.equal(views(sim, 3).length, before, 'no view change after a short stall');
  sim.pause(1, 2_000); // the sequencer stalls past the deadtime: the others go on without it
  assert.ok(sim.runUntil(() => allInView(sim, [2, 3, 4]), 5_000), 'the others install {2,3,4}');
  assert.ok(sim.runUntil(() => allInView(sim, [1, 2, 3, 4]), 10_000), '1 wakes and all merge');
  assert.ok(!sim.records.get(1)!.views.slice(before).some(v => v.members.length < 4), `1 never installed a view without its live peers: ${views(sim, 1).join(' ')}`);
  sim.broadcast(2, 'after');
  assert.ok(sim.runUntil(() => [1, 2, 3, 4].every(n => payloads(sim, n).includes('after')), 5_000));
  sameInSharedViews(sim, [1, 2, 3, 4]);
});

test('udp liveness: two stable views merge (a sequencer whose view looks complete still re-proposes)', () => {
  const { sim } = warm(14);
  // 2, 3 and 4 stop hearing 1 while 1 hears them: they form {2,3,4}; 1 keeps
  // {1,2,3,4}, in which it sees everyone alive.
  sim.drop = from => from === 1;
  assert.ok(sim.runUntil(() => allInView(sim, [2, 3, 4]), 5_000), '{2,3,4} without 1');
  assert.equal(sim.lastView(1)!.members.join(), '1,2,3,4');
  sim.drop = undefined;
  assert.ok(sim.runUntil(() => allInView(sim, [1, 2, 3, 4]), 10_000), `merged: ${[1, 2, 3, 4].map(n => views(sim, n).join(',')).join(' | ')}`);
  for (let i = 0; i < 40; i++) sim.broadcast((i % 4) + 1, `m${i}`);
  assert.ok(sim.runUntil(() => [1, 2, 3, 4].every(n => payloads(sim, n).filter(p => p.startsWith('m')).length === 40), 5_000), 'ordering works again');
  sameInSharedViews(sim, [1, 2, 3, 4]);
});
