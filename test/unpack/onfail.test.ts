import { test } from 'node:test';
import assert from 'node:assert/strict';
import { op, unpackXml, up, lrm, prim } from './helpers.js';
import { formatStatus } from '../../src/cib/format/status.js';

test('a failed stop of a resource inside a container is ignored, but the resource is failed (restart the container)', () => {
  const rsc = prim('a', '<meta_attributes id="m"><nvpair id="c" name="container" value="box"/></meta_attributes>') + prim('box');
  const c = unpackXml({ resources: rsc, states: up(1, 'n1', lrm('box', op('box', 'start', 1, 0)) + lrm('a', op('a', 'start', 2, 0) + op('a', 'stop', 3, 1))) + up(2, 'n2') });
  const a = c.byId.get('a')!;
  assert.equal(a.failureIgnored, true);
  assert.equal(a.failed, true);
  assert.deepEqual(a.runningOn, []);
  assert.ok(formatStatus(c).some((l) => /a\t\(ocf:heartbeat:Dummy\):\t FAILED \(failure ignored\)$/.test(l)));
});

test('on-fail=ignore cannot ignore a missing agent', () => {
  const rsc = '<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="a-m" name="monitor" interval="10" on-fail="ignore"/></operations></primitive>';
  const missing = '<lrm_rsc_op id="a_mon" operation_key="a_monitor_10000" operation="monitor" transition-key="1:1:0:u" transition-magic="7:5;1:1:0:u" call-id="3" rc-code="5" op-status="7" interval="10000" last-rc-change="1000"/>';
  const c = unpackXml({ resources: rsc, states: up(1, 'n1', lrm('a', op('a', 'start', 2, 0) + missing)) + up(2, 'n2') });
  const a = c.byId.get('a')!;
  assert.equal(a.failed, true);
  assert.equal(a.failureIgnored, false);
});

test('a remote connection failing its monitor fences the remote node; a failed start does not', () => {
  const r = '<primitive id="rem" class="ocf" provider="pacemaker" type="remote"/>';
  const agent = 'class="ocf" provider="pacemaker" type="remote"';
  const remState = '<node_state id="rem" uname="rem" remote_node="true"/>';
  const mon = unpackXml({ resources: r, states: up(1, 'n1', lrm('rem', op('rem', 'start', 2, 0) + op('rem', 'monitor', 3, 1, { interval: 60000 }), agent)) + up(2, 'n2') + remState });
  assert.equal(mon.nodes.find((n) => n.name === 'rem')!.unclean, true);
  const start = unpackXml({ resources: r, states: up(1, 'n1', lrm('rem', op('rem', 'start', 2, 1), agent)) + up(2, 'n2') + remState });
  assert.equal(start.nodes.find((n) => n.name === 'rem')!.unclean, false);
});

test('clones of LSB agents are forced anonymous', () => {
  const cl = '<clone id="cl"><meta_attributes id="cm"><nvpair id="gu" name="globally-unique" value="true"/></meta_attributes><primitive id="l" class="lsb" type="foo"/></clone>';
  const c = unpackXml({ resources: cl, states: up(1, 'n1') + up(2, 'n2') });
  const clone = c.resources.find((r) => r.id === 'cl')!;
  assert.equal(clone.unique, false);
  assert.ok(clone.children.every((x) => !x.unique));
  assert.ok(formatStatus(c).some((l) => /Stopped: \[ n1 n2 \]/.test(l)));
});
