/**
 * A real split of `quorate node` processes: each node in its own network
 * namespace on a bridge; the cable of the node running the Dummy is pulled.
 * The majority keeps quorum, fences the lost node (fence_dummy) and starts
 * the Dummy; the isolated node loses quorum and stops it (no-quorum-policy
 * stop), so it never runs twice. When the cable is plugged back, the
 * isolated node learns it was fenced and exits (as pacemaker-controld does);
 * restarted, it rejoins the one ring with the newest CIB.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ProcCluster, placement, waitFor, groupAlive, type StatusJson } from './harness.js';
import { IP, NETNS_SKIP, makeBridge, type Bridge } from '../messaging/netnsPartition.js';
import { controlRequest } from '../../src/control/client.js';
import { EXIT_FENCED } from '../../src/cli/node.js';

async function agreed(c: ProcCluster, names: readonly string[]): Promise<StatusJson | undefined> {
  const ss = await Promise.all(names.map(n => c.status(n)));
  if (ss.some(s => !s?.synced || s.view?.members.join() !== names.join() || !s.dc || s.dc !== ss[0]!.dc)) return undefined;
  return ss[0];
}

test('quorate node processes in namespaces: a cut cable splits 2+1, the majority fences and takes over, the minority stops; healed, the fenced node rejoins', { skip: NETNS_SKIP, timeout: 40_000 }, async t => {
  let br: Bridge | undefined;
  let c: ProcCluster | undefined;
  try {
    br = makeBridge(3, `p${process.pid % 100000}`, 80);
    c = await ProcCluster.create({ nodes: 3, transport: 'tcp', tokenMs: 500, nodeNetns: { ip: IP!, names: br.nodeNs, addrs: br.addrs, port: 5405 } });
    const cl = c;
    cl.startAll();
    let holder = '';
    assert.ok(await waitFor(async () => {
      const s = await agreed(cl, cl.names);
      const p = placement(s, 'dummy');
      if (!s?.quorum || p.length !== 1 || placement(s, 'fence1').length !== 1) return false;
      holder = p[0]!;
      return true;
    }, 20_000), `never formed\n${cl.diagnostics()}`);
    const majority = cl.names.filter(n => n !== holder);
    t.diagnostic(`dummy on ${holder}; cutting its cable`);

    br.cut(cl.names.indexOf(holder));
    let newHolder = '';
    assert.ok(await waitFor(async () => {
      const s = await agreed(cl, majority);
      const p = placement(s, 'dummy');
      if (!s?.quorum || !s.fenceHistory.some(f => f.target === holder && f.state === 'success') || p.length !== 1 || !majority.includes(p[0]!)) return false;
      newHolder = p[0]!;
      return true;
    }, 20_000), `the majority did not fence ${holder} and take over\n${cl.diagnostics()}`);
    assert.ok(await waitFor(async () => {
      const s = await cl.status(holder);
      return !!s && s.view?.members.join() === holder && !s.quorum && !existsSync(path.join(cl.runDir(holder), 'Dummy-dummy.state'));
    }, 15_000), `the isolated ${holder} did not lose quorum and stop the Dummy\n${cl.diagnostics()}`);
    // A change on the majority side while the node is cut off.
    const moved = await cl.cli(['move', 'dummy', newHolder, '--control', cl.control(majority[0]!)]);
    assert.equal(moved.code, 0, moved.stderr);

    br.heal(cl.names.indexOf(holder));
    const p = cl.proc(holder)!;
    assert.ok(await waitFor(() => p.exitCode !== null, 15_000), `${holder} did not learn it was fenced\n${cl.diagnostics()}`);
    assert.equal(p.exitCode, EXIT_FENCED, 'a node that learns it was fenced exits with CRM_EX_FATAL (100)');
    // It left uncleanly, so the DC may fence it once more (as Pacemaker would): the "reboot"
    // that restarts it comes after the cluster has it offline and clean.
    assert.ok(await waitFor(async () => {
      const s = await agreed(cl, majority);
      return !!s && s.nodes.find(n => n.name === holder)?.state === 'offline';
    }, 15_000), `the majority never settled with ${holder} offline\n${cl.diagnostics()}`);
    await cl.reboot(holder);
    cl.start(holder);
    assert.ok(await waitFor(async () => (await agreed(cl, cl.names)) !== undefined, 20_000), `${holder} never rejoined\n${cl.diagnostics()}`);
    const cib = await controlRequest(cl.control(holder), { cmd: 'cib' });
    assert.ok(cib.ok && String(cib.val).includes('cli-prefer-dummy'), 'the rejoined node has the change made while it was cut off');
    const all = await Promise.all(cl.names.map(n => cl.status(n)));
    for (const s of all) assert.equal(placement(s, 'dummy').join(), newHolder, `${s!.localNode} sees the Dummy once, on ${newHolder}`);
    t.diagnostic(`${holder} fenced while cut off, exited ${EXIT_FENCED} on heal, rejoined; dummy on ${newHolder}`);
  } finally {
    if (c) {
      const groups = [...c.groups];
      await c.destroy();
      assert.deepEqual(groups.filter(groupAlive), []);
    }
    br?.destroy();
  }
});
