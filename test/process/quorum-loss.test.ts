import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ProcCluster, placement, waitFor, groupAlive } from './harness.js';

test('3 TCP node processes: the last node standing has 1 of 3 votes, loses quorum and stops its resources', { timeout: 60_000 }, async t => {
  const c = await ProcCluster.create({ nodes: 3, transport: 'tcp', tokenMs: 400 });
  try {
    c.startAll();
    let holder = '';
    assert.ok(await waitFor(async () => {
      const s = await c.status('n1');
      const p = placement(s, 'dummy');
      if (!s?.quorum || s.view?.members.length !== 3 || p.length !== 1) return false;
      holder = p[0]!;
      return true;
    }, 20_000), `the cluster never ran dummy\n${c.diagnostics()}`);
    const others = c.names.filter(n => n !== holder);
    const fencesBefore = (await c.status(holder))!.fenceHistory.length;
    for (const n of others) c.kill9(n);
    assert.ok(await waitFor(async () => {
      const s = await c.status(holder);
      return s?.view?.members.join() === holder && s.synced && !s.quorum;
    }, 15_000), `${holder} never saw itself alone without quorum\n${c.diagnostics()}`);
    const s = (await c.status(holder))!;
    assert.equal(s.quorumInfo.provider, 'corosync_votequorum');
    assert.equal(s.quorumInfo.quorate, false);
    assert.equal(s.quorumInfo.quorum, 2);
    // no-quorum-policy=stop (the default): the Dummy is stopped; nobody is fenced without quorum.
    assert.ok(await waitFor(async () => placement(await c.status(holder), 'dummy').length === 0, 15_000), 'dummy kept running without quorum');
    assert.ok(!existsSync(path.join(c.runDir(holder), 'Dummy-dummy.state')), 'the real agent stopped');
    assert.equal((await c.status(holder))!.fenceHistory.length, fencesBefore, 'an inquorate partition fences nobody');
    const text = await c.cli(['status', '--control', c.control(holder)]);
    assert.match(text.stdout, /Quorum: NO via corosync_votequorum \(votes 1\/3, need 2\)/);
    assert.match(text.stdout, /partition WITHOUT quorum/);
    t.diagnostic(`quorum lost on ${holder}; dummy stopped`);
  } finally {
    const groups = [...c.groups];
    await c.destroy();
    assert.deepEqual(groups.filter(groupAlive), []);
  }
});
