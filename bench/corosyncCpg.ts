/**
 * Corosync 3 for comparison: three real `corosync` daemons (knet over UDP,
 * no crypto), each in its own network namespace on a private bridge, driven
 * by bench/corosync/cpgbench.c (libcpg, CPG_TYPE_AGREED); and quorate's Totem
 * over TCP as three node processes on the same kind of bridge, so the two
 * compare like for like. Needs root, iproute2, corosync, cc and libcpg-dev;
 * when something is missing the Corosync column says what instead.
 * @module
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IP, measureNs, type NsResults } from './nsCluster.js';
import { formatTable } from './table.js';

const SRC = fileURLToPath(new URL('../../bench/corosync/cpgbench.c', import.meta.url));
const TOTEM_NODE = fileURLToPath(new URL('./totemNodeBench.js', import.meta.url));
const COROSYNC = ['/usr/sbin/corosync', '/usr/bin/corosync'].find(p => existsSync(p));

/** Totem timers both systems run with: quorate's defaults (Corosync 2's token; Corosync 3.1 defaults to 3000). */
export const NS_TOKEN_MS = 1000;

/** Why Corosync cannot run here, or undefined when it can. */
export function corosyncObstacle(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: network namespaces and corosync need root';
  if (!IP) return 'iproute2 (ip) is not installed';
  if (!COROSYNC) return 'corosync is not installed (Debian package corosync)';
  if (!existsSync('/usr/include/corosync/cpg.h')) return 'libcpg headers missing (Debian package libcpg-dev)';
  if (!existsSync(SRC)) return `${SRC} is missing`;
  const cc = spawnSync('cc', ['--version'], { stdio: 'pipe' });
  if (cc.status !== 0) return 'no C compiler (cc) to build the libcpg driver';
  if (spawnSync('unshare', ['--version'], { stdio: 'pipe' }).status !== 0) return 'unshare (util-linux) is missing';
  return undefined;
}

function conf(addrs: readonly string[]): string {
  const nodes = addrs.map((a, i) => `  node {\n    ring0_addr: ${a}\n    nodeid: ${i + 1}\n  }`).join('\n');
  return `totem {\n  version: 2\n  cluster_name: qbench\n  transport: knet\n  token: ${NS_TOKEN_MS}\n  crypto_cipher: none\n  crypto_hash: none\n}\n` +
    `nodelist {\n${nodes}\n}\nquorum {\n  provider: corosync_votequorum\n}\n` +
    `logging {\n  to_stderr: yes\n  to_syslog: no\n  to_logfile: no\n}\n`;
}

type Runs = { runs: readonly { size: number; count: number }[]; samples: number };

/** Three Corosync daemons, measured through libcpg (throughput, latency, failure detection). */
export async function corosyncNs(o: Runs): Promise<NsResults> {
  const why = corosyncObstacle();
  if (why) return { throughput: [], skipped: why };
  const dir = mkdtempSync(path.join(tmpdir(), 'quorate-cpg-'));
  try {
    const bin = path.join(dir, 'cpgbench');
    try {
      execFileSync('cc', ['-O2', '-o', bin, SRC, '-lcpg'], { stdio: 'pipe' });
    } catch (e) {
      return { throughput: [], skipped: `building the libcpg driver failed: ${(e as Error).message.split('\n')[0]}` };
    }
    return await measureNs({
      subnet: 78,
      prefix: 'qc',
      killsDaemon: true,
      startDaemons(nss, addrs): ChildProcess[] {
        return nss.map((ns, i) => {
          const cfg = path.join(dir, `c${i + 1}.conf`);
          writeFileSync(cfg, conf(addrs));
          // corosync locks /var/run/corosync.pid and keeps ring ids in
          // /var/lib/corosync: give each daemon private copies (its own mount namespace).
          return spawn(IP!, ['netns', 'exec', ns, 'unshare', '-m', 'sh', '-c',
            `mount -t tmpfs none /var/run && mount -t tmpfs none /var/lib/corosync && exec ${COROSYNC} -f -c ${cfg}`],
          { stdio: 'ignore' });
        });
      },
      driver(mode, _i, a): string[] {
        if (mode === 'throughput') return [bin, '3', String(a.count), String(a.size)];
        if (mode === 'latency') return [bin, 'lat', '3', String(a.samples), String(a.senderId)];
        return [bin, 'watch', '3'];
      },
    }, o);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** quorate's Totem over TCP, one node process per namespace, measured the same way. */
export async function totemTcpNs(o: Runs): Promise<NsResults> {
  const key = randomBytes(32).toString('hex');
  let port = 5405;
  return measureNs({
    subnet: 79,
    prefix: 'qt',
    killsDaemon: false,
    driver(mode, i, a): string[] {
      // A fresh port per run: the previous run's sockets may linger in TIME_WAIT.
      if (i === 0) port++;
      const nodes = [1, 2, 3].map(id => ({ id, name: `n${id}`, host: `10.231.79.${id}`, port }));
      const base = [process.execPath, TOTEM_NODE, mode, String(i + 1), JSON.stringify(nodes), key, String(NS_TOKEN_MS)];
      if (mode === 'throughput') return [...base, String(a.count), String(a.size)];
      if (mode === 'latency') return [...base, String(a.samples), String(a.senderId)];
      return base;
    },
  }, o);
}

/** quorate and Corosync in namespaces, one row per figure, with the ratio. */
export function sideBySide(qr: NsResults, cr: NsResults): string {
  const rows: string[][] = [];
  const cell = (v: number | undefined, err: string | undefined, digits: number): string =>
    (v !== undefined ? v.toFixed(digits) : err ? 'failed' : '-');
  // Ratio quorate/corosync; for times lower is better, for rates higher is.
  const ratio = (a: number | undefined, b: number | undefined): string => (a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}×` : '-');
  for (const t of qr.throughput) {
    const c = cr.throughput.find(x => x.size === t.size);
    rows.push([`${t.size} B msg/s (${t.msgs} msgs)`, cell(t.rate, t.error, 0), cell(c?.rate, c?.error, 0), ratio(t.rate, c?.rate)]);
    const mb = (x?: { rate?: number; size: number }): number | undefined => (x?.rate !== undefined ? (x.rate * x.size) / 1e6 : undefined);
    rows.push([`${t.size} B MB/s`, cell(mb(t), t.error, 2), cell(mb(c), c?.error, 2), ratio(mb(t), mb(c))]);
  }
  const lat = (r: NsResults, k: 'p50' | 'p99'): number | undefined => (r.latency && r.latency.error === undefined ? r.latency[k] : undefined);
  const latErr = (r: NsResults): string | undefined => r.latency?.error;
  rows.push([`latency p50 ms (${qr.latency && qr.latency.error === undefined ? qr.latency.samples : '-'} probes)`, cell(lat(qr, 'p50'), latErr(qr), 2), cell(lat(cr, 'p50'), latErr(cr), 2), ratio(lat(qr, 'p50'), lat(cr, 'p50'))]);
  rows.push(['latency p99 ms', cell(lat(qr, 'p99'), latErr(qr), 2), cell(lat(cr, 'p99'), latErr(cr), 2), ratio(lat(qr, 'p99'), lat(cr, 'p99'))]);
  const det = (r: NsResults): number | undefined => (r.detection && r.detection.error === undefined ? r.detection.ms : undefined);
  rows.push(['kill -9 → survivors\' new view ms', cell(det(qr), qr.detection?.error, 0), cell(det(cr), cr.detection?.error, 0), ratio(det(qr), det(cr))]);
  const out = [
    `Side by side in network namespaces (3 nodes, one per namespace, veth + bridge; token ${NS_TOKEN_MS} ms + 650/node above 2 on both):`,
    formatTable(['figure', 'quorate totem/TCP', 'corosync 3 knet', 'quorate/corosync'], rows),
  ];
  for (const [name, r] of [['quorate', qr], ['corosync', cr]] as const) {
    if (r.skipped) out.push(`${name}: not measured — ${r.skipped}`);
    for (const t of r.throughput) if (t.error) out.push(`${name} ${t.size} B: failed — ${t.error}`);
    if (r.latency?.error) out.push(`${name} latency: failed — ${r.latency.error}`);
    if (r.detection?.error) out.push(`${name} failure detection: failed — ${r.detection.error}`);
  }
  out.push('Throughput: every node sends its share, rate = all messages / slowest node. Latency: probe from node 2 until the last of 3 delivered it (CLOCK_MONOTONIC, shared by the namespaces); each probe waits for the others\' acks. Failure: kill -9 of node 3 (the corosync daemon, or the quorate node process) until both survivors see the smaller membership (CPG confchg / view event).');
  return out.join('\n');
}
