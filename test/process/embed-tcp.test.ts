/**
 * Embedding: three members inside one Node app, each built with
 * `Cluster.join({ name, transport: totemTcp({...}) })` on real loopback
 * sockets (the issue's embedding API, without the `quorate node` CLI). They
 * form one ring, elect one DC, run a resource once; when the member running
 * it shuts down, a survivor takes it over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Cluster } from '../../src/cluster/Cluster.js';
import type { Node } from '../../src/cluster/Node.js';
import { totemTcp } from '../../src/messaging/totem/tcp.js';
import { SystemClock } from '../../src/util/clock.js';
import { Resource } from '../../src/api/resource.js';
import { SimulatedServices } from '../../src/cluster/simServices.js';
import { freePorts } from '../messaging/socketHelpers.js';
import { waitFor } from './harness.js';

test('Cluster.join with totemTcp: three embedded members on loopback form, run a service once, and take it over when its member shuts down', { timeout: 40_000 }, async () => {
  const key = randomBytes(32);
  const ports = await freePorts(3);
  const names = ['a', 'b', 'c'];
  const addrs = names.map((name, i) => ({ id: i + 1, name, host: '127.0.0.1', port: ports[i]! }));
  const services = new SimulatedServices();
  const members: Node[] = [];
  try {
    for (const a of addrs) {
      const transport = totemTcp({ nodeId: a.id, nodes: addrs, key, encrypt: true, tokenMs: 400 }).unwrap();
      const m = await Cluster.join({ name: 'embedded', transport, clock: new SystemClock(), nodes: names });
      m.registry.registerAgent('svc', services.agent('svc'));
      members.push(m);
    }
    assert.ok(await waitFor(() => members.every(m => m.synced && m.dc !== undefined && m.dc === members[0]!.dc), 20_000), 'one DC on a synced ring');
    const r = await members[1]!.configure(cfg => cfg.property('stonith-enabled', 'false').resource(Resource.function('svc', services.agent('svc')).monitor('2s')));
    assert.ok(r.ok, r.err ? r.val.message : '');
    assert.ok(await waitFor(() => services.nodesOf('svc').length === 1, 15_000), 'svc started once');
    const holder = services.nodesOf('svc')[0]!;
    // The start's result reaches every replica through the ring.
    assert.ok(await waitFor(() => members.every(m => m.status('embedded').resources.find(x => x.id === 'svc')?.nodes.join() === holder), 10_000),
      `every member sees svc on ${holder}: ${members.map(m => `${m.name}: ${m.status('embedded').resources.find(x => x.id === 'svc')?.nodes.join()}`).join('; ')}`);

    const gone = members.find(m => m.name === holder)!;
    // A clean leave: the DC moves svc away first, then the member stops.
    const left = await gone.shutdown({ timeoutMs: 15_000 });
    assert.ok(left.ok, left.err ? left.val.message : '');
    await gone.stop();
    const rest = members.filter(m => m !== gone);
    assert.ok(await waitFor(() => {
      const now = services.nodesOf('svc');
      return now.length === 1 && now[0] !== holder && rest.every(m => m.view?.members.length === 2 && m.status('embedded').resources.find(x => x.id === 'svc')?.nodes.join() === now[0]);
    }, 20_000), `svc taken over by a survivor (runs on ${services.nodesOf('svc').join(',')})`);
  } finally {
    await Promise.all(members.map(m => m.stop()));
  }
});
