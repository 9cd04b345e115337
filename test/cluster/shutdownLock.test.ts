/**
 * shutdown-lock in a running cluster: a resource of a node that shuts down
 * cleanly is not recovered elsewhere; it waits for that node and starts there
 * again when it rejoins. Without the option it moves (the control case).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resource } from '../../src/api/resource.js';
import { makeWorld } from './harness.js';

async function shutDownOwner(lock: boolean): Promise<{ w: Awaited<ReturnType<typeof makeWorld>>; owner: string }> {
  const w = await makeWorld();
  await w.cluster.configure(c => {
    const b = c.stonith(w.fenceDevice()).resource(Resource.function('svc', w.services.agent('svc')).monitor('5s'));
    return lock ? b.property('shutdown-lock', 'true') : b;
  });
  assert.ok((await w.cluster.settle({ timeoutMs: 30_000 })).ok);
  const owner = w.services.nodesOf('svc')[0]!;
  const r = await w.cluster.shutdown(owner);
  assert.ok(r.ok, r.err ? r.val.message : '');
  const s = await w.cluster.settle({ timeoutMs: 30_000 });
  assert.ok(s.ok, s.err ? s.val.message : '');
  assert.equal(s.val.nodes.find(n => n.name === owner)?.state, 'offline');
  assert.deepEqual(w.fenced, []);
  return { w, owner };
}

test('shutdown-lock: the leaving node\'s resource stays stopped, locked to it, and starts there when it rejoins', async () => {
  const { w, owner } = await shutDownOwner(true);
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

test('without shutdown-lock the same clean shutdown moves the resource', async () => {
  const { w, owner } = await shutDownOwner(false);
  const now = w.services.nodesOf('svc');
  assert.equal(now.length, 1);
  assert.notEqual(now[0], owner);
});
