/**
 * The runtime's wire protocol: what nodes say to each other over the
 * transport. Every payload is plain JSON.
 *
 * - `join` (broadcast, once per view): the sender's CIB replica and its own
 *   operation history; once every member's join is delivered, all members pick
 *   the same newest CIB and the DC rewrites membership and history.
 * - `cib` (broadcast by the DC only): a batch of {@link CibOp}s every member
 *   applies at the same point of the stream; `acks` lists the requests it
 *   answers; `cause`/`key` tell the controller what the batch records.
 * - `request` (to the DC): CIB ops asked for by an admin call on any node.
 * - `exec` (DC to a node): run one graph action on the local executor.
 * - `result` (node to DC): what an operation did, as lrm history entries.
 * - `fenced` (broadcast by the DC): a fencing result, for every node's history.
 * @module
 */
import type { Cib, CibVersion, LrmResource } from '../cib/types.js';
import type { GraphAction } from '../policy/graph.js';
import type { RingId } from '../messaging/transport.js';
import type { CibOp } from './cibOps.js';
import type { LrmUpdate } from './lrmHistory.js';

/** Why the DC wrote a batch. */
export type CibCause = 'membership' | 'admin' | 'result' | 'fencing' | 'failcount';

/** One replicated fencing result. */
export interface FenceHistoryEntry {
  readonly target: string;
  readonly action: string;
  readonly state: 'success' | 'failed';
  readonly devices: readonly string[];
  readonly executioner: string;
  readonly origin: string;
  /** Cluster clock ms. */
  readonly completedAt: number;
  readonly error?: string;
}

/** Every message of the protocol. */
export type ClusterMessage =
  | { readonly t: 'join'; readonly ring: RingId; readonly cib: Cib; readonly quorateVersion: CibVersion; readonly lrm: readonly LrmResource[]; readonly fenceHistory: readonly FenceHistoryEntry[] }
  | { readonly t: 'cib'; readonly ops: readonly CibOp[]; readonly acks: readonly string[]; readonly cause: CibCause; readonly key?: string }
  | { readonly t: 'request'; readonly id: string; readonly ops: readonly CibOp[] }
  | { readonly t: 'exec'; readonly key: string; readonly targetRc: number; readonly action: GraphAction }
  | { readonly t: 'result'; readonly key: string; readonly update: LrmUpdate; readonly rc: number; readonly opStatus: number; readonly output?: string }
  | { readonly t: 'fenced'; readonly entry: FenceHistoryEntry };

/** Narrows an untrusted payload to a protocol message (shape of the tag only; senders are cluster members). */
export function asClusterMessage(p: unknown): ClusterMessage | undefined {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return undefined;
  const t = (p as { t?: unknown }).t;
  return typeof t === 'string' && ['join', 'cib', 'request', 'exec', 'result', 'fenced'].includes(t) ? p as ClusterMessage : undefined;
}
