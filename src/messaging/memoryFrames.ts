/**
 * Frames of the memory network's virtual-synchrony protocol (a fixed-sequencer
 * total order with NACK-based retransmission and a flush on view change).
 * Payloads travel as JSON text so every receiver parses its own copy.
 * @module
 */
import type { RingId } from './transport.js';

/** One ordered broadcast message held in a log. */
export interface LogEntry {
  readonly seq: number;
  readonly origin: string;
  /** Per-origin number within the ring (the sequencer keeps each origin's order by it). */
  readonly msgId: number;
  /** The origin's incarnation and its message number across rings, for duplicate suppression. */
  readonly inc: number;
  readonly uid: number;
  readonly data: string;
}

/** A member asks the sequencer to order its message (`msgId` counts per origin per ring). */
export interface SubmitFrame {
  readonly t: 'submit';
  readonly ring: RingId;
  readonly origin: string;
  readonly msgId: number;
  readonly inc: number;
  readonly uid: number;
  readonly data: string;
}
/** The sequencer's ordered message. */
export interface OrderedFrame { readonly t: 'ordered'; readonly ring: RingId; readonly entry: LogEntry }
/** A member asks the sequencer for missing sequence numbers. */
export interface NackFrame { readonly t: 'nack'; readonly ring: RingId; readonly from: string; readonly seqs: readonly number[] }
/** Sequencer heartbeat: the highest seq ordered and the stable (delivered everywhere) point. */
export interface SyncFrame { readonly t: 'sync'; readonly ring: RingId; readonly high: number; readonly stable: number }
/** A member reports how far it has delivered. */
export interface AckFrame { readonly t: 'ack'; readonly ring: RingId; readonly from: string; readonly delivered: number }
/** Recovery: a member's state of its old ring, sent to the new ring's representative. */
export interface StateFrame {
  readonly t: 'state';
  readonly ring: RingId;
  readonly from: string;
  readonly old: RingId | null;
  readonly delivered: number;
  readonly entries: readonly LogEntry[];
}
/** Recovery: what a member must deliver of its old ring before installing `ring`. */
export interface InstallFrame {
  readonly t: 'install';
  readonly ring: RingId;
  readonly members: readonly string[];
  readonly old: RingId | null;
  readonly entries: readonly LogEntry[];
}
/** Recovery: a member installed `ring`. */
export interface InstallAckFrame { readonly t: 'installAck'; readonly ring: RingId; readonly from: string }
/**
 * Point-to-point message number `n` of sender incarnation `inc`; `floor` is the
 * lowest number the sender still holds, so receivers skip abandoned ones.
 */
export interface DirectFrame {
  readonly t: 'direct';
  readonly ring: RingId;
  readonly from: string;
  readonly inc: number;
  readonly n: number;
  readonly floor: number;
  readonly data: string;
}
/** Cumulative acknowledgement of direct messages up to `n`. */
export interface DirectAckFrame { readonly t: 'directAck'; readonly from: string; readonly inc: number; readonly n: number }

/** Any frame of the memory protocol. */
export type MemoryFrame =
  | SubmitFrame
  | OrderedFrame
  | NackFrame
  | SyncFrame
  | AckFrame
  | StateFrame
  | InstallFrame
  | InstallAckFrame
  | DirectFrame
  | DirectAckFrame;

/** True when two ring ids (or both absent) are the same ring. */
export function sameRing(a: RingId | null | undefined, b: RingId | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.seq === b.seq && a.rep === b.rep;
}
