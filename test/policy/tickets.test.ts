import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCib } from '../../src/cib/parse.js';
import { schedule } from '../../src/policy/index.js';

/** Two online nodes, stonith on or off, `rsc1` running on n2, a configurable ticket. */
function cib(opts: { constraints: string; tickets?: string; stonith?: boolean; resources?: string; tags?: string }): string {
  const hist = `<lrm_resource id="rsc1" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="rsc1_start_0" operation="start" operation_key="rsc1_start_0" interval="0" call-id="5" rc-code="0" op-status="0" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x"/></lrm_resource>`;
  const states = ['n1', 'n2'].map((n, i) =>
    `<node_state id="${i + 1}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${i + 1}"><lrm_resources>${n === 'n2' ? hist : ''}</lrm_resources></lrm></node_state>`).join('');
  const stonith = opts.stonith ? '<primitive id="fence" class="stonith" type="fence_dummy"/>' : '';
  return `<cib admin_epoch="0" epoch="1" num_updates="1" validate-with="pacemaker-3.7" crm_feature_set="3.16.2"><configuration>
<crm_config><cluster_property_set id="c"><nvpair id="c1" name="stonith-enabled" value="${opts.stonith ? 'true' : 'false'}"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
<resources>${stonith}${opts.resources ?? '<primitive id="rsc1" class="ocf" provider="heartbeat" type="Dummy"/>'}</resources>
<constraints>${opts.constraints}</constraints>${opts.tags ?? ''}</configuration>
<status><tickets>${opts.tickets ?? ''}</tickets>${states}</status></cib>`;
}

function run(xml: string): ReturnType<typeof schedule> {
  const r = parseCib(xml);
  assert.ok(r.ok, r.ok ? '' : r.val.message);
  return schedule(r.val, { now: 1_700_000_000 });
}

const dep = (policy?: string, role = 'Started'): string =>
  `<rsc_ticket id="t" rsc="rsc1" rsc-role="${role}" ticket="tA"${policy ? ` loss-policy="${policy}"` : ''}/>`;

test('a granted ticket changes nothing; a missing or revoked one bans the resource', () => {
  assert.equal(run(cib({ constraints: dep(), tickets: '<ticket_state id="tA" granted="true"/>' })).ctx.byId.get('rsc1')!.assigned, 'n2');
  assert.equal(run(cib({ constraints: dep() })).ctx.byId.get('rsc1')!.assigned, null, 'ticket absent from the status');
  assert.equal(run(cib({ constraints: dep('stop'), tickets: '<ticket_state id="tA" granted="false"/>' })).ctx.byId.get('rsc1')!.assigned, null);
  assert.equal(run(cib({ constraints: dep(), tickets: '<ticket_state id="tA" granted="true" standby="true"/>' })).ctx.byId.get('rsc1')!.assigned, null, 'standby');
});

test('loss-policy=freeze leaves an active resource where it is, unmanaged', () => {
  const res = run(cib({ constraints: dep('freeze'), tickets: '<ticket_state id="tA" granted="false"/>' }));
  const r = res.ctx.byId.get('rsc1')!;
  assert.equal(r.managed, false);
  assert.ok(!res.graph.actions.some((a) => a.key.startsWith('rsc1_stop')), 'no stop of a frozen resource');
});

test('loss-policy=fence fences the node running the resource (stop without fencing)', () => {
  const fenced = run(cib({ constraints: dep('fence'), tickets: '<ticket_state id="tA" granted="false"/>', stonith: true }));
  assert.equal(fenced.ctx.fence.get('n2'), 'deadman ticket was lost');
  const noStonith = run(cib({ constraints: dep('fence'), tickets: '<ticket_state id="tA" granted="false"/>' }));
  assert.equal(noStonith.ctx.fence.size, 0);
  assert.equal(noStonith.ctx.byId.get('rsc1')!.assigned, null);
});

test('a ticket constraint naming a template applies to every primitive built from it', () => {
  const resources = '<template id="tp" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="rsc1" template="tp"/><primitive id="rsc2" template="tp"/><primitive id="rsc3" class="ocf" provider="heartbeat" type="Dummy"/>';
  const res = run(cib({ resources, constraints: '<rsc_ticket id="t" rsc="tp" ticket="tA"/>' }));
  assert.equal(res.ctx.byId.get('rsc1')!.assigned, null);
  assert.equal(res.ctx.byId.get('rsc2')!.assigned, null);
  assert.notEqual(res.ctx.byId.get('rsc3')!.assigned, null);
});

test('locations and colocations naming a tag apply to its members', () => {
  const resources = ['rsc1', 'rsc2', 'rsc3'].map((id) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`).join('');
  const tags = '<tags><tag id="tg"><obj_ref id="rsc2"/><obj_ref id="rsc3"/></tag></tags>';
  const res = run(cib({ resources, tags, constraints: '<rsc_location id="l" rsc="tg" node="n1" score="-INFINITY"/>' }));
  assert.equal(res.ctx.byId.get('rsc2')!.assigned, 'n2');
  assert.equal(res.ctx.byId.get('rsc3')!.assigned, 'n2');
  const co = run(cib({ resources, tags, constraints: '<rsc_colocation id="co" rsc="tg" with-rsc="rsc1" score="INFINITY"/>' }));
  const at = co.ctx.byId.get('rsc1')!.assigned;
  assert.equal(co.ctx.byId.get('rsc2')!.assigned, at);
  assert.equal(co.ctx.byId.get('rsc3')!.assigned, at);
});
