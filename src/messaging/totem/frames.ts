/**
 * The Totem protocol's messages, as plain data. The adapters put them on the
 * wire inside authenticated frames; the state machine only sees these objects.
 * @module
 */

/** A processor (node) identifier: the `nodeid` of corosync's nodelist. */
export type ProcId = number;

/** A Totem ring: its representative (lowest member id) and a sequence number. */
export interface TotemRing {
  readonly rep: ProcId;
  readonly seq: number;
}

/** One ordered message of a ring. */
export interface TotemMsg {
  /** The ring the sequence number belongs to. */
  readonly ring: TotemRing;
  /** Position in the ring's total order (1, 2, …). */
  readonly seq: number;
  /** The processor that originated it. */
  readonly sender: ProcId;
  /** The application payload (absent on recovery carriers). */
  readonly payload?: string;
  /** Destination of a point-to-point message (absent: everybody). */
  readonly to?: ProcId;
  /** Recovery carrier: an old-ring message retransmitted inside the new ring. */
  readonly rec?: TotemMsg;
}

/**
 * Regular messages broadcast in one token visit, packed into one frame (as
 * corosync packs small messages) so per-frame costs are paid once per visit.
 */
export interface McastFrame {
  readonly t: 'mcast';
  readonly ms: readonly TotemMsg[];
}

/** The regular (ORF) token. Mutable fields are copied before change. */
export interface TokenFrame {
  readonly t: 'token';
  readonly ring: TotemRing;
  /** Grows with every hop, so duplicates and retransmissions are recognised. */
  readonly tokenSeq: number;
  /** Highest sequence number assigned in the ring. */
  readonly seq: number;
  /** All-received-up-to: every member has every message ≤ aru. */
  readonly aru: number;
  /** Who lowered the aru last (null when aru = seq). */
  readonly aruId: ProcId | null;
  /** Retransmission requests (sequence numbers). */
  readonly rtr: readonly number[];
  /** True while the ring is still recovering old-ring messages. */
  readonly recovery: boolean;
  /** Recovery: someone still has old messages to send or is missing some. */
  readonly pending: boolean;
  /** Recovery: `seq` when the representative last passed the token. */
  readonly rotSeq: number;
}

/** A join message of the gather phase. */
export interface JoinFrame {
  readonly t: 'join';
  readonly sender: ProcId;
  /** Processors the sender wants in the new ring. */
  readonly proc: readonly ProcId[];
  /** Processors the sender considers failed. */
  readonly fail: readonly ProcId[];
  /** Highest ring sequence number the sender has seen. */
  readonly ringSeq: number;
  /** Sequence number of the ring the sender was last operational in (0: none). */
  readonly lastRingSeq: number;
}

/** What each member reports about its old ring in the commit token. */
export interface CommitEntry {
  readonly oldRing: TotemRing | null;
  /** Its all-received-up-to in the old ring. */
  readonly aru: number;
  /** Highest sequence number it has seen in the old ring. */
  readonly highSeq: number;
}

/** The commit token that forms a new ring. */
export interface CommitFrame {
  readonly t: 'commit';
  readonly ring: TotemRing;
  /** New members, ascending. */
  readonly members: readonly ProcId[];
  /** One entry per member (by index), filled during the first rotation. */
  readonly entries: readonly (CommitEntry | null)[];
  /** 1: collecting entries; 2: everyone learns the entries and enters recovery. */
  readonly rotation: 1 | 2;
}

/** A representative's probe for other rings (corosync's merge detect). */
export interface MergeFrame {
  readonly t: 'merge';
  readonly sender: ProcId;
  readonly ring: TotemRing;
}

/** Every Totem protocol message. */
export type TotemFrame = McastFrame | TokenFrame | JoinFrame | CommitFrame | MergeFrame;

/** Equality of rings. */
export function sameRing(a: TotemRing | null | undefined, b: TotemRing | null | undefined): boolean {
  return !!a && !!b && a.rep === b.rep && a.seq === b.seq;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isRing = (v: unknown): v is TotemRing =>
  typeof v === 'object' && v !== null && isInt((v as TotemRing).rep) && isInt((v as TotemRing).seq);
const isIntArray = (v: unknown): v is number[] => Array.isArray(v) && v.length <= 100_000 && v.every(isInt);

function isMsg(v: unknown, depth = 0): v is TotemMsg {
  if (typeof v !== 'object' || v === null || depth > 1) return false;
  const m = v as TotemMsg;
  if (!isRing(m.ring) || !isInt(m.seq) || !isInt(m.sender)) return false;
  if (m.payload !== undefined && typeof m.payload !== 'string') return false;
  if (m.to !== undefined && !isInt(m.to)) return false;
  if (m.rec !== undefined && !isMsg(m.rec, depth + 1)) return false;
  return true;
}

/**
 * Checks that a decoded value is a well-formed Totem frame, so a peer with a
 * valid key but a bug (or a different version) cannot crash the state machine.
 */
export function isTotemFrame(v: unknown): v is TotemFrame {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as { t?: unknown } & Record<string, unknown>;
  switch (f.t) {
    case 'mcast':
      return Array.isArray(f.ms) && f.ms.length > 0 && f.ms.length <= 10_000 && f.ms.every(m => isMsg(m));
    case 'token':
      return isRing(f.ring) && isInt(f.tokenSeq) && isInt(f.seq) && isInt(f.aru) && (f.aruId === null || isInt(f.aruId))
        && isIntArray(f.rtr) && typeof f.recovery === 'boolean' && typeof f.pending === 'boolean' && isInt(f.rotSeq);
    case 'join':
      return isInt(f.sender) && isIntArray(f.proc) && isIntArray(f.fail) && isInt(f.ringSeq) && isInt(f.lastRingSeq);
    case 'commit':
      return isRing(f.ring) && isIntArray(f.members) && Array.isArray(f.entries)
        && f.entries.length === (f.members as number[]).length
        && f.entries.every(e => e === null || (typeof e === 'object' && (e.oldRing === null || isRing(e.oldRing)) && isInt(e.aru) && isInt(e.highSeq)))
        && (f.rotation === 1 || f.rotation === 2);
    case 'merge':
      return isInt(f.sender) && isRing(f.ring);
    default:
      return false;
  }
}
