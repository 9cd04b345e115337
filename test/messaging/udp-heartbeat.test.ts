import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { udpHeartbeat, type UdpHeartbeatTransport } from '../../src/messaging/udp/heartbeat.js';
import { createFrameCodec } from '../../src/messaging/frame.js';
import type { NodeAddress } from '../../src/messaging/socket/nodes.js';
import { freeUdpPorts, record, sameView, testKey, waitFor } from './socketHelpers.js';

async function cluster(n: number, key = testKey()): Promise<{ nodes: NodeAddress[]; ts: UdpHeartbeatTransport[]; key: Buffer }> {
  const ports = await freeUdpPorts(n);
  const nodes = ports.map((port, i) => ({ id: i + 1, name: `n${i + 1}`, host: '127.0.0.1', port }));
  const ts = nodes.map(nd => {
    const r = udpHeartbeat({ nodeId: nd.id, nodes, key, mode: 'unicast', intervalMs: 50, deadtimeMs: 1000 });
    assert.ok(r.ok);
    return r.val;
  });
  await Promise.all(ts.map(t => t.start()));
  return { nodes, ts, key };
}

test('udp unicast: 3 nodes agree on a view and deliver 1000 broadcasts in one order; a stopped node leaves the view', async () => {
  const { ts } = await cluster(3);
  try {
    const recs = ts.map(record);
    assert.ok(await waitFor(() => sameView(ts, ['n1', 'n2', 'n3']), 10_000), 'view formed');
    for (let i = 0; i < 1000; i++) assert.ok(ts[i % 3]!.broadcast({ i }).ok);
    assert.ok(await waitFor(() => recs.every(r => r.messages.length >= 1000), 20_000), 'all delivered');
    const order = (k: number): number[] => recs[k]!.messages.map(m => (m.payload as { i: number }).i);
    assert.deepEqual(order(1), order(0));
    assert.deepEqual(order(2), order(0));
    assert.equal(new Set(order(0)).size, 1000);
    // FIFO per sender inside the total order
    for (let s = 0; s < 3; s++) {
      const mine = order(0).filter(i => i % 3 === s);
      assert.deepEqual(mine, [...mine].sort((a, b) => a - b));
    }
    assert.ok(ts[1]!.send('n1', 'direct-hello').ok);
    assert.ok(await waitFor(() => recs[0]!.messages.some(m => m.kind === 'direct' && m.from === 'n2'), 5_000));

    const t0 = Date.now();
    await ts[0]!.stop(); // the sequencer itself goes away
    assert.ok(await waitFor(() => sameView(ts.slice(1), ['n2', 'n3']), 5_000), 'view without n1');
    console.log(`# udp: sequencer loss detected and new view installed in ${Date.now() - t0} ms (deadtime 1000)`);
    assert.equal(ts[1]!.view()!.ringId.rep, 'n2');
    assert.ok(ts[2]!.broadcast('after').ok);
    assert.ok(await waitFor(() => recs[1]!.messages.some(m => m.payload === 'after') && recs[2]!.messages.some(m => m.payload === 'after'), 5_000));
  } finally {
    await Promise.all(ts.map(t => t.stop()));
  }
});

test('udp: a restarted node rejoins, and forged/replayed/truncated/oversized/garbage datagrams are dropped and counted', async () => {
  const { nodes, ts, key } = await cluster(3);
  try {
    assert.ok(await waitFor(() => sameView(ts, ['n1', 'n2', 'n3']), 10_000));
    await ts[2]!.stop();
    assert.ok(await waitFor(() => sameView(ts.slice(0, 2), ['n1', 'n2']), 5_000));
    await ts[2]!.start();
    assert.ok(await waitFor(() => sameView(ts, ['n1', 'n2', 'n3']), 5_000), 'rejoined');

    const target = ts[1]!;
    const before = { ...target.stats.dropped };
    const evil = createFrameCodec({ key: testKey(), maxFrameBytes: 65_000 }).unwrap();
    const good = createFrameCodec({ key, maxFrameBytes: 65_000 }).unwrap();
    const body = { dst: 0, f: { t: 'hb', from: 1, ring: null, maxRingSeq: 0, highSeq: 0, aru: 0 } };
    const hdr = (sender: string, epoch: number, seq: number) => ({ type: 2, sender, epoch, seq, timestampMs: Date.now() });
    const sock = createSocket('udp4');
    const port = nodes[1]!.port;
    const sendRaw = (b: Buffer) => new Promise<void>(r => sock.send(b, port, '127.0.0.1', () => r()));
    await sendRaw(evil.encode(hdr('n1', 0xffffffff, 1), body).unwrap());
    await sendRaw(good.encode(hdr('n1', 0, 1), body).unwrap()); // old epoch: replay
    const whole = good.encode(hdr('n1', 0xffffffff, 2), body).unwrap();
    await sendRaw(whole.subarray(0, whole.length - 5));
    // A well-formed, authentic datagram over the node's 65 000-byte limit (UDP allows 65 507).
    const big = createFrameCodec({ key, maxFrameBytes: 65_507 }).unwrap();
    await sendRaw(big.encode(hdr('n1', 0xffffffff, 3), { dst: 0, pad: 'x'.repeat(65_300) }).unwrap());
    await sendRaw(Buffer.from('garbage'));
    sock.close();
    const d = target.stats.dropped;
    assert.ok(await waitFor(() => d.MALFORMED > before.MALFORMED, 2_000));
    assert.equal(d.BAD_MAC - before.BAD_MAC, 1);
    assert.equal(d.REPLAYED - before.REPLAYED, 1);
    assert.equal(d.TRUNCATED - before.TRUNCATED, 1);
    assert.equal(d.OVERSIZED - before.OVERSIZED, 1);
    assert.equal(d.MALFORMED - before.MALFORMED, 1);
    assert.ok(sameView(ts, ['n1', 'n2', 'n3']));
  } finally {
    await Promise.all(ts.map(t => t.stop()));
  }
});
