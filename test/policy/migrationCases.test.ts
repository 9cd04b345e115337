/**
 * Live migration rules on small inputs, and the Pacemaker 2.1.5 cases they settle:
 * a dangling migration source is stopped (without restarting the resource where it
 * runs), any stop that cannot migrate turns a migration into a restart, and the
 * Move line names what prevented the migration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCib } from '../../src/cib/parse.js';
import { sortOps } from '../../src/cib/unpack/history.js';
import type { Cib, LrmRscOp } from '../../src/cib/types.js';
import { schedule, applyGraphToCib, formatTransitionSummary } from '../../src/policy/index.js';
import { loadCases, runCase } from './cases.js';

const NOW = 1_700_000_000;
/** The digest crm_simulate records for a Dummy start without parameters (so no definition change). */
const DIGEST = 'f2317cad3d54cec5d7d7aa7d0bf35cf8';

function op(id: string, task: string, call: number, extra = ''): string {
  return `<lrm_rsc_op id="${id}" operation="${task}" call-id="${call}" rc-code="0" op-status="0" interval="0" transition-key="${call}:5:0:abc" transition-magic="0:0;${call}:5:0:abc" last-rc-change="${1000 + call}" op-digest="${DIGEST}" ${extra}/>`;
}

/**
 * Three nodes; vm (allow-migrate) migrated n1 -> n2 (migrate_to on n1 and migrate_from
 * on n2 both succeeded) but was never stopped on n1. `ban` forbids one node for vm.
 */
function danglingCib(ban?: string): Cib {
  const node = (n: string): string => `<node id="${n}" uname="${n}"/>`;
  const state = (n: string, ops: string): string =>
    `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>`
    + `<lrm_resource id="vm" class="ocf" provider="heartbeat" type="Dummy">${ops}</lrm_resource></lrm_resources></lrm></node_state>`;
  const mig = 'migrate_source="n1" migrate_target="n2"';
  const xml = `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.0" have-quorum="1">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes>${node('n1')}${node('n2')}${node('n3')}</nodes>
    <resources>
      <primitive id="vm" class="ocf" provider="heartbeat" type="Dummy">
        <meta_attributes id="vm-m"><nvpair id="vm-m1" name="allow-migrate" value="true"/></meta_attributes>
      </primitive>
    </resources>
    <constraints>${ban ? `<rsc_location id="ban" rsc="vm" node="${ban}" score="-INFINITY"/>` : ''}</constraints>
    <rsc_defaults><meta_attributes id="d"><nvpair id="d1" name="resource-stickiness" value="100"/></meta_attributes></rsc_defaults>
  </configuration>
  <status>
    ${state('n1', op('vm_start_0', 'start', 10) + op('vm_migrate_to_0', 'migrate_to', 11, mig))}
    ${state('n2', op('vm_migrate_from_0', 'migrate_from', 12, mig))}
    ${state('n3', '')}
  </status>
</cib>`;
  const r = parseCib(xml);
  assert.ok(r.ok, 'the test CIB parses');
  return r.val;
}

function actionsOf(cib: Cib): string[] {
  return schedule(cib, { now: NOW }).graph.actions
    .filter((a) => a.kind === 'rsc_op' && a.operation !== 'monitor')
    .map((a) => `${a.operation}@${a.node?.name ?? ''}`).sort();
}

test('a dangling migration source is stopped; the resource stays where it runs', () => {
  const cib = danglingCib();
  assert.deepEqual(actionsOf(cib), ['stop@n1']);
  // No summary line: where vm runs does not change.
  assert.deepEqual(formatTransitionSummary(schedule(cib, { now: NOW })), []);
});

test('a resource with a dangling source moves by restart, never by migration', () => {
  // Banned from n2, vm goes to n1 (crm_simulate 2.1.5 on this input): the dangling stop
  // cannot migrate, so neither can vm.
  const cib = danglingCib('n2');
  assert.deepEqual(actionsOf(cib), ['start@n1', 'stop@n1', 'stop@n2']);
  assert.deepEqual(formatTransitionSummary(schedule(cib, { now: NOW })).map((l) => l.replace(/\s+/g, ' ')), [' * Move vm ( n2 -> n1 )']);
});

test('after the dangling stop runs, scheduling again asks for nothing', () => {
  const cib = danglingCib();
  const after = applyGraphToCib(cib, schedule(cib, { now: NOW }).graph, { now: NOW });
  assert.deepEqual(actionsOf(after), []);
});

function pending(graph: number, uuid: string): LrmRscOp {
  return { id: 'r_start_0', operation: 'start', interval: 0, rcCode: -1, opStatus: -1, callId: -1, transitionMagic: `0:0;1:${graph}:0:${uuid}` } as LrmRscOp;
}
function done(call: number, graph: number, uuid: string): LrmRscOp {
  return { id: 'r_last_0', operation: 'start', interval: 0, rcCode: 0, opStatus: 0, callId: call, transitionMagic: `0:0;2:${graph}:0:${uuid}` } as LrmRscOp;
}

test('a pending op is placed by its transition, as Pacemaker compares them', () => {
  const U = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';
  // Same controller: the pending op of transition 0 is older than a result recorded with transition -1.
  assert.deepEqual(sortOps([pending(0, U), done(5, -1, U)]).map((o) => o.callId), [-1, 5]);
  // Same controller and the same transition -1: the pending op stays the newest.
  assert.deepEqual(sortOps([pending(-1, U), done(5, -1, U)]).map((o) => o.callId), [5, -1]);
  // Another controller: the pending op is newer.
  assert.deepEqual(sortOps([pending(3, 'other'), done(5, 7, U)]).map((o) => o.callId), [5, -1]);
});

test('migration cases settled by these rules match crm_simulate', () => {
  const want = ['migrate-partial-1', 'migrate-partial-4', '5-am-then-bm-a-not-migratable', '11-a-then-bm-b-move-a-clone-starting',
    'migration-behind-migrating-remote', 'remote-move'];
  for (const c of loadCases()) {
    if (!want.includes(c.name)) continue;
    const r = runCase(c);
    assert.ok(r.summary, `${c.name}: summary`);
    assert.ok(r.graph, `${c.name}: graph`);
  }
  const five = runCase(loadCases().find((c) => c.name === '5-am-then-bm-a-not-migratable')!);
  assert.match(five.summaryText ?? '', /Move\s+B\s+\( 18node2 -> 18node1 \)\s+due to unrunnable A stop/);
});

test('a remote node connection migrates without allow-migrate set', () => {
  const r = runCase(loadCases().find((c) => c.name === 'remote-move')!);
  assert.match(r.summaryText ?? '', /Migrate\s+remote1\s+\( 18builder -> 18node1 \)/);
  assert.match(r.summaryText ?? '', /remote1\s+migrate_to on 18builder/);
});
