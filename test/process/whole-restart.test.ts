import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ProcCluster, placement, waitFor, groupAlive, type StatusJson } from './harness.js';
import { controlRequest } from '../../src/control/client.js';

async function formed(c: ProcCluster): Promise<StatusJson | undefined> {
  const ss = await Promise.all(c.names.map(n => c.status(n)));
  if (ss.some(s => !s?.synced || s.view?.members.length !== c.names.length || !s.dc)) return undefined;
  return ss[0];
}

test('3 TCP node processes with --state-dir: after every node crashed, the cluster comes back with its newest CIB, not the file', { timeout: 60_000 }, async t => {
  const c = await ProcCluster.create({ nodes: 3, transport: 'tcp', tokenMs: 400, stateDirs: true });
  try {
    c.startAll();
    let holder = '';
    assert.ok(await waitFor(async () => {
      const s = await formed(c);
      const p = placement(s, 'dummy');
      if (!s || p.length !== 1) return false;
      holder = p[0]!;
      return true;
    }, 20_000), `the cluster never ran dummy\n${c.diagnostics()}`);
    const target = c.names.find(n => n !== holder)!;
    const moved = await c.cli(['move', 'dummy', target, '--control', c.control('n1')]);
    assert.equal(moved.code, 0, moved.stderr);
    assert.ok(await waitFor(async () => placement(await c.status('n1'), 'dummy').join() === target, 15_000), 'dummy did not move');
    const before = (await c.status('n1'))!.version;
    // Let the coalesced writes reach the disk, then crash every node.
    await new Promise(r => setTimeout(r, 600));
    for (const n of c.names) c.kill9(n);
    assert.ok(await waitFor(() => c.groups.every(g => !groupAlive(g)), 5000));
    for (const n of c.names) assert.ok(existsSync(c.file(`state-${n}/cib.xml`)), `${n} saved its CIB`);
    for (const n of c.names) await c.reboot(n);
    c.startAll();
    assert.ok(await waitFor(async () => (await formed(c)) !== undefined, 20_000), `the cluster did not form again\n${c.diagnostics()}`);
    const started = c.lines.get('n1')!.find(l => l.kind === 'started' && l.incarnation === 2);
    assert.match(started?.rest ?? '', /cib-from="[^"]*state-n1\/cib\.xml \(epoch \d+\)"/);
    const cib = await controlRequest(c.control('n2'), { cmd: 'cib' });
    assert.ok(cib.ok && String(cib.val).includes('cli-prefer-dummy'), 'the constraint written before the crash is back');
    const after = (await c.status('n2'))!;
    assert.ok(after.version.epoch >= before.epoch, `epoch ${after.version.epoch} < ${before.epoch}`);
    assert.ok(await waitFor(async () => placement(await c.status('n3'), 'dummy').join() === target, 20_000), 'dummy did not start where the stored constraint says');
    t.diagnostic(`restarted with epoch ${after.version.epoch} (was ${before.epoch}); dummy on ${target}`);

    // The admin commands through another node's control socket.
    const ctl = ['--control', c.control('n3')];
    const clear = await c.cli(['clear', 'dummy', ...ctl]);
    assert.equal(clear.code, 0, clear.stderr);
    const cleared = await controlRequest(c.control('n1'), { cmd: 'cib' });
    assert.ok(cleared.ok && !String(cleared.val).includes('cli-prefer-dummy'), 'clear removed the constraint everywhere');
    const standby = await c.cli(['standby', target, 'on', ...ctl]);
    assert.equal(standby.code, 0, standby.stderr);
    assert.ok(await waitFor(async () => {
      const s = await c.status('n3');
      const p = placement(s, 'dummy');
      return p.length === 1 && p[0] !== target && s!.nodes.find(n => n.name === target)?.state === 'standby';
    }, 20_000), `standby did not move dummy off ${target}\n${c.diagnostics()}`);
    // A real failure: the Dummy's state file vanishes, its 2 s monitor reports it stopped.
    const failedOn = placement(await c.status('n3'), 'dummy')[0]!;
    await rm(path.join(c.runDir(failedOn), 'Dummy-dummy.state'));
    assert.ok(await waitFor(async () => (await c.status('n1'))!.failcounts.some(f => f.resource === 'dummy' && f.node === failedOn && f.count >= 1), 15_000),
      `the monitor failure was never counted\n${c.diagnostics()}`);
    assert.ok(await waitFor(async () => placement(await c.status('n1'), 'dummy').length === 1, 15_000), 'dummy recovered');
    const failedText = await c.cli(['status', ...ctl]);
    assert.match(failedText.stdout, new RegExp(`dummy on ${failedOn}: fail-count=\\d+`));
    const cleanup = await c.cli(['cleanup', 'dummy', ...ctl]);
    assert.equal(cleanup.code, 0, cleanup.stderr);
    assert.ok(await waitFor(async () => {
      const ss = await Promise.all(c.names.map(n => c.status(n)));
      return ss.every(s => s !== undefined && !s.failcounts.some(f => f.resource === 'dummy'));
    }, 10_000), `cleanup did not clear the failure everywhere\n${c.diagnostics()}`);
    const unknown = await c.cli(['move', 'nope', 'n1', ...ctl]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^quorate move: resource "nope" is not configured\n$/);
    const noNode = await c.cli(['status', '--control', c.file('nobody.sock')]);
    assert.equal(noNode.code, 1);
    assert.match(noNode.stderr, /cannot reach a node at/);
  } finally {
    const groups = [...c.groups];
    await c.destroy();
    assert.deepEqual(groups.filter(groupAlive), []);
  }
});
