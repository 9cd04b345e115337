/**
 * Tier-1 behaviours: the DC shuts down after the other nodes, a clone's stop does
 * not pull a group ordered before it into stopping, and the reason texts of
 * restarts that cannot start again; plus the per-case matches they give.
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCib } from '../../src/cib/parse.js';
import { unpackCluster } from '../../src/cib/unpack/unpack.js';
import { scheduleUnpacked } from '../../src/policy/schedule.js';
import type { TransitionGraph } from '../../src/policy/graph.js';
import { loadCases, runCase } from './cases.js';

const NOW = 1_700_000_000;

function nodeState(id: string, shutdown: boolean): string {
  const sd = shutdown ? ' shutdown="1000"' : '';
  const attrs = shutdown ? `<nvpair id="sd-${id}" name="shutdown" value="1000"/>` : '';
  return `<node_state id="${id}" uname="${id}" in_ccm="true" crmd="online" join="member" expected="${shutdown ? 'down' : 'member'}"${sd}>
      <transient_attributes id="${id}"><instance_attributes id="s-${id}">${attrs}</instance_attributes></transient_attributes></node_state>`;
}

function graphOf(dc: string, down: string[]): TransitionGraph {
  const names = ['n1', 'n2', 'n3'];
  const xml = `<cib validate-with="pacemaker-3.0" epoch="1" num_updates="1" admin_epoch="0" have-quorum="1" dc-uuid="${dc}">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes>${names.map((n) => `<node id="${n}" uname="${n}"/>`).join('')}</nodes>
    <resources/><constraints/>
  </configuration>
  <status>${names.map((n) => nodeState(n, down.includes(n))).join('')}</status>
</cib>`;
  const parsed = parseCib(xml);
  assert.ok(parsed.ok, 'test CIB parses');
  return scheduleUnpacked(unpackCluster(parsed.val, { now: NOW })).graph;
}

function inputsOf(g: TransitionGraph, key: string): string[] {
  const byId = new Map(g.actions.map((a) => [a.id, a]));
  const a = g.actions.find((x) => x.key === key);
  assert.ok(a, `${key} in graph`);
  return a.inputs.map((i) => byId.get(i)!.key).sort();
}

test('a DC that shuts down waits for the other nodes\' shutdowns', () => {
  const g = graphOf('n1', ['n1', 'n2', 'n3']);
  assert.deepEqual(inputsOf(g, 'do_shutdown-n1'), ['do_shutdown-n2', 'do_shutdown-n3']);
  assert.deepEqual(inputsOf(g, 'do_shutdown-n2'), []);
  assert.deepEqual(inputsOf(g, 'do_shutdown-n3'), []);
});

test('without the DC shutting down, shutdowns are not ordered among themselves', () => {
  const g = graphOf('n1', ['n2', 'n3']);
  assert.deepEqual(inputsOf(g, 'do_shutdown-n2'), []);
  assert.deepEqual(inputsOf(g, 'do_shutdown-n3'), []);
  assert.ok(!g.actions.some((a) => a.key === 'do_shutdown-n1'));
});

test('tier-1 cases these rules fix match Pacemaker (summary and graph)', () => {
  const names = new Set(['inc12', 'bug-lf-2153', 'bug-lf-2453', 'clone_min_interleave_stop_two', 'stop-failure-no-fencing', 'stop-failure-no-quorum', 'stop-failure-with-fencing', 'clone-interleave-3', 'inc6', 'bug-lf-2493', 'order-clone']);
  const rows = loadCases().filter((c) => names.has(c.name));
  assert.equal(rows.length, names.size);
  for (const c of rows) {
    const r = runCase(c);
    assert.equal(r.error, undefined, `${c.name}: ${r.error}`);
    assert.ok(r.summary, `${c.name}: summary\n${r.summaryText ?? ''}`);
    assert.ok(r.graph, `${c.name}: graph ${JSON.stringify(r.diff)}`);
  }
});

function startCib(opts: { stonith: string; device: boolean; running: boolean }): string {
  const device = opts.device ? '<primitive id="F" class="stonith" type="fence_dummy"/>' : '';
  const history = opts.running
    ? '<lrm id="n1"><lrm_resources><lrm_resource id="A" class="ocf" provider="pacemaker" type="Dummy"><lrm_rsc_op id="A_last_0" operation_key="A_start_0" operation="start" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" call-id="2" rc-code="0" op-status="0" interval="0" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/></lrm_resource></lrm_resources></lrm>'
    : '';
  return `<cib validate-with="pacemaker-3.0" epoch="1" num_updates="1" admin_epoch="0" have-quorum="1" dc-uuid="n1">
  <configuration>
    <crm_config><cluster_property_set id="o">${opts.stonith ? `<nvpair id="o1" name="stonith-enabled" value="${opts.stonith}"/>` : ''}</cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/></nodes>
    <resources>${device}<primitive id="A" class="ocf" provider="pacemaker" type="Dummy"/></resources><constraints/>
  </configuration>
  <status><node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">${history}</node_state></status>
</cib>`;
}

function assignedA(xml: string): string | null {
  const parsed = parseCib(xml);
  assert.ok(parsed.ok, 'test CIB parses');
  return scheduleUnpacked(unpackCluster(parsed.val, { now: NOW })).ctx.byId.get('A')!.assigned;
}

test('fencing enabled without a fence device: an inactive resource needing fencing is not started', () => {
  assert.equal(assignedA(startCib({ stonith: '', device: false, running: false })), null);
  assert.equal(assignedA(startCib({ stonith: 'true', device: false, running: false })), null);
  // With a device, or with fencing disabled, it starts; an active resource stays.
  assert.equal(assignedA(startCib({ stonith: 'true', device: true, running: false })), 'n1');
  assert.equal(assignedA(startCib({ stonith: 'false', device: false, running: false })), 'n1');
  assert.equal(assignedA(startCib({ stonith: 'true', device: false, running: true })), 'n1');
});
