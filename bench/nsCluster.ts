/**
 * Three nodes, each in its own network namespace on a private bridge (in a
 * fourth namespace), and the three measurements the transport benchmark makes
 * on them: ordered-broadcast throughput, one-message latency, and failure
 * detection after `kill -9` of one node. One driver per node speaks a small
 * line protocol on stdout (last line JSON):
 *   throughput → {"seconds":s}; latency → {"lat":[µs per probe]};
 *   watch → {"ready":1} then {"changed":<CLOCK_MONOTONIC s>,"members":n}.
 * Both quorate's node (totemNodeBench.ts) and Corosync's (corosync/cpgbench.c)
 * speak it, so the two run through the same code here.
 * @module
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { bridgeNamespaces } from './netns.js';

export const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'].find(p => existsSync(p));

/** What one system measured; `skipped` says why nothing was. */
export interface NsResults {
  skipped?: string;
  throughput: { size: number; msgs: number; rate?: number; error?: string }[];
  latency?: { p50: number; p99: number; samples: number; error?: undefined } | { error: string };
  detection?: { ms: number; error?: undefined } | { error: string };
}

/** How to run one system's nodes. */
export interface NsSystem {
  /** Third octet of 10.231.x.0/24 and the namespace name prefix. */
  subnet: number;
  prefix: string;
  /** Starts what must run before the drivers (daemons); returns them (or none). */
  startDaemons?(nss: readonly string[], addrs: readonly string[]): ChildProcess[];
  /** The driver command of node i (0-based) for one mode. */
  driver(mode: 'throughput' | 'latency' | 'watch', i: number, args: { count?: number; size?: number; samples?: number; senderId?: number }): string[];
  /** What to kill -9 to fail node i: its daemon, or (no daemon) its watch driver. */
  killsDaemon: boolean;
}

const q = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

/** Runs the commands together; each result is the last JSON line of its output (or an error). */
function runAll(cmds: string[][], timeoutMs: number): Promise<Record<string, unknown>[]> {
  return Promise.all(cmds.map(c => new Promise<Record<string, unknown>>(resolve => {
    const ch = spawn(c[0]!, c.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    ch.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    ch.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const t = setTimeout(() => ch.kill('SIGKILL'), timeoutMs);
    ch.on('exit', (code, signal) => {
      clearTimeout(t);
      let last: Record<string, unknown> = {};
      try {
        last = JSON.parse(out.trim().split('\n').pop() || '{}') as Record<string, unknown>;
      } catch {
        // not JSON: reported below
      }
      resolve(code === 0 && !last.error ? last : { error: `${String(last.error ?? '')} exited with ${signal ?? code}: ${out.trim().replace(/\s+/g, ' ').slice(-200)}` });
    });
  })));
}

/** A child whose stdout lines are JSON objects, awaited one predicate at a time. */
function watcher(cmd: string[]): { ch: ChildProcess; next(pred: (o: Record<string, unknown>) => boolean, ms: number): Promise<Record<string, unknown>> } {
  const ch = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  let wake = (): void => undefined;
  let ended = false;
  ch.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let k: number;
    while ((k = buf.indexOf('\n')) >= 0) {
      const l = buf.slice(0, k).trim();
      buf = buf.slice(k + 1);
      try {
        if (l.startsWith('{')) lines.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        // a log line, not protocol
      }
    }
    wake();
  });
  ch.stderr!.resume();
  ch.on('exit', () => {
    ended = true;
    wake();
  });
  return {
    ch,
    async next(pred, ms) {
      const end = Date.now() + ms;
      for (;;) {
        const i = lines.findIndex(o => pred(o) || o.error !== undefined);
        if (i >= 0) return lines.splice(i, 1)[0]!;
        if (ended) return { error: 'exited' };
        if (Date.now() > end) return { error: 'timeout' };
        await new Promise<void>(r => {
          const t = setTimeout(r, 50);
          wake = () => { clearTimeout(t); r(); };
        });
      }
    },
  };
}

/**
 * Builds the namespaces, runs throughput (per size: `count` messages from each
 * node), latency (`samples` probes from node 2) and failure detection (kill -9
 * of node 3 → the survivors' membership change), and tears everything down.
 */
export async function measureNs(sys: NsSystem, opts: { runs: readonly { size: number; count: number }[]; samples: number }): Promise<NsResults> {
  const res: NsResults = { throughput: [] };
  if (process.getuid?.() !== 0) return { ...res, skipped: 'not root: network namespaces need root' };
  if (!IP) return { ...res, skipped: 'iproute2 (ip) is not installed' };
  const n = 3;
  const tag = `${process.pid % 100000}`;
  const br = `${sys.prefix}-br-${tag}`;
  const nss = Array.from({ length: n }, (_, i) => `${sys.prefix}-n${i + 1}-${tag}`);
  const addrs = nss.map((_, i) => `10.231.${sys.subnet}.${i + 1}`);
  const ip = (...a: string[]): void => {
    execFileSync(IP, a, { stdio: 'pipe' });
  };
  const exec = (i: number, cmd: string[]): string[] => [IP, 'netns', 'exec', nss[i]!, ...cmd];
  let daemons: ChildProcess[] = [];
  const watchers: ChildProcess[] = [];
  try {
    bridgeNamespaces(ip, br, nss, addrs);
    daemons = sys.startDaemons?.(nss, addrs) ?? [];
    for (const r of opts.runs) {
      const outs = await runAll(nss.map((_, i) => exec(i, sys.driver('throughput', i, r))), 150_000);
      const bad = outs.find(o => o.error !== undefined || typeof o.seconds !== 'number');
      if (bad) {
        res.throughput.push({ ...r, msgs: r.count * n, error: String(bad.error ?? 'no result') });
        continue;
      }
      // The slowest node bounds the cluster rate.
      const s = Math.max(...outs.map(o => o.seconds as number));
      res.throughput.push({ size: r.size, msgs: r.count * n, rate: (r.count * n) / s });
    }
    {
      const outs = await runAll(nss.map((_, i) => exec(i, sys.driver('latency', i, { samples: opts.samples, senderId: 2 }))), 150_000);
      const bad = outs.find(o => o.error !== undefined || !Array.isArray(o.lat));
      if (bad) res.latency = { error: String(bad.error ?? 'no result') };
      else {
        // A probe's latency: until the last of the three delivered it.
        const per = Array.from({ length: opts.samples }, (_, k) => Math.max(...outs.map(o => (o.lat as number[])[k] ?? NaN)) / 1000);
        per.sort((a, b) => a - b);
        res.latency = { p50: q(per, 0.5), p99: q(per, 0.99), samples: opts.samples };
      }
    }
    {
      const ws = nss.map((_, i) => watcher(exec(i, sys.driver('watch', i, {}))));
      watchers.push(...ws.map(w => w.ch));
      const ready = await Promise.all(ws.map(w => w.next(o => o.ready !== undefined, 30_000)));
      const notReady = ready.find(o => o.error !== undefined);
      if (notReady) res.detection = { error: `watch: ${String(notReady.error)}` };
      else {
        const victim = sys.killsDaemon ? daemons[2] : ws[2]!.ch;
        const t0 = process.hrtime.bigint(); // CLOCK_MONOTONIC, as the drivers stamp
        victim?.kill('SIGKILL');
        const seen = await Promise.all(ws.slice(0, 2).map(w => w.next(o => o.changed !== undefined, 60_000)));
        const bad = seen.find(o => o.error !== undefined || typeof o.changed !== 'number');
        if (bad) res.detection = { error: String(bad.error) };
        else res.detection = { ms: Math.max(...seen.map(o => (o.changed as number) * 1000)) - Number(t0) / 1e6 };
      }
    }
  } catch (e) {
    res.skipped = (e as Error).message.split('\n')[0];
  } finally {
    for (const w of watchers) if (w.exitCode === null) w.kill('SIGKILL');
    for (const d of daemons) if (d.exitCode === null) d.kill('SIGTERM');
    if (daemons.length > 0) await new Promise(r => setTimeout(r, 500));
    for (const d of daemons) if (d.exitCode === null) d.kill('SIGKILL');
    for (const ns of [...nss, br]) spawnSync(IP, ['netns', 'del', ns], { stdio: 'pipe' });
  }
  return res;
}
