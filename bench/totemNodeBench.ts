/**
 * One Totem-over-TCP node in its own process for the namespace comparison
 * with Corosync (corosyncCpg.ts): waits for a view of all nodes, broadcasts
 * `count` payloads of `size` bytes, and prints one JSON line once it has
 * delivered count × nodes messages.
 *   node totemNodeBench.js <nodeId> <nodes JSON> <keyHex> <count> <size>
 * @module
 */
import { totemTcp } from '../src/messaging/totem/tcp.js';
import type { NodeAddress } from '../src/messaging/socket/nodes.js';

async function main(): Promise<void> {
  const [id, nodesJson, keyHex, countS, sizeS] = process.argv.slice(2);
  const nodes = JSON.parse(nodesJson!) as NodeAddress[];
  const count = Number(countS);
  const payload = 'x'.repeat(Number(sizeS));
  const r = totemTcp({ nodeId: Number(id), nodes, key: Buffer.from(keyHex!, 'hex') });
  if (r.err) throw new Error(r.val.message);
  const t = r.val;
  let delivered = 0;
  let want = Infinity;
  let done: () => void = () => undefined;
  const allIn = new Promise<void>(res => { done = res; });
  // Wait on events, not a spin: a spinning process would steal the CPU its peers need.
  t.on('message', () => {
    if (++delivered >= want) done();
  });
  await t.start();
  const deadline = Date.now() + 20_000;
  while (t.view()?.members.length !== nodes.length) {
    if (Date.now() > deadline) throw new Error(`only ${t.view()?.members.length ?? 0} members`);
    await new Promise(res => setTimeout(res, 5));
  }
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const b = t.broadcast(payload);
    if (b.err) throw new Error(b.val.message);
    if (i % 64 === 63) await new Promise(res => setImmediate(res));
  }
  want = count * nodes.length;
  if (delivered >= want) done();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`timeout: delivered ${delivered} of ${want}`)), 120_000);
  });
  await Promise.race([allIn, late]);
  clearTimeout(timer);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ delivered, seconds }));
  // Linger so slower peers still get our token turns, then leave.
  await new Promise(res => setTimeout(res, 1500));
  await t.stop();
}

main().then(() => process.exit(0), e => {
  console.log(JSON.stringify({ error: String(e) }));
  process.exit(1);
});
