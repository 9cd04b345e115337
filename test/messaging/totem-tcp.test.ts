import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { totemTcp, type TotemTcpTransport } from '../../src/messaging/totem/tcp.js';
import { createFrameCodec } from '../../src/messaging/frame.js';
import { lengthPrefix } from '../../src/messaging/socket/streamFramer.js';
import { totalDropped } from '../../src/messaging/socket/stats.js';
import type { NodeAddress } from '../../src/messaging/socket/nodes.js';
import { freePorts, record, sameView, testKey, waitFor } from './socketHelpers.js';

const TIMERS = { tokenMs: 300, tokenCoefficientMs: 100, joinMs: 30, mergeMs: 100 };

async function cluster(n: number, key = testKey()): Promise<{ nodes: NodeAddress[]; ts: TotemTcpTransport[]; key: Buffer }> {
  const ports = await freePorts(n);
  const nodes = ports.map((port, i) => ({ id: i + 1, name: `n${i + 1}`, host: '127.0.0.1', port }));
  const ts = nodes.map(nd => {
    const r = totemTcp({ nodeId: nd.id, nodes, key, ...TIMERS });
    assert.ok(r.ok);
    return r.val;
  });
  await Promise.all(ts.map(t => t.start()));
  return { nodes, ts, key };
}

test('config errors are results, not exceptions', () => {
  const nodes = [{ id: 1, name: 'a', host: '127.0.0.1', port: 1 }, { id: 1, name: 'b', host: '127.0.0.1', port: 2 }];
  const r = totemTcp({ nodeId: 1, nodes, key: testKey() });
  assert.ok(r.err && r.val.code === 'QUORATE_ERR_SOCKET_CONFIG' && /duplicate id/.test(r.val.message));
  const k = totemTcp({ nodeId: 1, nodes: [nodes[0]!], key: new Uint8Array(3) });
  assert.ok(k.err && /3 bytes/.test(k.val.message));
});

test('3 nodes on loopback form a ring and deliver 1000 broadcasts in one order; a stopped node is dropped', async () => {
  const { ts } = await cluster(3);
  try {
    const recs = ts.map(record);
    assert.ok(await waitFor(() => sameView(ts, ['n1', 'n2', 'n3']), 10_000), 'ring formed');
    for (let i = 0; i < 1000; i++) {
      const r = ts[i % 3]!.broadcast({ i, from: i % 3 });
      assert.ok(r.ok);
    }
    assert.ok(await waitFor(() => recs.every(r => r.messages.length >= 1000), 20_000), 'all delivered');
    const order = (k: number): number[] => recs[k]!.messages.map(m => (m.payload as { i: number }).i);
    assert.deepEqual(order(1), order(0));
    assert.deepEqual(order(2), order(0));
    assert.equal(new Set(order(0)).size, 1000);
    // broadcast positions are 1..n within the view
    assert.deepEqual(recs[0]!.messages.slice(0, 3).map(m => m.seq), [1, 2, 3]);
    // point-to-point rides the ring and arrives only at its target
    assert.ok(ts[0]!.send('n3', { hello: 3 }).ok);
    assert.ok(await waitFor(() => recs[2]!.messages.some(m => m.kind === 'direct'), 5_000));
    assert.ok(!recs[1]!.messages.some(m => m.kind === 'direct'));

    const t0 = Date.now();
    await ts[2]!.stop();
    const st = ts[0]!.protocolState()!.cfg;
    const bound = st.tokenTimeoutMs + st.consensusMs;
    assert.ok(await waitFor(() => sameView(ts.slice(0, 2), ['n1', 'n2']), bound * 4), 'view without n3');
    const took = Date.now() - t0;
    console.log(`# failure detected and new view installed in ${took} ms (token ${st.tokenTimeoutMs} + consensus ${st.consensusMs})`);
    assert.ok(ts[0]!.stats.viewsInstalled >= 2 && ts[0]!.stats.failuresDetected >= 1);
    assert.ok(ts[0]!.broadcast('after').ok);
    assert.ok(await waitFor(() => recs[1]!.messages.some(m => m.payload === 'after'), 5_000));
  } finally {
    await Promise.all(ts.map(t => t.stop()));
  }
});

test('forged, truncated, replayed, oversized and garbage frames are dropped and counted; the ring keeps running', async () => {
  const { nodes, ts, key } = await cluster(3);
  try {
    const recs = ts.map(record);
    assert.ok(await waitFor(() => sameView(ts, ['n1', 'n2', 'n3']), 10_000), 'ring formed');
    const target = ts[0]!;
    const port = nodes[0]!.port;
    const before = { ...target.stats.dropped };
    const good = createFrameCodec({ key }).unwrap();
    const evil = createFrameCodec({ key: testKey() }).unwrap();
    const hdr = (sender: string, epoch: number, seq: number) => ({ type: 1, sender, epoch, seq, timestampMs: Date.now() });
    const body = { t: 'merge', sender: 2, ring: { rep: 2, seq: 999 } };
    const forged = evil.encode(hdr('n2', 0xffffffff, 1), body).unwrap();
    const whole = good.encode(hdr('n2', 0xffffffff, 5), body).unwrap();
    const truncated = whole.subarray(0, whole.length - 10);
    // An old epoch of a real sender: a replay of a frame from an earlier incarnation.
    const oldEpoch = good.encode(hdr('n2', 0, 7), body).unwrap();
    // Valid MAC, unknown sender: accepted by the window once, so its copy is a replay.
    const stranger = good.encode(hdr('n9', 1, 1), body).unwrap();
    const sock = connect({ host: '127.0.0.1', port });
    await new Promise<void>(r => sock.once('connect', () => r()));
    sock.write(lengthPrefix(forged));
    sock.write(lengthPrefix(truncated));
    sock.write(lengthPrefix(oldEpoch));
    sock.write(lengthPrefix(stranger));
    sock.write(lengthPrefix(stranger));
    sock.write(lengthPrefix(Buffer.from('not a frame at all')));
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(64 << 20, 0);
    sock.write(huge); // a length far over the limit: the link is cut
    await new Promise<void>(r => sock.once('close', () => r()));
    const d = target.stats.dropped;
    assert.ok(await waitFor(() => d.OVERSIZED > before.OVERSIZED, 2_000));
    assert.equal(d.BAD_MAC - before.BAD_MAC, 1, 'forged');
    assert.equal(d.TRUNCATED - before.TRUNCATED, 1, 'truncated');
    assert.equal(d.REPLAYED - before.REPLAYED, 2, 'old epoch + duplicate');
    assert.equal(d.UNKNOWN_SENDER - before.UNKNOWN_SENDER, 1);
    assert.equal(d.MALFORMED - before.MALFORMED, 1, 'garbage');
    assert.equal(d.OVERSIZED - before.OVERSIZED, 1);
    assert.ok(totalDropped(target.stats) >= 7);
    // The ring neither broke nor noticed.
    assert.ok(sameView(ts, ['n1', 'n2', 'n3']));
    assert.ok(ts[1]!.broadcast('still-up').ok);
    assert.ok(await waitFor(() => recs.every(r => r.messages.some(m => m.payload === 'still-up')), 5_000));
  } finally {
    await Promise.all(ts.map(t => t.stop()));
  }
});

test('a stopped node that starts again rejoins the ring (merge through join messages)', async () => {
  const { ts } = await cluster(3);
  try {
    assert.ok(await waitFor(() => sameView(ts, ['n1', 'n2', 'n3']), 10_000), 'ring formed');
    const first = ts[0]!.view()!.ringId;
    await ts[1]!.stop();
    assert.ok(await waitFor(() => sameView([ts[0]!, ts[2]!], ['n1', 'n3']), 10_000), 'ring without n2');
    await ts[1]!.start();
    assert.ok(await waitFor(() => sameView(ts, ['n1', 'n2', 'n3']), 10_000), 'n2 back');
    assert.ok(ts[0]!.view()!.ringId.seq > first.seq, 'a fresh ring id');
    const recs = ts.map(record);
    assert.ok(ts[1]!.broadcast('back').ok);
    assert.ok(await waitFor(() => recs.every(r => r.messages.some(m => m.payload === 'back')), 5_000));
  } finally {
    await Promise.all(ts.map(t => t.stop()));
  }
});
