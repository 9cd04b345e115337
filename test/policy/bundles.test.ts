/**
 * Bundles: replicas (IP, container, guest connection, bundled instance) placed and
 * ordered as Pacemaker 2.1.5 does, on a small hand-written CIB and on the
 * regression cases the bundle variant matches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCib } from '../../src/cib/parse.js';
import { schedule, type GraphAction } from '../../src/policy/index.js';
import { loadCases, runCase } from './cases.js';

const CIB = `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
    <resources>
      <bundle id="web">
        <docker image="img:1" replicas="2"/>
        <network ip-range-start="10.0.0.10" control-port="3121"/>
        <primitive id="httpd" class="ocf" provider="heartbeat" type="apache">
          <operations><op id="httpd-mon" name="monitor" interval="15s"/></operations>
        </primitive>
      </bundle>
    </resources>
    <constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"/>
    <node_state id="2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
</cib>`;

function graph(): GraphAction[] {
  const cib = parseCib(CIB);
  assert.ok(cib.ok, 'the CIB parses');
  return [...schedule(cib.val, { now: 1_700_000_000 }).graph.actions];
}

function find(actions: GraphAction[], key: string, node?: string): GraphAction {
  const a = actions.find((x) => x.key === key && (node === undefined || x.node?.name === node));
  assert.ok(a, `${key}${node ? ` on ${node}` : ''} is scheduled`);
  return a;
}

function before(actions: GraphAction[], first: GraphAction, then: GraphAction): boolean {
  return then.inputs.includes(first.id) && actions.includes(first);
}

test('each replica gets its IP, container and connection on one node, and the instance on its guest node', () => {
  const g = graph();
  const c0 = find(g, 'web-docker-0_start_0'), c1 = find(g, 'web-docker-1_start_0');
  assert.notEqual(c0.node?.name, c1.node?.name, 'one replica per host');
  assert.equal(find(g, 'web-ip-10.0.0.10_start_0').node?.name, c0.node?.name);
  assert.equal(find(g, 'web-ip-10.0.0.11_start_0').node?.name, c1.node?.name);
  assert.equal(find(g, 'web-0_start_0').node?.name, c0.node?.name);
  assert.equal(find(g, 'web-1_start_0').node?.name, c1.node?.name);
  find(g, 'httpd:0_start_0', 'web-0');
  find(g, 'httpd:1_start_0', 'web-1');
  find(g, 'httpd:0_monitor_15000', 'web-0');
  find(g, 'web-docker-0_monitor_60000');
  find(g, 'web-0_monitor_30000');
  // Nothing but the bundle's own instance is probed on a guest node, and guests host nothing else.
  assert.ok(!g.some((a) => a.node?.name?.startsWith('web-') && !a.key.startsWith('httpd:')));
});

test('replica actions are ordered: IP, container, connection, instance; bundle pseudo actions bracket them', () => {
  const g = graph();
  const ip = find(g, 'web-ip-10.0.0.10_start_0'), docker = find(g, 'web-docker-0_start_0');
  const conn = find(g, 'web-0_start_0'), inst = find(g, 'httpd:0_start_0', 'web-0');
  assert.ok(before(g, ip, docker), 'IP before container');
  assert.ok(before(g, docker, conn), 'container before connection');
  assert.ok(before(g, conn, inst) && before(g, docker, inst), 'connection and container before the instance');
  const bStart = find(g, 'web_start_0'), bRunning = find(g, 'web_running_0');
  assert.equal(bStart.kind, 'pseudo_event');
  assert.ok(before(g, bStart, docker), 'bundle start before container start');
  assert.ok(before(g, docker, bRunning), 'container start before bundle running');
  const cStart = find(g, 'web-clone_start_0'), cRunning = find(g, 'web-clone_running_0');
  assert.ok(before(g, bStart, cStart) && before(g, cRunning, bRunning), 'the implicit clone inside the bundle brackets');
  // The connection is probed once its container runs; the container's probe precedes the clone's start.
  const probe = find(g, 'web-0_monitor_0', conn.node?.name);
  assert.ok(before(g, docker, probe));
  const dprobe = find(g, 'web-docker-0_monitor_0', 'n1');
  assert.ok(before(g, dprobe, cStart));
});

const MATCHING = [
  'bundle-order-startup', 'bundle-order-partial-start', 'bundle-order-partial-start-2', 'bundle-order-startup-clone',
  'bundle-probe-order-1', 'bundle-probe-remotes', 'bundle-connection-with-container', 'stop-all-resources',
];

test('bundle regression cases match crm_simulate (summary and graph by meaning)', () => {
  const byName = new Map(loadCases().map((c) => [c.name, c]));
  const failing: string[] = [];
  for (const name of MATCHING) {
    const c = byName.get(name);
    assert.ok(c, `case ${name} exists`);
    const r = runCase(c);
    if (r.error !== undefined || !r.summary || !r.graph) failing.push(`${name}${r.error ? ` (${r.error})` : ''}${r.summary ? '' : ' summary'}${r.graph ? '' : ' graph'}`);
  }
  assert.deepEqual(failing, []);
});
