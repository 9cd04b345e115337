/**
 * The namespace partition shared by totem-netns-partition and
 * udp-netns-partition: three node processes, each in its own network
 * namespace, on a bridge in a fourth; n3's cable (the bridge end of its veth
 * pair) is pulled, then plugged back. Both sides must install new views
 * (2 + 1), and healing must merge them into one 3-member view with a ring id
 * newer than both; afterwards (with `stream`) a stream from every node is
 * delivered in the same order everywhere.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { agreed, startNode, type NodeProc } from './totemProcs.js';
import { waitFor } from './socketHelpers.js';
import { bridgeNamespaces } from '../../bench/netns.js';

export const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'].find(p => existsSync(p));
/** Why the namespace tests cannot run here, or false. */
export const NETNS_SKIP: string | false = process.getuid?.() !== 0 ? 'needs root to create network namespaces'
  : !IP ? 'needs the ip tool (iproute2)' : false;

// The node-side veth end; the fixture refuses to run if any other interface exists.
const IFACE = 'qv0';

/** A private L2 segment: a bridge in its own namespace, one veth pair per node namespace (10.231.`subnet`.i on `qv0`). */
export interface Bridge {
  readonly nodeNs: readonly string[];
  readonly addrs: readonly string[];
  /** Pulls node i's cable (0-based): the bridge end of its veth pair goes down. */
  cut(i: number): void;
  /** Plugs it back. */
  heal(i: number): void;
  /** Deletes the namespaces (their veth ends and the bridge go with them). */
  destroy(): void;
}

/** Builds a {@link Bridge} of `n` node namespaces named qr-n<i>-<tag>. */
export function makeBridge(n: number, tag: string, subnet: number): Bridge {
  const ip = IP!;
  const run = (...args: string[]): void => {
    execFileSync(ip, args, { stdio: 'pipe' });
  };
  const brNs = `qr-br-${tag}`;
  const nodeNs = Array.from({ length: n }, (_, i) => `qr-n${i + 1}-${tag}`);
  const addrs = nodeNs.map((_, i) => `10.231.${subnet}.${i + 1}`);
  const destroy = (): void => {
    for (const ns of [...nodeNs, brNs]) spawnSync(ip, ['netns', 'del', ns], { stdio: 'pipe' });
  };
  try {
    bridgeNamespaces(run, brNs, nodeNs, addrs, IFACE);
  } catch (e) {
    destroy();
    throw e;
  }
  return {
    nodeNs, addrs, destroy,
    cut: i => run('-n', brNs, 'link', 'set', `v${i + 1}`, 'down'),
    heal: i => run('-n', brNs, 'link', 'set', `v${i + 1}`, 'up'),
  };
}

export async function partitionAndHeal(kind: 'tcp' | 'udp', timers: Record<string, number>, subnet: number, log: (m: string) => void, stream = true): Promise<void> {
  const ip = IP!;
  const procs: NodeProc[] = [];
  const br = makeBridge(3, `${kind[0]}${process.pid % 100000}`, subnet);
  const nodeNs = br.nodeNs;
  try {
    const nodes = [1, 2, 3].map(id => ({ id, name: `n${id}`, host: `10.231.${subnet}.${id}`, port: 5405 }));
    const key = randomBytes(32).toString('hex');
    for (const [i, ns] of nodeNs.entries()) procs.push(startNode(i + 1, nodes, key, timers, [ip, 'netns', 'exec', ns], [IFACE], kind));
    const errs = (): string => procs.map(p => `${p.name}: ${p.views.slice(-4).map(v => `${v.rep}/${v.seq}:${v.members.join(',')}`).join(' ')} ${p.errors.join(' | ').slice(0, 400)}`).join('\n');

    assert.ok(await waitFor(() => agreed(procs, ['n1', 'n2', 'n3']), 10_000), `3-member view formed\n${errs()}`);
    const whole = procs[0]!.view()!;

    // Cut n3's cable.
    br.cut(2);
    const split = await waitFor(() => agreed(procs.slice(0, 2), ['n1', 'n2']) && agreed([procs[2]!], ['n3']), 10_000);
    assert.ok(split, `partitioned: majority ${JSON.stringify(procs[0]!.view())}, isolated ${JSON.stringify(procs[2]!.view())}\n${errs()}`);
    const majority = procs[0]!.view()!;
    const alone = procs[2]!.view()!;
    assert.ok(majority.seq > whole.seq && alone.seq > whole.seq, 'both sides installed new rings');

    // Heal it.
    br.heal(2);
    assert.ok(await waitFor(() => agreed(procs, ['n1', 'n2', 'n3']), 15_000), `merged into one view\n${errs()}`);
    const merged = procs[0]!.view()!;
    assert.ok(merged.seq > majority.seq && merged.seq > alone.seq, `a new ring id after the merge: ${JSON.stringify({ whole, majority, alone, merged })}`);
    log(`${kind} rings: whole ${whole.rep}/${whole.seq}, majority ${majority.rep}/${majority.seq}, isolated ${alone.rep}/${alone.seq}, merged ${merged.rep}/${merged.seq}`);

    if (!stream) return;
    // The merged ring carries traffic: a short stream from everyone, in one order everywhere.
    const mark = procs.map(p => p.msgs.length);
    for (const p of procs) p.command({ cmd: 'stream', window: 5 });
    await new Promise(r => setTimeout(r, 1000));
    for (const p of procs) p.command({ cmd: 'halt' });
    assert.ok(await waitFor(() => procs.every(p => p.sent !== undefined), 5_000),
      `streams stopped: ${procs.map(p => `${p.name} sent ${p.sent} exited ${p.exited}`).join(', ')}\n${errs()}`);
    const total = procs.reduce((a, p) => a + p.sent!, 0);
    assert.ok(await waitFor(() => procs.every((p, i) => p.msgs.length - mark[i]! === total), 10_000),
      `every node delivered all ${total} messages: ${procs.map((p, i) => p.msgs.length - mark[i]!).join(', ')}\n${errs()}`);
    const order = (i: number): string[] => procs[i]!.msgs.slice(mark[i]).map(m => `${m.from}#${m.p.n}`);
    assert.deepEqual(order(1), order(0));
    assert.deepEqual(order(2), order(0));
    assert.ok(procs.every(p => p.sent! > 0), 'every node got messages through');
    assert.ok(agreed(procs, ['n1', 'n2', 'n3']) && procs[0]!.view()!.seq === merged.seq, 'no view change while streaming');
  } finally {
    await Promise.all(procs.map(p => p.close()));
    br.destroy();
  }
}
