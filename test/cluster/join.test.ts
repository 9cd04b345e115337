import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from '../../src/cluster/Cluster.js';
import { memoryNetwork } from '../../src/messaging/memory.js';
import { Resource } from '../../src/api/resource.js';
import { SimulatedServices } from '../../src/cluster/simServices.js';

test('Cluster.join: members built from only a transport endpoint and a clock form a cluster and run resources', async () => {
  const net = memoryNetwork({ seed: 11 });
  const services = new SimulatedServices();
  // Each "app" runs one member with its own registry, as separate processes would.
  const a = await Cluster.join({ name: 'apps', transport: net.endpoint('a'), clock: net.clock, nodes: ['a', 'b'] });
  const b = await Cluster.join({ name: 'apps', transport: net.endpoint('b'), clock: net.clock, nodes: ['a', 'b'] });
  b.registry.registerAgent('svc', services.agent('svc'));
  const started: string[] = [];
  b.on('resource:started', e => started.push(`${e.resource}@${e.node}`));
  assert.ok(await net.runUntil(() => a.synced && b.synced && a.dc === 'a' && b.dc === 'a', 5000));
  let done: boolean | undefined;
  void a.configure(c => c
    .property('stonith-enabled', 'false')
    .resource(Resource.function('svc', services.agent('svc')).monitor('5s'))).then(r => { done = r.ok; });
  assert.ok(await net.runUntil(() => done !== undefined, 5000));
  assert.equal(done, true);
  assert.ok(await net.runUntil(() => services.nodesOf('svc').length === 1 && a.idle, 10_000));
  const st = b.status('apps');
  assert.equal(st.dc, 'a');
  assert.deepEqual(st.resources.find(r => r.id === 'svc')?.nodes, services.nodesOf('svc'));
  assert.deepEqual(started, [`svc@${services.nodesOf('svc')[0]}`], 'a non-DC member sees the events too');
  assert.match(b.cibXml(), /<primitive id="svc" class="function" type="svc"/);
  const bad = await b.move('nope', 'a');
  assert.ok(bad.err);
  assert.equal(bad.val.code, 'QUORATE_ERR_UNKNOWN_RESOURCE');
  await a.stop();
  await b.stop();
});
