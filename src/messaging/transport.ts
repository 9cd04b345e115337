/**
 * The transport seam: what every transport (memory, UDP heartbeat, TCP totem)
 * gives one cluster node. Cluster code depends on this file only.
 *
 * Guarantees a transport must give (virtual synchrony, as Totem does):
 * - Membership arrives as a sequence of {@link MembershipView}s, each with a
 *   ring id that no earlier view on any node carried.
 * - `broadcast` is reliable and totally ordered within a view: every member of
 *   a view delivers the same messages in the same order, exactly once, and
 *   messages from one sender keep their sending order.
 * - A view change is delivered at the same point of the stream on every member
 *   that moves from one view into the same next view: they delivered the same
 *   set of messages of the old view before it.
 * - A message broadcast but not yet ordered when the view changes is ordered
 *   (and delivered) in the next view the sender joins, not lost. If it may
 *   already have been delivered on the far side of a partition, an endpoint
 *   that already delivered it skips the copy: each endpoint run delivers a
 *   message at most once, and members otherwise deliver the same messages.
 * - `send` is reliable FIFO point-to-point to a member of the current view; it
 *   is dropped if the destination leaves the view before receiving it.
 * @module
 */
import type { EventEmitter } from 'eventemitter3';
import type { Clock } from '../util/clock.js';
import { Ok, Err, type Result, type QuorateErrorShape } from '../util/result.js';

/**
 * A value that survives `JSON.stringify`/`JSON.parse`: message payloads.
 * Object properties may be `undefined` (optional fields); they are dropped on
 * the wire, as JSON does.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

/** Identifies one membership ring: its representative and a sequence number. */
export interface RingId {
  /** The representative (lowest member name) that formed the ring. */
  readonly rep: string;
  /** Grows with every new ring; never reused. */
  readonly seq: number;
}

/** One installed membership. */
export interface MembershipView {
  readonly ringId: RingId;
  /** Member node names, sorted (ascending, by code unit). */
  readonly members: readonly string[];
}

/** A delivered message. */
export interface MessageEvent {
  /** The sending node. */
  readonly from: string;
  /** The payload as the sender gave it (a fresh copy per receiver). */
  readonly payload: JsonValue;
  /**
   * Position in the total order of the view (`broadcast`: 1, 2, … per ring), or
   * the per-sender stream position (`direct`).
   */
  readonly seq: number;
  /** How it was sent. */
  readonly kind: 'broadcast' | 'direct';
  /** The ring (view) it was delivered in. */
  readonly ringId: RingId;
}

/** Stable error codes of transports. */
export type TransportErrorCode =
  | 'QUORATE_ERR_NOT_STARTED'
  | 'QUORATE_ERR_NOT_MEMBER'
  | 'QUORATE_ERR_PAYLOAD'
  | 'QUORATE_ERR_TRANSPORT_IO'
  | 'QUORATE_ERR_AUTH';

/** A transport failure (returned from calls or emitted as `error`). */
export interface TransportError extends QuorateErrorShape {
  readonly code: TransportErrorCode;
}

/** Builds a {@link TransportError}. */
export function transportError(code: TransportErrorCode, message: string): TransportError {
  return { code, message };
}

/** Events of a {@link Transport}. */
export interface TransportEvents {
  /** A new membership view was installed. */
  view: (view: MembershipView) => void;
  /** A message was delivered. */
  message: (msg: MessageEvent) => void;
  /** Something went wrong that no call returned (e.g. a socket error). */
  error: (err: TransportError) => void;
}

/** One node's endpoint on a cluster network. */
export interface Transport extends EventEmitter<TransportEvents> {
  /** This node's name. */
  readonly node: string;
  /** Joins the network; views follow as `view` events. Idempotent. */
  start(): Promise<void>;
  /** Leaves the network gracefully; no events follow. Idempotent. */
  stop(): Promise<void>;
  /** The installed view, or undefined before the first one (or after stop). */
  view(): MembershipView | undefined;
  /**
   * Totally ordered reliable broadcast to the current view (the sender
   * delivers its own message too). Errors: not started, or payload not JSON.
   */
  broadcast(payload: JsonValue): Result<void, TransportError>;
  /** Reliable FIFO point-to-point send to a member of the current view. */
  send(to: string, payload: JsonValue): Result<void, TransportError>;
}

/** A cluster network: hands out one endpoint per node and says what time it is. */
export interface Network {
  /** The clock every endpoint of this network runs on. */
  readonly clock: Clock;
  /** The endpoint of `node` (the same object on every call for that name). */
  endpoint(node: string): Transport;
}

/** Serialises a payload, refusing what JSON cannot carry or what exceeds `maxChars`. */
export function encodePayload(payload: JsonValue, maxChars: number): Result<string, TransportError> {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (e) {
    return Err(transportError('QUORATE_ERR_PAYLOAD', `payload is not JSON-serialisable: ${(e as Error).message}`));
  }
  if (text === undefined) {
    return Err(transportError('QUORATE_ERR_PAYLOAD', 'payload is not JSON-serialisable (undefined or a function)'));
  }
  if (text.length > maxChars) {
    return Err(transportError('QUORATE_ERR_PAYLOAD', `payload is ${text.length} characters, more than the limit of ${maxChars}`));
  }
  return Ok(text);
}

/** Total order of ring ids: by seq, then representative. */
export function compareRingIds(a: RingId, b: RingId): number {
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.rep < b.rep ? -1 : a.rep > b.rep ? 1 : 0;
}

/** Renders a ring id as `rep/seq` for logs and traces. */
export function ringIdString(r: RingId): string {
  return `${r.rep}/${r.seq}`;
}
