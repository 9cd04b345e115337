/**
 * The state of one Totem processor, and the events and outputs of its step
 * function.
 * @module
 */
import type { TotemConfig } from './config.js';
import type { CommitFrame, ProcId, TokenFrame, TotemFrame, TotemMsg, TotemRing } from './frames.js';

/** Phases of the single-ring protocol. */
export type TotemPhase = 'idle' | 'gather' | 'commit' | 'recovery' | 'operational';

/** Timers the state machine asks its driver to run. */
export type TotemTimerName = 'token' | 'retransmit' | 'hold' | 'join' | 'consensus' | 'merge';

/** Inputs of {@link step}. */
export type TotemEvent =
  | { readonly type: 'start' }
  | { readonly type: 'frame'; readonly from: ProcId; readonly frame: TotemFrame }
  | { readonly type: 'timer'; readonly name: TotemTimerName }
  | { readonly type: 'broadcast'; readonly payload: string; readonly to?: ProcId };

/** A message handed to the application, in agreed order. */
export interface TotemDelivery {
  readonly ring: TotemRing;
  readonly seq: number;
  readonly sender: ProcId;
  readonly payload: string;
  readonly to?: ProcId;
}

/** Outputs of {@link step}: side effects for the driver to perform, in order. */
export type TotemOutput =
  | { readonly type: 'send'; readonly to: ProcId; readonly frame: TotemFrame }
  | { readonly type: 'deliver'; readonly msg: TotemDelivery }
  | { readonly type: 'view'; readonly ring: TotemRing; readonly members: readonly ProcId[] }
  | { readonly type: 'setTimer'; readonly name: TotemTimerName; readonly ms: number }
  | { readonly type: 'cancelTimer'; readonly name: TotemTimerName };

/** Counters of one processor. */
export interface TotemCounters {
  tokensReceived: number;
  tokenRetransmits: number;
  /** Messages sent again on a retransmission request. */
  retransmits: number;
  /** Old-ring messages re-sent during recovery. */
  recoveryRetransmits: number;
  viewsInstalled: number;
  delivered: number;
  /** Times the token was declared lost. */
  tokenLosses: number;
}

/** The ring being operated or recovered, with its message store. */
export interface RingLog {
  ring: TotemRing;
  members: ProcId[];
  /** Messages received and not yet garbage-collected, by sequence number. */
  store: Map<number, TotemMsg>;
  /** All-received-up-to of this processor. */
  myAru: number;
  /** Highest sequence number seen. */
  highSeq: number;
  /** Highest sequence number delivered (or consumed, for recovery carriers). */
  delivered: number;
  /** Everything ≤ gcFloor was removed from the store. */
  gcFloor: number;
}

/** Gather-phase bookkeeping. */
export interface GatherState {
  proc: ProcId[];
  fail: ProcId[];
  /** The (proc, fail) key each processor's latest join carried. */
  joins: Map<ProcId, string>;
  /** Join intervals elapsed since gather began. */
  joinRounds: number;
  /** Processors whose joins arrived during the current consensus period. */
  heard: Set<ProcId>;
  /** Processors whose joins this period listed us as failed. */
  rejectedBy: Set<ProcId>;
  /** Consensus was reached and we wait for the representative's commit token. */
  awaitingCommit: boolean;
}

/**
 * One processor's protocol state. {@link step} updates it in place (the
 * message store is too large to copy per event) and returns it.
 */
export interface TotemState {
  readonly cfg: TotemConfig;
  phase: TotemPhase;
  /** The installed ring (the last view delivered), undefined before the first. */
  installed: { ring: TotemRing; members: ProcId[] } | undefined;
  /** The ring whose token we handle: installed (operational) or forming (recovery). */
  log: RingLog | undefined;
  /** The previous ring while a new one recovers: what must be delivered before the view. */
  old: RingLog | undefined;
  /** Highest ring sequence number ever seen. */
  highRingSeq: number;
  /** Last token sequence seen in `log`'s ring (duplicates are dropped). */
  lastTokenSeq: number;
  /** aru of the token at our previous visit (for garbage collection). */
  prevTokenAru: number;
  /** The token (regular or commit) last passed on, kept for retransmission. */
  sentToken: TokenFrame | CommitFrame | undefined;
  /** The token held while idle. */
  heldToken: TokenFrame | undefined;
  /** Application messages waiting for a token visit. */
  queue: { payload: string; to?: ProcId }[];
  /** Old-ring messages to re-send during recovery. */
  recQueue: TotemMsg[];
  gather: GatherState | undefined;
  /** The last commit token we accepted. */
  commit: CommitFrame | undefined;
  /** Consecutive token visits with our aru stuck below the token's seq. */
  stuckVisits: number;
  /** Representative: consecutive rotations with nothing new (see seqnoUnchangedConst). */
  idleRotations: number;
  /** Representative: the ring's seq at its previous token visit. */
  repLastSeq: number;
  counters: TotemCounters;
}

/** A fresh processor state; send it `{ type: 'start' }` to join. */
export function initialState(cfg: TotemConfig, initialRingSeq = 0): TotemState {
  return {
    cfg,
    phase: 'idle',
    installed: undefined,
    log: undefined,
    old: undefined,
    highRingSeq: initialRingSeq,
    lastTokenSeq: -1,
    prevTokenAru: 0,
    sentToken: undefined,
    heldToken: undefined,
    queue: [],
    recQueue: [],
    gather: undefined,
    commit: undefined,
    stuckVisits: 0,
    idleRotations: 0,
    repLastSeq: -1,
    counters: { tokensReceived: 0, tokenRetransmits: 0, retransmits: 0, recoveryRetransmits: 0, viewsInstalled: 0, delivered: 0, tokenLosses: 0 },
  };
}

/** A new empty ring log. */
export function newRingLog(ring: TotemRing, members: ProcId[]): RingLog {
  return { ring, members, store: new Map(), myAru: 0, highSeq: 0, delivered: 0, gcFloor: 0 };
}

/** Collects outputs during one step; frames to ourselves are processed in the same step. */
export class StepContext {
  readonly out: TotemOutput[] = [];
  /** Frames addressed to this processor, handled after the current handler returns. */
  readonly self: TotemFrame[] = [];
  constructor(readonly s: TotemState, readonly now: number) {}

  send(to: ProcId, frame: TotemFrame): void {
    if (to === this.s.cfg.me) this.self.push(frame);
    else this.out.push({ type: 'send', to, frame });
  }
  /** Sends to every member of `members` but us. */
  sendAll(members: readonly ProcId[], frame: TotemFrame): void {
    for (const m of members) if (m !== this.s.cfg.me) this.out.push({ type: 'send', to: m, frame });
  }
  timer(name: TotemTimerName, ms: number): void {
    this.out.push({ type: 'setTimer', name, ms });
  }
  cancel(name: TotemTimerName): void {
    this.out.push({ type: 'cancelTimer', name });
  }
  deliver(msg: TotemDelivery): void {
    this.s.counters.delivered++;
    this.out.push({ type: 'deliver', msg });
  }
}

/** The member after `me` in ring order (ascending ids, wrapping). */
export function nextMember(members: readonly ProcId[], me: ProcId): ProcId {
  const i = members.indexOf(me);
  return members[(i + 1) % members.length]!;
}
