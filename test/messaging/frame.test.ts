import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFrameCodec, type FrameCodec, type FrameHeaderInput } from '../../src/messaging/frame.js';
import { ReplayWindow } from '../../src/messaging/replayWindow.js';
import { generateAuthKey, readAuthKey, writeAuthKey } from '../../src/messaging/authKeyFile.js';
import { SeededRng } from '../../src/util/rng.js';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);

function codec(key: Uint8Array = KEY, encrypt = false, maxFrameBytes?: number): FrameCodec {
  const c = createFrameCodec({ key, encrypt, ...(maxFrameBytes ? { maxFrameBytes } : {}) });
  assert.ok(c.ok);
  return c.val;
}

const header = (seq: number, sender = 'node-1', epoch = 1): FrameHeaderInput =>
  ({ type: 3, sender, epoch, seq, timestampMs: 1_700_000_000_123 });

const body = { diff: { op: 'modify', path: '/cib/configuration', attrs: { epoch: 12 } }, list: [1, 'two', null, true] };

for (const encrypt of [false, true]) {
  test(`round trip (${encrypt ? 'encrypted' : 'MAC only'})`, () => {
    const c = codec(KEY, encrypt);
    const frame = c.encode(header(42), body);
    assert.ok(frame.ok);
    const d = c.decode(frame.val);
    assert.ok(d.ok, d.err ? d.val.message : '');
    assert.deepEqual(d.val.body, body);
    assert.deepEqual(d.val.header, { ...header(42), version: 1, encrypted: encrypt });
    // Plain bodies are visible on the wire, encrypted ones are not.
    assert.equal(frame.val.includes(Buffer.from('/cib/configuration')), !encrypt);
  });

  test(`tampering is detected at every byte (${encrypt ? 'encrypted' : 'MAC only'})`, () => {
    const c = codec(KEY, encrypt);
    const frame = c.encode(header(1), body);
    assert.ok(frame.ok);
    for (let i = 0; i < frame.val.length; i++) {
      const bad = Buffer.from(frame.val);
      bad[i]! ^= 0x01;
      const d = c.decode(bad);
      assert.ok(d.err, `flip at byte ${i} accepted`);
      assert.ok(['BAD_MAC', 'MALFORMED', 'TRUNCATED'].includes(d.val.kind), `${i}: ${d.val.kind}`);
    }
  });
}

test('a frame under another key is BAD_MAC', () => {
  const frame = codec(OTHER_KEY).encode(header(1), body);
  assert.ok(frame.ok);
  const d = codec(KEY).decode(frame.val);
  assert.equal(d.err && d.val.code, 'QUORATE_ERR_FRAME_BAD_MAC');
});

test('replay window: each frame once, old epochs and too-old sequence numbers refused', () => {
  const c = codec();
  const w = new ReplayWindow(8);
  const f = (seq: number, epoch = 1) => { const r = c.encode(header(seq, 'n1', epoch), seq); assert.ok(r.ok); return r.val; };
  assert.ok(c.decode(f(5), w).ok);
  const again = c.decode(f(5), w);
  assert.equal(again.err && again.val.kind, 'REPLAYED');
  assert.ok(c.decode(f(3), w).ok, 'out of order but inside the window');
  assert.ok(c.decode(f(20), w).ok);
  const old = c.decode(f(12), w);
  assert.equal(old.err && old.val.kind, 'REPLAYED', 'below the window');
  assert.ok(c.decode(f(13), w).ok, 'just inside the window');
  // A restarted sender (higher epoch) starts again at 1; its old epoch is dead.
  assert.ok(c.decode(f(1, 2), w).ok);
  const stale = c.decode(f(21, 1), w);
  assert.equal(stale.err && stale.val.kind, 'REPLAYED');
  // Forged frames never move the window.
  const forged = codec(OTHER_KEY).encode(header(100, 'n1', 9), 1);
  assert.ok(forged.ok);
  const forgedResult = c.decode(forged.val, w);
  assert.equal(forgedResult.err && forgedResult.val.kind, 'BAD_MAC');
  assert.ok(c.decode(f(2, 2), w).ok);
});

test('size limits: OVERSIZED on encode and decode, TRUNCATED when cut', () => {
  const small = codec(KEY, false, 200);
  const big = small.encode(header(1), 'x'.repeat(500));
  assert.equal(big.err && big.val.kind, 'OVERSIZED');
  const frame = codec().encode(header(1), 'x'.repeat(500));
  assert.ok(frame.ok);
  const d = small.decode(frame.val);
  assert.equal(d.err && d.val.kind, 'OVERSIZED');
  for (const cut of [0, 3, 10, frame.val.length - 1]) {
    const t = codec().decode(frame.val.subarray(0, cut));
    assert.equal(t.err && t.val.kind, 'TRUNCATED', `cut at ${cut}`);
  }
  const trailing = codec().decode(Buffer.concat([frame.val, Buffer.from([0])]));
  assert.equal(trailing.err && trailing.val.kind, 'MALFORMED');
});

test('encode refuses out-of-range headers and unserialisable bodies', () => {
  const c = codec();
  assert.equal(c.encode({ ...header(1), type: 256 }, 1).err, true);
  assert.equal(c.encode({ ...header(1), sender: '' }, 1).err, true);
  assert.equal(c.encode({ ...header(1), seq: -1 }, 1).err, true);
  const cyclic: Record<string, unknown> = {};
  cyclic.me = cyclic;
  const r = c.encode(header(1), cyclic as never);
  assert.equal(r.err && r.val.kind, 'MALFORMED');
  assert.ok(createFrameCodec({ key: Buffer.alloc(4) }).err, 'short key refused');
});

test('mixing encrypted and plain links is refused', () => {
  const plain = codec(KEY, false).encode(header(1), 1);
  assert.ok(plain.ok);
  const d = codec(KEY, true).decode(plain.val);
  assert.equal(d.err && d.val.kind, 'MALFORMED');
});

test('garbage, truncated and bit-flipped input never throws', () => {
  const rng = new SeededRng(99);
  const codecs = [codec(KEY, false), codec(KEY, true)];
  const valid = codecs.map(c => { const r = c.encode(header(7), body); assert.ok(r.ok); return r.val; });
  const w = new ReplayWindow();
  let accepted = 0;
  for (let i = 0; i < 3000; i++) {
    const which = rng.int(0, 1);
    let input: Buffer;
    switch (rng.int(0, 3)) {
      case 0: input = Buffer.from(Array.from({ length: rng.int(0, 300) }, () => rng.int(0, 255))); break;
      case 1: input = valid[which]!.subarray(0, rng.int(0, valid[which]!.length)); break;
      case 2: {
        input = Buffer.from(valid[which]!);
        for (let k = rng.int(1, 4); k > 0; k--) input[rng.int(0, input.length - 1)] = rng.int(0, 255);
        break;
      }
      default: {
        // A valid preamble with random lengths: exercises the length checks.
        input = Buffer.from(valid[which]!);
        input[5] = rng.int(0, 255);
        if (rng.chance(0.5)) input.writeUInt32BE(rng.int(0, 0xffffffff), input.length - 36);
      }
    }
    const d = codecs[which]!.decode(input, w);
    if (d.ok) accepted++;
    // The catch-all guard must never be what stopped a frame: every case is checked explicitly.
    else assert.ok(!d.val.message.startsWith('undecodable frame'), d.val.message);
  }
  // Only an unmodified valid frame could pass, and only once per window.
  assert.ok(accepted <= 2, `accepted ${accepted} frames`);
});

test('key files: generate, write 0400, read back; bad files are errors', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'quorate-key-'));
  try {
    const key = generateAuthKey();
    assert.ok(key.ok);
    assert.equal(key.val.length, 256);
    assert.notDeepEqual(key.val, generateAuthKey().unwrap());
    const path = join(dir, 'authkey');
    assert.ok((await writeAuthKey(path, key.val)).ok);
    assert.equal((await stat(path)).mode & 0o777, 0o400);
    const again = await writeAuthKey(path, key.val);
    assert.equal(again.err && again.val.code, 'QUORATE_ERR_AUTHKEY_IO', 'no overwrite');
    const read = await readAuthKey(path);
    assert.ok(read.ok);
    assert.deepEqual(read.val, key.val);
    const missing = await readAuthKey(join(dir, 'nope'));
    assert.equal(missing.err && missing.val.code, 'QUORATE_ERR_AUTHKEY_IO');
    await writeFile(join(dir, 'short'), Buffer.alloc(3));
    const short = await readAuthKey(join(dir, 'short'));
    assert.equal(short.err && short.val.code, 'QUORATE_ERR_AUTHKEY_SIZE');
    assert.ok(generateAuthKey(2).err);
    // A key read from a file works with the codec on both ends.
    const c = createFrameCodec({ key: read.val, encrypt: true });
    assert.ok(c.ok);
    assert.ok(c.val.decode(c.val.encode(header(1), 'hi').unwrap()).ok);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
