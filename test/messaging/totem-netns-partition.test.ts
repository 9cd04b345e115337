import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { agreed, startNode, type NodeProc } from './totemProcs.js';
import { waitFor } from './socketHelpers.js';

const ip = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'].find(p => existsSync(p));
const skip = process.getuid?.() !== 0 ? 'needs root to create network namespaces'
  : !ip ? 'needs the ip tool (iproute2)' : false;

const TIMERS = { tokenMs: 300, tokenCoefficientMs: 100, joinMs: 30, mergeMs: 100 };
// The node-side veth end; the fixture refuses to run if any other interface exists.
const IFACE = 'qv0';

test('totem tcp in namespaces: a cut link partitions 2+1, healing it merges into one 3-member view', { skip }, async () => {
  const tag = `${process.pid % 100000}`;
  const brNs = `qr-br-${tag}`;
  const nodeNs = [1, 2, 3].map(i => `qr-n${i}-${tag}`);
  const run = (...args: string[]): void => {
    execFileSync(ip!, args, { stdio: 'pipe' });
  };
  const procs: NodeProc[] = [];
  try {
    // A private L2 segment: a bridge in its own namespace, one veth pair per node namespace.
    run('netns', 'add', brNs);
    run('-n', brNs, 'link', 'set', 'lo', 'up');
    run('-n', brNs, 'link', 'add', 'br0', 'type', 'bridge');
    run('-n', brNs, 'link', 'set', 'br0', 'up');
    nodeNs.forEach((ns, i) => {
      run('netns', 'add', ns);
      run('-n', ns, 'link', 'set', 'lo', 'up');
      run('-n', brNs, 'link', 'add', `v${i + 1}`, 'type', 'veth', 'peer', 'name', IFACE, 'netns', ns);
      run('-n', brNs, 'link', 'set', `v${i + 1}`, 'master', 'br0');
      run('-n', brNs, 'link', 'set', `v${i + 1}`, 'up');
      run('-n', ns, 'addr', 'add', `10.231.77.${i + 1}/24`, 'dev', IFACE);
      run('-n', ns, 'link', 'set', IFACE, 'up');
    });
    const nodes = [1, 2, 3].map(id => ({ id, name: `n${id}`, host: `10.231.77.${id}`, port: 5405 }));
    const key = randomBytes(32).toString('hex');
    for (const [i, ns] of nodeNs.entries()) procs.push(startNode(i + 1, nodes, key, TIMERS, [ip!, 'netns', 'exec', ns], [IFACE]));
    const errs = (): string => procs.map(p => `${p.name}: ${p.errors.join(' | ')}`).join('\n');

    assert.ok(await waitFor(() => agreed(procs, ['n1', 'n2', 'n3']), 10_000), `3-member view formed\n${errs()}`);
    const whole = procs[0]!.view()!;

    // Cut n3's cable (the bridge side of its veth pair).
    run('-n', brNs, 'link', 'set', 'v3', 'down');
    const split = await waitFor(() => agreed(procs.slice(0, 2), ['n1', 'n2']) && agreed([procs[2]!], ['n3']), 10_000);
    assert.ok(split, `partitioned: majority ${JSON.stringify(procs[0]!.view())}, isolated ${JSON.stringify(procs[2]!.view())}\n${errs()}`);
    const majority = procs[0]!.view()!;
    const alone = procs[2]!.view()!;
    assert.ok(majority.seq > whole.seq && alone.seq > whole.seq, 'both sides installed new rings');

    // Heal it.
    run('-n', brNs, 'link', 'set', 'v3', 'up');
    assert.ok(await waitFor(() => agreed(procs, ['n1', 'n2', 'n3']), 15_000), `merged into one view\n${errs()}`);
    const merged = procs[0]!.view()!;
    assert.ok(merged.seq > majority.seq && merged.seq > alone.seq, `a new ring id after the merge: ${JSON.stringify({ whole, majority, alone, merged })}`);
    console.log(`# rings: whole ${whole.rep}/${whole.seq}, majority ${majority.rep}/${majority.seq}, isolated ${alone.rep}/${alone.seq}, merged ${merged.rep}/${merged.seq}`);
  } finally {
    await Promise.all(procs.map(p => p.close()));
    // Deleting a namespace deletes its veth ends (and with them their peers) and the bridge.
    for (const ns of [...nodeNs, brNs]) spawnSync(ip!, ['netns', 'del', ns], { stdio: 'pipe' });
  }
});
