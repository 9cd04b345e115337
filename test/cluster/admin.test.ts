import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resource } from '../../src/api/resource.js';
import { Constraint } from '../../src/api/constraint.js';
import { makeWorld } from './harness.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

test('a monitor failure is counted and the service restarted', async () => {
  const w = await makeWorld();
  await w.cluster.configure(c => c.stonith(w.fenceDevice()).resource(Resource.function('app', w.services.agent('app')).monitor('10s')));
  assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
  const owner = w.services.nodesOf('app')[0]!;
  w.services.kill('app', owner);
  await w.cluster.runFor(11_000);
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  assert.equal(w.services.nodesOf('app').length, 1);
  const failed = w.events.find(e => e.name === 'resource:failed');
  assert.equal(failed?.e['resource'], 'app');
  assert.equal(failed?.e['operation'], 'monitor');
  assert.equal(failed?.e['rc'], 7);
  assert.deepEqual(s.val.failcounts, [{ resource: 'app', node: owner, count: 1 }]);
  assert.match(s.val.text, /fail-count=1/);
  // cleanup forgets the failure
  assert.ok((await w.cluster.cleanup('app')).ok);
  const s2 = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s2.ok);
  assert.deepEqual(s2.val.failcounts, []);
  assert.equal(w.services.nodesOf('app').length, 1);
});

test('a start failing on one node moves the resource; failcount is INFINITY there', async () => {
  const w = await makeWorld();
  w.services.setFaults('app', { failStartOn: ['n1', 'n2'] });
  await w.cluster.configure(c => c.stonith(w.fenceDevice()).resource(Resource.function('app', w.services.agent('app'))));
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  assert.deepEqual(w.services.nodesOf('app'), ['n3']);
  assert.ok(s.val.failcounts.some(f => f.resource === 'app' && f.count >= 1_000_000));
  const fail = w.events.find(e => e.name === 'resource:failed' && e.e['operation'] === 'start');
  assert.match(String(fail?.e['reason']), /cannot start/);
});

test('a hung agent times out and a crashing agent fails cleanly; no node crashes', async () => {
  const w = await makeWorld();
  w.services.setFaults('hung', { hangStart: true });
  w.services.setFaults('boom', { throwOnStart: true });
  await w.cluster.configure(c => c
    .stonith(w.fenceDevice())
    .resource(Resource.function('hung', w.services.agent('hung')).op('start', { timeout: '5s' }))
    .resource(Resource.function('boom', w.services.agent('boom'))));
  const s = await w.cluster.settle({ timeoutMs: 120_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  const hung = w.events.filter(e => e.name === 'resource:failed' && e.e['resource'] === 'hung');
  assert.ok(hung.length >= 1);
  assert.equal(hung[0]!.e['opStatus'], 2, 'op-status timeout');
  const boom = w.events.filter(e => e.name === 'resource:failed' && e.e['resource'] === 'boom');
  assert.ok(boom.length >= 1);
  assert.match(String(boom[0]!.e['reason']), /crashed while starting/);
  assert.equal(s.val.resources.find(r => r.id === 'hung')?.role, 'Stopped');
  assert.equal(s.val.nodes.filter(n => n.state === 'online').length, 3, 'every node still up');
  assert.deepEqual(w.fenced, []);
});

test('unknown agents fail with not-installed; the cluster stays up', async () => {
  const w = await makeWorld();
  await w.cluster.configure(c => c.stonith(w.fenceDevice()).resource(Resource.primitive('ghost', 'ocf:heartbeat:NoSuchAgent')));
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  assert.equal(s.val.resources.find(r => r.id === 'ghost')?.role, 'Stopped');
  assert.ok(w.events.some(e => e.name === 'resource:failed' && e.e['resource'] === 'ghost' && e.e['rc'] === 5));
  assert.equal(s.val.nodes.filter(n => n.state === 'online').length, 3);
});

test('invalid configuration is refused with a typed error naming the problem', async () => {
  const w = await makeWorld();
  const bad = await w.cluster.configure(c => c.resource(Resource.function('a', w.services.agent('a'))).constraint(Constraint.colocation('a', 'missing', 'INFINITY')));
  assert.ok(bad.err);
  assert.equal(bad.val.code, 'QUORATE_ERR_BAD_CONFIG');
  assert.match(bad.val.message, /with-rsc "missing" is not a configured resource/);
  const agent = await w.cluster.configure(c => c.resource(Resource.primitive('x', 'ocf:Dummy')));
  assert.ok(agent.err);
  assert.match(agent.val.message, /resource "x": agent "ocf:Dummy" is not ocf:<provider>:<type>/);
  const score = await w.cluster.configure(c => c.resource(Resource.function('a', w.services.agent('a'))).constraint(Constraint.location('a', 'n1', 'lots')));
  assert.ok(score.err);
  assert.match(score.val.message, /score "lots" is not a score/);
  const dup = await w.cluster.configure(c => c.resource(Resource.group('g', [Resource.function('a', w.services.agent('a')), Resource.function('a', w.services.agent('a'))])));
  assert.ok(dup.err);
  assert.match(dup.val.message, /"a" is used twice/);
  const interval = await w.cluster.configure(c => c.resource(Resource.function('a', w.services.agent('a')).monitor('often')));
  assert.ok(interval.err);
  assert.match(interval.val.message, /interval "often"/);
  assert.doesNotMatch(w.cluster.cibXml(), /<primitive/, 'nothing was written');
  const cib = await w.cluster.loadCib('<cib><configuration><resources><primitive id="p"/></resources>');
  assert.ok(cib.err);
  assert.equal(cib.val.code, 'QUORATE_ERR_BAD_CIB');
  const unknown = await w.cluster.move('nope', 'n1');
  assert.ok(unknown.err);
  assert.equal(unknown.val.code, 'QUORATE_ERR_UNKNOWN_RESOURCE');
});

test('standby, move and clear move resources as asked', async () => {
  const w = await makeWorld();
  await w.cluster.configure(c => c.stonith(w.fenceDevice())
    .resource(Resource.group('grp', [Resource.function('ip', w.services.agent('ip')), Resource.function('web', w.services.agent('web'))]))
    .rscDefault('resource-stickiness', '100'));
  assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
  const first = w.services.nodesOf('ip')[0]!;
  assert.deepEqual(w.services.nodesOf('web'), [first]);
  assert.ok((await w.cluster.standby(first, true)).ok);
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok);
  const second = w.services.nodesOf('ip')[0]!;
  assert.notEqual(second, first);
  assert.deepEqual(w.services.nodesOf('web'), [second]);
  assert.equal(s.val.nodes.find(n => n.name === first)?.state, 'standby');
  assert.ok((await w.cluster.standby(first, false)).ok);
  const target = ['n1', 'n2', 'n3'].find(n => n !== first && n !== second)!;
  assert.ok((await w.cluster.move('grp', target)).ok);
  assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
  assert.deepEqual(w.services.nodesOf('ip'), [target]);
  assert.match(w.cluster.cibXml(), /cli-prefer-grp/);
  assert.ok((await w.cluster.clear('grp')).ok);
  assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
  assert.doesNotMatch(w.cluster.cibXml(), /cli-prefer-grp/);
  assert.deepEqual(w.services.nodesOf('ip'), [target], 'stickiness keeps it after clear');
  assert.ok((await w.cluster.setProperty('stop-all-resources', 'true')).ok);
  assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
  assert.deepEqual(w.services.nodesOf('ip'), []);
});

test('loadCib takes a Pacemaker CIB document; cibXml gives it back with live status', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'quorate-load-'));
  const w = await makeWorld(['n1', 'n2', 'n3'], 1, { machineDir: dir });
  const xml = `<cib validate-with="pacemaker-3.7" epoch="5" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config><cluster_property_set id="opts"><nvpair id="opts-se" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/><node id="n3" uname="n3"/></nodes>
    <resources>
      <primitive id="svc" class="ocf" provider="heartbeat" type="Dummy">
        <operations><op id="svc-mon" name="monitor" interval="10s"/></operations>
      </primitive>
    </resources>
    <constraints><rsc_location id="svc-on-n3" rsc="svc" node="n3" score="100"/></constraints>
  </configuration>
  <status/>
</cib>`;
  const r = await w.cluster.loadCib(xml);
  assert.ok(r.ok, r.err ? r.val.message : '');
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  assert.deepEqual(s.val.resources.find(x => x.id === 'svc')?.nodes, ['n3']);
  assert.ok(existsSync(path.join(dir, 'n3', 'Dummy-svc.state')));
  const out = w.cluster.cibXml();
  assert.match(out, /<rsc_location id="svc-on-n3"/);
  assert.match(out, /<lrm_rsc_op id="svc_last_0" operation_key="svc_start_0" operation="start"/);
  assert.match(out, /<lrm_rsc_op id="svc_monitor_10000"/);
  assert.ok(w.events.some(e => e.name === 'transition:started'));
  assert.ok(w.events.some(e => e.name === 'transition:completed'));
  await w.cluster.stop();
  await rm(dir, { recursive: true, force: true });
});

test('monitoring resumes after a recovery: a second failure is noticed too', async () => {
  const w = await makeWorld();
  await w.cluster.configure(c => c.stonith(w.fenceDevice()).resource(Resource.function('app', w.services.agent('app')).monitor('5s')));
  assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
  for (let round = 1; round <= 2; round++) {
    const owner = w.services.nodesOf('app')[0]!;
    w.services.kill('app', owner);
    await w.cluster.runFor(6000);
    assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
    assert.equal(w.events.filter(e => e.name === 'resource:failed').length, round, `failure ${round} noticed`);
    assert.equal(w.services.nodesOf('app').length, 1);
  }
});
