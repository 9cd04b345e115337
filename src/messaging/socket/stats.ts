/**
 * Counters every socket transport keeps: frames in and out, frames dropped by
 * reason, retransmissions and views.
 * @module
 */
import type { FrameErrorKind } from '../frame.js';

/** Why an incoming frame was dropped. */
export type DropReason = FrameErrorKind | 'UNKNOWN_SENDER' | 'BAD_BODY';

/** Statistics of one socket transport endpoint. */
export interface SocketTransportStats {
  framesSent: number;
  framesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Frames refused, by reason (BAD_MAC, MALFORMED, TRUNCATED, OVERSIZED, REPLAYED, …). */
  dropped: Record<DropReason, number>;
  /** Frames sent again by the protocol (message and token retransmissions). */
  retransmissions: number;
  viewsInstalled: number;
  /** Failure detections (lost tokens, peers declared dead). */
  failuresDetected: number;
  /** Connections (TCP) established, including reconnections. */
  connects: number;
}

/** A zeroed statistics record. */
export function emptyStats(): SocketTransportStats {
  return {
    framesSent: 0,
    framesReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    dropped: { BAD_MAC: 0, MALFORMED: 0, TRUNCATED: 0, OVERSIZED: 0, REPLAYED: 0, UNKNOWN_SENDER: 0, BAD_BODY: 0 },
    retransmissions: 0,
    viewsInstalled: 0,
    failuresDetected: 0,
    connects: 0,
  };
}

/** Total of all drop counters. */
export function totalDropped(s: SocketTransportStats): number {
  return Object.values(s.dropped).reduce((a, b) => a + b, 0);
}
