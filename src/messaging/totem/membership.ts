/**
 * The membership half of Totem SRP: gather (join messages with proc and fail
 * sets until consensus), commit (a commit token around the new ring, two
 * rotations), and the entry into recovery.
 * @module
 */
import type { CommitEntry, CommitFrame, JoinFrame, MergeFrame, ProcId, TokenFrame } from './frames.js';
import { sameRing } from './frames.js';
import { onToken } from './operational.js';
import { newRingLog, nextMember, type StepContext } from './state.js';

const keyOf = (proc: readonly ProcId[], fail: readonly ProcId[]): string => `${proc.join(',')}|${fail.join(',')}`;
const asc = (a: number, b: number): number => a - b;
const uniqSorted = (xs: Iterable<ProcId>): ProcId[] => [...new Set(xs)].sort(asc);
const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The members the gather state proposes: proc minus fail. */
function proposed(g: { proc: ProcId[]; fail: ProcId[] }): ProcId[] {
  return g.proc.filter(p => !g.fail.includes(p));
}

function sendJoin(c: StepContext): void {
  const s = c.s;
  const g = s.gather!;
  const frame: JoinFrame = {
    t: 'join', sender: s.cfg.me, proc: g.proc, fail: g.fail, ringSeq: s.highRingSeq,
    lastRingSeq: s.installed?.ring.seq ?? 0,
  };
  c.sendAll(uniqSorted([...s.cfg.nodes, ...g.proc]), frame);
}

/**
 * Enters (or widens) the gather phase. Leaving operational keeps the ring's
 * messages as the old ring, to be recovered before the next view.
 */
export function enterGather(c: StepContext, extra: readonly ProcId[]): void {
  const s = c.s;
  const me = s.cfg.me;
  if (s.phase === 'gather' && s.gather) {
    const g = s.gather;
    const add = extra.filter(p => !g.proc.includes(p) && !g.fail.includes(p));
    if (add.length === 0) return;
    g.proc = uniqSorted([...g.proc, ...add]);
    g.joins = new Map([[me, keyOf(g.proc, g.fail)]]);
    g.awaitingCommit = false;
    sendJoin(c);
    return;
  }
  const current = s.phase === 'operational' ? s.installed?.members ?? [] : s.log?.members ?? s.commit?.members ?? [];
  if (s.phase === 'operational') s.old = s.log;
  s.log = undefined;
  s.sentToken = undefined;
  s.heldToken = undefined;
  s.recQueue = [];
  s.commit = undefined;
  s.stuckVisits = 0;
  for (const t of ['token', 'retransmit', 'hold', 'merge'] as const) c.cancel(t);
  const proc = uniqSorted([me, ...current, ...extra]);
  s.phase = 'gather';
  s.gather = { proc, fail: [], joins: new Map([[me, keyOf(proc, [])]]), joinRounds: 0, awaitingCommit: false, heard: new Set(), rejectedBy: new Set() };
  sendJoin(c);
  c.timer('join', s.cfg.joinMs);
  c.timer('consensus', s.cfg.consensusMs);
}

/** A join message arrived. */
export function onJoin(c: StepContext, j: JoinFrame): void {
  const s = c.s;
  const me = s.cfg.me;
  if (j.sender === me || s.phase === 'idle') return;
  // A sender that has not seen the newest ring formation may carry a stale
  // fail set from an older round: take its proc set, not its verdicts.
  const stale = j.ringSeq < s.highRingSeq;
  s.highRingSeq = Math.max(s.highRingSeq, j.ringSeq);
  if (s.phase !== 'gather') {
    const ring = s.phase === 'operational' ? s.installed : s.commit;
    const members = ring?.members ?? [];
    // A join a member sent before it learnt of this ring (its ring seq is
    // older) is a late copy from the gather that formed the ring: ignore it.
    if (members.includes(j.sender) && (j.ringSeq < (ring?.ring.seq ?? 0) || sameList(proposed({ proc: [...j.proc], fail: [...j.fail] }), members))) return;
    enterGather(c, [j.sender]);
  }
  const g = s.gather!;
  if (g.fail.includes(j.sender)) return;
  g.heard.add(j.sender);
  let changed = false;
  if (j.fail.includes(me)) {
    // It considers us failed. Failing it back at once makes whole groups fail
    // each other; part ways only if it still disagrees at the consensus timeout.
    if (!stale) g.rejectedBy.add(j.sender);
  } else {
    for (const p of [j.sender, ...j.proc]) if (!g.proc.includes(p)) { g.proc.push(p); changed = true; }
    if (!stale) for (const p of j.fail) if (p !== me && !g.fail.includes(p)) { g.fail.push(p); changed = true; }
    g.proc.sort(asc);
    g.fail.sort(asc);
  }
  if (changed) {
    g.joins = new Map([[me, keyOf(g.proc, g.fail)]]);
    g.awaitingCommit = false;
    sendJoin(c);
  }
  g.joins.set(j.sender, keyOf(j.proc, j.fail));
  checkConsensus(c);
}

/** When every proposed member sent our exact sets, the lowest id forms the ring. */
function checkConsensus(c: StepContext): void {
  const s = c.s;
  const g = s.gather;
  const me = s.cfg.me;
  if (!g || s.phase !== 'gather' || g.joinRounds < 1 || g.awaitingCommit) return;
  const mine = keyOf(g.proc, g.fail);
  const members = proposed(g);
  if (!members.every(p => g.joins.get(p) === mine)) return;
  g.awaitingCommit = true;
  if (members[0] !== me) {
    // Give the representative a full consensus period to send the commit token.
    c.timer('consensus', s.cfg.consensusMs);
    return;
  }
  const ring = { rep: me, seq: s.highRingSeq + 4 };
  s.highRingSeq = ring.seq;
  onCommit(c, { t: 'commit', ring, members, entries: members.map(() => null), rotation: 1 });
}

/** Timer: resend our join and look for consensus again. */
export function onJoinTimer(c: StepContext): void {
  const s = c.s;
  if (s.phase !== 'gather' || !s.gather) return;
  s.gather.joinRounds++;
  sendJoin(c);
  c.timer('join', s.cfg.joinMs);
  checkConsensus(c);
}

/** Timer: consensus was not reached in time; fail whoever did not agree. */
export function onConsensusTimer(c: StepContext): void {
  const s = c.s;
  const g = s.gather;
  if (s.phase !== 'gather' || !g) return;
  const me = s.cfg.me;
  const mine = keyOf(g.proc, g.fail);
  const members = proposed(g);
  // Only the silent are failed: a member that sent joins but disagrees is
  // alive, and merging sets (which only grow) brings agreement.
  const failNow = g.awaitingCommit
    ? [members[0]!] // agreed, but the representative never sent the commit token
    : members.filter(p => p !== me && g.joins.get(p) !== mine && (!g.heard.has(p) || g.rejectedBy.has(p)));
  g.heard.clear();
  g.rejectedBy.clear();
  if (failNow.length > 0 && !failNow.includes(me)) {
    g.fail = uniqSorted([...g.fail, ...failNow]);
    g.joins = new Map([[me, keyOf(g.proc, g.fail)]]);
    g.awaitingCommit = false;
    sendJoin(c);
  }
  c.timer('consensus', s.cfg.consensusMs);
  checkConsensus(c);
}

/** Enters recovery of the ring a commit token formed. */
function enterRecovery(c: StepContext, f: CommitFrame): void {
  const s = c.s;
  s.phase = 'recovery';
  s.commit = f;
  s.gather = undefined;
  s.highRingSeq = Math.max(s.highRingSeq, f.ring.seq);
  s.log = newRingLog(f.ring, [...f.members]);
  s.lastTokenSeq = -1;
  s.prevTokenAru = 0;
  s.stuckVisits = 0;
  s.heldToken = undefined;
  s.recQueue = [];
  const old = s.old;
  if (old) {
    const peers: { id: ProcId; e: CommitEntry }[] = [];
    f.members.forEach((id, i) => {
      const e = f.entries[i];
      if (e && sameRing(e.oldRing, old.ring)) peers.push({ id, e });
    });
    const minAru = Math.min(...peers.map(p => p.e.aru));
    // The survivor with the best contiguous prefix re-sends the common gap;
    // everyone re-sends what lies beyond that prefix (only they may have it).
    const best = peers.reduce((a, b) => (b.e.aru > a.e.aru ? b : a));
    const lo = best.id === s.cfg.me ? minAru : best.e.aru;
    s.recQueue = [...old.store.values()].filter(m => m.seq > lo).sort((a, b) => a.seq - b.seq);
  }
  c.cancel('join');
  c.cancel('consensus');
  c.timer('token', s.cfg.tokenTimeoutMs);
}

/** A commit token arrived (or we, the representative, created one). */
export function onCommit(c: StepContext, f: CommitFrame): void {
  const s = c.s;
  const me = s.cfg.me;
  const i = f.members.indexOf(me);
  if (i < 0) return;
  const rep = f.members[0]!;
  s.highRingSeq = Math.max(s.highRingSeq, f.ring.seq);
  if (f.rotation === 1) {
    if (f.entries[i] === null) {
      if (s.phase !== 'gather' || !s.gather || !sameList(proposed(s.gather), f.members)) return;
      const entries = [...f.entries];
      entries[i] = { oldRing: s.old?.ring ?? null, aru: s.old?.myAru ?? 0, highSeq: s.old?.highSeq ?? 0 };
      const next: CommitFrame = { ...f, entries };
      s.phase = 'commit';
      s.commit = next;
      c.cancel('join');
      c.cancel('consensus');
      c.timer('token', s.cfg.tokenTimeoutMs);
      sendCommit(c, next);
      return;
    }
    if (rep === me && s.phase === 'commit' && sameRing(s.commit?.ring, f.ring) && f.entries.every(e => e !== null)) {
      const second: CommitFrame = { ...f, rotation: 2 };
      enterRecovery(c, second);
      sendCommit(c, second);
    }
    return;
  }
  if (rep === me) {
    if (s.phase === 'recovery' && sameRing(s.log?.ring, f.ring) && s.lastTokenSeq === -1) {
      const t: TokenFrame = { t: 'token', ring: f.ring, tokenSeq: 0, seq: 0, aru: 0, aruId: null, rtr: [], recovery: true, pending: true, rotSeq: -1 };
      onToken(c, t);
    }
    return;
  }
  if (s.phase === 'commit' && sameRing(s.commit?.ring, f.ring)) {
    enterRecovery(c, f);
    sendCommit(c, f);
  }
}

/** Passes the commit token on and keeps it for retransmission (it may be lost like any frame). */
function sendCommit(c: StepContext, f: CommitFrame): void {
  const s = c.s;
  const to = nextMember(f.members, s.cfg.me);
  c.send(to, f);
  if (to === s.cfg.me) return;
  s.sentToken = f;
  c.timer('retransmit', s.cfg.tokenRetransmitMs);
}

/** Timer: the representative probes configured nodes outside the ring. */
export function onMergeTimer(c: StepContext): void {
  const s = c.s;
  const inst = s.installed;
  if (s.phase !== 'operational' || !inst || inst.ring.rep !== s.cfg.me) return;
  const frame: MergeFrame = { t: 'merge', sender: s.cfg.me, ring: inst.ring };
  for (const n of s.cfg.nodes) if (!inst.members.includes(n)) c.send(n, frame);
  c.timer('merge', s.cfg.mergeMs);
}

/** A merge probe from another ring: gather to merge with it. */
export function onMerge(c: StepContext, f: MergeFrame): void {
  const s = c.s;
  if (f.sender === s.cfg.me) return;
  if (s.phase === 'operational' && s.installed && !sameRing(f.ring, s.installed.ring) && !s.installed.members.includes(f.sender)) {
    enterGather(c, [f.sender]);
  } else if (s.phase === 'gather') {
    enterGather(c, [f.sender]);
  }
}
