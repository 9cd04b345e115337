import { test } from 'node:test';
import assert from 'node:assert/strict';
import { op, unpackXml, up, lrm, prim } from './helpers.js';
import { formatStatus } from '../../src/cib/format/status.js';

const attrs = (id: string, pairs: Record<string, string>): string =>
  `<transient_attributes id="t${id}"><instance_attributes id="ti${id}">${Object.entries(pairs).map(([k, v], i) => `<nvpair id="p${id}${i}" name="${k}" value="${v}"/>`).join('')}</instance_attributes></transient_attributes>`;

test('node health is shown when a health strategy is configured', () => {
  const states = up(1, 'n1', '', attrs('1', { '#health-disk': 'yellow' })) + up(2, 'n2', '', attrs('2', { '#health-cpu': 'red' }));
  const none = formatStatus(unpackXml({ resources: '', states })).join('\n');
  assert.match(none, /Online: \[ n1 n2 \]/);
  const on = formatStatus(unpackXml({ props: '<nvpair id="h" name="node-health-strategy" value="migrate-on-red"/>', resources: '', states })).join('\n');
  assert.match(on, /Node n1: online \(health is YELLOW\)/);
  assert.match(on, /Node n2: online \(health is RED\)/);
});

test('a member whose controller is gone is UNCLEAN (online); join=banned is fenced', () => {
  const gone = '<node_state id="2" uname="n2" in_ccm="true" crmd="offline" join="member" expected="member"/>';
  const banned = '<node_state id="3" uname="n3" in_ccm="true" crmd="online" join="banned"/>';
  const text = formatStatus(unpackXml({ nodes: ['n1', 'n2', 'n3'], resources: '', states: up(1, 'n1') + gone + banned })).join('\n');
  assert.match(text, /Node n2: UNCLEAN \(online\)/);
  assert.match(text, /Node n3: UNCLEAN \(online\)/);
});

test('remote nodes in a bad state are listed as RemoteNode', () => {
  const r = '<primitive id="rem1" class="ocf" provider="pacemaker" type="remote"/>';
  const lost = '<node_state id="rem1" uname="rem1" remote_node="true"/>';
  const c = unpackXml({ resources: r, states: up(1, 'n1', lrm('rem1', op('rem1', 'start', 2, 0), 'class="ocf" provider="pacemaker" type="remote"')) + '<node_state id="2" uname="n2" in_ccm="false" crmd="offline" join="down" expected="member"/>' + lost });
  const n = c.nodes.find((x) => x.name === 'n2')!;
  assert.equal(n.unclean, true);
  const text = formatStatus(c).join('\n');
  assert.doesNotMatch(text, /\* Node rem1/);
});

test('shutdown lock: a stopped resource shows the node it is locked to', () => {
  const hist = `<lrm_resource id="a" class="ocf" provider="heartbeat" type="Dummy" shutdown-lock="1500">${op('a', 'start', 2, 0)}${op('a', 'stop', 3, 0)}</lrm_resource>`;
  const props = '<nvpair id="sl" name="shutdown-lock" value="true"/>';
  const c = unpackXml({ props, resources: prim('a'), states: up(1, 'n1', hist) + up(2, 'n2') });
  assert.equal(c.byId.get('a')!.lockNode, 'n1');
  assert.ok(formatStatus(c).some((l) => /a\t\(ocf:heartbeat:Dummy\):\t Stopped n1 \(LOCKED\)/.test(l)));
  // An expired lock (limit passed at now=2000) no longer pins the resource.
  const c2 = unpackXml({ props: props + '<nvpair id="sll" name="shutdown-lock-limit" value="100s"/>', resources: prim('a'), states: up(1, 'n1', hist) + up(2, 'n2') });
  assert.equal(c2.byId.get('a')!.lockNode, undefined);
});

test('a node in maintenance leaves the resources active there unmanaged', () => {
  const c2 = unpackXml({
    resources: prim('a'),
    states: up(1, 'n1', lrm('a', op('a', 'start', 2, 0)), attrs('1', { maintenance: 'true' })) + up(2, 'n2'),
  });
  assert.equal(c2.byId.get('a')!.managed, false);
  assert.ok(formatStatus(c2).some((l) => /Started n1 \(unmanaged\)/.test(l)));
});
