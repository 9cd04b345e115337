import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCib } from '../../src/cib/parse.js';
import { unpackCluster } from '../../src/cib/unpack/unpack.js';
import type { UnpackedCluster } from '../../src/cib/unpack/types.js';

function op(rsc: string, task: string, call: number, rc: number, opts: { interval?: number; target?: number; status?: number; node?: string } = {}): string {
  const interval = opts.interval ?? 0;
  const target = opts.target ?? (task === 'monitor' && interval === 0 ? 7 : 0);
  const key = `1:1:${target}:uuid`;
  return `<lrm_rsc_op id="${rsc}_${task}_${call}" operation_key="${rsc}_${task}_${interval}" operation="${task}" transition-key="${key}" transition-magic="${opts.status ?? 0}:${rc};${key}" call-id="${call}" rc-code="${rc}" op-status="${opts.status ?? 0}" interval="${interval}" last-rc-change="1000"/>`;
}

function cib(opts: { props?: string; resources: string; states: string; nodes?: string[] }): UnpackedCluster {
  const nodes = (opts.nodes ?? ['n1', 'n2']).map((n, i) => `<node id="${i + 1}" uname="${n}"/>`).join('');
  const xml = `<cib admin_epoch="0" epoch="1" num_updates="1" have-quorum="1"><configuration><crm_config><cluster_property_set id="o">${opts.props ?? ''}</cluster_property_set></crm_config><nodes>${nodes}</nodes><resources>${opts.resources}</resources><constraints/></configuration><status>${opts.states}</status></cib>`;
  const r = parseCib(xml);
  assert.ok(r.ok, r.err ? r.val.message : '');
  return unpackCluster(r.val, { now: 2000 });
}

const up = (id: number, name: string, lrm = '', extra = ''): string =>
  `<node_state id="${id}" uname="${name}" in_ccm="true" crmd="online" join="member" expected="member">${extra}<lrm id="${id}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
const prim = (id: string): string => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`;
const lrm = (id: string, ops: string): string => `<lrm_resource id="${id}" class="ocf" provider="heartbeat" type="Dummy">${ops}</lrm_resource>`;

test('node states: online, unclean when lost with fencing, offline without fencing', () => {
  const lost = `<node_state id="2" uname="n2" in_ccm="false" crmd="offline" join="down" expected="member"/>`;
  const c = cib({ resources: '', states: up(1, 'n1') + lost });
  assert.equal(c.nodes[0]!.online, true);
  assert.equal(c.nodes[1]!.online, false);
  assert.equal(c.nodes[1]!.unclean, true);
  const c2 = cib({ props: '<nvpair id="s" name="stonith-enabled" value="false"/>', resources: '', states: up(1, 'n1') + lost });
  assert.equal(c2.nodes[1]!.unclean, false);
});

test('node states: standby and pending', () => {
  const sb = up(1, 'n1', '', '<transient_attributes id="1"><instance_attributes id="t1"><nvpair id="x" name="standby" value="on"/></instance_attributes></transient_attributes>');
  const pend = `<node_state id="2" uname="n2" in_ccm="true" crmd="online" join="pending" expected="member"/>`;
  const c = cib({ resources: '', states: sb + pend });
  assert.equal(c.nodes[0]!.standby, true);
  assert.equal(c.nodes[1]!.pending, true);
});

test('roles from history: start, stop, probe 7, failed monitor', () => {
  const c = cib({
    resources: prim('a') + prim('b') + prim('c'),
    states: up(1, 'n1', lrm('a', op('a', 'start', 2, 0)) + lrm('b', op('b', 'start', 2, 0) + op('b', 'stop', 3, 0)) + lrm('c', op('c', 'start', 2, 0) + op('c', 'monitor', 3, 7, { interval: 10000 }))) + up(2, 'n2', lrm('a', op('a', 'monitor', 1, 7))),
  });
  const a = c.byId.get('a')!, b = c.byId.get('b')!, cc = c.byId.get('c')!;
  assert.deepEqual(a.runningOn, ['n1']);
  assert.equal(a.role, 'Started');
  assert.deepEqual(b.runningOn, []);
  assert.equal(b.role, 'Stopped');
  assert.equal(cc.failed, true);
  assert.deepEqual(cc.runningOn, ['n1']);
  assert.deepEqual(a.knownOn.sort(), ['n1', 'n2']);
});

test('failed stop makes the node unclean (fencing) or blocks the resource (no fencing)', () => {
  const states = up(1, 'n1', lrm('a', op('a', 'start', 2, 0) + op('a', 'stop', 3, 1)));
  const c = cib({ resources: prim('a'), states });
  assert.equal(c.nodes[0]!.unclean, true);
  const c2 = cib({ props: '<nvpair id="s" name="stonith-enabled" value="false"/>', resources: prim('a'), states });
  assert.equal(c2.byId.get('a')!.blocked, true);
  assert.equal(c2.byId.get('a')!.managed, false);
});

test('failcounts from transient attributes', () => {
  const attrs = '<transient_attributes id="1"><instance_attributes id="t1"><nvpair id="f" name="fail-count-a#monitor_10000" value="3"/><nvpair id="l" name="last-failure-a#monitor_10000" value="1500"/></instance_attributes></transient_attributes>';
  const c = cib({ resources: prim('a'), states: up(1, 'n1', lrm('a', op('a', 'start', 2, 0)), attrs) });
  const a = c.byId.get('a')!;
  assert.equal(a.failcount['n1']!.total, 3);
  assert.equal(a.failcount['n1']!.byOp['monitor_10000'], 3);
  assert.equal(a.lastFailure['n1'], 1500);
});

test('anonymous clone: histories under rsc and rsc:N map to distinct instances', () => {
  const clone = `<clone id="cl"><primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone>`;
  const c = cib({ resources: clone, states: up(1, 'n1', lrm('d', op('d', 'start', 2, 0))) + up(2, 'n2', lrm('d:5', op('d:5', 'start', 2, 0))) });
  const cl = c.byId.get('cl')!;
  assert.equal(cl.children.length, 2);
  const where = cl.children.map((i) => i.runningOn.join(','));
  assert.deepEqual(where, ['n1', 'n2']);
});

test('orphans: history for an unconfigured resource', () => {
  const c = cib({ resources: prim('a'), states: up(1, 'n1', lrm('gone', op('gone', 'start', 2, 0))) });
  const g = c.byId.get('gone')!;
  assert.equal(g.orphan, true);
  assert.deepEqual(g.runningOn, ['n1']);
});

test('promotable clone: rc 8 probe means promoted', () => {
  const clone = `<clone id="ms"><meta_attributes id="m"><nvpair id="p" name="promotable" value="true"/></meta_attributes><primitive id="s" class="ocf" provider="pacemaker" type="Stateful"/></clone>`;
  const c = cib({ resources: clone, states: up(1, 'n1', lrm('s', op('s', 'monitor', 1, 8))) + up(2, 'n2', lrm('s', op('s', 'monitor', 1, 0))) });
  const roles = c.byId.get('ms')!.children.map((i) => i.role);
  assert.deepEqual(roles, ['Promoted', 'Unpromoted']);
});
