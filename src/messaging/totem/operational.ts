/**
 * The operational half of Totem SRP: token handling, ordered broadcast,
 * retransmission, agreed delivery, garbage collection, and the recovery ring
 * that re-sends old-ring messages before a new view is installed.
 * @module
 */
import type { McastFrame, ProcId, TokenFrame, TotemMsg } from './frames.js';
import { sameRing } from './frames.js';
import { enterGather } from './membership.js';
import { nextMember, type RingLog, type StepContext } from './state.js';

/** Most retransmission requests a token carries. */
const MAX_RTR = 256;
/** Payload characters packed into one mcast frame at most (frames stay well under 1 MiB). */
const BATCH_CHARS = 256 * 1024;

/** Packs the messages of one token visit into as few mcast frames as fit. */
class McastBatcher {
  private ms: TotemMsg[] = [];
  private chars = 0;
  constructor(private readonly c: StepContext, private readonly members: readonly ProcId[]) {}
  add(m: TotemMsg): void {
    const size = (m.payload?.length ?? 0) + (m.rec?.payload?.length ?? 0) + 100;
    if (this.ms.length > 0 && this.chars + size > BATCH_CHARS) this.flush();
    this.ms.push(m);
    this.chars += size;
  }
  flush(): void {
    if (this.ms.length === 0) return;
    this.c.sendAll(this.members, { t: 'mcast', ms: this.ms });
    this.ms = [];
    this.chars = 0;
  }
}

/** Stores a message in a ring log and advances the log's aru. */
function store(log: RingLog, m: TotemMsg): boolean {
  if (m.seq <= log.gcFloor || log.store.has(m.seq)) return false;
  log.store.set(m.seq, m);
  if (m.seq > log.highSeq) log.highSeq = m.seq;
  while (log.store.has(log.myAru + 1)) log.myAru++;
  return true;
}

/** Delivers contiguous messages of an operational ring. */
function deliverContiguous(c: StepContext, log: RingLog): void {
  for (;;) {
    const m = log.store.get(log.delivered + 1);
    if (!m) return;
    log.delivered = m.seq;
    if (m.payload !== undefined && (m.to === undefined || m.to === c.s.cfg.me)) {
      c.deliver({ ring: m.ring, seq: m.seq, sender: m.sender, payload: m.payload, ...(m.to !== undefined ? { to: m.to } : {}) });
    }
  }
}

/** Regular messages arrived. */
export function onMcast(c: StepContext, from: ProcId, f: McastFrame): void {
  for (const m of f.ms) onMsg(c, from, m);
}

function onMsg(c: StepContext, from: ProcId, m: TotemMsg): void {
  const s = c.s;
  const log = s.log;
  if (!log || !sameRing(m.ring, log.ring) || (s.phase !== 'operational' && s.phase !== 'recovery')) return;
  // Evidence that the token moved on: the next member originates new messages.
  const sent = s.sentToken;
  if (sent && sent.t === 'token' && from === nextMember(log.members, s.cfg.me) && m.sender === from && m.seq > sent.seq) {
    c.cancel('retransmit');
    s.sentToken = undefined;
  }
  if (!store(log, m)) return;
  if (s.phase === 'recovery') {
    if (m.rec && s.old && sameRing(m.rec.ring, s.old.ring)) store(s.old, m.rec);
    return;
  }
  deliverContiguous(c, log);
}

/** Installs the recovered ring: deliver the old ring's remainder, then the view. */
function install(c: StepContext, recoveryEnd: number): void {
  const s = c.s;
  const log = s.log!;
  const old = s.old;
  if (old) {
    // Survivors hold the union of what any of them received; they deliver it in
    // order, skipping holes only the departed could fill, so all agree.
    const rest = [...old.store.keys()].filter(k => k > old.delivered).sort((a, b) => a - b);
    for (const k of rest) {
      const m = old.store.get(k)!;
      old.delivered = k;
      if (m.payload !== undefined && (m.to === undefined || m.to === s.cfg.me)) {
        c.deliver({ ring: m.ring, seq: m.seq, sender: m.sender, payload: m.payload, ...(m.to !== undefined ? { to: m.to } : {}) });
      }
    }
  }
  s.old = undefined;
  s.recQueue = [];
  // Every sequence number so far carried recovery traffic: consume it.
  for (let k = log.gcFloor + 1; k <= recoveryEnd; k++) log.store.delete(k);
  log.delivered = Math.max(log.delivered, recoveryEnd);
  log.gcFloor = Math.max(log.gcFloor, recoveryEnd);
  s.phase = 'operational';
  s.installed = { ring: log.ring, members: [...log.members] };
  s.counters.viewsInstalled++;
  c.out.push({ type: 'view', ring: log.ring, members: [...log.members] });
  if (log.ring.rep === s.cfg.me) c.timer('merge', s.cfg.mergeMs);
  deliverContiguous(c, log);
}

/** The token arrived (or was released from hold). */
export function onToken(c: StepContext, t: TokenFrame, released = false): void {
  const s = c.s;
  const log = s.log;
  if (!log || !sameRing(t.ring, log.ring) || (s.phase !== 'operational' && s.phase !== 'recovery')) return;
  if (!released) {
    if (t.tokenSeq <= s.lastTokenSeq) return; // duplicate or retransmitted copy
    s.lastTokenSeq = t.tokenSeq;
    s.counters.tokensReceived++;
  }
  const cfg = s.cfg;
  const me = cfg.me;
  c.cancel('token');
  if (s.sentToken) {
    c.cancel('retransmit');
    s.sentToken = undefined;
  }
  s.heldToken = undefined;

  let recovery = t.recovery;
  let pending = t.pending;
  let rotSeq = t.rotSeq;
  const isRep = log.ring.rep === me;
  if (recovery && isRep && !released) {
    // A full rotation added nothing and nobody lacks anything: all have all.
    if (!pending && t.seq === rotSeq && t.aru === t.seq) recovery = false;
    pending = false;
  }
  // rotSeq froze when the representative ended recovery: sequence numbers up
  // to it carried recovery traffic, later ones are the new view's messages.
  if (!recovery && s.phase === 'recovery') install(c, t.rotSeq);

  let seq = t.seq;
  const rtr: number[] = [];
  const batch = new McastBatcher(c, log.members);
  // Answer retransmission requests we can.
  for (const k of t.rtr) {
    const m = log.store.get(k);
    if (m) {
      batch.add(m);
      s.counters.retransmits++;
    } else rtr.push(k);
  }
  // Broadcast new messages, bounded per visit and by the flow-control window.
  const room = Math.min(cfg.maxMessages, Math.max(0, cfg.windowSize - (seq - t.aru)));
  let sent = 0;
  const source = s.phase === 'recovery' ? 'rec' : 'app';
  while (sent < room) {
    let m: TotemMsg;
    if (source === 'rec') {
      const r = s.recQueue.shift();
      if (!r) break;
      m = { ring: log.ring, seq: ++seq, sender: me, rec: r };
      s.counters.recoveryRetransmits++;
    } else {
      const q = s.queue.shift();
      if (!q) break;
      m = { ring: log.ring, seq: ++seq, sender: me, payload: q.payload, ...(q.to !== undefined ? { to: q.to } : {}) };
    }
    store(log, m);
    batch.add(m);
    sent++;
  }
  batch.flush();
  if (s.phase === 'operational') deliverContiguous(c, log);
  // Ask for what we miss.
  for (let k = log.myAru + 1; k <= seq && rtr.length < MAX_RTR; k++) {
    if (!log.store.has(k) && !rtr.includes(k)) rtr.push(k);
  }
  // The aru rule of Totem SRP.
  let aru = t.aru;
  let aruId = t.aruId;
  if (log.myAru < aru || aruId === me || aruId === null) {
    aru = log.myAru;
    aruId = aru >= seq ? null : me;
  }
  // Garbage-collect what every member had at both of our last two visits.
  // (A released hold is not a new visit: skip, or one visit would count twice.)
  if (!released) {
    const safe = Math.min(aru, s.prevTokenAru, log.delivered);
    for (let k = log.gcFloor + 1; k <= safe; k++) log.store.delete(k);
    if (safe > log.gcFloor) log.gcFloor = safe;
    s.prevTokenAru = aru;
  }
  // A member that never catches up would stall the ring forever (fail_recv_const).
  if (log.myAru < seq) {
    if (++s.stuckVisits > cfg.failRecvConst) {
      s.stuckVisits = 0;
      enterGather(c, []);
      return;
    }
  } else s.stuckVisits = 0;
  if (recovery && (s.recQueue.length > 0 || log.myAru < seq)) pending = true;
  if (recovery && isRep) rotSeq = seq;

  const next: TokenFrame = { t: 'token', ring: log.ring, tokenSeq: t.tokenSeq + 1, seq, aru, aruId, rtr, recovery, pending, rotSeq };
  // Only the representative holds an idle token: one hold per rotation keeps
  // an idle ring cheap without stretching a rotation towards the token timeout.
  // Like corosync, only after seqnoUnchangedConst idle rotations (a rotation
  // is idle when the ring's seq did not move): a ring that just carried
  // traffic keeps the token moving, so the next message waits for no hold.
  const idle = isRep && !recovery && sent === 0 && rtr.length === 0 && aru === seq && s.queue.length === 0;
  if (isRep && !released) s.idleRotations = idle && seq === s.repLastSeq ? s.idleRotations + 1 : 0;
  if (isRep) s.repLastSeq = seq;
  if (idle && cfg.holdMs > 0 && s.idleRotations >= cfg.seqnoUnchangedConst) {
    s.heldToken = next;
    c.timer('hold', cfg.holdMs);
    c.timer('token', cfg.tokenTimeoutMs);
    return;
  }
  passToken(c, next);
}

/** Sends the token to the next member and arms loss and retransmission timers. */
export function passToken(c: StepContext, t: TokenFrame): void {
  const s = c.s;
  const log = s.log!;
  const to = nextMember(log.members, s.cfg.me);
  c.timer('token', s.cfg.tokenTimeoutMs);
  if (to === s.cfg.me) {
    // A ring of one: pass to ourselves without the network; hold if idle to
    // avoid spinning.
    if (t.recovery || s.queue.length > 0) c.send(to, t);
    else {
      s.heldToken = t;
      c.timer('hold', Math.max(1, s.cfg.holdMs));
    }
    return;
  }
  s.sentToken = t;
  c.send(to, t);
  c.timer('retransmit', s.cfg.tokenRetransmitMs);
}

/** Timer: the held token is passed on. */
export function onHold(c: StepContext): void {
  const t = c.s.heldToken;
  if (!t) return;
  c.s.heldToken = undefined;
  if (c.s.queue.length > 0) onToken(c, t, true);
  else passToken(c, t);
}

/** Timer: nobody acknowledged our token (regular or commit) by sending; send it again. */
export function onRetransmit(c: StepContext): void {
  const s = c.s;
  const t = s.sentToken;
  if (!t) return;
  const members = t.t === 'commit' ? t.members : s.log?.members;
  if (!members) return;
  s.counters.tokenRetransmits++;
  c.send(nextMember(members, s.cfg.me), t);
  c.timer('retransmit', s.cfg.tokenRetransmitMs);
}

/** Application broadcast request. */
export function onBroadcast(c: StepContext, payload: string, to?: ProcId): void {
  const s = c.s;
  s.queue.push(to !== undefined ? { payload, to } : { payload });
  // Release a held token at once so latency is not bounded below by the hold.
  if (s.heldToken && s.phase === 'operational') {
    const t = s.heldToken;
    c.cancel('hold');
    onToken(c, t, true);
  }
}
