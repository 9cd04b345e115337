/**
 * Corosync 3 for comparison: three real `corosync` daemons (knet over UDP,
 * no crypto), each in its own network namespace on a private bridge in a
 * fourth namespace, driven by bench/corosync/cpgbench.c (libcpg,
 * CPG_TYPE_AGREED). Needs root, iproute2, corosync, cc and libcpg-dev; when
 * something is missing it says what instead of measuring.
 * @module
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../bench/corosync/cpgbench.c', import.meta.url));
const TOTEM_NODE = fileURLToPath(new URL('./totemNodeBench.js', import.meta.url));
const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'].find(p => existsSync(p));
const COROSYNC = ['/usr/sbin/corosync', '/usr/bin/corosync'].find(p => existsSync(p));

/** Why Corosync cannot run here, or undefined when it can. */
export function corosyncObstacle(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: network namespaces and corosync need root';
  if (!IP) return 'iproute2 (ip) is not installed';
  if (!COROSYNC) return 'corosync is not installed (Debian package corosync)';
  if (!existsSync('/usr/include/corosync/cpg.h')) return 'libcpg headers missing (Debian package libcpg-dev)';
  if (!existsSync(SRC)) return `${SRC} is missing`;
  const cc = spawnSync('cc', ['--version'], { stdio: 'pipe' });
  if (cc.status !== 0) return 'no C compiler (cc) to build the libcpg driver';
  return undefined;
}

function conf(n: number): string {
  const nodes = Array.from({ length: n }, (_, i) => `  node {\n    ring0_addr: 10.231.78.${i + 1}\n    nodeid: ${i + 1}\n  }`).join('\n');
  return `totem {\n  version: 2\n  cluster_name: qbench\n  transport: knet\n  crypto_cipher: none\n  crypto_hash: none\n}\n` +
    `nodelist {\n${nodes}\n}\nquorum {\n  provider: corosync_votequorum\n}\n` +
    `logging {\n  to_stderr: yes\n  to_syslog: no\n  to_logfile: no\n}\n`;
}

/** Runs the commands together; each result is its output, plus how it ended when it failed. */
function runAll(cmds: string[][], timeoutMs: number): Promise<string[]> {
  return Promise.all(cmds.map(c => new Promise<string>(resolve => {
    const ch = spawn(c[0]!, c.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    ch.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    ch.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const t = setTimeout(() => ch.kill('SIGKILL'), timeoutMs);
    ch.on('exit', (code, signal) => {
      clearTimeout(t);
      resolve(code === 0 ? out.trim() : `${out.trim()}\n{"error":"exited with ${signal ?? code}: ${out.trim().replace(/["\\\n]/g, ' ').slice(0, 200)}"}`);
    });
  })));
}

/**
 * Three corosync daemons in private namespaces; for each payload size every
 * node's driver sends `count` agreed messages. Returns one line per size.
 */
export async function corosyncThroughput(runs: readonly { size: number; count: number }[]): Promise<string[]> {
  const why = corosyncObstacle();
  if (why) return [`corosync: not measured — ${why}`];
  const n = 3;
  const tag = `${process.pid % 100000}`;
  const br = `qc-br-${tag}`;
  const nss = Array.from({ length: n }, (_, i) => `qc-n${i + 1}-${tag}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'quorate-cpg-'));
  const ip = (...a: string[]): void => {
    execFileSync(IP!, a, { stdio: 'pipe' });
  };
  const daemons: ChildProcess[] = [];
  const lines: string[] = [];
  try {
    const bin = path.join(dir, 'cpgbench');
    execFileSync('cc', ['-O2', '-o', bin, SRC, '-lcpg'], { stdio: 'pipe' });
    ip('netns', 'add', br);
    ip('-n', br, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', br, 'link', 'set', 'br0', 'up');
    for (const [i, ns] of nss.entries()) {
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', br, 'link', 'add', `v${i + 1}`, 'type', 'veth', 'peer', 'name', 'qv0', 'netns', ns);
      ip('-n', br, 'link', 'set', `v${i + 1}`, 'master', 'br0');
      ip('-n', br, 'link', 'set', `v${i + 1}`, 'up');
      ip('-n', ns, 'addr', 'add', `10.231.78.${i + 1}/24`, 'dev', 'qv0');
      ip('-n', ns, 'link', 'set', 'qv0', 'up');
      const cfg = path.join(dir, `c${i + 1}.conf`);
      writeFileSync(cfg, conf(n));
      // corosync locks /var/run/corosync.pid and keeps ring ids in
      // /var/lib/corosync: give each daemon private copies (its own mount namespace).
      daemons.push(spawn(IP!, ['netns', 'exec', ns, 'unshare', '-m', 'sh', '-c',
        `mount -t tmpfs none /var/run && mount -t tmpfs none /var/lib/corosync && exec ${COROSYNC} -f -c ${cfg}`],
      { stdio: 'ignore' }));
    }
    for (const r of runs) {
      const outs = await runAll(nss.map(ns => [IP!, 'netns', 'exec', ns, bin, String(n), String(r.count), String(r.size)]), 150_000);
      const res = outs.map(o => JSON.parse(o.split('\n').pop() || '{}') as { error?: string; seconds?: number; delivered?: number });
      const bad = res.find(x => x.error || !x.seconds);
      if (bad) {
        lines.push(`corosync ${String(r.size).padStart(6)} B: failed — ${bad.error ?? outs.join(' | ')}`);
        continue;
      }
      // The slowest node bounds the cluster rate.
      const s = Math.max(...res.map(x => x.seconds!));
      const rate = (r.count * n) / s;
      lines.push(`corosync ${String(r.size).padStart(6)} B: ${rate.toFixed(0).padStart(7)} msg/s  ${((rate * r.size) / 1e6).toFixed(2).padStart(7)} MB/s  ` +
        `(${r.count * n} msgs from 3 senders via libcpg agreed, delivered on all 3; knet/UDP over veth+bridge, no crypto)`);
    }
  } catch (e) {
    lines.push(`corosync: not measured — ${(e as Error).message.split('\n')[0]}`);
  } finally {
    for (const d of daemons) d.kill('SIGTERM');
    await new Promise(r => setTimeout(r, 500));
    for (const d of daemons) if (d.exitCode === null) d.kill('SIGKILL');
    for (const ns of [...nss, br]) spawnSync(IP!, ['netns', 'del', ns], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

/**
 * The same runs through quorate's Totem over TCP, one node process per
 * namespace on the same kind of private bridge, so the two compare like for
 * like (processes, veth, bridge) rather than in-process loopback.
 */
export async function totemTcpNamespaceThroughput(runs: readonly { size: number; count: number }[]): Promise<string[]> {
  if (process.getuid?.() !== 0) return ['tcp (namespaces): not measured — not root'];
  if (!IP) return ['tcp (namespaces): not measured — iproute2 (ip) is not installed'];
  const n = 3;
  const tag = `${process.pid % 100000}`;
  const br = `qt-br-${tag}`;
  const nss = Array.from({ length: n }, (_, i) => `qt-n${i + 1}-${tag}`);
  const ip = (...a: string[]): void => {
    execFileSync(IP!, a, { stdio: 'pipe' });
  };
  const lines: string[] = [];
  try {
    ip('netns', 'add', br);
    ip('-n', br, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', br, 'link', 'set', 'br0', 'up');
    for (const [i, ns] of nss.entries()) {
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', br, 'link', 'add', `v${i + 1}`, 'type', 'veth', 'peer', 'name', 'qv0', 'netns', ns);
      ip('-n', br, 'link', 'set', `v${i + 1}`, 'master', 'br0');
      ip('-n', br, 'link', 'set', `v${i + 1}`, 'up');
      ip('-n', ns, 'addr', 'add', `10.231.79.${i + 1}/24`, 'dev', 'qv0');
      ip('-n', ns, 'link', 'set', 'qv0', 'up');
    }
    const key = randomBytes(32).toString('hex');
    for (const [k, r] of runs.entries()) {
      const nodes = nss.map((_, i) => ({ id: i + 1, name: `n${i + 1}`, host: `10.231.79.${i + 1}`, port: 5405 + k }));
      const outs = await runAll(nss.map((ns, i) => [IP!, 'netns', 'exec', ns, process.execPath, TOTEM_NODE,
        String(i + 1), JSON.stringify(nodes), key, String(r.count), String(r.size)]), 150_000);
      const res = outs.map(o => JSON.parse(o.split('\n').pop() || '{}') as { error?: string; seconds?: number });
      const bad = res.find(x => x.error || !x.seconds);
      if (bad) {
        lines.push(`tcp (namespaces) ${String(r.size).padStart(6)} B: failed — ${bad.error ?? outs.join(' | ')}`);
        continue;
      }
      const s = Math.max(...res.map(x => x.seconds!));
      const rate = (r.count * n) / s;
      lines.push(`tcp (namespaces) ${String(r.size).padStart(6)} B: ${rate.toFixed(0).padStart(7)} msg/s  ${((rate * r.size) / 1e6).toFixed(2).padStart(7)} MB/s  ` +
        `(${r.count * n} msgs from 3 node processes, delivered on all 3; TCP over veth+bridge, no encryption)`);
    }
  } catch (e) {
    lines.push(`tcp (namespaces): not measured — ${(e as Error).message.split('\n')[0]}`);
  } finally {
    for (const ns of [...nss, br]) spawnSync(IP!, ['netns', 'del', ns], { stdio: 'pipe' });
  }
  return lines;
}
