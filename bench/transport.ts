/**
 * Transport benchmark: a 3-node loopback Totem-over-TCP ring (and the UDP
 * heartbeat transport for comparison). Ordered-broadcast throughput at 100 B,
 * 1 KiB and 64 KiB payloads, one-message latency p50/p99, and failure
 * detection time with Corosync's default timers. Then, for comparison, the
 * same throughput runs through three real Corosync 3 daemons (see
 * corosyncCpg.ts), or the reason they could not run here.
 *
 *   node dist/bench/transport.js        (everything)
 *   node dist/bench/transport.js --ns   (only the namespace comparison with Corosync)
 *   node dist/bench/transport.js --failover  (only failover: kill -9 → service running
 *     elsewhere, quorate node processes vs Corosync + Pacemaker; see failover.ts)
 *   --quick: the namespace comparison with a tenth of the messages
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { totemTcp } from '../src/messaging/totem/tcp.js';
import { udpHeartbeat } from '../src/messaging/udp/heartbeat.js';
import type { Transport } from '../src/messaging/transport.js';
import type { TotemTimers } from '../src/messaging/totem/config.js';
import { corosyncNs, sideBySide, totemTcpNs } from './corosyncCpg.js';
import { failoverBench } from './failover.js';

type Kind = 'tcp' | 'udp';

async function freePort(kind: Kind): Promise<number> {
  if (kind === 'tcp') {
    return new Promise(resolve => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
  }
  return new Promise(resolve => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function cluster(kind: Kind, timers: Partial<TotemTimers> = {}): Promise<Transport[]> {
  const key = randomBytes(32);
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) ports.push(await freePort(kind));
  const nodes = ports.map((port, i) => ({ id: i + 1, name: `n${i + 1}`, host: '127.0.0.1', port }));
  const ts = nodes.map(n => {
    const r = kind === 'tcp'
      ? totemTcp({ nodeId: n.id, nodes, key, ...timers })
      : udpHeartbeat({ nodeId: n.id, nodes, key, intervalMs: 100, deadtimeMs: 1000 });
    if (r.err) throw new Error(r.val.message);
    return r.val as Transport;
  });
  await Promise.all(ts.map(t => t.start()));
  await until(() => ts.every(t => t.view()?.members.length === 3 && t.view()!.ringId.seq === ts[0]!.view()!.ringId.seq), 15_000);
  return ts;
}

async function until(pred: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise(r => setImmediate(r));
  }
}

async function throughput(kind: Kind, size: number, count: number): Promise<string> {
  const ts = await cluster(kind);
  const payload = 'x'.repeat(size);
  const got = ts.map(() => 0);
  ts.forEach((t, i) => t.on('message', () => { got[i]!++; }));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const r = ts[i % 3]!.broadcast(payload);
    if (r.err) throw new Error(r.val.message);
    // Yield now and then so sockets drain while we keep the ring busy.
    if (i % 64 === 63) await new Promise(r => setImmediate(r));
  }
  await until(() => got.every(g => g >= count), 120_000);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await Promise.all(ts.map(t => t.stop()));
  const rate = count / s;
  return `${kind} ${String(size).padStart(6)} B: ${rate.toFixed(0).padStart(7)} msg/s  ${((rate * size) / 1e6).toFixed(2).padStart(7)} MB/s  (${count} msgs from 3 senders, delivered on all 3)`;
}

async function latency(kind: Kind, samples: number): Promise<string> {
  const ts = await cluster(kind);
  const lat: number[] = [];
  const sender = ts[1]!; // not the representative: the token has to come round
  for (let i = 0; i < samples; i++) {
    let done = 0;
    const onMsg = (): void => { done++; };
    ts.forEach(t => t.on('message', onMsg));
    const t0 = process.hrtime.bigint();
    sender.broadcast({ i });
    await until(() => done >= 3, 10_000);
    lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
    ts.forEach(t => t.off('message', onMsg));
  }
  await Promise.all(ts.map(t => t.stop()));
  lat.sort((a, b) => a - b);
  const q = (p: number): string => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(2);
  return `${kind} latency (send → delivered on all 3), ${samples} msgs: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`;
}

async function failover(kind: Kind, timers: Partial<TotemTimers>, label: string): Promise<string> {
  const ts = await cluster(kind, timers);
  const t0 = Date.now();
  await ts[2]!.stop();
  await until(() => ts.slice(0, 2).every(t => t.view()?.members.length === 2), 30_000);
  const ms = Date.now() - t0;
  await Promise.all(ts.map(t => t.stop()));
  return `${kind} failure detection + new view (${label}): ${ms} ms`;
}

async function main(): Promise<void> {
  const lines: string[] = [];
  const log = (s: string): void => {
    lines.push(s);
    console.log(s);
  };
  const quick = process.argv.includes('--quick');
  // --failover: only the failover comparison (kill → service running elsewhere).
  if (process.argv.includes('--failover')) {
    log(await failoverBench(quick ? 1 : 3, 1000, () => undefined, quick ? 1 : 2));
    return;
  }
  // --ns: only the side-by-side namespace comparison with Corosync.
  if (!process.argv.includes('--ns')) await loopback(log);
  // Like for like: three node processes on a private bridge, quorate then Corosync.
  const k = quick ? 10 : 1; // --quick: a tenth of the messages, for a correctness run
  const perNode = [{ size: 100, count: 10_000 / k }, { size: 1024, count: Math.round(6_667 / k) }, { size: 64 * 1024, count: 500 / k }];
  const ns = { runs: perNode, samples: 300 / (k > 1 ? 3 : 1) };
  log('');
  log(sideBySide(await totemTcpNs(ns), await corosyncNs(ns)));
  log('');
  log(await failoverBench(quick ? 1 : 3, 1000, () => undefined, quick ? 1 : 2));
}

/** In-process figures on 127.0.0.1. */
async function loopback(log: (s: string) => void): Promise<void> {
  log(await throughput('tcp', 100, 30_000));
  log(await throughput('tcp', 1024, 20_000));
  log(await throughput('tcp', 64 * 1024, 1_500));
  log(await latency('tcp', 300));
  log(await throughput('udp', 100, 20_000));
  log(await throughput('udp', 1024, 10_000));
  log(await latency('udp', 300));
  log(await failover('tcp', {}, 'quorate defaults = Corosync 2 defaults: token 1000 + 650/node above 2, consensus 1.2 × token'));
  log(await failover('tcp', { tokenMs: 300, tokenCoefficientMs: 100 }, 'token 300, coefficient 100'));
  log(await failover('udp', {}, 'interval 100, deadtime 1000'));
}

main().then(() => process.exit(0), e => {
  console.error(e);
  process.exit(1);
});
