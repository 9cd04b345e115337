import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resource } from '../../src/api/resource.js';
import { Constraint } from '../../src/api/constraint.js';
import { StonithDevice } from '../../src/fencing/device.js';
import { makeWorld } from './harness.js';

test('a crashed node running a service is fenced before the service is recovered elsewhere', async () => {
  const w = await makeWorld();
  const r = await w.cluster.configure(c => c
    .resource(Resource.function('vip', w.services.agent('vip')).monitor('10s'))
    .resource(Resource.function('api', w.services.agent('api')).monitor('10s'))
    .constraint(Constraint.colocation('api', 'vip', 'INFINITY'))
    .constraint(Constraint.order('vip', 'api'))
    .stonith(w.fenceDevice()));
  assert.ok(r.ok);
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  const owner = w.services.nodesOf('vip');
  assert.equal(owner.length, 1);
  assert.deepEqual(w.services.nodesOf('api'), owner);
  const victim = owner[0]!;
  w.events.length = 0;
  w.net.crash(victim);
  const s2 = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s2.ok, s2.err ? s2.val.message : '');
  const now = w.services.nodesOf('vip');
  assert.equal(now.length, 1);
  assert.notEqual(now[0], victim);
  assert.deepEqual(w.services.nodesOf('api'), now);
  assert.deepEqual(w.fenced, [victim]);
  const fencedAt = w.events.findIndex(e => e.name === 'node:fenced' && e.e['node'] === victim);
  const startedAt = w.events.findIndex(e => e.name === 'resource:started' && e.e['resource'] === 'vip');
  assert.ok(fencedAt >= 0 && startedAt > fencedAt, 'fenced before recovery');
  const st = s2.val;
  assert.equal(st.nodes.find(n => n.name === victim)?.state, 'offline');
  assert.equal(st.fenceHistory.length, 1);
  assert.equal(st.fenceHistory[0]!.target, victim);
  const vip = st.resources.find(x => x.id === 'vip')!;
  assert.deepEqual(vip.nodes, now);
  assert.equal(vip.role, 'Started');
});

test('DC crash: a new DC is elected and no acknowledged CIB update is lost', async () => {
  const w = await makeWorld();
  await w.cluster.configure(c => c.stonith(w.fenceDevice()).resource(Resource.function('svc', w.services.agent('svc')).monitor('5s')));
  assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
  const dc = w.cluster.status().dc!;
  assert.ok(dc);
  const ack = await w.cluster.setProperty('acked-before-crash', 'yes');
  assert.ok(ack.ok);
  w.net.crash(dc);
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  assert.notEqual(s.val.dc, dc);
  assert.ok(w.events.some(e => e.name === 'dc:elected' && e.e['node'] === s.val.dc));
  assert.match(w.cluster.cibXml(), /name="acked-before-crash" value="yes"/);
  assert.equal(w.services.nodesOf('svc').length, 1);
  // The old DC rejoins and takes the cluster's CIB, not its own stale one.
  w.net.restart(dc);
  const s3 = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s3.ok, s3.err ? s3.val.message : '');
  assert.equal(s3.val.nodes.filter(n => n.state === 'online').length, 3);
  assert.match(w.cluster.cibXml(), /name="acked-before-crash" value="yes"/);
  assert.equal(w.services.check().length, 0);
});

test('partition: the minority stops its resources, the majority fences it and recovers', async () => {
  const w = await makeWorld(['n1', 'n2', 'n3'], 7);
  await w.cluster.configure(c => c
    .stonith(w.fenceDevice())
    .resource(Resource.function('db', w.services.agent('db')).monitor('5s'))
    .rscDefault('resource-stickiness', '100')
    .property('no-quorum-policy', 'stop'));
  assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
  const owner = w.services.nodesOf('db')[0]!;
  const others = ['n1', 'n2', 'n3'].filter(n => n !== owner);
  let violations = 0;
  w.net.partition([[owner], others]);
  // Check safety after every step of the failover.
  for (let i = 0; i < 2000 && (w.services.nodesOf('db').length !== 1 || w.services.nodesOf('db')[0] === owner); i++) {
    await w.cluster.runFor(5);
    violations += w.services.check().length;
  }
  assert.equal(violations, 0);
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  assert.deepEqual(w.fenced, [owner]);
  const now = w.services.nodesOf('db');
  assert.equal(now.length, 1);
  assert.ok(others.includes(now[0]!));
  w.net.heal();
  w.net.restart(owner);
  const s2 = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s2.ok, s2.err ? s2.val.message : '');
  assert.equal(s2.val.nodes.filter(n => n.state === 'online').length, 3);
  assert.deepEqual(w.services.nodesOf('db'), now, 'stickiness keeps it where it was recovered');
});

test('minority without fencing of it: the isolated node stops its resources (no-quorum-policy=stop)', async () => {
  const w = await makeWorld(['n1', 'n2', 'n3'], 3);
  // A device that cannot reach anything: the majority can never fence, so it must not recover.
  const dead = StonithDevice.function('nofence', { hosts: ['n1', 'n2', 'n3'], fence: () => false });
  await w.cluster.configure(c => c.stonith(dead).resource(Resource.function('db', w.services.agent('db')).monitor('5s')).property('no-quorum-policy', 'stop'));
  assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
  const owner = w.services.nodesOf('db')[0]!;
  w.net.partition([[owner], ['n1', 'n2', 'n3'].filter(n => n !== owner)]);
  await w.cluster.runFor(8000);
  assert.deepEqual(w.services.nodesOf('db'), [], 'the minority stopped it and the majority did not start it unfenced');
  assert.ok(w.events.some(e => e.name === 'fence:failed' && e.e['node'] === owner), 'fencing failures are reported');
  assert.ok(w.events.filter(e => e.name === 'fence:failed').length >= 2, 'failed fencing is retried');
});

test('fencing topology: when level 1 fails, level 2 fences', async () => {
  const w = await makeWorld();
  const broken = StonithDevice.function('ipmi', { hosts: ['n1', 'n2', 'n3'], fence: () => { throw new Error('BMC unreachable'); } });
  await w.cluster.configure(c => c
    .stonith(broken).stonith(w.fenceDevice('pdu'))
    .fencingLevel('n1', 1, ['ipmi']).fencingLevel('n1', 2, ['pdu'])
    .fencingLevel('n2', 1, ['ipmi']).fencingLevel('n2', 2, ['pdu'])
    .fencingLevel('n3', 1, ['ipmi']).fencingLevel('n3', 2, ['pdu'])
    .resource(Resource.function('web', w.services.agent('web'))));
  assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
  const owner = w.services.nodesOf('web')[0]!;
  w.net.crash(owner);
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  assert.deepEqual(w.fenced, [owner]);
  const rec = s.val.fenceHistory.find(f => f.target === owner && f.state === 'success');
  assert.deepEqual(rec?.devices, ['pdu']);
  assert.equal(w.services.nodesOf('web').length, 1);
});

test('promotable clone: one instance promoted; after its node dies and is fenced, another is promoted', async () => {
  const w = await makeWorld();
  const r = await w.cluster.configure(c => c
    .stonith(w.fenceDevice())
    .resource(Resource.promotable('ms', Resource.function('store', w.services.agent('store', { clone: true, promotedMax: 1 })).monitor('5s', { role: 'Unpromoted' }).monitor('4s', { role: 'Promoted' }), { 'promoted-max': '1' }))
    .constraint(Constraint.location('ms', 'n2', 100, { role: 'Promoted' }))
    .constraint(Constraint.location('ms', 'n3', 50, { role: 'Promoted' })));
  assert.ok(r.ok, r.err ? r.val.message : '');
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  const promoted = (): string[] => [...new Set(['store', 'store:0', 'store:1', 'store:2'].flatMap(id => w.services.promotedOn(id)))];
  assert.deepEqual(promoted(), ['n2']);
  assert.ok(w.events.some(e => e.name === 'resource:promoted' && e.e['node'] === 'n2'));
  const roles = s.val.resources.find(x => x.id === 'ms')?.roles ?? {};
  assert.equal(roles['n2'], 'Promoted');
  w.net.crash('n2');
  const s2 = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s2.ok, s2.err ? s2.val.message : '');
  assert.deepEqual(promoted(), ['n3']);
  assert.deepEqual(w.fenced, ['n2']);
  assert.equal(w.services.check().length, 0);
});

/**
 * A fenced cluster running `svc` (with these cluster properties): the node running
 * it shuts down cleanly; returns that node once the cluster settled again without
 * fencing it, the node offline.
 */
async function shutDownSvcOwner(w: Awaited<ReturnType<typeof makeWorld>>, props: Record<string, string> = {}): Promise<string> {
  await w.cluster.configure(c => {
    let b = c.stonith(w.fenceDevice()).resource(Resource.function('svc', w.services.agent('svc')).monitor('5s'));
    for (const [k, v] of Object.entries(props)) b = b.property(k, v);
    return b;
  });
  assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
  const owner = w.services.nodesOf('svc')[0]!;
  const r = await w.cluster.shutdown(owner);
  assert.ok(r.ok, r.err ? r.val.message : '');
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  assert.deepEqual(w.fenced, []);
  assert.equal(s.val.fenceHistory.length, 0);
  assert.equal(s.val.nodes.find(n => n.name === owner)?.state, 'offline');
  return owner;
}

test('a clean shutdown moves resources away first and the node is not fenced', async () => {
  const w = await makeWorld();
  const owner = await shutDownSvcOwner(w);
  const now = w.services.nodesOf('svc');
  assert.equal(now.length, 1);
  assert.notEqual(now[0], owner);
  assert.ok(w.services.log.findIndex(l => l.op === 'stop' && l.node === owner) >= 0, 'stopped on the leaving node');
});

test('shutdown-lock: the leaving node\'s resource stays stopped, locked to it, and starts there when it rejoins', async () => {
  const w = await makeWorld();
  const owner = await shutDownSvcOwner(w, { 'shutdown-lock': 'true' });
  assert.deepEqual(w.services.nodesOf('svc'), [], 'not recovered elsewhere while its node is away');
  // Still held after time passes (a recheck schedules again and must not move it).
  await w.cluster.runFor(20_000);
  assert.deepEqual(w.services.nodesOf('svc'), []);
  // The machine powers off after its clean shutdown, then boots and rejoins.
  w.net.crash(owner);
  w.net.restart(owner);
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  assert.deepEqual(w.services.nodesOf('svc'), [owner], 'started again on the node it was locked to');
});

test('failure-timeout: an expired failure is forgotten at the next recheck', async () => {
  const w = await makeWorld();
  w.services.setFaults('svc', { failStartOn: ['n1'] });
  await w.cluster.configure(c => c.stonith(w.fenceDevice())
    .property('cluster-recheck-interval', '30s')
    .resource(Resource.function('svc', w.services.agent('svc')).meta({ 'failure-timeout': '60s' }))
    .constraint(Constraint.location('svc', 'n1', 100)));
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  assert.notDeepEqual(w.services.nodesOf('svc'), ['n1']);
  assert.equal(s.val.failcounts.length, 1);
  w.services.setFaults('svc', {});
  await w.cluster.runFor(100_000);
  const s2 = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s2.ok, s2.err ? s2.val.message : '');
  assert.deepEqual(w.services.nodesOf('svc'), ['n1'], 'back on the preferred node once the failure expired');
});

test('an update asked through a member while the DC dies is re-sent to the new DC and acknowledged', async () => {
  const w = await makeWorld();
  assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
  const dc = w.cluster.status().dc!;
  const member = ['n1', 'n2', 'n3'].find(n => n !== dc)!;
  let acked: boolean | undefined;
  void w.cluster.node(member)!.setProperty('asked-during-failover', 'yes').then(r => { acked = r.ok; });
  w.net.crash(dc);
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  assert.equal(acked, true);
  assert.match(w.cluster.cibXml(), /name="asked-during-failover" value="yes"/);
});
