/**
 * Promotable clones and roles: behaviours fixed on Pacemaker 2.1.5's regression
 * cases (anti-colocation with roles, a promoted primitive outside any clone),
 * asserted as concrete actions and orderings, plus the per-case matches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCib } from '../../src/cib/parse.js';
import { unpackCluster, executionDate } from '../../src/cib/unpack/unpack.js';
import { scheduleUnpacked } from '../../src/policy/schedule.js';
import type { TransitionGraph } from '../../src/policy/index.js';
import { CASES_DIR, loadCases, runCase } from './cases.js';

function graphOf(name: string): TransitionGraph {
  const cib = parseCib(readFileSync(join(CASES_DIR, 'xml', `${name}.xml`), 'utf8'));
  assert.ok(cib.ok);
  const now = executionDate(cib.val) ?? 1_700_000_000;
  return scheduleUnpacked(unpackCluster(cib.val, { now })).graph;
}

type Action = TransitionGraph['actions'][number];

function find(g: TransitionGraph, key: string, node?: string): Action {
  const a = g.actions.find((x) => (x.internalKey ?? x.key) === key && (node === undefined || x.node?.name === node));
  assert.ok(a, `${key}${node ? ` on ${node}` : ''} is in the graph`);
  return a;
}

function before(g: TransitionGraph, first: Action, then: Action): boolean {
  void g;
  return then.inputs.includes(first.id);
}

test('-INFINITY colocation with the promoted role orders by role: stop before promote, demoted before start', () => {
  // dummy1 must never run with ms1's promoted instance; the promoted role moves to dummy1's node.
  const g = graphOf('anti-colocation-promoted');
  const stop = find(g, 'dummy1_stop_0'), start = find(g, 'dummy1_start_0');
  const promote = find(g, 'ms1_promote_0'), demoted = find(g, 'ms1_demoted_0');
  assert.ok(before(g, stop, promote), 'the dependent leaves before the primary is promoted');
  assert.ok(before(g, demoted, start), 'the primary is demoted before the dependent starts');
  assert.ok(!g.actions.some((a) => a.key === 'ms1_stop_0'), 'no stop/start orderings drag the clone along');
});

test('a promoted primitive outside any clone is demoted everywhere before it stops (bug-rh-880249)', () => {
  const g = graphOf('bug-rh-880249');
  const demotes = g.actions.filter((a) => a.key === 'dummystateful_demote_0');
  const stops = g.actions.filter((a) => a.key === 'dummystateful_stop_0');
  assert.equal(demotes.length, 3, 'one demote per active node');
  assert.equal(stops.length, 3);
  for (const s of stops) for (const d of demotes) assert.ok(s.inputs.includes(d.id), `stop on ${s.node?.name} after demote on ${d.node?.name}`);
  const start = find(g, 'dummystateful_start_0', '18node3');
  for (const s of stops) assert.ok(start.inputs.includes(s.id));
});

test('history recorded with another agent is deleted after the stop (colocation_constraint_stops_promoted)', () => {
  // fc16-builder2 probed NATIVE_RSC_A:0 as ocf:pacemaker:Dummy; it is now Stateful.
  const g = graphOf('colocation_constraint_stops_promoted');
  const del = find(g, 'NATIVE_RSC_A:0_delete_0', 'fc16-builder2');
  const stop = find(g, 'NATIVE_RSC_A:0_stop_0', 'fc16-builder');
  assert.deepEqual(del.inputs, [stop.id], 'the delete waits for the stop only');
});

test('an active resource whose agent changed restarts, its history deleted between stop and start (params-2)', () => {
  const g = graphOf('params-2');
  const stop = find(g, 'rsc2_stop_0', 'node2'), del = find(g, 'rsc2_delete_0', 'node2'), start = find(g, 'rsc2_start_0', 'node2');
  assert.ok(del.inputs.includes(stop.id));
  assert.ok(start.inputs.includes(del.id));
  const del3 = find(g, 'rsc3_delete_0', 'node3');
  assert.ok(find(g, 'rsc3_start_0', 'node3').inputs.includes(del3.id), 'inactive there: deleted before it starts');
  assert.ok(!g.actions.some((a) => a.key === 'rsc1_delete_0'), 'a shutting-down node is not checked');
});

test('a promoted-role dependent of a primary that cannot start is not promoted (promoted-with-blocked)', () => {
  const g = graphOf('promoted-with-blocked');
  assert.ok(!g.actions.some((a) => a.operation === 'promote'), 'no promotion: rsc1 (its colocation primary) cannot start');
  assert.equal(g.actions.filter((a) => a.operation === 'start' && a.kind === 'rsc_op' && a.key.startsWith('rsc2')).length, 5, 'the instances still start');
});

test('a clone ordered after a stopping primitive\'s start stops "due to required" that start (order_constraint_stops_*)', () => {
  for (const name of ['order_constraint_stops_promoted', 'order_constraint_stops_unpromoted']) {
    const { ctx } = (() => {
      const cib = parseCib(readFileSync(join(CASES_DIR, 'xml', `${name}.xml`), 'utf8'));
      assert.ok(cib.ok);
      return scheduleUnpacked(unpackCluster(cib.val, { now: executionDate(cib.val) ?? 1_700_000_000 }));
    })();
    const start = ctx.orders.map((o) => o.then).find((a) => a.rsc?.id === 'NATIVE_RSC_A:0' && a.task === 'start');
    assert.equal(start?.reason, 'required NATIVE_RSC_B start', name);
  }
});

test('an action made unrunnable by its own resource\'s action gets no reason: the promote is just "blocked" (promoted-9)', () => {
  const cib = parseCib(readFileSync(join(CASES_DIR, 'xml', 'promoted-9.xml'), 'utf8'));
  assert.ok(cib.ok);
  const { ctx } = scheduleUnpacked(unpackCluster(cib.val, { now: executionDate(cib.val) ?? 1_700_000_000 }));
  const promote = ctx.orders.map((o) => o.then).find((a) => a.rsc?.id === 'ocf_msdummy:0' && a.task === 'promote');
  assert.ok(promote && !promote.runnable);
  assert.equal(promote.reason, undefined);
});

test('unmanaged promotable instances get their role monitors where they are (promoted-reattach)', () => {
  const g = graphOf('promoted-reattach');
  const m10 = find(g, 'drbd1:0_monitor_10000', 'dktest1');
  const m11 = g.actions.find((a) => a.key === 'drbd1:0_monitor_11000' && a.node?.name === 'dktest2');
  assert.ok(m11, 'the unpromoted role monitor on dktest2');
  assert.ok(!g.actions.some((a) => a.operation === 'start' || a.operation === 'promote'), 'nothing else happens');
  void m10;
});

/** Promotable and role cases whose summary and graph match Pacemaker's. */
const FIXED = ['anti-colocation-promoted', 'bug-rh-880249', 'interleave-pseudo-stop', 'colocation_constraint_stops_promoted', 'promoted-with-blocked',
  'order_constraint_stops_promoted', 'order_constraint_stops_unpromoted', 'promoted-9', 'promoted-reattach'];

test('fixed promotable/role cases match summary and graph', () => {
  const rows = loadCases().filter((c) => FIXED.includes(c.name));
  assert.equal(rows.length, FIXED.length);
  const bad = rows.map(runCase).filter((r) => !r.summary || !r.graph).map((r) => `${r.name}: summary=${r.summary} graph=${r.graph}`);
  assert.deepEqual(bad, []);
});
