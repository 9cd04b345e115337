import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCib } from '../../src/cib/parse.js';
import { schedule } from '../../src/policy/index.js';

/**
 * Two online nodes, an anonymous clone of Dummy; `hist` puts one lrm_resource
 * entry (named `id`, last op `op`) in n1's history.
 */
function cib(hist: { id: string; op: 'start' | 'stop' }): string {
  const entry = `<lrm_resource id="${hist.id}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="x_last_0" operation="${hist.op}" operation_key="d_${hist.op}_0" interval="0" call-id="5" rc-code="0" op-status="0" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x"/></lrm_resource>`;
  return `<cib admin_epoch="0" epoch="1" num_updates="1" have-quorum="1" validate-with="pacemaker-3.7" crm_feature_set="3.16.2"><configuration>
<crm_config><cluster_property_set id="c"><nvpair id="c1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
<resources><clone id="cl"><primitive id="d" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="m" name="monitor" interval="10s"/></operations></primitive></clone></resources>
<constraints/></configuration><status>
<node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="1"><lrm_resources>${entry}</lrm_resources></lrm></node_state>
<node_state id="2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"/></status></cib>`;
}

function keysOn(xml: string, node: string): string[] {
  const r = parseCib(xml);
  assert.ok(r.ok, r.ok ? '' : r.val.message);
  const res = schedule(r.val, { now: 1_700_000_000 });
  return res.graph.actions.filter((a) => a.node?.name === node && a.kind === 'rsc_op').map((a) => a.key).sort();
}

test('a stopped history entry with an instance number does not rename the instance', () => {
  // Pacemaker 2.1.5: d:3 stopped on n1 → the instance started there is keyed d:0.
  assert.deepEqual(keysOn(cib({ id: 'd:3', op: 'stop' }), 'n1'), ['d:0_monitor_10000', 'd:0_start_0']);
});

test('a stopped history entry without an instance number keeps its name', () => {
  assert.deepEqual(keysOn(cib({ id: 'd', op: 'stop' }), 'n1'), ['d_monitor_10000', 'd_start_0']);
});

test('an active history entry names the instance that runs there', () => {
  const keys = keysOn(cib({ id: 'd:3', op: 'start' }), 'n1');
  assert.ok(keys.includes('d:3_monitor_10000'), keys.join(' '));
});
