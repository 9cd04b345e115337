/**
 * votequorum options in real `quorate node` processes (corosync.conf quorum
 * section → votequorum → what the cluster does): two_node keeps the survivor
 * of a two-node cluster quorate, so it fences the peer and runs the service;
 * last_man_standing (+ window) with auto_tie_breaker lets a three-node
 * cluster shrink one node at a time down to the tie-breaker (the plain
 * majority rule stops at two; see quorum-loss.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcCluster, placement, waitFor, groupAlive, type StatusJson } from './harness.js';

type QStatus = StatusJson & { quorumInfo: { quorate: boolean; quorum: number; expectedVotes: number; totalVotes: number } };

async function formedWith(c: ProcCluster): Promise<string | undefined> {
  const ss = await Promise.all(c.names.map(n => c.status(n)));
  if (ss.some(s => !s?.synced || s.view?.members.length !== c.names.length || !s.dc || !s.quorum)) return undefined;
  const p = placement(ss[0], 'dummy');
  return p.length === 1 && placement(ss[0], 'fence1').length === 1 ? p[0] : undefined;
}

async function destroy(c: ProcCluster): Promise<void> {
  const groups = [...c.groups];
  await c.destroy();
  assert.deepEqual(groups.filter(groupAlive), []);
}

test('two_node: 1 in 2 node processes: the survivor of kill -9 keeps quorum (1 of 2 votes), fences its peer and runs the Dummy', { timeout: 40_000 }, async t => {
  const c = await ProcCluster.create({ nodes: 2, transport: 'tcp', tokenMs: 400, quorum: '  two_node: 1' });
  try {
    c.startAll();
    let holder: string | undefined;
    assert.ok(await waitFor(async () => (holder = await formedWith(c)) !== undefined, 20_000), `never formed\n${c.diagnostics()}`);
    const survivor = c.names.find(n => n !== holder)!;
    const q0 = (await c.status(survivor)) as QStatus;
    assert.deepEqual([q0.quorumInfo.expectedVotes, q0.quorumInfo.quorum], [2, 1], 'two_node: quorum 1 of 2');
    c.kill9(holder!);
    assert.ok(await waitFor(async () => {
      const s = (await c.status(survivor)) as QStatus | undefined;
      return !!s && s.view?.members.join() === survivor && s.quorum && s.fenceHistory.some(f => f.target === holder && f.state === 'success') &&
        placement(s, 'dummy').join() === survivor;
    }, 20_000), `${survivor} did not keep quorum, fence ${holder} and take the Dummy\n${c.diagnostics()}`);
    const text = await c.cli(['status', '--control', c.control(survivor)]);
    assert.match(text.stdout, /Quorum: yes via corosync_votequorum \(votes 1\/2, need 1\)/);
    t.diagnostic(`${survivor} alone: quorate, fenced ${holder}, runs dummy`);
  } finally {
    await destroy(c);
  }
});

test('last_man_standing + window + auto_tie_breaker in 3 node processes: one by one down to n1, which keeps quorum and the Dummy', { timeout: 40_000 }, async t => {
  const quorum = '  wait_for_all: 1\n  last_man_standing: 1\n  last_man_standing_window: 1000\n  auto_tie_breaker: 1';
  const c = await ProcCluster.create({ nodes: 3, transport: 'tcp', tokenMs: 400, quorum });
  try {
    c.startAll();
    assert.ok(await waitFor(async () => (await formedWith(c)) !== undefined, 20_000), `never formed\n${c.diagnostics()}`);
    const q = async (): Promise<QStatus | undefined> => (await c.status('n1')) as QStatus | undefined;
    // n3 dies: 2 of 3 is a majority anyway; after the window expected_votes drops to 2.
    c.kill9('n3');
    assert.ok(await waitFor(async () => {
      const s = await q();
      return !!s && s.view?.members.join() === 'n1,n2' && s.quorum && s.quorumInfo.expectedVotes === 2;
    }, 15_000), `expected votes never dropped to 2 after the window\n${c.diagnostics()}`);
    const fenced3 = await waitFor(async () => (await q())?.fenceHistory.some(f => f.target === 'n3' && f.state === 'success') === true, 15_000);
    assert.ok(fenced3, 'n3 fenced');
    // n2 dies: 1 of 2 votes is an exact half; the tie-breaker (lowest node id: n1) keeps quorum,
    // and after the window expected_votes drops to 1.
    c.kill9('n2');
    assert.ok(await waitFor(async () => {
      const s = await q();
      return !!s && s.view?.members.join() === 'n1' && s.quorum && s.quorumInfo.expectedVotes === 1;
    }, 15_000), `n1 did not stay quorate down to one node\n${c.diagnostics()}`);
    assert.ok(await waitFor(async () => {
      const s = await q();
      return !!s && s.fenceHistory.some(f => f.target === 'n2' && f.state === 'success') && placement(s, 'dummy').join() === 'n1';
    }, 20_000), `n1 did not fence n2 and run the Dummy\n${c.diagnostics()}`);
    const text = await c.cli(['status', '--control', c.control('n1')]);
    assert.match(text.stdout, /Quorum: yes via corosync_votequorum \(votes 1\/1, need 1\)/);
    t.diagnostic('n1 alone: quorate (LMS + ATB), fenced n3 and n2, runs dummy');
  } finally {
    await destroy(c);
  }
});
