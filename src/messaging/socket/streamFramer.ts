/**
 * Length-prefixed framing on a byte stream: each frame is a 4-byte big-endian
 * length followed by that many bytes. A length over the limit cannot be
 * skipped safely (the stream would lose sync), so the caller closes the link.
 * @module
 */

/** What the framer found in the bytes fed to it. */
export type StreamChunk = { kind: 'frame'; bytes: Buffer } | { kind: 'oversized'; length: number };

/** Prefixes a frame with its length. */
export function lengthPrefix(frame: Buffer): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(frame.length, 0);
  return Buffer.concat([head, frame]);
}

/** Reassembles frames from stream chunks. */
export class StreamFramer {
  private parts: Buffer[] = [];
  private size = 0;
  private dead = false;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes buffered but not yet a whole frame (a truncated frame if the stream ends now). */
  pending(): number {
    return this.size;
  }

  /** Feeds bytes; returns the whole frames they complete. After `oversized`, nothing more. */
  push(chunk: Buffer): StreamChunk[] {
    if (this.dead) return [];
    this.parts.push(chunk);
    this.size += chunk.length;
    const out: StreamChunk[] = [];
    let buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    let o = 0;
    while (buf.length - o >= 4) {
      const len = buf.readUInt32BE(o);
      if (len > this.maxFrameBytes) {
        this.dead = true;
        this.parts = [];
        this.size = 0;
        out.push({ kind: 'oversized', length: len });
        return out;
      }
      if (buf.length - o - 4 < len) break;
      out.push({ kind: 'frame', bytes: buf.subarray(o + 4, o + 4 + len) });
      o += 4 + len;
    }
    buf = buf.subarray(o);
    this.parts = buf.length > 0 ? [buf] : [];
    this.size = buf.length;
    return out;
  }
}
