/**
 * Failover benchmark: three `quorate node` processes on 127.0.0.1 (TCP totem
 * or unicast UDP, AES-256-GCM on, votequorum), a fence_dummy device and an
 * ocf:heartbeat:Dummy resource (both real agents). `kill -9` of the node
 * running the Dummy, then, from the survivors' own timestamped logs:
 *   kill → new view (failure detection), kill → fenced (fence_dummy reboot
 *   confirmed), kill → Dummy started on a survivor (service running again).
 * Several runs per configuration; the median and the worst are printed.
 *
 *   node dist/bench/failover.js [--runs=N] [--token=MS] [--pm-runs=N]
 *
 * Then the same through Corosync + Pacemaker (pacemakerNs.ts), or why not.
 * @module
 */
import { ProcCluster, placement, waitFor, type StatusJson } from '../test/process/harness.js';
import { IP, NETNS_SKIP, makeBridge } from '../test/messaging/netnsPartition.js';
import { formatTable } from './table.js';
import { pacemakerFailoverOnce, pacemakerObstacle } from './pacemakerNs.js';

/** One failover, in ms after the kill. */
export interface FailoverSample {
  readonly viewMs: number;
  readonly fencedMs: number;
  readonly startedMs: number;
}

async function agreed(c: ProcCluster, names: readonly string[]): Promise<StatusJson | undefined> {
  const ss = await Promise.all(names.map(n => c.status(n)));
  if (ss.some(s => !s?.synced || s.view?.members.join() !== names.join() || s.dc === undefined)) return undefined;
  return ss[0];
}

/** Runs one failover on a fresh 3-node cluster (on 127.0.0.1, or with `ns` one network namespace per node on a bridge). */
export async function failoverOnce(transport: 'tcp' | 'udpu', tokenMs: number, ns = false): Promise<FailoverSample> {
  const br = ns ? makeBridge(3, `f${process.pid % 100000}`, 92) : undefined;
  const c = await ProcCluster.create({
    nodes: 3, transport, tokenMs,
    ...(br ? { nodeNetns: { ip: IP!, names: br.nodeNs, addrs: br.addrs, port: 5405 } } : {}),
  }).catch(e => { br?.destroy(); throw e; });
  try {
    c.startAll();
    let holder = '';
    const ready = await waitFor(async () => {
      const s = await agreed(c, c.names);
      const p = placement(s, 'dummy');
      if (!s || p.length !== 1 || placement(s, 'fence1').length !== 1 || s.resources.some(r => r.failed)) return false;
      holder = p[0]!;
      return true;
    }, 30_000);
    if (!ready) throw new Error(`cluster never ran dummy\n${c.diagnostics()}`);
    // Let the monitor settle: the kill should hit a quiet cluster, as in production.
    await new Promise(r => setTimeout(r, 1000));
    const survivors = c.names.filter(n => n !== holder);
    const killedAt = Date.now();
    c.kill9(holder);
    const recovered = await waitFor(async () => {
      const p = placement(await c.status(survivors[0]!), 'dummy');
      return p.length === 1 && survivors.includes(p[0]!);
    }, 60_000);
    if (!recovered) throw new Error(`dummy never recovered\n${c.diagnostics()}`);
    // Times from the nodes' own log lines (`<ms> <kind> <rest>`), not from polling.
    const after = survivors.flatMap(n => c.lines.get(n)!.filter(l => l.ts >= killedAt));
    const first = (pred: (kind: string, rest: string) => boolean): number => {
      const ts = after.filter(l => pred(l.kind, l.rest)).map(l => l.ts);
      if (ts.length === 0) throw new Error('missing log line');
      return Math.min(...ts) - killedAt;
    };
    const views = survivors.map(n => c.lines.get(n)!.find(l => l.ts >= killedAt && l.kind === 'view' && !l.rest.split(' ')[1]!.split(',').includes(holder))?.ts);
    if (views.some(v => v === undefined)) throw new Error('a survivor logged no new view');
    return {
      viewMs: Math.max(...(views as number[])) - killedAt,
      fencedMs: first((k, r) => k === 'node:fenced' && r.includes(`"node":"${holder}"`)),
      startedMs: first((k, r) => k === 'resource:started' && r.includes('"resource":"dummy"') && r.includes('"operation":"start"')),
    };
  } finally {
    await c.destroy();
    br?.destroy();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};

/**
 * Runs `runs` failovers per quorate transport and `pmRuns` of Corosync +
 * Pacemaker in namespaces; returns the printed table (with the reason when
 * Pacemaker could not run).
 */
export async function failoverBench(runs: number, tokenMs: number, log: (s: string) => void = () => undefined, pmRuns = Math.max(1, Math.ceil(runs / 2))): Promise<string> {
  const rows: string[][] = [];
  const notes: string[] = [];
  const measure = async (label: string, n: number, once: () => Promise<FailoverSample>): Promise<void> => {
    const samples: FailoverSample[] = [];
    for (let i = 0; i < n; i++) {
      try {
        const s = await once();
        samples.push(s);
        log(`failover ${label} run ${i + 1}: view ${s.viewMs} ms, fenced ${s.fencedMs} ms, dummy started ${s.startedMs} ms`);
      } catch (e) {
        notes.push(`${label}: a run failed — ${(e as Error).message.split('\n')[0]!}`);
      }
    }
    const cell = (k: keyof FailoverSample): string => samples.length === 0 ? 'failed'
      : `${median(samples.map(s => s[k]))} (max ${Math.max(...samples.map(s => s[k]))})`;
    rows.push([label, String(samples.length), cell('viewMs'), cell('fencedMs'), cell('startedMs')]);
  };
  await measure('quorate totem/TCP', runs, () => failoverOnce('tcp', tokenMs));
  await measure('quorate udpu', runs, () => failoverOnce('udpu', tokenMs));
  if (NETNS_SKIP) notes.push(`quorate in namespaces: not measured — ${NETNS_SKIP}`);
  else await measure('quorate totem/TCP, namespaces', runs, () => failoverOnce('tcp', tokenMs, true));
  const why = pacemakerObstacle();
  if (why) notes.push(`corosync 3 + pacemaker 2: not measured — ${why}`);
  else await measure('corosync 3 knet + pacemaker 2', pmRuns, () => pacemakerFailoverOnce(tokenMs));
  const consensus = Math.round(1.2 * tokenMs);
  return [
    `Failover, 3 nodes (token ${tokenMs} ms, token_coefficient 0, consensus ${consensus} ms, aes256+sha256, votequorum; fence_dummy device, ocf:heartbeat:Dummy with a 2 s monitor),`,
    'kill -9 of the node running the Dummy; ms after the kill from the survivors\' logs, median (max). quorate: `quorate node` processes on 127.0.0.1,',
    'and (like for like) one network namespace per node on a veth bridge; corosync + pacemaker: the Debian daemons, one network + mount namespace per node on the same kind of bridge.',
    formatTable(['stack', 'runs', 'new view', 'fenced (fence_dummy)', 'Dummy running elsewhere'], rows),
    ...notes,
  ].join('\n');
}

// Run directly: node dist/bench/failover.js [--runs=N] [--token=MS]
if (process.argv[1]?.endsWith('failover.js')) {
  const arg = (k: string, d: number): number => Number(process.argv.find(a => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
  failoverBench(arg('runs', 3), arg('token', 1000), s => console.log(s), arg('pm-runs', 1)).then(t => {
    console.log(t);
    process.exit(0);
  }, e => {
    console.error(e);
    process.exit(1);
  });
}
