/** What parseCib puts into the model: fields, references, legacy forms, warnings, fragments. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCib, parseCib, parseCibWithWarnings, parseConstraintXml, parseResourceXml } from '../../src/cib/parse.js';
import { serialiseCib } from '../../src/cib/serialise.js';
import { INFINITY, type Cib, type Clone, type Primitive } from '../../src/cib/types.js';
import { CASES_DIR } from '../../scripts/paths.js';

const CORPUS = `${CASES_DIR}/xml`;
const corpus = (f: string): Cib => parseCib(readFileSync(join(CORPUS, f), 'utf8')).unwrap();
const skip = existsSync(CORPUS) ? false : 'no corpus';

const small = (resources: string, constraints = '', status = ''): string => `<cib epoch="3" num_updates="2" admin_epoch="1" validate-with="pacemaker-3.7" have-quorum="1" dc-uuid="n1" crm_feature_set="3.16.2">
  <configuration>
    <crm_config><cluster_property_set id="opts"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="n1" uname="node1" type="member"/></nodes>
    <resources>${resources}</resources>
    <constraints>${constraints}</constraints>
  </configuration>
  <status>${status}</status>
</cib>`;

test('cib root: version triple, flags and extra attributes', () => {
  const cib = parseCib(small('')).unwrap();
  assert.deepEqual(cib.version, { adminEpoch: 1, epoch: 3, numUpdates: 2 });
  assert.equal(cib.validateWith, 'pacemaker-3.7');
  assert.equal(cib.haveQuorum, true);
  assert.equal(cib.dcUuid, 'n1');
  assert.deepEqual(cib.extra, { crm_feature_set: '3.16.2' });
  assert.equal(cib.configuration.crmConfig[0]!.pairs[0]!.value, 'false');
  assert.equal(cib.configuration.nodes[0]!.type, 'member');
});

test('legacy <master> becomes a clone with legacyMaster and is written back as <master>', () => {
  const xml = small(`<master id="ms1"><meta_attributes id="ms1-meta"><nvpair id="ms1-mm" name="master-max" value="1"/></meta_attributes>
    <primitive id="stateful" class="ocf" provider="pacemaker" type="Stateful"/></master>`);
  const cib = parseCib(xml).unwrap();
  const ms = cib.configuration.resources[0] as Clone;
  assert.equal(ms.kind, 'clone');
  assert.equal(ms.legacyMaster, true);
  assert.equal(ms.child.id, 'stateful');
  const out = serialiseCib(cib);
  assert.match(out, /<master id="ms1">/);
  assert.deepEqual(parseCib(out).unwrap(), cib);
});

test('scores: INFINITY spellings become ±1000000 and are written back by name', () => {
  const cib = parseCib(small('<primitive id="a" class="lsb" type="x"/>', `
    <rsc_location id="l1" rsc="a" node="node1" score="+INFINITY"/>
    <rsc_location id="l2" rsc="a" node="node1" score="-INFINITY"/>
    <rsc_colocation id="c1" rsc="a" with-rsc="a" score="-20"/>`)).unwrap();
  const [l1, l2, c1] = cib.configuration.constraints;
  assert.equal(l1!.kind === 'rsc_location' && l1.score, INFINITY);
  assert.equal(l2!.kind === 'rsc_location' && l2.score, -INFINITY);
  assert.equal(c1!.kind === 'rsc_colocation' && c1.score, -20);
  const out = serialiseCib(cib);
  assert.match(out, /score="INFINITY"/);
  assert.match(out, /score="-INFINITY"/);
});

test('a constraint naming an unknown resource is a warning, and the constraint is kept', () => {
  const r = parseCibWithWarnings(small('<primitive id="a" class="lsb" type="x"/>', '<rsc_order id="ord1" first="a" then="ghost"/>'));
  assert.ok(r.ok);
  assert.equal(r.val.cib.configuration.constraints.length, 1);
  assert.equal(r.val.warnings.length, 1);
  assert.equal(r.val.warnings[0]!.code, 'QUORATE_WARN_UNKNOWN_REF');
  assert.equal(r.val.warnings[0]!.path, 'rsc_order[id=ord1]');
  assert.match(r.val.warnings[0]!.message, /ghost/);
});

test('unknown attributes go to extra, unknown elements to other, and both survive serialising', () => {
  const xml = small('<primitive id="a" class="lsb" type="x" future-attr="1"><future-child id="fc" k="v"/></primitive>')
    .replace('</constraints>', '</constraints><acls><acl_role id="r1"/></acls>');
  const cib = parseCib(xml).unwrap();
  const p = cib.configuration.resources[0] as Primitive;
  assert.deepEqual(p.extra, { 'future-attr': '1' });
  assert.equal(p.other?.[0]?.tag, 'future-child');
  assert.equal(cib.configuration.other[0]?.tag, 'acls');
  assert.deepEqual(parseCib(serialiseCib(cib)).unwrap(), cib);
});

test('entities and awkward characters in values round-trip exactly', () => {
  const value = 'a & b < c > "d" \'e\'\nline2\ttab  two-spaces €';
  const enc = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#x9;');
  const cib = parseCib(small(`<primitive id="a" class="lsb" type="x"><instance_attributes id="ia"><nvpair id="p" name="n" value="${enc}"/></instance_attributes></primitive>`)).unwrap();
  const p = cib.configuration.resources[0] as Primitive;
  assert.equal(p.instance[0]!.pairs[0]!.value, value);
  const again = parseCib(serialiseCib(cib)).unwrap();
  assert.equal((again.configuration.resources[0] as Primitive).instance[0]!.pairs[0]!.value, value);
});

test('status: node_state, lrm history with integers, transient attributes, tickets', () => {
  const cib = parseCib(small('<primitive id="a" class="lsb" type="x"/>', '', `
    <node_state id="n1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member" crm-debug-origin="x">
      <transient_attributes id="n1"><instance_attributes id="status-n1"><nvpair id="s1" name="fail-count-a#monitor_10000" value="3"/></instance_attributes></transient_attributes>
      <lrm id="n1"><lrm_resources><lrm_resource id="a" class="lsb" type="x">
        <lrm_rsc_op id="a_monitor_10000" operation="monitor" operation_key="a_monitor_10000" interval="10000" rc-code="7" op-status="0" call-id="-1" last-rc-change="1600000000" on_node="node1" crm_feature_set="3.0.1"/>
      </lrm_resource></lrm_resources></lrm>
    </node_state>
    <tickets><ticket_state id="t1" granted="true" last-granted="1600000000"/></tickets>`)).unwrap();
  const ns = cib.status.nodes[0]!;
  assert.equal(ns.inCcm, 'true');
  assert.deepEqual(ns.extra, { 'crm-debug-origin': 'x' });
  assert.equal(ns.transient[0]!.pairs[0]!.name, 'fail-count-a#monitor_10000');
  const op = ns.lrm![0]!.ops[0]!;
  assert.deepEqual([op.interval, op.rcCode, op.callId, op.lastRcChange, op.onNode], [10000, 7, -1, 1600000000, 'node1']);
  assert.deepEqual(cib.status.tickets[0], { id: 't1', granted: true, lastGranted: '1600000000' });
});

test('fragments: a resource or a constraint on its own', () => {
  const r = parseResourceXml('<group id="g"><primitive id="a" class="ocf" provider="heartbeat" type="IPaddr2"/></group>').unwrap();
  assert.equal(r.kind, 'group');
  const c = parseConstraintXml('<rsc_colocation id="c" rsc="a" with-rsc="b" score="INFINITY"/>').unwrap();
  assert.equal(c.kind === 'rsc_colocation' && c.score, INFINITY);
  const bad = parseResourceXml('<primitive id="a" class="ocf" type="IPaddr2"/>');
  assert.ok(bad.err);
  assert.equal(bad.val.code, 'QUORATE_ERR_BAD_AGENT');
  assert.ok(parseConstraintXml('<primitive id="a"/>').err);
});

test('nvpair id-ref: the referring pair takes the target value, its own name wins (nvpair-id-ref)', { skip }, () => {
  const cib = corpus('nvpair-id-ref.xml');
  const rsc2 = cib.configuration.resources.find(r => r.id === 'rsc2') as Primitive;
  assert.deepEqual(rsc2.instance[0]!.pairs.map(p => [p.idRef, p.name, p.value]), [
    ['rsc1-instance_attributes-fake', 'fake', 'common-value'],
    ['rsc1-instance_attributes-fake', 'fake_fake', 'common-value'],
  ]);
});

test('operations id-ref copies the referenced operations (bug-lf-2613)', { skip }, () => {
  const cib = corpus('bug-lf-2613.xml');
  const prims: Primitive[] = [];
  for (const r of cib.configuration.resources) {
    if (r.kind === 'primitive') prims.push(r);
    if (r.kind === 'group') prims.push(...r.children);
    if (r.kind === 'clone' && r.child.kind === 'primitive') prims.push(r.child);
    if (r.kind === 'clone' && r.child.kind === 'group') prims.push(...r.child.children);
  }
  const owner = prims.find(p => p.opsId === 'Dummy_default')!;
  const users = prims.filter(p => p.opsIdRef === 'Dummy_default');
  assert.ok(users.length >= 4);
  for (const u of users) assert.deepEqual(u.ops, owner.ops);
});

test('templates keep their place among resources (template-1)', { skip }, () => {
  const cib = corpus('template-1.xml');
  assert.deepEqual(cib.configuration.templates.map(t => t.id), ['template1']);
  assert.deepEqual(cib.configuration.resourceOrder, ['template1', 'rsc1', 'rsc2']);
  const rsc1 = cib.configuration.resources[0] as Primitive;
  assert.equal(rsc1.template, 'template1');
  assert.equal(rsc1.class, undefined);
  const out = serialiseCib(cib);
  assert.ok(out.indexOf('<template ') < out.indexOf('<primitive id="rsc1"'));
});

test('bundles: runtime, network, storage mappings (bundle-order-fencing)', { skip }, () => {
  const cib = corpus('bundle-order-fencing.xml');
  const b = cib.configuration.resources.find(r => r.id === 'rabbitmq-bundle');
  assert.ok(b && b.kind === 'bundle');
  assert.equal(b.runtime.type, 'docker');
  assert.equal(b.runtime.attrs['replicas'], '3');
  assert.equal(b.network?.attrs['control-port'], '3122');
  assert.equal(b.storage?.mappings[0]?.['id'], 'rabbitmq-cfg-files');
  assert.equal(b.primitive?.type, 'rabbitmq-cluster');
});

test('checkCib reports every error, not only the first, and the warnings', () => {
  const xml = small(`<primitive id="a" class="ocff" type="x"/><primitive id="b" class="ocf" type="y"/>`,
    '<rsc_location id="l1" rsc="a" node="node1" score="lots"/><rsc_order id="ord1" first="a" then="ghost"/>');
  const r = checkCib(xml);
  assert.deepEqual(r.errors.map(e => [e.code, e.path]), [
    ['QUORATE_ERR_BAD_AGENT', 'primitive[id=a]'],
    ['QUORATE_ERR_BAD_AGENT', 'primitive[id=b]'],
    ['QUORATE_ERR_BAD_VALUE', 'rsc_location[id=l1]'],
  ]);
  assert.deepEqual(r.warnings.map(w => w.path), ['rsc_order[id=ord1]']);
  assert.deepEqual(checkCib(small('')).errors, []);
  assert.equal(checkCib('<cib').errors[0]?.code, 'QUORATE_ERR_NOT_XML');
});
