import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCib } from '../../src/cib/parse.js';
import { schedule } from '../../src/policy/index.js';
import type { PRsc } from '../../src/policy/model.js';

/** A CIB with `nodes` online members and one clone of a Dummy primitive. */
function cib(opts: { nodes: string[]; meta?: Record<string, string>; running?: Record<string, string>; constraints?: string; unique?: boolean }): string {
  const meta = Object.entries({ ...(opts.unique ? { 'globally-unique': 'true' } : {}), ...(opts.meta ?? {}) })
    .map(([k, v], i) => `<nvpair id="m${i}" name="${k}" value="${v}"/>`).join('');
  const nodes = opts.nodes.map((n, i) => `<node id="${i + 1}" uname="${n}"/>`).join('');
  const states = opts.nodes.map((n, i) => {
    const hist = Object.entries(opts.running ?? {}).filter(([, node]) => node === n).map(([id]) =>
      `<lrm_resource id="${id}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="${id}_start_0" operation="start" operation_key="${id}_start_0" interval="0" call-id="${i + 10}" rc-code="0" op-status="0" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x"/></lrm_resource>`).join('');
    return `<node_state id="${i + 1}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${i + 1}"><lrm_resources>${hist}</lrm_resources></lrm></node_state>`;
  }).join('');
  return `<cib admin_epoch="0" epoch="1" num_updates="1" validate-with="pacemaker-3.7" crm_feature_set="3.16.2"><configuration>
<crm_config><cluster_property_set id="c"><nvpair id="c1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes>${nodes}</nodes>
<resources><clone id="cl"><meta_attributes id="cm">${meta}</meta_attributes><primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone></resources>
<constraints>${opts.constraints ?? ''}</constraints></configuration><status>${states}</status></cib>`;
}

function placement(xml: string): Map<string, string | null> {
  const r = parseCib(xml);
  assert.ok(r.ok, r.ok ? '' : r.val.message);
  const res = schedule(r.val, { now: 1_700_000_000 });
  const clone = res.ctx.top.find((t) => t.id === 'cl') as PRsc;
  return new Map(clone.children.map((i) => [i.id, i.assigned]));
}

test('anonymous instances spread one per node and clone-max caps the count', () => {
  const p = placement(cib({ nodes: ['n1', 'n2', 'n3'], meta: { 'clone-max': '2' } }));
  const used = [...p.values()].filter((n) => n !== null);
  assert.equal(used.length, 2);
  assert.equal(new Set(used).size, 2, 'no node gets two instances');
});

test('clone-node-max allows several instances per node, never more', () => {
  const p = placement(cib({ nodes: ['n1', 'n2'], meta: { 'clone-max': '5', 'clone-node-max': '2' }, unique: true }));
  const count = new Map<string, number>();
  for (const n of p.values()) if (n !== null) count.set(n, (count.get(n) ?? 0) + 1);
  assert.deepEqual([...count.values()].sort(), [2, 2]);
  assert.equal([...p.values()].filter((n) => n === null).length, 1);
});

test('an active instance stays where it runs', () => {
  // d:1 runs on n3 (unique clone): it must be kept there, not shuffled.
  const p = placement(cib({ nodes: ['n1', 'n2', 'n3'], meta: { 'clone-max': '2' }, unique: true, running: { 'd:1': 'n3' } }));
  assert.equal(p.get('d:1'), 'n3');
  assert.equal(p.get('d:0'), 'n1');
});

test('a ban on the clone keeps every instance off that node', () => {
  const p = placement(cib({ nodes: ['n1', 'n2', 'n3'], constraints: '<rsc_location id="l" rsc="cl" node="n2" score="-INFINITY"/>' }));
  assert.ok(![...p.values()].includes('n2'));
  assert.equal([...p.values()].filter((n) => n !== null).length, 2);
});
