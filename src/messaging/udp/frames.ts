/**
 * Messages of the UDP heartbeat protocol, as plain data.
 * @module
 */

/** A view of the heartbeat protocol: its sequencer (lowest live id) and a number. */
export interface HbRing {
  readonly rep: number;
  readonly seq: number;
}

/** Periodic liveness beacon; also carries stability and tail information. */
export interface HbBeat {
  readonly t: 'hb';
  readonly from: number;
  /** The installed ring, or null. */
  readonly ring: HbRing | null;
  /** Highest ring sequence number the sender has seen. */
  readonly maxRingSeq: number;
  /** Highest sequence number seen in `ring`. */
  readonly highSeq: number;
  /** All-received-up-to in `ring`. */
  readonly aru: number;
  /**
   * The proposal the sender acknowledged last, when it is not `ring`: the
   * sender delivers nothing until that view (or a later one) is installed,
   * so the sequencer proposes again if no install comes.
   */
  readonly acked?: HbRing;
}

/** A sequencer proposes a new view. */
export interface HbPropose {
  readonly t: 'propose';
  readonly from: number;
  readonly ring: HbRing;
  readonly members: readonly number[];
}

/** A member accepts a proposal and reports what it holds of its old view. */
export interface HbAck {
  readonly t: 'ack';
  readonly from: number;
  readonly ring: HbRing;
  /** The last view it installed (and is flushing, or runs in). */
  readonly oldRing: HbRing | null;
  readonly aru: number;
  /**
   * Earlier views it delivered up to a cut and still keeps: a member that is
   * still flushing one of them (its flush holder died) fetches from us.
   */
  readonly retired?: readonly { readonly ring: HbRing; readonly aru: number }[];
}

/** The cut of one old ring: deliver up to `seq`; `holder` has all of it. */
export interface HbCut {
  readonly ring: HbRing;
  readonly seq: number;
  readonly holder: number;
}

/** The sequencer installs a view once every member acknowledged. */
export interface HbInstall {
  readonly t: 'install';
  readonly from: number;
  readonly ring: HbRing;
  readonly members: readonly number[];
  readonly cuts: readonly HbCut[];
}

/** A member hands a message to the sequencer for ordering. */
export interface HbSubmit {
  readonly t: 'submit';
  readonly from: number;
  readonly ring: HbRing;
  /** Per-sender, per-ring message number (1, 2, …): FIFO and de-duplication. */
  readonly id: number;
  readonly payload: string;
  readonly to?: number;
}

/** An ordered message. */
export interface HbData {
  readonly t: 'data';
  readonly ring: HbRing;
  readonly seq: number;
  readonly from: number;
  readonly id: number;
  readonly payload: string;
  readonly to?: number;
}

/** Negative acknowledgement: please send these sequence numbers of `ring` again. */
export interface HbNak {
  readonly t: 'nak';
  readonly from: number;
  readonly ring: HbRing;
  readonly seqs: readonly number[];
}

/** Every heartbeat-protocol message. */
export type HbFrame = HbBeat | HbPropose | HbAck | HbInstall | HbSubmit | HbData | HbNak;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isRing = (v: unknown): v is HbRing => typeof v === 'object' && v !== null && isInt((v as HbRing).rep) && isInt((v as HbRing).seq);
const isInts = (v: unknown): v is number[] => Array.isArray(v) && v.length <= 65_536 && v.every(isInt);

/** Checks that a decoded value is a well-formed heartbeat-protocol frame. */
export function isHbFrame(v: unknown): v is HbFrame {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Record<string, unknown>;
  switch (f.t) {
    case 'hb':
      return isInt(f.from) && (f.ring === null || isRing(f.ring)) && isInt(f.maxRingSeq) && isInt(f.highSeq) && isInt(f.aru)
        && (f.acked === undefined || isRing(f.acked));
    case 'propose':
      return isInt(f.from) && isRing(f.ring) && isInts(f.members);
    case 'ack':
      return isInt(f.from) && isRing(f.ring) && (f.oldRing === null || isRing(f.oldRing)) && isInt(f.aru)
        && (f.retired === undefined || (Array.isArray(f.retired) && f.retired.length <= 16
          && f.retired.every(r => typeof r === 'object' && r !== null && isRing(r.ring) && isInt(r.aru))));
    case 'install':
      return isInt(f.from) && isRing(f.ring) && isInts(f.members) && Array.isArray(f.cuts)
        && f.cuts.every(c => typeof c === 'object' && c !== null && isRing(c.ring) && isInt(c.seq) && isInt(c.holder));
    case 'submit':
      return isInt(f.from) && isRing(f.ring) && isInt(f.id) && typeof f.payload === 'string' && (f.to === undefined || isInt(f.to));
    case 'data':
      return isRing(f.ring) && isInt(f.seq) && isInt(f.from) && isInt(f.id) && typeof f.payload === 'string' && (f.to === undefined || isInt(f.to));
    case 'nak':
      return isInt(f.from) && isRing(f.ring) && isInts(f.seqs);
    default:
      return false;
  }
}

/** Equality of rings. */
export function sameHbRing(a: HbRing | null | undefined, b: HbRing | null | undefined): boolean {
  return !!a && !!b && a.rep === b.rep && a.seq === b.seq;
}
