import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Cib, NvSet, Primitive } from '../../src/cib/types.js';
import { parseCib } from '../../src/cib/parse.js';
import { CASES_DIR } from '../../scripts/paths.js';
import {
  crmConfigProperties, effectiveMeta, effectiveOpMeta, effectiveParams, effectiveUtilization, indexCib,
  nodeAttributes, nodeUtilization, opDefaults, orderNvSets, resolveNvSets, rscDefaults,
} from '../../src/cib/nvsets.js';

const CASES = `${CASES_DIR}/xml`;
const utc = (y: number, m: number, d: number, h = 0, mi = 0, s = 0): number => Date.UTC(y, m - 1, d, h, mi, s) / 1000;

function load(xml: string): Cib {
  const r = parseCib(xml);
  if (r.err) throw new Error(r.val.message);
  return r.val;
}
function loadCase(name: string): Cib {
  return load(readFileSync(`${CASES}/${name}.xml`, 'utf8'));
}
function set(id: string, pairs: Record<string, string | undefined>, more: Partial<NvSet> = {}): NvSet {
  return {
    kind: 'meta_attributes', id,
    pairs: Object.entries(pairs).map(([name, value]) => (value === undefined ? { id: `${id}-${name}`, name } : { id: `${id}-${name}`, name, value })),
    ...more,
  };
}
function primitive(cib: Cib, id: string): Primitive {
  const found = cib.configuration.resources.find((r) => r.id === id);
  assert.ok(found !== undefined && found.kind === 'primitive', id);
  return found;
}

test('set precedence: score descending, ties in reverse document order, alwaysFirst', () => {
  const a = set('a', { x: 'a', only_a: '1' });
  const b = set('b', { x: 'b' });
  const hi = set('hi', { x: 'hi' }, { score: 10 });
  const lo = set('lo', { x: 'lo' }, { score: -5 });
  assert.deepEqual(orderNvSets([a, b, hi, lo]).map((s) => s.id), ['hi', 'b', 'a', 'lo']);
  assert.equal(resolveNvSets([a, b], {}).get('x'), 'b');
  assert.equal(resolveNvSets([a, b, hi, lo], {}).get('x'), 'hi');
  assert.equal(resolveNvSets([lo, a], {}).get('x'), 'a');
  assert.equal(resolveNvSets([a, b], {}).get('only_a'), '1');
  // overwrite (Pacemaker 2.1.5): same order, the last applied set wins.
  assert.equal(resolveNvSets([a, b, hi, lo], {}, { overwrite: true }).get('x'), 'lo');
  assert.equal(resolveNvSets([a, b], {}, { overwrite: true }).get('x'), 'a');
  // alwaysFirst beats any score.
  const boot = set('cib-bootstrap-options', { x: 'boot' });
  assert.equal(resolveNvSets([hi, boot], {}, { alwaysFirst: 'cib-bootstrap-options' }).get('x'), 'boot');
  assert.equal(resolveNvSets([hi, boot], {}).get('x'), 'hi');
});

test('pairs without value are skipped, #default removes, rules gate sets, kind filters', () => {
  const noValue = set('nv', { x: undefined }, { score: 5 });
  const plain = set('p', { x: '1', y: '2' });
  assert.equal(resolveNvSets([noValue, plain], {}).get('x'), '1');
  const reset = set('r', { y: '#default' }, { score: -1 });
  const out = resolveNvSets([plain, reset], {});
  assert.equal(out.has('y'), false);
  const gated = set('g', { x: 'gated' }, {
    score: 100,
    rule: { kind: 'rule', id: 'gr', booleanOp: 'and', expressions: [{ kind: 'date_expression', id: 'gd', operation: 'lt', end: '2020-01-01' }] },
  });
  assert.equal(resolveNvSets([plain, gated], { now: utc(2019, 1, 1) }).get('x'), 'gated');
  assert.equal(resolveNvSets([plain, gated], { now: utc(2021, 1, 1) }).get('x'), '1');
  const util: NvSet = { ...set('u', { x: 'util' }), kind: 'utilization' };
  assert.equal(resolveNvSets([util, plain], {}, { kind: 'meta_attributes' }).get('x'), '1');
});

test('id-ref sets and nvpairs resolve through the CIB index', () => {
  const cib = loadCase('nvpair-id-ref');
  const rsc2 = effectiveParams(primitive(cib, 'rsc2'), cib);
  assert.equal(rsc2.get('fake'), 'common-value');
  assert.equal(rsc2.get('fake_fake'), 'common-value');
  const shared = set('shared', { x: 'from-shared' }, { score: 3 });
  const ref: NvSet = { kind: 'meta_attributes', id: 'shared', idRef: 'shared', pairs: [] };
  const byId = new Map([['shared', shared]]);
  assert.deepEqual(orderNvSets([set('z', { x: 'z' }), ref], { byId }).map((s) => s.pairs.length), [1, 1]);
  assert.equal(resolveNvSets([set('z', { x: 'z' }), ref], {}, { byId }).get('x'), 'from-shared');
  const idx = indexCib(cib);
  assert.equal(idx.pairs.get('rsc1-instance_attributes-fake')?.value, 'common-value');
  const pairRef: NvSet = { kind: 'instance_attributes', id: 'q', pairs: [{ idRef: 'rsc1-instance_attributes-fake', name: '' }] };
  assert.equal(resolveNvSets([pairRef], {}, { byId: idx }).get('fake'), 'common-value');
});

test('nvpair-date-rules-1 at its execution date: cluster, node, resource and op values', () => {
  const cib = loadCase('nvpair-date-rules-1');
  const now = utc(2019, 9, 23, 17); // noon at -05:00
  const idx = indexCib(cib);
  assert.equal(crmConfigProperties(cib, now).get('maintenance-mode'), 'false');
  assert.equal(crmConfigProperties(cib, utc(2019, 9, 23, 23, 30)).get('maintenance-mode'), 'true');
  assert.equal(crmConfigProperties(cib, now).get('cluster-name'), 'mycluster');
  const n1 = cib.configuration.nodes.find((n) => n.uname === 'rhel7-1')!;
  assert.equal(nodeUtilization(cib, n1, { now, index: idx }).get('capacity'), '5');
  assert.equal(nodeUtilization(cib, n1, { now: utc(2019, 9, 23, 23), index: idx }).get('capacity'), '10');
  assert.equal(nodeAttributes(cib, 'rhel7-3', { now, index: idx }).get('standby'), 'on');
  assert.equal(nodeAttributes(cib, 'rhel7-3', { now: utc(2019, 9, 23, 17, 30), index: idx }).get('standby'), 'off');
  const rsc2 = primitive(cib, 'rsc2');
  assert.equal(effectiveMeta(rsc2, cib, { now, index: idx }).get('target-role'), 'Started');
  assert.equal(effectiveMeta(rsc2, cib, { now: utc(2019, 9, 23, 9), index: idx }).get('target-role'), 'Stopped');
  assert.equal(effectiveUtilization(rsc2, cib, { now, index: idx }).get('capacity'), '8');
  // rsc_defaults is-managed=false only before 01:00 or after 22:00 local.
  assert.equal(effectiveMeta(rsc2, cib, { now, index: idx }).has('is-managed'), false);
  assert.equal(effectiveMeta(rsc2, cib, { now: utc(2019, 9, 24, 4), index: idx }).get('is-managed'), 'false');
  const mon = rsc2.ops[0]!;
  assert.equal(effectiveOpMeta(mon, rsc2, cib, { now, index: idx }).get('timeout'), '20s'); // the <op> attribute wins
  assert.equal(opDefaults(cib, { class: 'ocf', provider: 'pacemaker', type: 'Dummy' }, { name: 'start', intervalMs: 0 }, { now }).get('timeout'), '120s');
  assert.equal(opDefaults(cib, {}, { name: 'start', intervalMs: 0 }, { now: utc(2019, 9, 23, 19) }).get('timeout'), '90s');
});

test('op_defaults with op_expression: equal scores, the later set wins (op-defaults-3)', () => {
  const cib = loadCase('op-defaults-3');
  const dummy = primitive(cib, 'dummy-rsc');
  const agent = { class: 'ocf', provider: 'pacemaker', type: 'Dummy' };
  assert.equal(effectiveOpMeta(dummy.ops[0]!, dummy, cib).get('timeout'), '7s');
  assert.equal(opDefaults(cib, agent, { name: 'monitor', intervalMs: 10_000 }).get('timeout'), '7s');
  assert.equal(opDefaults(cib, agent, { name: 'monitor', intervalMs: 20_000 }).get('timeout'), '7s');
  assert.equal(opDefaults(cib, agent, { name: 'start', intervalMs: 0 }).has('timeout'), false);
  assert.equal(effectiveOpMeta(dummy.ops[0]!, dummy, cib).get('on-fail'), 'stop');
});

test('rsc_defaults with rsc_expression apply per agent (rsc-defaults-2)', () => {
  const cib = loadCase('rsc-defaults-2');
  for (const r of cib.configuration.resources) {
    if (r.kind !== 'primitive') continue;
    const want = r.class === 'ocf' && r.provider === 'pacemaker' ? 'false' : undefined;
    assert.equal(effectiveMeta(r, cib).get('is-managed'), want, r.id);
    assert.equal(rscDefaults(cib, { class: r.class, provider: r.provider, type: r.type }).get('is-managed'), want, r.id);
  }
});

test('effectiveMeta: XML attributes, own sets, parent meta, then rsc_defaults', () => {
  const cib = load(`<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.7">
  <configuration>
    <crm_config/>
    <nodes/>
    <resources>
      <clone id="c">
        <meta_attributes id="c-meta">
          <nvpair id="c-meta-1" name="clone-max" value="2"/>
          <nvpair id="c-meta-2" name="target-role" value="Stopped"/>
          <nvpair id="c-meta-3" name="priority" value="7"/>
        </meta_attributes>
        <group id="g">
          <meta_attributes id="g-meta">
            <nvpair id="g-meta-1" name="target-role" value="Started"/>
          </meta_attributes>
          <primitive id="p" class="ocf" provider="heartbeat" type="Dummy" description="demo">
            <meta_attributes id="p-meta">
              <nvpair id="p-meta-1" name="resource-stickiness" value="5"/>
            </meta_attributes>
          </primitive>
        </group>
      </clone>
    </resources>
    <constraints/>
    <rsc_defaults>
      <meta_attributes id="d">
        <nvpair id="d-1" name="resource-stickiness" value="100"/>
        <nvpair id="d-2" name="migration-threshold" value="3"/>
        <nvpair id="d-3" name="priority" value="1"/>
      </meta_attributes>
    </rsc_defaults>
  </configuration>
  <status/>
</cib>`);
  const clone = cib.configuration.resources[0]!;
  assert.ok(clone.kind === 'clone' && clone.child.kind === 'group');
  const p = clone.child.children[0]!;
  const meta = effectiveMeta(p, cib);
  assert.equal(meta.get('resource-stickiness'), '5'); // own beats defaults
  assert.equal(meta.get('target-role'), 'Started'); // group beats clone
  assert.equal(meta.get('clone-max'), '2'); // inherited from the clone
  assert.equal(meta.get('priority'), '7'); // parent beats defaults
  assert.equal(meta.get('migration-threshold'), '3'); // defaults fill the rest
  assert.equal(meta.get('class'), 'ocf');
  assert.equal(meta.get('description'), 'demo');
  assert.equal(meta.get('id'), 'p');
  const gMeta = effectiveMeta(clone.child, cib);
  assert.equal(gMeta.get('resource-stickiness'), '100');
  assert.equal(effectiveMeta(p, cib, { parentMeta: new Map([['target-role', 'X'], ['zzz', '1']]) }).get('zzz'), '1');
});

test('node attributes: built-ins, config sets, transient overrides, #site-name (site-specific-params)', () => {
  const cib = loadCase('site-specific-params');
  const rsc1 = primitive(cib, 'rsc1');
  const wants: Record<string, string> = {};
  for (const n of cib.configuration.nodes) {
    const attrs = nodeAttributes(cib, n);
    assert.equal(attrs.get('#uname'), n.uname);
    assert.equal(attrs.get('#id'), n.id);
    assert.equal(attrs.get('#kind'), 'cluster');
    assert.equal(attrs.get('#cluster-name'), 'clusterA');
    wants[n.uname] = effectiveParams(rsc1, cib, { nodeAttrs: attrs }).get('state') ?? '';
  }
  assert.equal(wants['node1'], '/var/run/Dummy-rsc1-siteA');
  assert.equal(wants['node2'], '/var/run/Dummy-rsc1-siteB');
  if ('node3' in wants) assert.equal(wants['node3'], '/var/run/Dummy-rsc1-clusterA');

  const t = load(`<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.7" dc-uuid="2">
  <configuration><crm_config/>
    <nodes>
      <node id="1" uname="a"><instance_attributes id="a-ia"><nvpair id="a-1" name="standby" value="off"/><nvpair id="a-2" name="rack" value="r1"/></instance_attributes></node>
      <node id="2" uname="b" type="remote"/>
    </nodes>
    <resources/><constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="a" in_ccm="true" crmd="online" join="member" expected="member">
      <transient_attributes id="1"><instance_attributes id="status-1">
        <nvpair id="status-1-standby" name="standby" value="on"/>
        <nvpair id="status-1-fail" name="fail-count-x#monitor_10000" value="2"/>
      </instance_attributes></transient_attributes>
    </node_state>
  </status>
</cib>`);
  const a = nodeAttributes(t, 'a');
  assert.equal(a.get('standby'), 'on');
  assert.equal(a.get('rack'), 'r1');
  assert.equal(a.get('fail-count-x#monitor_10000'), '2');
  assert.equal(a.get('#is_dc'), 'false');
  assert.equal(a.has('#cluster-name'), false);
  assert.equal(nodeAttributes(t, 'a', { transient: false }).get('standby'), 'off');
  const b = nodeAttributes(t, 'b');
  assert.equal(b.get('#is_dc'), 'true');
  assert.equal(b.get('#kind'), 'remote');
});
