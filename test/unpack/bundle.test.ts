import { test } from 'node:test';
import assert from 'node:assert/strict';
import { op, unpackXml, up, lrm } from './helpers.js';
import { nextIp } from '../../src/cib/unpack/bundle.js';
import { formatStatus } from '../../src/cib/format/status.js';

const bundle = (extra = '') => `<bundle id="web"${extra}><docker image="img:1" replicas="2"/>`
  + '<network ip-range-start="10.0.0.254" control-port="3121"/>'
  + '<primitive id="httpd" class="ocf" provider="heartbeat" type="apache"/></bundle>';

const docker = (n: number): string => lrm(`web-docker-${n}`, op(`web-docker-${n}`, 'start', 2, 0), 'class="ocf" provider="heartbeat" type="docker"');
const remote = (n: number): string => lrm(`web-${n}`, op(`web-${n}`, 'start', 3, 0), 'class="ocf" provider="pacemaker" type="remote"');
const guest = (n: number, ops: string): string =>
  `<node_state id="web-${n}" uname="web-${n}" remote_node="true"><lrm id="web-${n}"><lrm_resources>${lrm('httpd', ops, 'class="ocf" provider="heartbeat" type="apache"')}</lrm_resources></lrm></node_state>`;

test('nextIp increments with carry', () => {
  assert.equal(nextIp('10.0.0.1'), '10.0.0.2');
  assert.equal(nextIp('10.0.0.255'), '10.0.1.0');
  assert.equal(nextIp('255.255.255.255'), undefined);
});

test('bundle replicas: ip, container, remote connection, inner clone instance, guest nodes', () => {
  const c = unpackXml({ resources: bundle(), states: up(1, 'n1') + up(2, 'n2') });
  const b = c.resources.find((r) => r.id === 'web')!;
  assert.equal(b.replicas?.length, 2);
  const [r0, r1] = b.replicas!;
  assert.equal(r0!.ipAddr, '10.0.0.254');
  assert.equal(r1!.ipAddr, '10.0.0.255');
  assert.equal(r0!.ip?.id, 'web-ip-10.0.0.254');
  assert.equal(r0!.container.id, 'web-docker-0');
  assert.equal(r0!.remote?.id, 'web-0');
  assert.equal(r0!.child?.id, 'httpd:0');
  assert.equal(r1!.child?.id, 'httpd:1');
  const g = c.nodes.find((n) => n.name === 'web-1')!;
  assert.equal(g.kind, 'guest');
  assert.equal(g.containerResource, 'web-docker-1');
  assert.equal(c.byId.get('httpd:0')!.parent?.id, 'web-clone');
});

test('history on a bundle guest node goes to that replica\'s instance', () => {
  const c = unpackXml({
    resources: bundle(),
    states: up(1, 'n1', docker(0) + remote(0)) + up(2, 'n2', docker(1) + remote(1))
      + guest(0, op('httpd', 'start', 5, 0)) + guest(1, op('httpd', 'monitor', 5, 7)),
  });
  assert.deepEqual(c.byId.get('httpd:0')!.runningOn, ['web-0']);
  assert.deepEqual(c.byId.get('httpd:1')!.runningOn, []);
  assert.equal(c.nodes.find((n) => n.name === 'web-0')!.online, true);
  const text = formatStatus(c).join('\n');
  assert.match(text, /GuestOnline: \[ web-0 web-1 \]/);
  assert.match(text, /\* Container bundle set: web \[img:1\]:/);
  assert.match(text, /\* web-0 \(10\.0\.0\.254\)\t\(ocf:heartbeat:apache\):\t Started n1/);
  assert.match(text, /\* web-1 \(10\.0\.0\.255\)\t\(ocf:heartbeat:apache\):\t Stopped n2/);
});

test('a bundle without a primitive prints its containers; unmanaged bundles say so', () => {
  const b = '<bundle id="px"><meta_attributes id="pm"><nvpair id="pmm" name="is-managed" value="false"/></meta_attributes><podman image="hap" replicas="1"/></bundle>';
  const c = unpackXml({ resources: b, states: up(1, 'n1', lrm('px-podman-0', op('px-podman-0', 'start', 2, 0), 'class="ocf" provider="heartbeat" type="podman"')) + up(2, 'n2') });
  const text = formatStatus(c).join('\n');
  assert.match(text, /\* Container bundle: px \[hap\] \(unmanaged\):/);
  assert.match(text, /\* px-podman-0\t\(ocf:heartbeat:podman\):\t Started n1 \(unmanaged\)/);
  assert.equal(c.nodes.some((n) => n.name.startsWith('px-')), false);
});
