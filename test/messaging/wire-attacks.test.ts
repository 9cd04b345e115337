/**
 * An attacker on the wire between two members, with AES-256-GCM on: n1's
 * nodelist routes its link to n2 through a relay the test runs (TCP proxy or
 * UDP relay). The relay forwards everything, keeps copies, and then replays
 * captured frames verbatim, flips a bit, cuts one short, forges one under
 * another key, sends one unencrypted and one oversized. n2 drops and counts
 * each; the ring keeps its view and keeps delivering.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket, type Server } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { totemTcp } from '../../src/messaging/totem/tcp.js';
import { udpHeartbeat } from '../../src/messaging/udp/heartbeat.js';
import { createFrameCodec } from '../../src/messaging/frame.js';
import { lengthPrefix, StreamFramer } from '../../src/messaging/socket/streamFramer.js';
import type { SocketTransportStats } from '../../src/messaging/socket/stats.js';
import type { NodeAddress } from '../../src/messaging/socket/nodes.js';
import type { Transport } from '../../src/messaging/transport.js';
import { freePorts, freeUdpPorts, record, sameView, testKey, waitFor } from './socketHelpers.js';

type Endpoint = Transport & { readonly stats: SocketTransportStats; stop(): Promise<void> };

const MARKER = 'wire-secret-7f3a';

/** The nodelist of n1, with n2's address replaced by the relay's port. */
function viaRelay(nodes: NodeAddress[], relayPort: number): NodeAddress[] {
  return nodes.map(n => n.id === 2 ? { ...n, port: relayPort } : n);
}

/** A frame with one bit flipped in its MAC. */
function flipped(frame: Buffer): Buffer {
  const b = Buffer.from(frame);
  b[b.length - 1]! ^= 0x01;
  return b;
}

/** What n2 dropped since `before`, by reason. */
function delta(after: SocketTransportStats['dropped'], before: SocketTransportStats['dropped']): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]]).filter(([, v]) => v !== 0));
}

/** Common checks once the relay has carried traffic: the marker crossed it, encrypted. */
function checkConfidential(captured: Buffer[], key: Buffer): void {
  assert.ok(captured.length > 1, `the relay carried n1's frames (${captured.length})`);
  const dec = createFrameCodec({ key, encrypt: true, maxFrameBytes: 1 << 20 }).unwrap();
  const carried = captured.filter(f => {
    const d = dec.decode(f);
    return d.ok && JSON.stringify(d.val.body).includes(MARKER);
  });
  assert.ok(carried.length > 0, 'a frame carrying the marker went through the relay');
  for (const f of carried) {
    assert.equal(f[4], 1, 'the encrypted flag is set');
    assert.ok(!f.includes(Buffer.from(MARKER)), 'the payload is not readable on the wire');
  }
}

/**
 * Starts the members, waits for the 3-member view through the relay and shows a secret
 * crosses it only encrypted; returns the recorders and how much was captured by then
 * (frames from there on certainly reached n2).
 */
async function formThroughRelay(ts: Endpoint[], captured: Buffer[], key: Buffer): Promise<{ recs: ReturnType<typeof record>[]; formedAt: number }> {
  await Promise.all(ts.map(t => t.start()));
  const recs = ts.map(record);
  assert.ok(await waitFor(() => sameView(ts, ['n1', 'n2', 'n3']), 10_000), 'view formed through the relay');
  const formedAt = captured.length;
  assert.ok(ts[0]!.broadcast({ secret: MARKER }).ok);
  assert.ok(await waitFor(() => recs.every(r => r.messages.some(m => (m.payload as { secret?: string }).secret === MARKER)), 5_000));
  checkConfidential(captured, key);
  return { recs, formedAt };
}

/** Nothing of the attack reached the protocol: same ring, same view, still delivering. */
async function assertRingHeld(ts: Endpoint[], recs: ReturnType<typeof record>[], ring: unknown): Promise<void> {
  assert.deepEqual(ts[1]!.view()!.ringId, ring);
  assert.ok(sameView(ts, ['n1', 'n2', 'n3']));
  assert.ok(ts[2]!.broadcast('after-attack').ok);
  assert.ok(await waitFor(() => recs.every(r => r.messages.some(m => m.payload === 'after-attack')), 5_000));
}

test('totem tcp, encrypted: a man in the middle replays, flips, cuts, forges and floods; n2 drops and counts each, the ring goes on', async () => {
  const key = testKey();
  const ports = await freePorts(4);
  const nodes = ports.slice(0, 3).map((port, i) => ({ id: i + 1, name: `n${i + 1}`, host: '127.0.0.1', port }));
  const relayPort = ports[3]!;
  const captured: Buffer[] = [];
  const upstreams: Socket[] = [];
  const clients: Socket[] = [];
  // The proxy: frames from n1 are parsed, kept and passed on to n2 unchanged.
  const proxy: Server = createServer(client => {
    clients.push(client);
    const up = connect({ host: '127.0.0.1', port: nodes[1]!.port });
    upstreams.push(up);
    const framer = new StreamFramer(1 << 24);
    client.on('data', (chunk: Buffer) => {
      for (const c of framer.push(chunk)) {
        if (c.kind !== 'frame') continue;
        captured.push(Buffer.from(c.bytes));
        up.write(lengthPrefix(c.bytes));
      }
    });
    const end = (): void => { client.destroy(); up.destroy(); };
    client.on('close', end);
    up.on('close', end);
    client.on('error', () => undefined);
    up.on('error', () => undefined);
  });
  await new Promise<void>(r => proxy.listen(relayPort, '127.0.0.1', () => r()));
  const timers = { tokenMs: 300, tokenCoefficientMs: 100, joinMs: 30, mergeMs: 100 };
  const ts: Endpoint[] = nodes.map(nd => totemTcp({ nodeId: nd.id, nodes: nd.id === 1 ? viaRelay(nodes, relayPort) : nodes, key, encrypt: true, ...timers }).unwrap());
  try {
    const { recs, formedAt } = await formThroughRelay(ts, captured, key);

    const ring = ts[1]!.view()!.ringId;
    const n2 = ts[1]!.stats;
    const before = { ...n2.dropped };
    const up = upstreams[upstreams.length - 1]!;
    const first = captured[formedAt]!;
    const last = captured[captured.length - 1]!;
    const evil = createFrameCodec({ key: testKey(), encrypt: true }).unwrap();
    const plain = createFrameCodec({ key, encrypt: false }).unwrap();
    const hdr = { type: 1, sender: 'n1', epoch: 0xffffffff, seq: 1, timestampMs: Date.now() };
    up.write(lengthPrefix(last)); // verbatim replay of the newest frame
    up.write(lengthPrefix(first)); // and of the oldest one
    up.write(lengthPrefix(flipped(last)));
    up.write(lengthPrefix(last.subarray(0, last.length - 20)));
    up.write(lengthPrefix(evil.encode(hdr, { t: 'merge' }).unwrap()));
    up.write(lengthPrefix(plain.encode(hdr, { t: 'merge' }).unwrap()));
    const want = { REPLAYED: 2, BAD_MAC: 2, TRUNCATED: 1, MALFORMED: 1 };
    assert.ok(await waitFor(() => Object.values(n2.dropped).reduce((a, b) => a + b) - Object.values(before).reduce((a, b) => a + b) >= 6, 3_000),
      `n2 counted the attacks: ${JSON.stringify(delta(n2.dropped, before))}`);
    assert.deepEqual(delta(n2.dropped, before), want);
    await assertRingHeld(ts, recs, ring);

    // A length prefix over the limit: the stream cannot be resynchronised, the link is cut; n1 dials again.
    const connectsBefore = ts[0]!.stats.connects;
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(64 << 20, 0);
    upstreams[upstreams.length - 1]!.write(huge);
    assert.ok(await waitFor(() => n2.dropped.OVERSIZED === before.OVERSIZED + 1, 3_000), 'oversized counted');
    assert.ok(await waitFor(() => ts[0]!.stats.connects > connectsBefore, 5_000), 'n1 reconnected through the proxy');
    assert.ok(ts[0]!.broadcast('after-cut').ok);
    assert.ok(await waitFor(() => recs.every(r => r.messages.some(m => m.payload === 'after-cut')), 10_000), 'delivery goes on after the cut');
    assert.ok(await waitFor(() => sameView(ts, ['n1', 'n2', 'n3']), 10_000));
  } finally {
    await Promise.all(ts.map(t => t.stop()));
    for (const s of [...clients, ...upstreams]) s.destroy();
    await new Promise(r => proxy.close(r));
  }
});

test('udp unicast, encrypted: a relay replays, flips, cuts, forges and floods datagrams; n2 drops and counts each, the view holds', async () => {
  const key = testKey();
  const ports = await freeUdpPorts(4);
  const nodes = ports.slice(0, 3).map((port, i) => ({ id: i + 1, name: `n${i + 1}`, host: '127.0.0.1', port }));
  const relayPort = ports[3]!;
  const captured: Buffer[] = [];
  const relay: UdpSocket = createSocket('udp4');
  relay.on('message', (msg: Buffer) => {
    captured.push(Buffer.from(msg));
    relay.send(msg, nodes[1]!.port, '127.0.0.1');
  });
  await new Promise<void>(r => relay.bind(relayPort, '127.0.0.1', () => r()));
  const ts: Endpoint[] = nodes.map(nd => udpHeartbeat({
    nodeId: nd.id, nodes: nd.id === 1 ? viaRelay(nodes, relayPort) : nodes, key, encrypt: true, mode: 'unicast', intervalMs: 50, deadtimeMs: 1000,
  }).unwrap());
  const inject = (b: Buffer): Promise<void> => new Promise(r => relay.send(b, nodes[1]!.port, '127.0.0.1', () => r()));
  try {
    const { recs, formedAt } = await formThroughRelay(ts, captured, key);

    const ring = ts[1]!.view()!.ringId;
    const n2 = ts[1]!.stats;
    const before = { ...n2.dropped };
    const first = captured[formedAt]!;
    const last = captured[captured.length - 1]!;
    const evil = createFrameCodec({ key: testKey(), encrypt: true }).unwrap();
    const plain = createFrameCodec({ key, encrypt: false }).unwrap();
    const big = createFrameCodec({ key, encrypt: true, maxFrameBytes: 65_507 }).unwrap();
    const hdr = { type: 2, sender: 'n1', epoch: 0xffffffff, seq: 1, timestampMs: Date.now() };
    const env = { dst: 0, f: { t: 'hb', from: 1, ring: null, maxRingSeq: 0, highSeq: 0, aru: 0 } };
    await inject(last);
    await inject(first);
    await inject(flipped(last));
    await inject(last.subarray(0, last.length - 20));
    await inject(evil.encode(hdr, env).unwrap());
    await inject(plain.encode(hdr, env).unwrap());
    // Authentic, but over the node's 65 000-byte datagram limit.
    await inject(big.encode(hdr, { dst: 0, pad: 'x'.repeat(65_200) }).unwrap());
    const want = { REPLAYED: 2, BAD_MAC: 2, TRUNCATED: 1, MALFORMED: 1, OVERSIZED: 1 };
    assert.ok(await waitFor(() => n2.dropped.OVERSIZED > before.OVERSIZED, 3_000), `n2 counted the attacks: ${JSON.stringify(delta(n2.dropped, before))}`);
    assert.deepEqual(delta(n2.dropped, before), want);
    await assertRingHeld(ts, recs, ring);
  } finally {
    await Promise.all(ts.map(t => t.stop()));
    relay.close();
  }
});
