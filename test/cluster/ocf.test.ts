import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile, unlink, mkdir, symlink, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cluster } from '../../src/cluster/Cluster.js';
import { memoryNetwork } from '../../src/messaging/memory.js';
import { Resource } from '../../src/api/resource.js';
import { StonithDevice } from '../../src/fencing/device.js';
import type { ClusterEvents } from '../../src/cluster/events.js';
import { CLUSTER_EVENT_NAMES } from '../../src/cluster/events.js';

async function world(extra: { ocfRoot?: string } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'quorate-ocf-'));
  const net = memoryNetwork({ seed: 5 });
  const cluster = await Cluster.create({ name: 'ocf', nodes: ['n1', 'n2', 'n3'], transport: net, machineDir: path.join(dir, 'machines'), rebootDelayMs: -1, ...extra });
  const events: { name: keyof ClusterEvents; e: Record<string, unknown> }[] = [];
  for (const name of CLUSTER_EVENT_NAMES) cluster.on(name, ((e: Record<string, unknown>) => events.push({ name, e })) as never);
  const status = path.join(dir, 'fence.status');
  await writeFile(status, 'on');
  return {
    dir, net, cluster, events, statusFile: status,
    machine: (n: string) => path.join(dir, 'machines', n),
    cleanup: async () => { await cluster.stop(); await rm(dir, { recursive: true, force: true }); },
  };
}

function owner(cluster: Cluster, rsc: string): string | undefined {
  const r = cluster.status().resources.find(x => x.id === rsc);
  return r?.nodes.length === 1 ? r.nodes[0] : undefined;
}

test('ocf:heartbeat:Dummy is started, monitored, fails when its state file goes, and is recovered', async () => {
  const w = await world();
  try {
    const r = await w.cluster.configure(c => c
      .stonith(StonithDevice.agent('fd', 'fence_dummy', { status_file: w.statusFile, pcmk_host_list: 'n1 n2 n3' }))
      .resource(Resource.primitive('dummy', 'ocf:heartbeat:Dummy').monitor('5s')));
    assert.ok(r.ok, r.err ? r.val.message : '');
    const s = await w.cluster.settle({ timeoutMs: 60_000 });
    assert.ok(s.ok, s.err ? s.val.message : '');
    const on = owner(w.cluster, 'dummy')!;
    assert.ok(on);
    const stateFile = path.join(w.machine(on), 'Dummy-dummy.state');
    assert.ok(existsSync(stateFile), 'the agent wrote its state on the owner machine');
    await unlink(stateFile);
    await w.cluster.runFor(6000);
    const s2 = await w.cluster.settle({ timeoutMs: 60_000 });
    assert.ok(s2.ok, s2.err ? s2.val.message : '');
    const fail = w.events.find(e => e.name === 'resource:failed' && e.e['resource'] === 'dummy');
    assert.equal(fail?.e['operation'], 'monitor');
    assert.equal(fail?.e['rc'], 7);
    assert.deepEqual(s2.val.failcounts, [{ resource: 'dummy', node: on, count: 1 }]);
    const now = owner(w.cluster, 'dummy')!;
    assert.ok(existsSync(path.join(w.machine(now), 'Dummy-dummy.state')), 'running again');
  } finally {
    await w.cleanup();
  }
});

test('ocf:heartbeat:anything runs a real process; killing it is noticed and it is restarted', async () => {
  const w = await world();
  try {
    await w.cluster.configure(c => c
      .stonith(StonithDevice.agent('fd', 'fence_dummy', { status_file: w.statusFile, pcmk_host_list: 'n1 n2 n3' }))
      // The hook also treats a zombie as dead: where PID 1 does not reap orphans, kill -0 alone would still find it.
      .resource(Resource.primitive('proc', 'ocf:heartbeat:anything', {
        binfile: '/bin/sleep', cmdline_options: '600', stop_timeout: '1',
        monitor_hook: `! grep -qs '^State:.*Z' /proc/$(cat "$pidfile")/status`,
      }).monitor('5s').op('stop', { timeout: '4s' })));
    const s = await w.cluster.settle({ timeoutMs: 60_000 });
    assert.ok(s.ok, s.err ? s.val.message : '');
    const on = owner(w.cluster, 'proc')!;
    const pidFile = path.join(w.machine(on), 'anything_proc.pid');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    assert.ok(pid > 1);
    process.kill(pid, 'SIGKILL');
    await w.cluster.runFor(6000);
    const s2 = await w.cluster.settle({ timeoutMs: 60_000 });
    assert.ok(s2.ok, s2.err ? s2.val.message : '');
    assert.ok(w.events.some(e => e.name === 'resource:failed' && e.e['resource'] === 'proc'));
    const now = owner(w.cluster, 'proc')!;
    const pid2 = Number((await readFile(path.join(w.machine(now), 'anything_proc.pid'), 'utf8')).trim());
    assert.notEqual(pid2, pid);
    const state = await readFile(`/proc/${pid2}/status`, 'utf8');
    assert.doesNotMatch(state, /^State:\s+Z/m, 'the new process runs');
  } finally {
    await w.cleanup();
  }
});

test('crash of the node running Dummy: fence_dummy fences it and Dummy is recovered elsewhere', async () => {
  const w = await world();
  try {
    await w.cluster.configure(c => c
      .stonith(StonithDevice.agent('broken', 'fence_dummy', { type: 'fail', power_timeout: '1', pcmk_host_list: 'n1 n2 n3', pcmk_reboot_retries: '0' }))
      .stonith(StonithDevice.agent('fd', 'fence_dummy', { status_file: w.statusFile, pcmk_host_list: 'n1 n2 n3' }))
      .fencingLevel('n1', 1, ['broken']).fencingLevel('n1', 2, ['fd'])
      .fencingLevel('n2', 1, ['broken']).fencingLevel('n2', 2, ['fd'])
      .fencingLevel('n3', 1, ['broken']).fencingLevel('n3', 2, ['fd'])
      .resource(Resource.primitive('dummy', 'ocf:heartbeat:Dummy').monitor('5s')));
    assert.ok((await w.cluster.settle({ timeoutMs: 60_000 })).ok);
    const on = owner(w.cluster, 'dummy')!;
    w.net.crash(on);
    const s = await w.cluster.settle({ timeoutMs: 60_000 });
    assert.ok(s.ok, s.err ? s.val.message : '');
    const rec = s.val.fenceHistory.find(f => f.target === on && f.state === 'success');
    assert.ok(rec, 'fenced');
    assert.deepEqual(rec!.devices, ['fd'], 'level 1 failed, level 2 fenced');
    const now = owner(w.cluster, 'dummy')!;
    assert.notEqual(now, on);
    assert.ok(existsSync(path.join(w.machine(now), 'Dummy-dummy.state')));
    assert.equal(s.val.nodes.find(n => n.name === on)?.state, 'offline');
  } finally {
    await w.cleanup();
  }
});

test('a hung OCF agent is timed out and reported; the cluster keeps running', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'quorate-ocfroot-'));
  await mkdir(path.join(root, 'resource.d', 'test'), { recursive: true });
  await mkdir(path.join(root, 'lib'), { recursive: true });
  await symlink('/usr/lib/ocf/lib/heartbeat', path.join(root, 'lib', 'heartbeat'));
  for (const f of await readdir('/usr/lib/ocf/resource.d/heartbeat')) {
    if (f === 'Dummy') await symlink(path.join('/usr/lib/ocf/resource.d/heartbeat', f), path.join(root, 'resource.d', 'test', 'Dummy'));
  }
  await writeFile(path.join(root, 'resource.d', 'test', 'Hang'), `#!/bin/sh
case "$1" in
start) exec sleep 600 ;;
stop) exit 0 ;;
monitor) exit 7 ;;
meta-data) echo '<resource-agent name="Hang"/>'; exit 0 ;;
*) exit 3 ;;
esac
`, { mode: 0o755 });
  const w = await world({ ocfRoot: root });
  try {
    await w.cluster.configure(c => c
      .stonith(StonithDevice.agent('fd', 'fence_dummy', { status_file: w.statusFile, pcmk_host_list: 'n1 n2 n3' }))
      .resource(Resource.primitive('stuck', 'ocf:test:Hang').op('start', { timeout: '1s' }).meta({ 'migration-threshold': '1' })));
    const s = await w.cluster.settle({ timeoutMs: 120_000 });
    assert.ok(s.ok, s.err ? s.val.message : '');
    const timeouts = w.events.filter(e => e.name === 'resource:failed' && e.e['resource'] === 'stuck' && e.e['opStatus'] === 2);
    assert.ok(timeouts.length >= 1, 'start reported as timed out');
    assert.equal(s.val.resources.find(r => r.id === 'stuck')?.role, 'Stopped');
    assert.equal(s.val.nodes.filter(n => n.state === 'online').length, 3);
  } finally {
    await w.cleanup();
    await rm(root, { recursive: true, force: true });
  }
});
