/**
 * Wire frames of the real transports (UDP heartbeat, TCP totem): a binary
 * header, a JSON body, HMAC-SHA256 under the cluster key, optional AES-256-GCM
 * encryption of the body, replay protection and size limits.
 *
 * Layout (big-endian):
 * ```
 * magic "QF" (2) | version (1) | type (1) | flags (1) | senderLen (1) | sender (utf-8)
 * epoch u32 | seq u64 | timestampMs u64 | nonce (12) | bodyLen u32 | body | hmac (32)
 * ```
 * The HMAC covers everything before it. When encrypted (flag bit 0), the body
 * is AES-256-GCM ciphertext followed by its 16-byte tag, with the nonce as IV
 * and the header as additional data. MAC and encryption keys are derived from
 * the cluster key with HKDF-SHA256, so one key file serves both.
 *
 * `decode` never throws: every byte string yields a frame or a typed error.
 * @module
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { Ok, Err, type Result, type QuorateErrorShape } from '../util/result.js';
import type { JsonValue } from './transport.js';
import type { ReplayWindow } from './replayWindow.js';
import { validateAuthKey, type AuthKeyError } from './authKey.js';

/** Current frame format version. */
export const FRAME_VERSION = 1;
const MAGIC0 = 0x51; // 'Q'
const MAGIC1 = 0x46; // 'F'
const FLAG_ENCRYPTED = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const MAC_BYTES = 32;
/** Longest sender name, in UTF-8 bytes. */
export const MAX_SENDER_BYTES = 255;
/** Bytes of a frame besides sender and body. */
const FIXED_BYTES = 2 + 1 + 1 + 1 + 1 + 4 + 8 + 8 + NONCE_BYTES + 4 + MAC_BYTES;

/** Why a frame was refused. */
export type FrameErrorKind = 'BAD_MAC' | 'TRUNCATED' | 'OVERSIZED' | 'MALFORMED' | 'REPLAYED';

/** A refused frame: `kind` plus a stable `code` (`QUORATE_ERR_FRAME_<kind>`). */
export interface FrameError extends QuorateErrorShape {
  readonly kind: FrameErrorKind;
  readonly code: `QUORATE_ERR_FRAME_${FrameErrorKind}`;
}

function frameError(kind: FrameErrorKind, message: string): FrameError {
  return { kind, code: `QUORATE_ERR_FRAME_${kind}`, message };
}

/** Header fields a sender chooses. */
export interface FrameHeaderInput {
  /** Message type, 0–255, defined by the transport using the codec. */
  readonly type: number;
  /** Sending node name. */
  readonly sender: string;
  /** The sender's incarnation (e.g. boot counter); a higher epoch resets replay windows. */
  readonly epoch: number;
  /** Per-sender sequence number, increasing within an epoch. */
  readonly seq: number;
  /** Sender's clock at sending, in ms. */
  readonly timestampMs: number;
}

/** A decoded frame header. */
export interface FrameHeader extends FrameHeaderInput {
  readonly version: number;
  readonly encrypted: boolean;
}

/** A decoded, authenticated frame. */
export interface DecodedFrame {
  readonly header: FrameHeader;
  readonly body: JsonValue;
}

/** Options of {@link createFrameCodec}. */
export interface FrameCodecOptions {
  /** The cluster key (see `readAuthKey`/`generateAuthKey`). */
  readonly key: Uint8Array;
  /** Encrypt bodies, and refuse unencrypted frames. Default false. */
  readonly encrypt?: boolean;
  /** Largest whole frame accepted or produced, in bytes. Default 1 MiB. */
  readonly maxFrameBytes?: number;
}

/** Encodes and decodes authenticated frames under one cluster key. */
export class FrameCodec {
  private readonly macKey: Buffer;
  private readonly encKey: Buffer;
  readonly encrypt: boolean;
  readonly maxFrameBytes: number;

  private constructor(key: Uint8Array, opts: FrameCodecOptions) {
    const salt = Buffer.from('quorate-frame-v1');
    this.macKey = Buffer.from(hkdfSync('sha256', key, salt, 'mac', 32));
    this.encKey = Buffer.from(hkdfSync('sha256', key, salt, 'enc', 32));
    this.encrypt = opts.encrypt ?? false;
    this.maxFrameBytes = opts.maxFrameBytes ?? 1 << 20;
  }

  /** @internal use {@link createFrameCodec} */
  static create(opts: FrameCodecOptions): Result<FrameCodec, AuthKeyError> {
    const k = validateAuthKey(opts.key);
    if (k.err) return k;
    return Ok(new FrameCodec(k.val, opts));
  }

  /**
   * Builds a frame. Errors: OVERSIZED (over `maxFrameBytes`), MALFORMED
   * (header field out of range, body not JSON). `nonce` is for tests only;
   * by default it is 12 random bytes.
   */
  encode(h: FrameHeaderInput, body: JsonValue, nonce?: Uint8Array): Result<Buffer, FrameError> {
    const sender = Buffer.from(h.sender, 'utf8');
    if (sender.length === 0 || sender.length > MAX_SENDER_BYTES) {
      return Err(frameError('MALFORMED', `sender name must be 1–${MAX_SENDER_BYTES} UTF-8 bytes, got ${sender.length}`));
    }
    if (!isU8(h.type)) return Err(frameError('MALFORMED', `type must be an integer 0–255, got ${h.type}`));
    if (!isU32(h.epoch)) return Err(frameError('MALFORMED', `epoch must be an integer 0–2^32-1, got ${h.epoch}`));
    if (!isSafeUint(h.seq)) return Err(frameError('MALFORMED', `seq must be a safe non-negative integer, got ${h.seq}`));
    if (!isSafeUint(h.timestampMs)) return Err(frameError('MALFORMED', `timestampMs must be a safe non-negative integer, got ${h.timestampMs}`));
    let json: string | undefined;
    try {
      json = JSON.stringify(body);
    } catch (e) {
      return Err(frameError('MALFORMED', `body is not JSON-serialisable: ${(e as Error).message}`));
    }
    if (json === undefined) return Err(frameError('MALFORMED', 'body is not JSON-serialisable'));
    const plain = Buffer.from(json, 'utf8');
    const bodyLen = plain.length + (this.encrypt ? TAG_BYTES : 0);
    const total = FIXED_BYTES + sender.length + bodyLen;
    if (total > this.maxFrameBytes) {
      return Err(frameError('OVERSIZED', `frame of ${total} bytes exceeds the limit of ${this.maxFrameBytes}`));
    }
    const iv = nonce ? Buffer.from(nonce) : randomBytes(NONCE_BYTES);
    if (iv.length !== NONCE_BYTES) return Err(frameError('MALFORMED', `nonce must be ${NONCE_BYTES} bytes`));
    const buf = Buffer.alloc(total);
    let o = 0;
    buf[o++] = MAGIC0;
    buf[o++] = MAGIC1;
    buf[o++] = FRAME_VERSION;
    buf[o++] = h.type;
    buf[o++] = this.encrypt ? FLAG_ENCRYPTED : 0;
    buf[o++] = sender.length;
    o += sender.copy(buf, o);
    o = buf.writeUInt32BE(h.epoch, o);
    o = buf.writeBigUInt64BE(BigInt(h.seq), o);
    o = buf.writeBigUInt64BE(BigInt(h.timestampMs), o);
    o += iv.copy(buf, o);
    o = buf.writeUInt32BE(bodyLen, o);
    const headerEnd = o;
    if (this.encrypt) {
      const c = createCipheriv('aes-256-gcm', this.encKey, iv);
      c.setAAD(buf.subarray(0, headerEnd));
      o += c.update(plain).copy(buf, o);
      o += c.final().copy(buf, o);
      o += c.getAuthTag().copy(buf, o);
    } else {
      o += plain.copy(buf, o);
    }
    this.mac(buf.subarray(0, o)).copy(buf, o);
    return Ok(buf);
  }

  /**
   * Parses and authenticates a frame. With `replay`, a frame already accepted
   * (or too old, or from an earlier epoch) is REPLAYED; accepted frames are
   * recorded only after every check passed, so forgeries never move the window.
   */
  decode(bytes: Uint8Array, replay?: ReplayWindow): Result<DecodedFrame, FrameError> {
    try {
      return this.decodeUnsafe(bytes, replay);
    } catch (e) {
      // Every path above is checked; this only guards against a missed case.
      return Err(frameError('MALFORMED', `undecodable frame: ${(e as Error).message}`));
    }
  }

  private decodeUnsafe(bytes: Uint8Array, replay?: ReplayWindow): Result<DecodedFrame, FrameError> {
    if (bytes.length > this.maxFrameBytes) {
      return Err(frameError('OVERSIZED', `frame of ${bytes.length} bytes exceeds the limit of ${this.maxFrameBytes}`));
    }
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (buf.length < 6) return Err(frameError('TRUNCATED', `frame of ${buf.length} bytes is shorter than the 6-byte preamble`));
    if (buf[0] !== MAGIC0 || buf[1] !== MAGIC1) return Err(frameError('MALFORMED', 'bad magic: not a quorate frame'));
    const version = buf[2]!;
    if (version !== FRAME_VERSION) return Err(frameError('MALFORMED', `unsupported frame version ${version} (expected ${FRAME_VERSION})`));
    const type = buf[3]!;
    const flags = buf[4]!;
    if ((flags & ~FLAG_ENCRYPTED) !== 0) return Err(frameError('MALFORMED', `unknown flags 0x${flags.toString(16)}`));
    const senderLen = buf[5]!;
    if (senderLen === 0) return Err(frameError('MALFORMED', 'empty sender name'));
    const headerEnd = 6 + senderLen + 4 + 8 + 8 + NONCE_BYTES + 4;
    if (buf.length < headerEnd + MAC_BYTES) {
      return Err(frameError('TRUNCATED', `frame of ${buf.length} bytes is shorter than its ${headerEnd + MAC_BYTES}-byte header and MAC`));
    }
    let o = 6;
    const senderBytes = buf.subarray(o, o + senderLen);
    o += senderLen;
    const epoch = buf.readUInt32BE(o);
    o += 4;
    const seqBig = buf.readBigUInt64BE(o);
    o += 8;
    const tsBig = buf.readBigUInt64BE(o);
    o += 8;
    const nonce = buf.subarray(o, o + NONCE_BYTES);
    o += NONCE_BYTES;
    const bodyLen = buf.readUInt32BE(o);
    o += 4;
    const expected = headerEnd + bodyLen + MAC_BYTES;
    if (buf.length < expected) return Err(frameError('TRUNCATED', `frame of ${buf.length} bytes, header announces ${expected}`));
    if (buf.length > expected) return Err(frameError('MALFORMED', `${buf.length - expected} trailing bytes after the MAC`));
    const macAt = headerEnd + bodyLen;
    const mac = buf.subarray(macAt, macAt + MAC_BYTES);
    if (!timingSafeEqual(mac, this.mac(buf.subarray(0, macAt)))) {
      return Err(frameError('BAD_MAC', 'HMAC does not match: wrong cluster key or tampered frame'));
    }
    // Authenticated from here on: the content was produced by a key holder.
    const encrypted = (flags & FLAG_ENCRYPTED) !== 0;
    if (encrypted !== this.encrypt) {
      return Err(frameError('MALFORMED', encrypted ? 'encrypted frame, but this link is not encrypted' : 'unencrypted frame on an encrypted link'));
    }
    if (seqBig > BigInt(Number.MAX_SAFE_INTEGER) || tsBig > BigInt(Number.MAX_SAFE_INTEGER)) {
      return Err(frameError('MALFORMED', 'seq or timestamp beyond 2^53-1'));
    }
    const seq = Number(seqBig);
    const sender = senderBytes.toString('utf8');
    if (replay) {
      const verdict = replay.check(sender, epoch, seq);
      if (verdict !== 'ok') return Err(frameError('REPLAYED', `frame ${sender}/${epoch}/${seq} refused by the replay window (${verdict})`));
    }
    let plain: Buffer;
    const body = buf.subarray(headerEnd, macAt);
    if (encrypted) {
      if (bodyLen < TAG_BYTES) return Err(frameError('TRUNCATED', 'encrypted body shorter than its GCM tag'));
      const d = createDecipheriv('aes-256-gcm', this.encKey, nonce);
      d.setAAD(buf.subarray(0, headerEnd));
      d.setAuthTag(body.subarray(bodyLen - TAG_BYTES));
      try {
        plain = Buffer.concat([d.update(body.subarray(0, bodyLen - TAG_BYTES)), d.final()]);
      } catch {
        return Err(frameError('BAD_MAC', 'GCM authentication failed'));
      }
    } else {
      plain = body;
    }
    let value: JsonValue;
    try {
      value = JSON.parse(plain.toString('utf8')) as JsonValue;
    } catch (e) {
      return Err(frameError('MALFORMED', `body is not JSON: ${(e as Error).message}`));
    }
    replay?.accept(sender, epoch, seq);
    return Ok({
      header: { version, type, sender, epoch, seq, timestampMs: Number(tsBig), encrypted },
      body: value,
    });
  }

  private mac(data: Buffer): Buffer {
    return createHmac('sha256', this.macKey).update(data).digest();
  }
}

/** Creates a codec; the key must be a valid cluster key (16–4096 bytes). */
export function createFrameCodec(opts: FrameCodecOptions): Result<FrameCodec, AuthKeyError> {
  return FrameCodec.create(opts);
}

function isU8(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xff;
}
function isU32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}
function isSafeUint(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}
