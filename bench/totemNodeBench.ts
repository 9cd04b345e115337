/**
 * One Totem-over-TCP node in its own process for the namespace comparison
 * with Corosync (corosyncCpg.ts, nsCluster.ts), speaking the same line
 * protocol as bench/corosync/cpgbench.c:
 *   node totemNodeBench.js throughput <id> <nodes JSON> <keyHex> <tokenMs> <count> <size>
 *   node totemNodeBench.js latency    <id> <nodes JSON> <keyHex> <tokenMs> <samples> <senderId>
 *   node totemNodeBench.js watch      <id> <nodes JSON> <keyHex> <tokenMs>
 * @module
 */
import { totemTcp } from '../src/messaging/totem/tcp.js';
import type { NodeAddress } from '../src/messaging/socket/nodes.js';
import type { MessageEvent, Transport } from '../src/messaging/transport.js';

const now = (): number => Number(process.hrtime.bigint()) / 1e9; // CLOCK_MONOTONIC, like the C driver

/** Resolves once `pred` holds, checked after every message/view event (no spinning). */
function when(t: Transport, pred: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!pred()) return;
      clearTimeout(timer);
      t.off('message', check);
      t.off('view', check);
      resolve();
    };
    const timer = setTimeout(() => {
      t.off('message', check);
      t.off('view', check);
      reject(new Error(`timeout: ${what}`));
    }, ms);
    t.on('message', check);
    t.on('view', check);
    check();
  });
}

async function main(): Promise<void> {
  const [mode, id, nodesJson, keyHex, tokenS, a1, a2] = process.argv.slice(2);
  const nodes = JSON.parse(nodesJson!) as NodeAddress[];
  const me = Number(id);
  const r = totemTcp({ nodeId: me, nodes, key: Buffer.from(keyHex!, 'hex'), tokenMs: Number(tokenS) });
  if (r.err) throw new Error(r.val.message);
  const t = r.val;
  let delivered = 0;
  const lat: number[] = [];
  let acks = 0;
  t.on('message', (m: MessageEvent) => {
    delivered++;
    const p = m.payload as { k?: string; i?: number; at?: number } | null;
    if (p && typeof p === 'object' && p.k === 'P') lat[p.i!] = (now() - p.at!) * 1e6;
    else if (p && typeof p === 'object' && p.k === 'A') acks++;
  });
  await t.start();
  await when(t, () => t.view()?.members.length === nodes.length, 20_000, `view of ${nodes.length}`);
  if (mode === 'throughput') {
    const count = Number(a1);
    const payload = 'x'.repeat(Number(a2));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      const b = t.broadcast(payload);
      if (b.err) throw new Error(b.val.message);
      if (i % 64 === 63) await new Promise(res => setImmediate(res));
    }
    await when(t, () => delivered >= count * nodes.length, 120_000, `delivered ${delivered} of ${count * nodes.length}`);
    console.log(JSON.stringify({ delivered, seconds: Number(process.hrtime.bigint() - t0) / 1e9 }));
  } else if (mode === 'latency') {
    const samples = Number(a1);
    const sender = Number(a2);
    for (let i = 0; i < samples; i++) {
      if (me === sender) {
        acks = 0;
        t.broadcast({ k: 'P', i, at: now() });
        await when(t, () => lat[i] !== undefined && acks >= nodes.length - 1, 10_000, `probe ${i}`);
      } else {
        await when(t, () => lat[i] !== undefined, 10_000, `probe ${i}`);
        t.broadcast({ k: 'A', i });
      }
    }
    console.log(JSON.stringify({ lat }));
  } else {
    console.log(JSON.stringify({ ready: 1 }));
    await when(t, () => (t.view()?.members.length ?? 0) < nodes.length, 60_000, 'a member lost');
    console.log(JSON.stringify({ changed: now(), members: t.view()?.members.length }));
  }
  // Linger so slower peers still get our token turns and acks, then leave.
  await new Promise(res => setTimeout(res, 1500));
  await t.stop();
}

main().then(() => process.exit(0), e => {
  console.log(JSON.stringify({ error: String(e) }));
  process.exit(1);
});
