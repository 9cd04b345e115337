import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  initVotequorum,
  votequorumStep,
  votequorumRun,
  quorumFor,
  simpleMajority,
  type VotequorumConfig,
  type VotequorumEvent,
  type VotequorumState,
} from '../../src/quorum/votequorum.js';
import { QuorumTracker } from '../../src/quorum/QuorumTracker.js';
import { VirtualClock } from '../../src/util/clock.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);
const nodes = (n: number) => names(n).map(name => ({ name }));

function init(cfg: VotequorumConfig): VotequorumState {
  const s = initVotequorum(cfg);
  assert.ok(s.ok, s.err ? s.val.message : '');
  return s.val;
}

const view = (...members: string[]): VotequorumEvent => ({ type: 'view', members });
const lms: VotequorumEvent = { type: 'timerExpired', timer: 'lastManStanding' };

interface Row {
  name: string;
  config: VotequorumConfig;
  events: VotequorumEvent[];
  quorate: boolean;
  expectedVotes: number;
  quorum: number;
}

// Each row: the status after the event sequence (examples from votequorum(5)).
const table: Row[] = [
  { name: 'plain 3 nodes, all present', config: { nodes: nodes(3) }, events: [view('n1', 'n2', 'n3')], quorate: true, expectedVotes: 3, quorum: 2 },
  { name: 'plain 3 nodes, 2 present', config: { nodes: nodes(3) }, events: [view('n1', 'n2')], quorate: true, expectedVotes: 3, quorum: 2 },
  { name: 'plain 3 nodes, 1 present', config: { nodes: nodes(3) }, events: [view('n3')], quorate: false, expectedVotes: 3, quorum: 2 },
  { name: '8 nodes: 3 may fail', config: { nodes: nodes(8) }, events: [view(...names(8)), view(...names(5))], quorate: true, expectedVotes: 8, quorum: 5 },
  { name: '8 nodes: a 4th failure loses quorum', config: { nodes: nodes(8) }, events: [view(...names(8)), view(...names(4))], quorate: false, expectedVotes: 8, quorum: 5 },
  { name: 'expected_votes without a node list', config: { nodes: [], expectedVotes: 8 }, events: [view('a', 'b', 'c', 'd', 'e')], quorate: true, expectedVotes: 8, quorum: 5 },
  { name: 'expected votes rise with the votes present', config: { nodes: [], expectedVotes: 2 }, events: [view('a', 'b', 'c', 'd', 'e')], quorate: true, expectedVotes: 5, quorum: 3 },
  {
    name: 'per-node votes', config: { nodes: [{ name: 'big', votes: 3 }, { name: 's1' }, { name: 's2' }] },
    events: [view('big')], quorate: true, expectedVotes: 5, quorum: 3,
  },
  {
    name: 'per-node votes: small nodes alone', config: { nodes: [{ name: 'big', votes: 3 }, { name: 's1' }, { name: 's2' }] },
    events: [view('s1', 's2')], quorate: false, expectedVotes: 5, quorum: 3,
  },
  { name: 'two_node: both', config: { nodes: nodes(2), twoNode: true }, events: [view('n1', 'n2')], quorate: true, expectedVotes: 2, quorum: 1 },
  { name: 'two_node: one survives a split', config: { nodes: nodes(2), twoNode: true }, events: [view('n1', 'n2'), view('n2')], quorate: true, expectedVotes: 2, quorum: 1 },
  { name: 'two_node implies wait_for_all at start', config: { nodes: nodes(2), twoNode: true }, events: [view('n1')], quorate: false, expectedVotes: 2, quorum: 1 },
  { name: 'two_node with wait_for_all off', config: { nodes: nodes(2), twoNode: true, waitForAll: false }, events: [view('n1')], quorate: true, expectedVotes: 2, quorum: 1 },
  { name: 'without two_node, 1 of 2 is not quorate', config: { nodes: nodes(2) }, events: [view('n1', 'n2'), view('n1')], quorate: false, expectedVotes: 2, quorum: 2 },
  { name: 'wait_for_all: majority at start is not enough', config: { nodes: nodes(5), waitForAll: true }, events: [view('n1', 'n2', 'n3', 'n4')], quorate: false, expectedVotes: 5, quorum: 3 },
  {
    name: 'wait_for_all: after all were seen, normal rules', config: { nodes: nodes(5), waitForAll: true },
    events: [view('n1', 'n2', 'n3'), view(...names(5)), view('n1', 'n2', 'n3')], quorate: true, expectedVotes: 5, quorum: 3,
  },
  {
    name: 'wait_for_all: all seen, but not at the same time', config: { nodes: nodes(3), waitForAll: true },
    events: [view('n1', 'n2'), view('n2', 'n3')], quorate: false, expectedVotes: 3, quorum: 2,
  },
  // last_man_standing, the man page's 8-node cascade.
  {
    name: 'LMS: before the window, expected stays 8', config: { nodes: nodes(8), lastManStanding: true, waitForAll: true },
    events: [view(...names(8)), view(...names(5))], quorate: true, expectedVotes: 8, quorum: 5,
  },
  {
    name: 'LMS: after the window, 5/3', config: { nodes: nodes(8), lastManStanding: true, waitForAll: true },
    events: [view(...names(8)), view(...names(5)), lms], quorate: true, expectedVotes: 5, quorum: 3,
  },
  {
    name: 'LMS: cascade to 3/2', config: { nodes: nodes(8), lastManStanding: true, waitForAll: true },
    events: [view(...names(8)), view(...names(5)), lms, view(...names(3)), lms], quorate: true, expectedVotes: 3, quorum: 2,
  },
  {
    name: 'LMS: cascade to 2/2', config: { nodes: nodes(8), lastManStanding: true, waitForAll: true },
    events: [view(...names(8)), view(...names(5)), lms, view(...names(3)), lms, view(...names(2)), lms], quorate: true, expectedVotes: 2, quorum: 2,
  },
  {
    name: 'LMS without ATB: the last node alone is not quorate', config: { nodes: nodes(8), lastManStanding: true, waitForAll: true },
    events: [view(...names(8)), view(...names(5)), lms, view(...names(3)), lms, view(...names(2)), lms, view('n1'), lms], quorate: false, expectedVotes: 2, quorum: 2,
  },
  {
    name: 'LMS with ATB: down to one node (the tie-breaker)', config: { nodes: nodes(8), lastManStanding: true, waitForAll: true, autoTieBreaker: true },
    events: [view(...names(8)), view(...names(5)), lms, view(...names(3)), lms, view(...names(2)), lms, view('n1'), lms], quorate: true, expectedVotes: 1, quorum: 1,
  },
  {
    name: 'LMS: too many at once loses quorum, no recalculation', config: { nodes: nodes(8), lastManStanding: true },
    events: [view(...names(8)), view(...names(4)), lms], quorate: false, expectedVotes: 8, quorum: 5,
  },
  {
    name: 'LMS: rejoining nodes raise expected votes again', config: { nodes: nodes(8), lastManStanding: true },
    events: [view(...names(8)), view(...names(5)), lms, view(...names(7))], quorate: true, expectedVotes: 7, quorum: 4,
  },
  // auto_tie_breaker.
  { name: 'ATB lowest: half with the lowest id', config: { nodes: nodes(4), autoTieBreaker: true }, events: [view(...names(4)), view('n1', 'n2')], quorate: true, expectedVotes: 4, quorum: 3 },
  { name: 'ATB lowest: the other half', config: { nodes: nodes(4), autoTieBreaker: true }, events: [view(...names(4)), view('n3', 'n4')], quorate: false, expectedVotes: 4, quorum: 3 },
  {
    name: 'ATB highest', config: { nodes: nodes(4), autoTieBreaker: true, autoTieBreakerNode: 'highest' },
    events: [view(...names(4)), view('n3', 'n4')], quorate: true, expectedVotes: 4, quorum: 3,
  },
  {
    name: 'ATB list: first listed node decides', config: { nodes: nodes(4), autoTieBreaker: true, autoTieBreakerNode: [3, 1] },
    events: [view(...names(4)), view('n3', 'n4')], quorate: true, expectedVotes: 4, quorum: 3,
  },
  {
    name: 'ATB list: first listed node was not in the cluster, the next decides', config: { nodes: nodes(6), autoTieBreaker: true, autoTieBreakerNode: [6, 2] },
    events: [view(...names(5)), view('n1', 'n2', 'n3')], quorate: true, expectedVotes: 6, quorum: 4,
  },
  {
    name: 'ATB list: the half without the deciding node', config: { nodes: nodes(6), autoTieBreaker: true, autoTieBreakerNode: [6, 2] },
    events: [view(...names(5)), view('n4', 'n5')], quorate: false, expectedVotes: 6, quorum: 4,
  },
  { name: 'ATB: not an exact half', config: { nodes: nodes(5), autoTieBreaker: true }, events: [view(...names(5)), view('n1', 'n2')], quorate: false, expectedVotes: 5, quorum: 3 },
  {
    name: 'ATB: node ids decide, not names', config: { nodes: [{ name: 'a', nodeId: 9 }, { name: 'b', nodeId: 2 }], autoTieBreaker: true },
    events: [view('a', 'b'), view('b')], quorate: true, expectedVotes: 2, quorum: 2,
  },
];

for (const row of table) {
  test(`votequorum: ${row.name}`, () => {
    const [s] = votequorumRun(init(row.config), row.events);
    assert.equal(s.status.quorate, row.quorate, 'quorate');
    assert.equal(s.status.expectedVotes, row.expectedVotes, 'expected votes');
    assert.equal(s.status.quorum, row.quorum, 'quorum');
  });
}

test('outputs: quorumChanged only on change; LMS timer started, restarted and cancelled', () => {
  let s = init({ nodes: nodes(5), lastManStanding: true, lastManStandingWindowMs: 2000 });
  let out;
  [s, out] = votequorumStep(s, view(...names(5)));
  assert.deepEqual(out.map(o => o.type), ['quorumChanged']);
  [s, out] = votequorumStep(s, view(...names(5)));
  assert.deepEqual(out, [], 'same view, nothing changed');
  [s, out] = votequorumStep(s, view(...names(4)));
  assert.deepEqual(out.map(o => o.type), ['quorumChanged', 'startTimer']);
  assert.deepEqual(out[1], { type: 'startTimer', timer: 'lastManStanding', ms: 2000 });
  [s, out] = votequorumStep(s, view(...names(3)));
  assert.deepEqual(out.map(o => o.type), ['quorumChanged', 'cancelTimer', 'startTimer']);
  [s, out] = votequorumStep(s, view(...names(5)));
  assert.deepEqual(out.map(o => o.type), ['quorumChanged', 'cancelTimer']);
  assert.equal(s.lmsTimerRunning, false);
  [s, out] = votequorumStep(s, lms);
  assert.deepEqual(out, [], 'a stale expiry is ignored');
});

test('setExpectedVotes never drops below the votes present', () => {
  let s = init({ nodes: nodes(5) });
  [s] = votequorumRun(s, [view('n1', 'n2'), { type: 'setExpectedVotes', votes: 3 }]);
  assert.equal(s.status.quorate, true);
  assert.equal(s.status.expectedVotes, 3);
  [s] = votequorumStep(s, { type: 'setExpectedVotes', votes: 1 });
  assert.equal(s.status.expectedVotes, 2);
});

test('invalid configurations are errors naming the option', () => {
  const cases: [VotequorumConfig, RegExp][] = [
    [{ nodes: nodes(3), twoNode: true }, /two_node/],
    [{ nodes: [{ name: 'a' }, { name: 'a' }] }, /twice/],
    [{ nodes: [{ name: 'a', votes: -1 }] }, /votes/],
    [{ nodes: [] }, /expected votes/],
    [{ nodes: nodes(4), autoTieBreaker: true, autoTieBreakerNode: [7] }, /nodeid 7/],
    [{ nodes: [{ name: 'a', nodeId: 1 }, { name: 'b', nodeId: 1 }] }, /nodeId 1/],
  ];
  for (const [cfg, re] of cases) {
    const r = initVotequorum(cfg);
    assert.ok(r.err);
    assert.equal(r.val.code, 'QUORATE_ERR_QUORUM_CONFIG');
    assert.match(r.val.message, re);
  }
});

test('quorumFor and simpleMajority', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 8].map(e => quorumFor(e)), [1, 2, 2, 3, 3, 5]);
  assert.equal(quorumFor(2, true), 1);
  assert.equal(quorumFor(3, true), 2);
  assert.equal(simpleMajority(2, 3), true);
  assert.equal(simpleMajority(2, 4), false);
  assert.equal(simpleMajority(0, 0), false);
});

test('QuorumTracker runs the LMS window on the clock', () => {
  const clock = new VirtualClock();
  const t = QuorumTracker.create({ nodes: nodes(5), lastManStanding: true, lastManStandingWindowMs: 1000 }, clock);
  assert.ok(t.ok);
  const seen: number[] = [];
  t.val.on('quorum', s => seen.push(s.expectedVotes));
  t.val.view(names(5));
  t.val.view(names(3));
  clock.advance(999);
  assert.equal(t.val.status.expectedVotes, 5);
  clock.advance(1);
  assert.equal(t.val.status.expectedVotes, 3);
  assert.equal(t.val.status.quorum, 2);
  t.val.view(names(2));
  assert.equal(t.val.status.quorate, true);
  t.val.dispose();
  clock.advance(5000);
  assert.equal(t.val.status.expectedVotes, 3, 'disposed: no more recalculation');
  assert.deepEqual(seen, [5, 5, 3, 3]);
});
