/**
 * Hostile frames at a running `quorate node` (corosync.conf with crypto_hash
 * sha256 + crypto_cipher aes256): forged, truncated, replayed, oversized,
 * unencrypted and garbage frames sent to n2's ring port are dropped and
 * counted, `quorate status --json` shows the counters (the text status a
 * "Dropped frames" line), and the cluster keeps its ring and still commits
 * a configuration change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { createFrameCodec } from '../../src/messaging/frame.js';
import { lengthPrefix } from '../../src/messaging/socket/streamFramer.js';
import { randomBytes } from 'node:crypto';
import { ProcCluster, groupAlive, placement, waitFor, type StatusJson } from './harness.js';
import { controlRequest } from '../../src/control/client.js';

type Dropped = Record<string, number>;
type WithStats = StatusJson & { transportStats: { dropped: Dropped; framesReceived: number } };

async function formed(c: ProcCluster): Promise<boolean> {
  const ss = await Promise.all(c.names.map(n => c.status(n)));
  return ss.every(s => s?.synced && s.view?.members.length === c.names.length && s.dc !== undefined && s.view.ringId === ss[0]!.view!.ringId);
}

async function scenario(transport: 'tcp' | 'udpu', diag: (m: string) => void): Promise<void> {
  const c = await ProcCluster.create({ nodes: 3, transport, tokenMs: 500 });
  try {
    c.startAll();
    assert.ok(await waitFor(() => formed(c), 20_000), `the cluster never formed\n${c.diagnostics()}`);
    const key = await readFile(c.file('authkey'));
    const port = c.ports[1]!;
    const s0 = (await c.status('n2')) as WithStats;
    const before = s0.transportStats.dropped;
    const ring = s0.view!.ringId;
    assert.ok(Object.values(before).every(n => n === 0), `no frame was dropped before the attack: ${JSON.stringify(before)}`);

    const good = createFrameCodec({ key, encrypt: true, maxFrameBytes: 65_507 }).unwrap();
    const evil = createFrameCodec({ key: randomBytes(key.length), encrypt: true }).unwrap();
    const plain = createFrameCodec({ key, encrypt: false }).unwrap();
    const type = transport === 'tcp' ? 1 : 2;
    const now = Date.now();
    const epoch = Math.floor(now / 1000);
    const hdr = (sender: string, ep: number, seq: number) => ({ type, sender, epoch: ep, seq, timestampMs: now });
    const body = { t: 'merge' };
    const whole = good.encode(hdr('n1', epoch + 10, 1), body).unwrap();
    const stranger = good.encode(hdr('intruder', 1, 1), body).unwrap();
    const frames: Buffer[] = [
      evil.encode(hdr('n1', epoch + 10, 2), body).unwrap(), // forged: BAD_MAC
      whole.subarray(0, whole.length - 12), // TRUNCATED
      good.encode(hdr('n1', epoch - 3600, 3), body).unwrap(), // n1 an hour ago: REPLAYED
      stranger, stranger, // authentic but not a member (UNKNOWN_SENDER), then its copy (REPLAYED)
      plain.encode(hdr('n1', epoch + 10, 4), body).unwrap(), // not encrypted on an encrypted cluster: MALFORMED
      Buffer.from('GET / HTTP/1.0\r\n\r\n'), // MALFORMED
    ];
    const want: Dropped = { BAD_MAC: 1, TRUNCATED: 1, REPLAYED: 2, UNKNOWN_SENDER: 1, MALFORMED: 2, OVERSIZED: 1 };
    if (transport === 'tcp') {
      const sock = connect({ host: '127.0.0.1', port });
      sock.on('error', () => undefined);
      await new Promise<void>(r => sock.once('connect', () => r()));
      for (const f of frames) sock.write(lengthPrefix(f));
      const huge = Buffer.alloc(4);
      huge.writeUInt32BE(1 << 30, 0); // a length far over the limit: the node cuts the link
      sock.write(huge);
      await new Promise<void>(r => sock.once('close', () => r()));
    } else {
      const sock = createSocket('udp4');
      const send = (b: Buffer): Promise<void> => new Promise(r => sock.send(b, port, '127.0.0.1', () => r()));
      for (const f of frames) await send(f);
      // Authentic, but over the node's 65 000-byte datagram limit.
      await send(good.encode(hdr('n1', epoch + 10, 5), { pad: 'x'.repeat(65_100) }).unwrap());
      sock.close();
    }
    let after: Dropped = {};
    const sum = (d: Dropped): number => Object.values(d).reduce((a, b) => a + b, 0);
    assert.ok(await waitFor(async () => {
      const s = (await c.status('n2')) as WithStats | undefined;
      after = s?.transportStats.dropped ?? {};
      return sum(after) >= sum(want);
    }, 5_000), `n2 counted the frames: ${JSON.stringify(after)}`);
    assert.deepEqual(Object.fromEntries(Object.entries(after).filter(([, n]) => n > 0)), want);
    diag(`${transport}: n2 dropped ${JSON.stringify(want)}`);

    // The operator sees it; the cluster did not notice.
    const text = await c.cli(['status', '--control', c.control('n2')]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Dropped frames: BAD_MAC 1, MALFORMED 2, TRUNCATED 1, OVERSIZED 1, REPLAYED 2, UNKNOWN_SENDER 1/);
    for (const n of c.names) assert.equal((await c.status(n))!.view!.ringId, ring, `${n} kept ring ${ring}`);
    const holder = placement(await c.status('n1'), 'dummy')[0];
    const target = c.names.find(n => n !== holder)!;
    const moved = await c.cli(['move', 'dummy', target, '--control', c.control('n2')]);
    assert.equal(moved.code, 0, moved.stderr);
    assert.ok(await waitFor(async () => placement(await c.status('n3'), 'dummy').join() === target, 15_000), `dummy did not move to ${target}\n${c.diagnostics()}`);
    const cib = await controlRequest(c.control('n1'), { cmd: 'cib' });
    assert.ok(cib.ok && String(cib.val).includes('cli-prefer-dummy'));
  } finally {
    const groups = [...c.groups];
    await c.destroy();
    assert.deepEqual(groups.filter(groupAlive), []);
  }
}

test('quorate node over TCP totem, encrypted: hostile frames are dropped, counted in status, and the ring goes on', { timeout: 40_000 }, t => scenario('tcp', m => t.diagnostic(m)));
test('quorate node over unicast UDP, encrypted: hostile datagrams are dropped, counted in status, and the view holds', { timeout: 40_000 }, t => scenario('udpu', m => t.diagnostic(m)));
