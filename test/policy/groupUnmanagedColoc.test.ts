import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCib } from '../../src/cib/parse.js';
import { schedule } from '../../src/policy/index.js';

/**
 * Group G = (A, B) colocated with X (`score`). A runs on n1 and is unmanaged
 * unless `managed`; `xBan` lists nodes X may not run on.
 */
function cib(o: { score: string; xBan: string[]; managed?: boolean }): string {
  const bans = o.xBan.map((n) => `<rsc_location id="ban-${n}" rsc="X" node="${n}" score="-INFINITY"/>`).join('');
  const meta = `<meta_attributes id="am"><nvpair id="am1" name="is-managed" value="${o.managed ? 'true' : 'false'}"/></meta_attributes>`;
  const a = '<lrm_resource id="A" class="ocf" provider="pacemaker" type="Dummy"><lrm_rsc_op id="A_last_0" operation_key="A_start_0" operation="start" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" call-id="5" rc-code="0" op-status="0" interval="0"/></lrm_resource>';
  return `<cib admin_epoch="0" epoch="1" num_updates="1" have-quorum="1" validate-with="pacemaker-3.7" crm_feature_set="3.16.2"><configuration>
<crm_config><cluster_property_set id="c"><nvpair id="c1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
<resources><primitive id="X" class="ocf" provider="pacemaker" type="Dummy"/>
<group id="G"><primitive id="A" class="ocf" provider="pacemaker" type="Dummy">${meta}</primitive><primitive id="B" class="ocf" provider="pacemaker" type="Dummy"/></group></resources>
<constraints><rsc_colocation id="g-with-x" rsc="G" with-rsc="X" score="${o.score}"/>${bans}</constraints></configuration><status>
<node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="1"><lrm_resources>${a}</lrm_resources></lrm></node_state>
<node_state id="2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"/></status></cib>`;
}

function scoresOf(xml: string, rsc: string): Record<string, string> {
  const r = parseCib(xml);
  assert.ok(r.ok, r.ok ? '' : r.val.message);
  const res = schedule(r.val, { now: 1_700_000_000 });
  const out: Record<string, string> = {};
  for (const l of res.scores) {
    const m = new RegExp(`^pcmk__primitive_assign: ${rsc} allocation score on (\\S+): (\\S+)$`).exec(l);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

// Expected values: crm_simulate 2.1.5 on the same inputs.
test('after an unmanaged member, a mandatory group colocation with an unplaced primary bans later members', () => {
  assert.deepEqual(scoresOf(cib({ score: 'INFINITY', xBan: ['n1', 'n2'] }), 'B'), { n1: '-INFINITY', n2: '-INFINITY' });
});

test('after an unmanaged member, later members must also be where the primary is', () => {
  // X on n2, unmanaged A stays on n1: B may follow neither.
  assert.deepEqual(scoresOf(cib({ score: 'INFINITY', xBan: ['n1'] }), 'B'), { n1: '-INFINITY', n2: '-INFINITY' });
});

test('an optional group colocation still reaches later members only through the first', () => {
  assert.deepEqual(scoresOf(cib({ score: '500', xBan: ['n1', 'n2'] }), 'B'), { n1: '0', n2: '-INFINITY' });
});
