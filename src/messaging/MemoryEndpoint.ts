/**
 * One node's endpoint on the memory network. It runs a real protocol over the
 * lossy simulated wire:
 *
 * - Total order: the ring's representative is the sequencer. Members submit
 *   messages to it (retransmitting until they see them ordered); it numbers
 *   them and sends them to every member. Members deliver contiguously, NACK
 *   gaps, learn the tail from the sequencer's periodic SYNC, and report how far
 *   they delivered (ACK) so logs can be trimmed at the stable point.
 * - Virtual synchrony: when the network's membership service decides on a new
 *   ring, members freeze the old ring and send their logs to the new
 *   representative, which computes for each old ring the common prefix every
 *   survivor delivers before the view change (the contiguous union of their
 *   logs), and sends each member an INSTALL with what it is missing.
 * - Direct messages: per-sender-incarnation numbered streams with cumulative
 *   acks and retransmission; receivers deliver in order and skip numbers the
 *   sender abandoned (destination left the view).
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { Clock, TimerHandle } from '../util/clock.js';
import { Ok, Err, type Result } from '../util/result.js';
import { logger } from '../util/log.js';
import {
  encodePayload,
  transportError,
  ringIdString,
  type JsonValue,
  type MembershipView,
  type RingId,
  type Transport,
  type TransportError,
  type TransportEvents,
} from './transport.js';
import { sameRing, type InstallFrame, type LogEntry, type MemoryFrame, type StateFrame, type SubmitFrame } from './memoryFrames.js';

const log = logger('messaging:memory');

/** Frames retransmitted per peer per tick at most, so a long gap cannot flood. */
const MAX_BATCH = 64;

/** What an endpoint needs from its network. */
export interface EndpointHost {
  readonly clock: Clock;
  /** Period of the protocol's heartbeat/retransmission tick. */
  readonly tickMs: number;
  /** Largest payload accepted, in JSON characters. */
  readonly maxPayloadChars: number;
  transmit(from: string, to: string, frame: MemoryFrame, retransmit?: boolean): void;
  /** The endpoint began running (start or restart). */
  endpointStarted(node: string): void;
  /** The endpoint stopped gracefully. */
  endpointStopped(node: string): void;
  /** A number no earlier run of any endpoint used. */
  nextIncarnation(): number;
  /** Counts one application delivery. */
  countDelivery(): void;
  /** True while the node is crashed: it cannot start until restarted. */
  isCrashed(node: string): boolean;
}

interface Pending { msgId: number; uid: number; data: string }

interface Recovery {
  ring: RingId;
  members: readonly string[];
  /** Representative only: states received. */
  states: Map<string, StateFrame>;
}

interface OutStream { next: number; unacked: Map<number, string> }
interface InStream { inc: number; next: number; buf: Map<number, string> }

/** Per-run state; discarded entirely on crash or stop. */
interface Run {
  inc: number;
  tick: TimerHandle;
  view?: MembershipView;
  recovery?: Recovery;
  // Ordering state of the installed ring.
  log: Map<number, LogEntry>;
  delivered: number;
  high: number;
  stable: number;
  // Sequencer state (when this node is the ring's representative).
  seqNext: number;
  originNext: Map<string, number>;
  originBuf: Map<string, Map<number, { inc: number; uid: number; data: string }>>;
  acks: Map<string, number>;
  // Outgoing broadcasts not yet delivered back to us.
  pending: Pending[];
  nextMsgId: number;
  nextUid: number;
  /** Highest message number delivered per origin (and its incarnation): drops re-sent duplicates. */
  seenUid: Map<string, { inc: number; uid: number }>;
  // Direct streams.
  out: Map<string, OutStream>;
  in: Map<string, InStream>;
  /** Representative only: installs sent for the current ring and not yet acked. */
  repInstalls: Map<string, InstallFrame>;
}

/** A node's endpoint on a {@link MemoryNetwork}. Create through the network. */
export class MemoryEndpoint extends EventEmitter<TransportEvents> implements Transport {
  private run: Run | undefined;

  /** @internal */
  constructor(readonly node: string, private readonly host: EndpointHost) {
    super();
  }

  /** @internal The current run's incarnation number (0 when not running). */
  get incarnation(): number {
    return this.run?.inc ?? 0;
  }

  /** True while the endpoint runs (started, not stopped or crashed). */
  get running(): boolean {
    return this.run !== undefined;
  }

  async start(): Promise<void> {
    if (this.run || this.host.isCrashed(this.node)) return;
    this.boot();
    this.host.endpointStarted(this.node);
  }

  async stop(): Promise<void> {
    if (!this.run) return;
    this.halt();
    this.host.endpointStopped(this.node);
  }

  view(): MembershipView | undefined {
    return this.run?.view;
  }

  broadcast(payload: JsonValue): Result<void, TransportError> {
    const r = this.run;
    if (!r) return Err(transportError('QUORATE_ERR_NOT_STARTED', `endpoint ${this.node} is not running`));
    const text = encodePayload(payload, this.host.maxPayloadChars);
    if (text.err) return text;
    const p: Pending = { msgId: r.nextMsgId++, uid: r.nextUid++, data: text.val };
    r.pending.push(p);
    if (r.view && !r.recovery) this.submit(r, p, false);
    return Ok(undefined);
  }

  send(to: string, payload: JsonValue): Result<void, TransportError> {
    const r = this.run;
    if (!r) return Err(transportError('QUORATE_ERR_NOT_STARTED', `endpoint ${this.node} is not running`));
    if (!r.view || !r.view.members.includes(to)) {
      return Err(transportError('QUORATE_ERR_NOT_MEMBER', `${to} is not a member of ${this.node}'s current view`));
    }
    const text = encodePayload(payload, this.host.maxPayloadChars);
    if (text.err) return text;
    let s = r.out.get(to);
    if (!s) r.out.set(to, (s = { next: 1, unacked: new Map() }));
    const n = s.next++;
    s.unacked.set(n, text.val);
    this.sendDirect(r, to, s, n, false);
    return Ok(undefined);
  }

  // ---- lifecycle, driven by the network ----

  /** @internal The ring this node is in or forming, for the membership service. */
  membershipTarget(): MembershipView | undefined {
    const r = this.run;
    if (!r) return undefined;
    if (r.recovery) return { ringId: r.recovery.ring, members: r.recovery.members };
    return r.view;
  }

  /** @internal Starts a fresh run (start or restart after a crash). */
  boot(): void {
    const inc = this.host.nextIncarnation();
    const tick = this.host.clock.setTimeout(() => this.onTick(inc), this.host.tickMs);
    this.run = {
      inc, tick, log: new Map(), delivered: 0, high: 0, stable: 0,
      seqNext: 1, originNext: new Map(), originBuf: new Map(), acks: new Map(),
      pending: [], nextMsgId: 1, nextUid: 1, seenUid: new Map(), out: new Map(), in: new Map(), repInstalls: new Map(),
    };
  }

  /** @internal Ends the run silently: crash (state lost) or stop. */
  halt(): void {
    this.run?.tick.cancel();
    this.run = undefined;
  }

  /** @internal The membership service decided `members` form `ring`. */
  reconfigure(ring: RingId, members: readonly string[]): void {
    const r = this.run;
    if (!r) return;
    log('%s: recovery into %s %o', this.node, ringIdString(ring), members);
    r.recovery = { ring, members, states: new Map() };
    r.repInstalls = new Map();
    const state = this.stateFrame(r, ring);
    if (ring.rep === this.node) this.onState(r, state);
    else this.host.transmit(this.node, ring.rep, state);
  }

  /** @internal A frame arrived from the wire. */
  receive(from: string, frame: MemoryFrame): void {
    const r = this.run;
    if (!r) return;
    switch (frame.t) {
      case 'submit': return this.onSubmit(r, frame);
      case 'ordered': return this.onOrdered(r, frame.ring, frame.entry);
      case 'nack': {
        if (!this.isSequencerOf(r, frame.ring)) return;
        for (const seq of frame.seqs.slice(0, MAX_BATCH)) {
          const e = r.log.get(seq);
          if (e) this.host.transmit(this.node, frame.from, { t: 'ordered', ring: frame.ring, entry: e }, true);
        }
        return;
      }
      case 'sync': {
        if (!this.inRing(r, frame.ring)) return;
        r.high = Math.max(r.high, frame.high);
        this.trim(r, Math.min(frame.stable, r.delivered));
        return;
      }
      case 'ack': {
        if (!this.isSequencerOf(r, frame.ring)) return;
        r.acks.set(frame.from, Math.max(r.acks.get(frame.from) ?? 0, frame.delivered));
        return;
      }
      case 'state': return this.onState(r, frame);
      case 'install': return this.onInstall(r, frame);
      case 'installAck': {
        if (this.inRing(r, frame.ring)) r.repInstalls.delete(frame.from);
        return;
      }
      case 'direct': return this.onDirect(r, frame.from, frame.inc, frame.n, frame.floor, frame.data, frame.ring);
      case 'directAck': {
        const s = r.out.get(frame.from);
        if (!s || frame.inc !== r.inc) return;
        for (const n of [...s.unacked.keys()]) if (n <= frame.n) s.unacked.delete(n);
        return;
      }
    }
  }

  // ---- total order within a ring ----

  private inRing(r: Run, ring: RingId): boolean {
    return !r.recovery && !!r.view && sameRing(r.view.ringId, ring);
  }

  private isSequencerOf(r: Run, ring: RingId): boolean {
    return this.inRing(r, ring) && ring.rep === this.node;
  }

  private submit(r: Run, p: Pending, retransmit: boolean): void {
    const ring = r.view!.ringId;
    const f: SubmitFrame = { t: 'submit', ring, origin: this.node, msgId: p.msgId, inc: r.inc, uid: p.uid, data: p.data };
    this.host.transmit(this.node, ring.rep, f, retransmit);
  }

  private onSubmit(r: Run, f: SubmitFrame): void {
    const { ring, origin } = f;
    if (!this.isSequencerOf(r, ring) || !r.view!.members.includes(origin)) return;
    let next = r.originNext.get(origin) ?? 1;
    if (f.msgId < next) return; // already ordered: a duplicate or a retransmission
    let buf = r.originBuf.get(origin);
    if (!buf) r.originBuf.set(origin, (buf = new Map()));
    buf.set(f.msgId, { inc: f.inc, uid: f.uid, data: f.data });
    // Order each origin's messages in its sending order.
    while (buf.has(next)) {
      const m = buf.get(next)!;
      const entry: LogEntry = { seq: r.seqNext++, origin, msgId: next, inc: m.inc, uid: m.uid, data: m.data };
      buf.delete(next);
      next++;
      for (const m of r.view!.members) {
        if (m !== this.node) this.host.transmit(this.node, m, { t: 'ordered', ring, entry });
      }
      this.accept(r, entry);
    }
    r.originNext.set(origin, next);
  }

  private onOrdered(r: Run, ring: RingId, entry: LogEntry): void {
    if (!this.inRing(r, ring)) return;
    this.accept(r, entry);
  }

  private accept(r: Run, entry: LogEntry): void {
    if (entry.seq <= r.delivered || r.log.has(entry.seq)) return;
    r.log.set(entry.seq, entry);
    r.high = Math.max(r.high, entry.seq);
    const ringId = r.view!.ringId;
    while (this.run === r && r.log.has(r.delivered + 1)) {
      this.deliver(r, r.log.get(r.delivered + 1)!, ringId);
    }
  }

  private deliver(r: Run, e: LogEntry, ringId: RingId): void {
    r.delivered = e.seq;
    if (e.origin === this.node && e.inc === r.inc) {
      const i = r.pending.findIndex(p => p.uid === e.uid);
      if (i >= 0) r.pending.splice(i, 1);
    }
    // A sender whose old sequencer was cut off cannot know whether its message
    // was ordered there, so it sends it again in the next ring; whoever already
    // delivered it (in an earlier view) skips the copy.
    const seen = r.seenUid.get(e.origin);
    if (seen && seen.inc === e.inc && e.uid <= seen.uid) return;
    if (!seen || e.inc >= seen.inc) r.seenUid.set(e.origin, { inc: e.inc, uid: e.uid });
    this.host.countDelivery();
    this.emit('message', { from: e.origin, payload: JSON.parse(e.data) as JsonValue, seq: e.seq, kind: 'broadcast', ringId });
  }

  private trim(r: Run, upTo: number): void {
    if (upTo <= r.stable) return;
    for (let s = r.stable + 1; s <= upTo; s++) r.log.delete(s);
    r.stable = upTo;
  }

  // ---- view change (flush) ----

  private stateFrame(r: Run, ring: RingId): StateFrame {
    return {
      t: 'state', ring, from: this.node, old: r.view?.ringId ?? null, delivered: r.delivered,
      entries: [...r.log.values()].sort((a, b) => a.seq - b.seq),
    };
  }

  private onState(r: Run, f: StateFrame): void {
    const rec = r.recovery;
    if (!rec || !sameRing(rec.ring, f.ring) || rec.ring.rep !== this.node) return;
    if (!rec.members.includes(f.from)) return;
    rec.states.set(f.from, f);
    if (rec.states.size < rec.members.length) return;
    // Every member reported: per old ring, survivors deliver the contiguous union of their logs.
    const installs = new Map<string, InstallFrame>();
    const groups = new Map<string, StateFrame[]>();
    for (const s of rec.states.values()) {
      const key = s.old ? ringIdString(s.old) : '';
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    for (const states of groups.values()) {
      const union = new Map<number, LogEntry>();
      for (const s of states) for (const e of s.entries) union.set(e.seq, e);
      let target = Math.min(...states.map(s => s.delivered));
      while (union.has(target + 1)) target++;
      for (const s of states) {
        const entries: LogEntry[] = [];
        for (let q = s.delivered + 1; q <= target; q++) entries.push(union.get(q)!);
        installs.set(s.from, { t: 'install', ring: rec.ring, members: rec.members, old: s.old, entries });
      }
    }
    const own = installs.get(this.node)!;
    installs.delete(this.node);
    for (const [m, inst] of installs) this.host.transmit(this.node, m, inst);
    this.onInstall(r, own);
    // Installed: keep retransmitting to members that have not acked (see onTick).
    if (this.run === r && sameRing(r.view?.ringId, rec.ring)) r.repInstalls = installs;
  }

  private onInstall(r: Run, f: InstallFrame): void {
    if (r.view && sameRing(r.view.ringId, f.ring)) {
      // Already installed: the ack was lost.
      this.host.transmit(this.node, f.ring.rep, { t: 'installAck', ring: f.ring, from: this.node });
      return;
    }
    if (!r.recovery || !sameRing(r.recovery.ring, f.ring)) return;
    // Deliver the agreed rest of the old ring, then the view.
    const oldRing = r.view?.ringId;
    if (oldRing && sameRing(oldRing, f.old)) {
      for (const e of f.entries) {
        if (e.seq !== r.delivered + 1) continue;
        this.deliver(r, e, oldRing);
        if (this.run !== r) return;
      }
    }
    const view: MembershipView = { ringId: f.ring, members: [...f.members] };
    r.view = view;
    r.recovery = undefined;
    r.log = new Map();
    r.delivered = 0;
    r.high = 0;
    r.stable = 0;
    r.seqNext = 1;
    r.originNext = new Map();
    r.originBuf = new Map();
    r.acks = new Map();
    r.repInstalls = new Map();
    // Messages not ordered in the old ring are ordered in this one, in sending order.
    r.nextMsgId = 1;
    for (const p of r.pending) p.msgId = r.nextMsgId++;
    for (const [to, s] of r.out) {
      if (!f.members.includes(to)) this.abandon(r, to, s);
    }
    if (f.ring.rep !== this.node) this.host.transmit(this.node, f.ring.rep, { t: 'installAck', ring: f.ring, from: this.node });
    log('%s: installed %s %o', this.node, ringIdString(f.ring), f.members);
    this.emit('view', view);
    if (this.run !== r || !sameRing(r.view?.ringId, f.ring)) return;
    for (const p of [...r.pending]) this.submit(r, p, false);
  }

  // ---- direct messages ----

  private sendDirect(r: Run, to: string, s: OutStream, n: number, retransmit: boolean): void {
    const floor = Math.min(...s.unacked.keys());
    this.host.transmit(this.node, to, {
      t: 'direct', ring: r.view!.ringId, from: this.node, inc: r.inc, n, floor, data: s.unacked.get(n)!,
    }, retransmit);
  }

  private abandon(_r: Run, to: string, s: OutStream): void {
    if (s.unacked.size > 0) log('%s: dropping %d direct messages to %s (left the view)', this.node, s.unacked.size, to);
    s.unacked.clear();
  }

  private onDirect(r: Run, from: string, inc: number, n: number, floor: number, data: string, ring: RingId): void {
    let s = r.in.get(from);
    if (s && inc < s.inc) return; // an earlier incarnation of the sender
    if (!s || inc > s.inc) r.in.set(from, (s = { inc, next: 1, buf: new Map() }));
    if (floor > s.next) s.next = floor;
    if (n >= s.next) s.buf.set(n, data);
    while (this.run === r && s.buf.has(s.next)) {
      const text = s.buf.get(s.next)!;
      s.buf.delete(s.next);
      const seq = s.next++;
      this.host.countDelivery();
      this.emit('message', { from, payload: JSON.parse(text) as JsonValue, seq, kind: 'direct', ringId: ring });
    }
    if (this.run === r) this.host.transmit(this.node, from, { t: 'directAck', from: this.node, inc, n: s.next - 1 });
  }

  // ---- periodic work: heartbeats and retransmissions ----

  private onTick(inc: number): void {
    const r = this.run;
    if (!r || r.inc !== inc) return;
    r.tick = this.host.clock.setTimeout(() => this.onTick(inc), this.host.tickMs);
    const rec = r.recovery;
    if (rec) {
      if (rec.ring.rep !== this.node) this.host.transmit(this.node, rec.ring.rep, this.stateFrame(r, rec.ring), true);
    } else if (r.view) {
      const ring = r.view.ringId;
      for (const [m, inst] of r.repInstalls) this.host.transmit(this.node, m, inst, true);
      if (ring.rep === this.node) {
        let stable = r.delivered;
        for (const m of r.view.members) if (m !== this.node) stable = Math.min(stable, r.acks.get(m) ?? 0);
        this.trim(r, stable);
        for (const m of r.view.members) {
          if (m !== this.node) this.host.transmit(this.node, m, { t: 'sync', ring, high: r.seqNext - 1, stable });
        }
      } else {
        this.host.transmit(this.node, ring.rep, { t: 'ack', ring, from: this.node, delivered: r.delivered });
        const missing: number[] = [];
        for (let q = r.delivered + 1; q <= r.high && missing.length < MAX_BATCH; q++) if (!r.log.has(q)) missing.push(q);
        if (missing.length > 0) this.host.transmit(this.node, ring.rep, { t: 'nack', ring, from: this.node, seqs: missing });
        for (const p of r.pending.slice(0, MAX_BATCH)) this.submit(r, p, true);
      }
    }
    for (const [to, s] of r.out) {
      if (s.unacked.size === 0) continue;
      if (!r.view || (!rec && !r.view.members.includes(to))) {
        this.abandon(r, to, s);
        continue;
      }
      let k = 0;
      for (const n of s.unacked.keys()) {
        if (k++ >= MAX_BATCH) break;
        this.sendDirect(r, to, s, n, true);
      }
    }
  }
}
