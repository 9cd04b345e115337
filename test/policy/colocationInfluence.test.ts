/**
 * Colocation influence (`influence` on rsc_colocation, the `critical` meta
 * attribute) and inverted rsc-pattern locations, on small hand-written CIBs.
 * A failed dependent (fail count at migration-threshold) must not drag an
 * active primary away unless the colocation has influence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCib } from '../../src/cib/parse.js';
import { schedule } from '../../src/policy/index.js';

interface Rsc { id: string; on?: string; meta?: Record<string, string>; failedOn?: string }

const prim = (r: Rsc): string => {
  const meta = Object.entries(r.meta ?? {}).map(([k, v]) => `<nvpair id="${r.id}-${k}" name="${k}" value="${v}"/>`).join('');
  return `<primitive id="${r.id}" class="ocf" provider="heartbeat" type="Dummy">${meta ? `<meta_attributes id="${r.id}-meta">${meta}</meta_attributes>` : ''}</primitive>`;
};

function cib(resources: string, constraints: string, rscs: Rsc[]): string {
  const nodes = ['n1', 'n2', 'n3'];
  const state = nodes.map((n) => {
    const lrm = rscs.filter((r) => r.on === n).map((r) =>
      `<lrm_resource id="${r.id}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="${r.id}_start_0" operation="start" operation_key="${r.id}_start_0" interval="0" call-id="10" rc-code="0" op-status="0" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/></lrm_resource>`).join('');
    const fails = rscs.filter((r) => r.failedOn === n).map((r) => `<nvpair id="fc-${r.id}" name="fail-count-${r.id}#monitor_10000" value="2"/>`).join('');
    return `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member">` +
      `<transient_attributes id="${n}"><instance_attributes id="ta-${n}">${fails}</instance_attributes></transient_attributes>` +
      `<lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
  }).join('');
  return `<cib crm_feature_set="3.6.3" validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="n1">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes>${nodes.map((n) => `<node id="${n}" uname="${n}"/>`).join('')}</nodes>
    <resources>${resources}</resources>
    <constraints>${constraints}</constraints>
    <rsc_defaults><meta_attributes id="rd"><nvpair id="rd1" name="migration-threshold" value="2"/><nvpair id="rd2" name="resource-stickiness" value="10"/></meta_attributes></rsc_defaults>
  </configuration>
  <status>${state}</status>
</cib>`;
}

/** Actions of the graph as "key@node", sorted. */
function actions(xml: string): string[] {
  const c = parseCib(xml);
  assert.ok(c.ok, 'the CIB parses');
  const g = schedule(c.val, { now: 1_700_000_000 }).graph;
  return g.actions.filter((a) => a.kind === 'rsc_op' && a.operation !== 'monitor').map((a) => `${a.key}@${a.node?.name ?? ''}`).sort();
}

const pair = (influence: string, aMeta?: Record<string, string>): string[] => {
  const rs: Rsc[] = [{ id: 'a', on: 'n1', failedOn: 'n1', ...(aMeta ? { meta: aMeta } : {}) }, { id: 'b', on: 'n1' }];
  return actions(cib(rs.map(prim).join(''), `<rsc_colocation id="c" rsc="a" with-rsc="b" score="INFINITY"${influence}/>`, rs));
};

test('influence=false: a failed dependent stops, its active primary stays', () => {
  assert.deepEqual(pair(' influence="false"'), ['a_stop_0@n1']);
});

test('default influence: the dependent drags its primary to another node', () => {
  const acts = pair('');
  assert.ok(acts.includes('a_stop_0@n1') && acts.includes('b_stop_0@n1'), acts.join(' '));
  assert.equal(acts.filter((x) => x.startsWith('a_start_0@') || x.startsWith('b_start_0@')).length, 2);
});

test('critical=false on the dependent is the default influence', () => {
  assert.deepEqual(pair('', { critical: 'false' }), ['a_stop_0@n1']);
  // An explicit influence wins over critical.
  assert.ok(pair(' influence="true"', { critical: 'false' }).includes('b_stop_0@n1'));
});

test('influence=false with an inactive primary: the dependent still steers where it starts', () => {
  const rs: Rsc[] = [{ id: 'a', failedOn: 'n2' }, { id: 'b' }];
  const acts = actions(cib(rs.map(prim).join(''),
    '<rsc_colocation id="c" rsc="a" with-rsc="b" score="INFINITY" influence="false"/><rsc_location id="l" rsc="b" node="n2" score="INFINITY"/>', rs));
  const startB = acts.find((x) => x.startsWith('b_start_0@'));
  const startA = acts.find((x) => x.startsWith('a_start_0@'));
  assert.ok(startB && startA, acts.join(' '));
  assert.notEqual(startB, 'b_start_0@n2');
  assert.equal(startA.split('@')[1], startB.split('@')[1]);
});

test('a group member with critical=false stops alone when it fails', () => {
  const rs: Rsc[] = [{ id: 'g1', on: 'n1' }, { id: 'g2', on: 'n1', failedOn: 'n1', meta: { critical: 'false' } }];
  const xml = cib(`<group id="g">${rs.map(prim).join('')}</group>`, '', rs);
  assert.deepEqual(actions(xml), ['g2_stop_0@n1']);
  const critical = cib(`<group id="g">${rs.map((r) => prim({ ...r, meta: {} })).join('')}</group>`, '', rs);
  assert.ok(actions(critical).includes('g1_stop_0@n1'));
});

test('rsc-pattern with a leading "!" applies to the top-level resources it does not match', () => {
  const rs: Rsc[] = [{ id: 'keep1', on: 'n3' }, { id: 'move1', on: 'n3' }];
  const acts = actions(cib(rs.map(prim).join(''), '<rsc_location id="ban" rsc-pattern="!keep.*" node="n3" score="-INFINITY"/>', rs));
  assert.ok(acts.includes('move1_stop_0@n3'), acts.join(' '));
  assert.ok(!acts.some((x) => x.startsWith('keep1_')), acts.join(' '));
});
