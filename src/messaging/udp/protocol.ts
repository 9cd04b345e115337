/**
 * The UDP heartbeat protocol as a pure state machine:
 * `hbStep(state, event, now) -> [state, outputs]`.
 *
 * - Liveness: every member sends a heartbeat each interval; a peer not heard
 *   for `deadtimeMs` is dead — counted in our own ticks too, so a process
 *   that was not scheduled (its peers' datagrams still queued) declares no
 *   one dead when it wakes up.
 * - Membership: the lowest live id is the sequencer. When its live set differs
 *   from the installed view it proposes a view (ring {rep: itself, seq}); every
 *   proposed member acknowledges with its old ring and all-received-up-to; the
 *   sequencer installs the view with, per old ring, a cut (the best aru among
 *   survivors and who holds it). Members fetch what they miss up to the cut
 *   from the holder, deliver exactly up to the cut, then install: survivors of
 *   one view deliver the same messages before the next (virtual synchrony).
 * - A member that acknowledged a proposal delivers nothing more (and a
 *   sequencer orders nothing more) until that view or a later one installs:
 *   its ack reported what it holds, and the cut may be just that. Its
 *   heartbeats name the proposal it waits on.
 * - The sequencer proposes again when a member's heartbeats, well after an
 *   install, still show another view or another proposal (it refused the
 *   install, or installed a view of its own meanwhile): stable views merge.
 * - A flush never completes short of its cut. If the holder dies meanwhile,
 *   the sequencer proposes again without it; the new acks report what every
 *   survivor holds (members that already installed the interrupted view also
 *   report the views they retired), so the new cut is one the survivors can
 *   all reach. Members still flushing abandon the interrupted view (they never
 *   deliver it) and flush their last installed view to the new cut.
 * - Ordering: members submit messages to the sequencer, which numbers them and
 *   sends them to all; gaps are repaired with NAKs; submits are resent until
 *   the sender sees its message ordered, and resubmitted in the next view if a
 *   view change cut them off.
 * @module
 */
import type { HbAck, HbCut, HbData, HbFrame, HbInstall, HbNak, HbPropose, HbRing, HbSubmit } from './frames.js';
import { sameHbRing } from './frames.js';

/** Settings of the heartbeat protocol (ms). */
export interface HbConfig {
  me: number;
  nodes: readonly number[];
  /** Heartbeat (and protocol tick) interval. Default 100. */
  intervalMs: number;
  /** Silence after which a peer is dead. Default 1000. */
  deadtimeMs: number;
  /** A proposal not acknowledged by all within this time is made again. Default 4 intervals. */
  proposalTimeoutMs: number;
  /** A flush that has not fetched its cut from the holder within this time asks every live member too. Default deadtime. */
  flushTimeoutMs: number;
  /** Most unordered submits in flight per sender. Default 128. */
  submitWindow: number;
  /** Most messages the sequencer orders ahead of the slowest member's aru. Default 512. */
  seqWindow: number;
}

/** Builds a config with defaults. */
export function hbConfig(me: number, nodes: readonly number[], o: Partial<Omit<HbConfig, 'me' | 'nodes'>> = {}): HbConfig {
  const intervalMs = o.intervalMs ?? 100;
  const deadtimeMs = o.deadtimeMs ?? 1000;
  return {
    me,
    nodes: [...new Set([...nodes, me])].sort((a, b) => a - b),
    intervalMs,
    deadtimeMs,
    proposalTimeoutMs: o.proposalTimeoutMs ?? 4 * intervalMs,
    flushTimeoutMs: o.flushTimeoutMs ?? deadtimeMs,
    submitWindow: o.submitWindow ?? 128,
    seqWindow: o.seqWindow ?? 512,
  };
}

interface Log {
  ring: HbRing;
  members: number[];
  store: Map<number, HbData>;
  aru: number;
  delivered: number;
  highSeq: number;
}

/** One member's protocol state (updated in place by {@link hbStep}). */
export interface HbState {
  readonly cfg: HbConfig;
  started: boolean;
  lastNakAt: number;
  /** Ticks so far: silence only counts while we were running. */
  ticks: number;
  /** When (time, and our tick count) each live peer was last heard. */
  lastHeard: Map<number, { at: number; tick: number }>;
  /** Last ring each peer's heartbeat named, its aru there, and the proposal it waits on. */
  peerRing: Map<number, { ring: HbRing | null; aru: number; at: number; maxRingSeq: number; acked?: HbRing | undefined }>;
  maxRingSeq: number;
  installed: { ring: HbRing; members: number[] } | undefined;
  /** When the installed view was installed. */
  installedAt: number;
  cur: Log | undefined;
  old: Log | undefined;
  /** Logs of the views before the installed one (oldest first), kept to answer flush NAKs. */
  retired: Log[];
  flush: { ring: HbRing; members: number[]; cut: HbCut | undefined; deadline: number } | undefined;
  /** Highest proposal acknowledged (lower ones are refused). */
  acked: HbRing | undefined;
  proposal: { ring: HbRing; members: number[]; acks: Map<number, HbAck>; at: number; install?: HbInstall } | undefined;
  /** Sequencer: next sequence number and next expected submit id per sender. */
  nextSeq: number;
  expected: Map<number, number>;
  /** Sequencer: submits that arrived ahead of a lost one, per sender. */
  held: Map<number, Map<number, HbSubmit>>;
  /** Sequencer: senders of the messages ordered beyond the slowest member's aru (oldest first), and how many each has there. */
  inFlight: { seq: number; from: number }[];
  inFlightBy: Map<number, number>;
  /** Sender: messages not yet seen ordered. */
  pending: { id: number; payload: string; to?: number; sentAt: number }[];
  /** Messages broadcast before any view (or during a flush), not yet numbered. */
  unsent: { payload: string; to?: number }[];
  nextId: number;
  counters: { retransmits: number; viewsInstalled: number; deadPeers: number; delivered: number; proposals: number };
}

/** Inputs of {@link hbStep}. */
export type HbEvent =
  | { readonly type: 'start' }
  /** `heard`: peers whose frames arrived before this tick but wait to be stepped after it (they are alive). */
  | { readonly type: 'tick'; readonly heard?: readonly number[] }
  | { readonly type: 'frame'; readonly from: number; readonly frame: HbFrame }
  | { readonly type: 'broadcast'; readonly payload: string; readonly to?: number };

/** Outputs of {@link hbStep}. `to: 'all'` means every configured peer; a list, each of those peers (one frame, encoded once). */
export type HbOutput =
  | { readonly type: 'send'; readonly to: number | 'all' | readonly number[]; readonly frame: HbFrame }
  | { readonly type: 'deliver'; readonly msg: { ring: HbRing; seq: number; sender: number; payload: string; to?: number } }
  | { readonly type: 'view'; readonly ring: HbRing; readonly members: readonly number[] }
  | { readonly type: 'setTimer'; readonly name: 'tick'; readonly ms: number };

/** A fresh state; `initialRingSeq` keeps ring ids unique across restarts (e.g. the clock in ms). */
export function createHb(cfg: HbConfig, initialRingSeq = 0): HbState {
  return {
    cfg, started: false, lastNakAt: -Infinity, ticks: 0, lastHeard: new Map(), peerRing: new Map(), maxRingSeq: initialRingSeq, installed: undefined, installedAt: 0, cur: undefined,
    old: undefined, retired: [], flush: undefined, acked: undefined, proposal: undefined, nextSeq: 1, expected: new Map(), held: new Map(), inFlight: [], inFlightBy: new Map(), pending: [],
    unsent: [], nextId: 1,
    counters: { retransmits: 0, viewsInstalled: 0, deadPeers: 0, delivered: 0, proposals: 0 },
  };
}

const MAX_NAK = 256;
const NAK_SPACING_MS = 5;
const RESUBMIT_BATCH = 16;
/** Retired logs kept: a member at most a few views behind can still fetch its cut. */
const MAX_RETIRED = 4;
const asc = (a: number, b: number): number => a - b;

class Ctx {
  readonly out: HbOutput[] = [];
  readonly self: HbFrame[] = [];
  constructor(readonly s: HbState, readonly now: number) {}
  send(to: number | 'all', frame: HbFrame): void {
    if (to === this.s.cfg.me) this.self.push(frame);
    else this.out.push({ type: 'send', to, frame });
  }
  /** Sends to each listed member (ourselves included, locally). */
  sendMembers(members: readonly number[], frame: HbFrame): void {
    const peers = members.filter(m => m !== this.s.cfg.me);
    if (peers.length > 0) this.out.push({ type: 'send', to: peers, frame });
    if (peers.length < members.length) this.self.push(frame);
  }
}

/** Advances one member by one event. */
export function hbStep(s: HbState, ev: HbEvent, now: number): [HbState, HbOutput[]] {
  const c = new Ctx(s, now);
  switch (ev.type) {
    case 'start':
      if (!s.started) {
        s.started = true;
        tick(c);
      }
      break;
    case 'tick':
      if (s.started) tick(c, ev.heard ?? []);
      break;
    case 'broadcast':
      s.unsent.push(ev.to !== undefined ? { payload: ev.payload, to: ev.to } : { payload: ev.payload });
      if (s.started) submitUnsent(c);
      break;
    case 'frame':
      if (s.started && ev.from !== s.cfg.me) onFrame(c, ev.from, ev.frame);
      break;
  }
  for (let n = 0; c.self.length > 0 && n < 100_000; n++) onFrame(c, s.cfg.me, c.self.shift()!);
  return [s, c.out];
}

function live(s: HbState): number[] {
  return [s.cfg.me, ...s.lastHeard.keys()].sort(asc);
}

/**
 * Whether we acknowledged a proposal that is neither installed nor being
 * flushed: until its install (or a later one's) we deliver and order nothing,
 * since its cut may be no more than what our ack reported.
 */
function awaiting(s: HbState): boolean {
  return !!s.acked && !sameHbRing(s.acked, s.installed?.ring) && !sameHbRing(s.acked, s.flush?.ring);
}

function tick(c: Ctx, heard: readonly number[] = []): void {
  const s = c.s;
  const { cfg } = s;
  c.out.push({ type: 'setTimer', name: 'tick', ms: cfg.intervalMs });
  s.ticks++;
  for (const p of heard) if (p !== cfg.me && cfg.nodes.includes(p)) s.lastHeard.set(p, { at: c.now, tick: s.ticks });
  const waitingOn = s.acked && !sameHbRing(s.acked, s.installed?.ring) ? { acked: s.acked } : {};
  c.send('all', {
    t: 'hb', from: cfg.me, ring: s.installed?.ring ?? null, maxRingSeq: s.maxRingSeq,
    highSeq: s.cur?.highSeq ?? 0, aru: s.cur?.aru ?? 0, ...waitingOn,
  });
  // Dead after deadtime of silence spanning as many of our own ticks: when
  // this process was not scheduled, its peers' datagrams are still queued
  // and silence proves nothing (Corosync's pause detection).
  const deadTicks = Math.ceil(cfg.deadtimeMs / cfg.intervalMs);
  for (const [p, h] of s.lastHeard) {
    if (c.now - h.at >= cfg.deadtimeMs && s.ticks - h.tick >= deadTicks) {
      s.lastHeard.delete(p);
      s.counters.deadPeers++;
    }
  }
  const alive = live(s);
  if (alive[0] === cfg.me) sequencerTick(c, alive);
  else if (s.proposal) s.proposal = undefined; // someone lower is alive: it leads
  // Repair gaps in the current ring.
  const cur = s.cur;
  if (cur && !s.flush) {
    const missing = missingOf(cur, cur.highSeq);
    if (missing.length > 0 && cur.ring.rep !== cfg.me) c.send(cur.ring.rep, { t: 'nak', from: cfg.me, ring: cur.ring, seqs: missing });
  }
  // Fetch the old ring's remainder during a flush. Never complete short of
  // the cut: if the holder is gone, the sequencer proposes a new view whose
  // cut the survivors can reach, and its install replaces this flush.
  const f = s.flush;
  if (f) {
    if (f.cut && s.old && s.old.aru < f.cut.seq) {
      const missing = missingOf(s.old, f.cut.seq);
      const nak: HbNak = { t: 'nak', from: cfg.me, ring: s.old.ring, seqs: missing };
      if (c.now < f.deadline && alive.includes(f.cut.holder)) c.send(f.cut.holder, nak);
      // Slow or silent holder: anyone of the view may have what we miss.
      else for (const m of f.members) if (m !== cfg.me && alive.includes(m)) c.send(m, nak);
    } else completeFlush(c);
  }
  // Resend submits that were not ordered yet.
  // Only the oldest few matter: the sequencer takes each sender's submits in order.
  if (s.installed && !s.flush) {
    for (const p of s.pending.slice(0, RESUBMIT_BATCH)) {
      if (c.now - p.sentAt >= cfg.intervalMs) {
        p.sentAt = c.now;
        c.send(s.installed.ring.rep, submitFrame(s, p));
      }
    }
  }
  submitUnsent(c);
  drainSubmits(c);
  garbageCollect(s);
}

function missingOf(log: Log, upTo: number): number[] {
  const m: number[] = [];
  for (let k = log.aru + 1; k <= upTo && m.length < MAX_NAK; k++) if (!log.store.has(k)) m.push(k);
  return m;
}

/**
 * Whether member `m`'s heartbeat shows it, knowing of our view, in another
 * view or waiting on another proposal: it refused our install (it
 * acknowledged a later proposal meanwhile) or installed a view of its own.
 * A member still flushing towards our view names it as the proposal it
 * waits on; a heartbeat sent before it heard of our view has a lower
 * maxRingSeq. Both are merely late.
 */
function outOfStep(s: HbState, m: number, ring: HbRing): boolean {
  const pr = s.peerRing.get(m);
  if (!pr || pr.maxRingSeq < ring.seq || sameHbRing(pr.acked, ring)) return false;
  if (sameHbRing(pr.ring, ring) && pr.acked === undefined) return false;
  return pr.at - s.installedAt >= s.cfg.proposalTimeoutMs;
}

function sequencerTick(c: Ctx, alive: number[]): void {
  const s = c.s;
  const inst = s.installed;
  const settled = inst && inst.ring.rep === s.cfg.me && inst.members.join() === alive.join() && !s.flush && !awaiting(s);
  if (settled) {
    // Re-send the install to members whose heartbeats do not show the view yet.
    const p = s.proposal;
    if (p?.install && sameHbRing(p.ring, inst.ring)) {
      for (const m of inst.members) {
        const pr = s.peerRing.get(m);
        if (m !== s.cfg.me && pr && !sameHbRing(pr.ring, inst.ring) && c.now - p.at > s.cfg.intervalMs) c.send(m, p.install);
      }
    }
    // Still elsewhere long after the install: a view change brings everyone
    // into one view again (without it two stable views never merge).
    if (inst.members.some(m => m !== s.cfg.me && outOfStep(s, m, inst.ring))) propose(c, alive);
    return;
  }
  const p = s.proposal;
  if (p && !p.install && p.members.join() === alive.join() && c.now - p.at < s.cfg.proposalTimeoutMs) return;
  // Our own install is still flushing: let it finish while all its members
  // live; if one died (perhaps the holder of what we fetch) propose anew.
  if (p?.install && sameHbRing(s.flush?.ring, p.ring) && p.members.every(m => alive.includes(m))) return;
  propose(c, alive);
}

function propose(c: Ctx, members: number[]): void {
  const s = c.s;
  s.maxRingSeq = Math.max(s.maxRingSeq, s.acked?.seq ?? 0) + 1;
  const ring = { rep: s.cfg.me, seq: s.maxRingSeq };
  s.proposal = { ring, members, acks: new Map(), at: c.now };
  s.counters.proposals++;
  c.sendMembers(members, { t: 'propose', from: s.cfg.me, ring, members });
}

function onFrame(c: Ctx, from: number, f: HbFrame): void {
  const s = c.s;
  if (from !== s.cfg.me) s.lastHeard.set(from, { at: c.now, tick: s.ticks });
  switch (f.t) {
    case 'hb':
      s.maxRingSeq = Math.max(s.maxRingSeq, f.maxRingSeq);
      s.peerRing.set(f.from, { ring: f.ring, aru: f.aru, at: c.now, maxRingSeq: f.maxRingSeq, acked: f.acked });
      drainSubmits(c);
      if (s.cur && sameHbRing(f.ring, s.cur.ring) && f.from === s.cur.ring.rep) s.cur.highSeq = Math.max(s.cur.highSeq, f.highSeq);
      return;
    case 'propose': return onPropose(c, f);
    case 'ack': return onAck(c, f);
    case 'install': return onInstall(c, f);
    case 'submit': return onSubmit(c, f);
    case 'data': return onData(c, f);
    case 'nak': return onNak(c, f);
  }
}

function onPropose(c: Ctx, f: HbPropose): void {
  const s = c.s;
  s.maxRingSeq = Math.max(s.maxRingSeq, f.ring.seq);
  if (!f.members.includes(s.cfg.me)) return;
  if (s.acked && (f.ring.seq < s.acked.seq || (f.ring.seq === s.acked.seq && f.ring.rep !== s.acked.rep))) return;
  s.acked = f.ring;
  if (f.from !== s.cfg.me && s.proposal && f.from < s.cfg.me) s.proposal = undefined;
  // During a flush our old ring is the one being flushed.
  const log = s.flush ? s.old : s.cur;
  const retired = s.retired.map(r => ({ ring: r.ring, aru: r.delivered }));
  c.send(f.from, { t: 'ack', from: s.cfg.me, ring: f.ring, oldRing: log?.ring ?? null, aru: log?.aru ?? 0, ...(retired.length > 0 ? { retired } : {}) });
}

function onAck(c: Ctx, f: HbAck): void {
  const s = c.s;
  const p = s.proposal;
  if (!p || p.install || !sameHbRing(p.ring, f.ring) || !p.members.includes(f.from)) return;
  p.acks.set(f.from, f);
  if (!p.members.every(m => p.acks.has(m))) return;
  // Per old ring: the best all-received-up-to among survivors is the cut.
  // Retired views count too: whoever delivered one holds it up to its cut,
  // and a survivor still flushing that view must reach the same point.
  const cuts = new Map<string, HbCut>();
  const offer = (ring: HbRing, seq: number, holder: number): void => {
    const k = `${ring.rep}/${ring.seq}`;
    const cut = cuts.get(k);
    if (!cut || seq > cut.seq) cuts.set(k, { ring, seq, holder });
  };
  for (const a of p.acks.values()) {
    if (a.oldRing) offer(a.oldRing, a.aru, a.from);
    for (const r of a.retired ?? []) offer(r.ring, r.aru, a.from);
  }
  const install: HbInstall = { t: 'install', from: s.cfg.me, ring: p.ring, members: p.members, cuts: [...cuts.values()] };
  p.install = install;
  p.at = c.now;
  c.sendMembers(p.members, install);
}

function onInstall(c: Ctx, f: HbInstall): void {
  const s = c.s;
  if (!f.members.includes(s.cfg.me) || !sameHbRing(f.ring, s.acked)) return;
  if (sameHbRing(s.installed?.ring, f.ring) || sameHbRing(s.flush?.ring, f.ring)) return;
  // A flush still running for an earlier install could not reach its cut:
  // abandon that view (never installed, never delivered in) and flush our
  // last installed view to this install's cut, which our ack helped set.
  const prev = s.flush ? s.old : s.cur;
  const cut = prev ? f.cuts.find(k => sameHbRing(k.ring, prev.ring)) : undefined;
  s.old = prev;
  s.cur = { ring: f.ring, members: [...f.members], store: new Map(), aru: 0, delivered: 0, highSeq: 0 };
  s.flush = { ring: f.ring, members: [...f.members], cut, deadline: c.now + s.cfg.flushTimeoutMs };
  if (f.ring.rep === s.cfg.me) {
    s.nextSeq = 1;
    s.expected = new Map();
    s.held = new Map();
    s.inFlight = [];
    s.inFlightBy = new Map();
  }
  if (!cut || !s.old || s.old.aru >= cut.seq) completeFlush(c);
  else if (cut.holder !== s.cfg.me) c.send(cut.holder, { t: 'nak', from: s.cfg.me, ring: s.old.ring, seqs: missingOf(s.old, cut.seq) });
}

function deliverUpTo(c: Ctx, log: Log, upTo: number): void {
  const s = c.s;
  while (log.delivered < upTo) {
    const d = log.store.get(log.delivered + 1);
    if (!d) break;
    log.delivered = d.seq;
    if (d.from === s.cfg.me) s.pending = s.pending.filter(p => !(sameHbRing(log.ring, s.installed?.ring) && p.id === d.id));
    if (d.to === undefined || d.to === s.cfg.me) {
      s.counters.delivered++;
      c.out.push({ type: 'deliver', msg: { ring: d.ring, seq: d.seq, sender: d.from, payload: d.payload, ...(d.to !== undefined ? { to: d.to } : {}) } });
    }
  }
}

function completeFlush(c: Ctx): void {
  const s = c.s;
  const f = s.flush;
  // Acknowledged a later proposal meanwhile: its install flushes our old view instead.
  if (!f || awaiting(s)) return;
  const old = s.old;
  if (old) deliverUpTo(c, old, f.cut ? Math.min(f.cut.seq, old.aru) : old.aru);
  // Our messages the old view did not order are resubmitted in the new one, in order.
  const requeue = s.pending.map(p => (p.to !== undefined ? { payload: p.payload, to: p.to } : { payload: p.payload }));
  s.unsent = [...requeue, ...s.unsent];
  s.pending = [];
  s.nextId = 1;
  // Keep the old log: peers still flushing may ask us (the holder) for it.
  if (old) s.retired = [...s.retired.filter(r => !sameHbRing(r.ring, old.ring)), old].slice(-MAX_RETIRED);
  s.old = undefined;
  s.flush = undefined;
  s.installed = { ring: f.ring, members: f.members };
  s.installedAt = c.now;
  s.maxRingSeq = Math.max(s.maxRingSeq, f.ring.seq);
  s.counters.viewsInstalled++;
  c.out.push({ type: 'view', ring: f.ring, members: [...f.members] });
  deliverUpTo(c, s.cur!, s.cur!.aru);
  submitUnsent(c);
}

function submitFrame(s: HbState, p: { id: number; payload: string; to?: number }): HbSubmit {
  return { t: 'submit', from: s.cfg.me, ring: s.installed!.ring, id: p.id, payload: p.payload, ...(p.to !== undefined ? { to: p.to } : {}) };
}

function submitUnsent(c: Ctx): void {
  const s = c.s;
  if (!s.installed || s.flush) return;
  while (s.unsent.length > 0 && s.pending.length < s.cfg.submitWindow) {
    const u = s.unsent.shift()!;
    const p = { id: s.nextId++, payload: u.payload, sentAt: c.now, ...(u.to !== undefined ? { to: u.to } : {}) };
    s.pending.push(p);
    c.send(s.installed.ring.rep, submitFrame(s, p));
  }
}

function onSubmit(c: Ctx, f: HbSubmit): void {
  const s = c.s;
  const inst = s.installed;
  if (!inst || inst.ring.rep !== s.cfg.me || s.flush || !sameHbRing(f.ring, inst.ring) || !inst.members.includes(f.from)) return;
  const want = s.expected.get(f.from) ?? 1;
  // Already ordered, or too far ahead of a lost one: the sender resends.
  if (f.id < want || f.id - want > s.cfg.submitWindow) return;
  let held = s.held.get(f.from);
  if (!held) s.held.set(f.from, (held = new Map()));
  held.set(f.id, f);
  drainSubmits(c);
}

/**
 * Orders held submits, each sender's in id order, while the flow-control
 * window allows: the sequencer never runs more than `seqWindow` messages
 * ahead of the slowest member, so receive queues (and with them heartbeat
 * delays) stay bounded. Each member gets an equal share of the window: the
 * sequencer's own messages, ordered the moment they are broadcast, would
 * otherwise fill it before anyone else's submit arrives.
 */
function drainSubmits(c: Ctx): void {
  const s = c.s;
  const inst = s.installed;
  const cur = s.cur;
  if (!inst || !cur || inst.ring.rep !== s.cfg.me || s.flush || awaiting(s)) return;
  let minAru = cur.aru;
  for (const m of inst.members) {
    if (m === s.cfg.me) continue;
    const pr = s.peerRing.get(m);
    minAru = Math.min(minAru, pr && sameHbRing(pr.ring, inst.ring) ? pr.aru : 0);
  }
  while (s.inFlight.length > 0 && s.inFlight[0]!.seq <= minAru) {
    const { from } = s.inFlight.shift()!;
    s.inFlightBy.set(from, (s.inFlightBy.get(from) ?? 1) - 1);
  }
  const share = Math.max(1, Math.floor(s.cfg.seqWindow / inst.members.length));
  for (const [from, held] of s.held) {
    let want = s.expected.get(from) ?? 1;
    for (let next = held.get(want); next; next = held.get(want)) {
      if (s.nextSeq - 1 - minAru >= s.cfg.seqWindow || (s.inFlightBy.get(from) ?? 0) >= share) break;
      held.delete(want);
      s.inFlight.push({ seq: s.nextSeq, from });
      s.inFlightBy.set(from, (s.inFlightBy.get(from) ?? 0) + 1);
      const d: HbData = { t: 'data', ring: inst.ring, seq: s.nextSeq++, from, id: next.id, payload: next.payload, ...(next.to !== undefined ? { to: next.to } : {}) };
      c.sendMembers(inst.members, d);
      want++;
    }
    s.expected.set(from, want);
  }
}

function store(log: Log, d: HbData): void {
  if (d.seq <= log.aru || log.store.has(d.seq)) return;
  log.store.set(d.seq, d);
  if (d.seq > log.highSeq) log.highSeq = d.seq;
  while (log.store.has(log.aru + 1)) log.aru++;
}

function onData(c: Ctx, d: HbData): void {
  const s = c.s;
  if (s.cur && sameHbRing(d.ring, s.cur.ring)) {
    store(s.cur, d);
    if (!s.flush) {
      if (!awaiting(s)) deliverUpTo(c, s.cur, s.cur.aru);
      submitUnsent(c);
      // A gap: ask at once (rate-limited) rather than wait for the tick.
      if (d.seq > s.cur.aru + 1 && s.cur.ring.rep !== s.cfg.me && c.now - s.lastNakAt >= NAK_SPACING_MS) {
        s.lastNakAt = c.now;
        c.send(s.cur.ring.rep, { t: 'nak', from: s.cfg.me, ring: s.cur.ring, seqs: missingOf(s.cur, d.seq - 1) });
      }
    }
  } else if (s.old && sameHbRing(d.ring, s.old.ring)) {
    store(s.old, d);
    const f = s.flush;
    if (f?.cut && s.old.aru >= f.cut.seq) completeFlush(c);
  }
}

function onNak(c: Ctx, f: HbNak): void {
  const s = c.s;
  const log = [s.cur, s.old, ...s.retired].find(l => l && sameHbRing(f.ring, l.ring));
  if (!log) return;
  for (const k of f.seqs.slice(0, MAX_NAK)) {
    const d = log.store.get(k);
    if (d) {
      s.counters.retransmits++;
      c.send(f.from, d);
    }
  }
}

/** Drops messages every member of the view has received (from heartbeat arus). */
function garbageCollect(s: HbState): void {
  const cur = s.cur;
  if (!cur || s.flush) return;
  let stable = cur.delivered;
  for (const m of cur.members) {
    if (m === s.cfg.me) continue;
    const pr = s.peerRing.get(m);
    if (!pr || !sameHbRing(pr.ring, cur.ring)) return;
    stable = Math.min(stable, pr.aru);
  }
  for (const k of cur.store.keys()) if (k <= stable) cur.store.delete(k);
}
