/**
 * votequorum(5) arithmetic as a pure state machine:
 * `votequorumStep(state, event) -> [state, outputs]`.
 *
 * Semantics follow Corosync's votequorum:
 * - Every node has `votes` (default 1). `expectedVotes` starts at the
 *   configured value (default: the sum of the node list's votes) and rises to
 *   the votes present if those ever exceed it; it only falls through
 *   last_man_standing or an explicit `setExpectedVotes`.
 * - quorum = floor(expectedVotes / 2) + 1; quorate when the votes of the
 *   current view reach it.
 * - two_node: with two expected votes, quorum is 1 (both halves of a split
 *   stay quorate and fencing decides). Implies wait_for_all unless that is
 *   explicitly off.
 * - wait_for_all: not quorate until every configured node has been in one view
 *   at the same time since this node started.
 * - last_man_standing: when nodes leave and the partition stays quorate, after
 *   `lastManStandingWindowMs` without further change, expectedVotes drops to
 *   the votes present. The runtime owns the timer: this machine asks for it
 *   with `startTimer`/`cancelTimer` outputs and hears back `timerExpired`.
 * - auto_tie_breaker: on an exact half split (votes present = expectedVotes/2)
 *   the half holding the tie-breaker node stays quorate. The tie-breaker is
 *   the lowest (or highest) node id, or the first id of a list, among the
 *   nodes in the cluster before the split (previous view ∪ current view).
 * @module
 */
import { Ok, Err, type Result, type QuorateErrorShape } from '../util/result.js';

/** One node of the node list. */
export interface VotequorumNodeConfig {
  readonly name: string;
  /** Corosync nodeid; default: position in the list + 1. */
  readonly nodeId?: number;
  /** quorum_votes; default 1. */
  readonly votes?: number;
}

/** Which node breaks an exact half split. */
export type TieBreakerNode = 'lowest' | 'highest' | readonly number[];

/** The `quorum { }` section of corosync.conf, plus the node list. */
export interface VotequorumConfig {
  readonly nodes: readonly VotequorumNodeConfig[];
  /** quorum.expected_votes; default: the sum of the node list's votes. */
  readonly expectedVotes?: number;
  readonly twoNode?: boolean;
  /** Default: `twoNode`. */
  readonly waitForAll?: boolean;
  readonly lastManStanding?: boolean;
  /** Default 10000 ms, as Corosync. */
  readonly lastManStandingWindowMs?: number;
  readonly autoTieBreaker?: boolean;
  /** Default 'lowest'. */
  readonly autoTieBreakerNode?: TieBreakerNode;
}

/** A configuration votequorum refuses. */
export interface QuorumConfigError extends QuorateErrorShape {
  readonly code: 'QUORATE_ERR_QUORUM_CONFIG';
}

/** What the quorum looks like after an event. */
export interface QuorumStatus {
  readonly quorate: boolean;
  readonly expectedVotes: number;
  /** Votes of the current view's members. */
  readonly totalVotes: number;
  /** Votes needed. */
  readonly quorum: number;
  readonly members: readonly string[];
  /** wait_for_all still holds quorum back. */
  readonly waitingForAll: boolean;
  /** Quorate only thanks to auto_tie_breaker. */
  readonly tieBreakerUsed: boolean;
}

interface NormalizedConfig {
  readonly votes: ReadonlyMap<string, number>;
  readonly ids: ReadonlyMap<string, number>;
  readonly configuredExpected: number;
  readonly twoNode: boolean;
  readonly waitForAll: boolean;
  readonly lastManStanding: boolean;
  readonly lastManStandingWindowMs: number;
  readonly autoTieBreaker: boolean;
  readonly tieBreaker: TieBreakerNode;
}

/** The machine's state; treat as opaque and immutable. */
export interface VotequorumState {
  readonly config: NormalizedConfig;
  readonly expectedVotes: number;
  readonly members: readonly string[];
  readonly previousMembers: readonly string[];
  readonly waitingForAll: boolean;
  readonly lmsTimerRunning: boolean;
  readonly status: QuorumStatus;
}

/** Timers the machine asks the runtime to run. */
export type VotequorumTimer = 'lastManStanding';

/** Inputs of the machine. */
export type VotequorumEvent =
  /** A new membership view was installed. */
  | { readonly type: 'view'; readonly members: readonly string[] }
  /** A timer requested with `startTimer` ran out. */
  | { readonly type: 'timerExpired'; readonly timer: VotequorumTimer }
  /** The administrator sets expected votes (`corosync-quorumtool -e`); never below the votes present. */
  | { readonly type: 'setExpectedVotes'; readonly votes: number };

/** Outputs of the machine. */
export type VotequorumOutput =
  /** Some field of the status changed. */
  | { readonly type: 'quorumChanged'; readonly status: QuorumStatus }
  | { readonly type: 'startTimer'; readonly timer: VotequorumTimer; readonly ms: number }
  | { readonly type: 'cancelTimer'; readonly timer: VotequorumTimer };

/** Votes needed out of `expectedVotes` (two_node: 1 of 2). */
export function quorumFor(expectedVotes: number, twoNode = false): number {
  if (twoNode && expectedVotes === 2) return 1;
  return Math.floor(expectedVotes / 2) + 1;
}

/** More than half: `presentVotes` out of `totalVotes` is a strict majority. */
export function simpleMajority(presentVotes: number, totalVotes: number): boolean {
  return totalVotes > 0 && presentVotes * 2 > totalVotes;
}

/** Validates the configuration and returns the state before any view. */
export function initVotequorum(config: VotequorumConfig): Result<VotequorumState, QuorumConfigError> {
  const bad = (message: string) => Err<QuorumConfigError>({ code: 'QUORATE_ERR_QUORUM_CONFIG', message });
  const votes = new Map<string, number>();
  const ids = new Map<string, number>();
  const usedIds = new Set<number>();
  for (const [i, n] of config.nodes.entries()) {
    if (!n.name) return bad(`nodes[${i}] has no name`);
    if (votes.has(n.name)) return bad(`node ${n.name} is listed twice`);
    const v = n.votes ?? 1;
    if (!Number.isInteger(v) || v < 0) return bad(`node ${n.name}: votes must be a non-negative integer, got ${v}`);
    const id = n.nodeId ?? i + 1;
    if (!Number.isInteger(id) || id <= 0) return bad(`node ${n.name}: nodeId must be a positive integer, got ${id}`);
    if (usedIds.has(id)) return bad(`node ${n.name}: nodeId ${id} is used twice`);
    usedIds.add(id);
    votes.set(n.name, v);
    ids.set(n.name, id);
  }
  const sum = [...votes.values()].reduce((a, b) => a + b, 0);
  const configuredExpected = config.expectedVotes ?? sum;
  if (!Number.isInteger(configuredExpected) || configuredExpected <= 0) {
    return bad(`expected votes must be a positive integer (set expectedVotes or list nodes), got ${configuredExpected}`);
  }
  const twoNode = config.twoNode ?? false;
  if (twoNode && configuredExpected !== 2) return bad(`two_node needs exactly 2 expected votes, got ${configuredExpected}`);
  const window = config.lastManStandingWindowMs ?? 10_000;
  if (!Number.isFinite(window) || window < 0) return bad(`last_man_standing_window must be ≥ 0 ms, got ${window}`);
  const tieBreaker = config.autoTieBreakerNode ?? 'lowest';
  if (Array.isArray(tieBreaker)) {
    for (const id of tieBreaker as readonly number[]) {
      if (!usedIds.has(id)) return bad(`auto_tie_breaker_node lists nodeid ${id}, which is not in the node list`);
    }
  }
  const cfg: NormalizedConfig = {
    votes, ids, configuredExpected, twoNode,
    waitForAll: config.waitForAll ?? twoNode,
    lastManStanding: config.lastManStanding ?? false,
    lastManStandingWindowMs: window,
    autoTieBreaker: config.autoTieBreaker ?? false,
    tieBreaker,
  };
  const base = {
    config: cfg, expectedVotes: configuredExpected, members: [], previousMembers: [],
    waitingForAll: cfg.waitForAll, lmsTimerRunning: false,
  };
  return Ok({ ...base, status: computeStatus(base) });
}

type Core = Omit<VotequorumState, 'status'>;

/** The transition function. Never throws; unknown members count 1 vote. */
export function votequorumStep(state: VotequorumState, event: VotequorumEvent): [VotequorumState, VotequorumOutput[]] {
  const out: VotequorumOutput[] = [];
  let core: Core = state;
  switch (event.type) {
    case 'view': {
      const members = [...new Set(event.members)].sort();
      const cfg = state.config;
      const allSeen = [...cfg.votes.keys()].every(n => members.includes(n));
      core = {
        ...core,
        previousMembers: state.members,
        members,
        expectedVotes: Math.max(state.expectedVotes, votesOf(cfg, members)),
        waitingForAll: state.waitingForAll && !allSeen,
      };
      if (cfg.lastManStanding) {
        if (core.lmsTimerRunning) {
          out.push({ type: 'cancelTimer', timer: 'lastManStanding' });
          core = { ...core, lmsTimerRunning: false };
        }
        const lost = state.members.some(m => !members.includes(m));
        if (lost && computeStatus(core).quorate) {
          out.push({ type: 'startTimer', timer: 'lastManStanding', ms: cfg.lastManStandingWindowMs });
          core = { ...core, lmsTimerRunning: true };
        }
      }
      break;
    }
    case 'timerExpired': {
      if (event.timer !== 'lastManStanding' || !state.lmsTimerRunning) return [state, []];
      core = { ...core, lmsTimerRunning: false };
      // Only a quorate partition may shrink the cluster to itself.
      if (state.status.quorate) core = { ...core, expectedVotes: Math.max(1, state.status.totalVotes) };
      break;
    }
    case 'setExpectedVotes': {
      if (!Number.isInteger(event.votes) || event.votes <= 0) return [state, []];
      core = { ...core, expectedVotes: Math.max(event.votes, votesOf(state.config, state.members)) };
      break;
    }
  }
  const status = computeStatus(core);
  const next: VotequorumState = { ...core, status };
  if (!sameStatus(status, state.status)) out.unshift({ type: 'quorumChanged', status });
  return [next, out];
}

/** Runs events through the machine from `state`; handy for tests and replays. */
export function votequorumRun(state: VotequorumState, events: readonly VotequorumEvent[]): [VotequorumState, VotequorumOutput[]] {
  const all: VotequorumOutput[] = [];
  let s = state;
  for (const e of events) {
    const [n, out] = votequorumStep(s, e);
    s = n;
    all.push(...out);
  }
  return [s, all];
}

function votesOf(cfg: NormalizedConfig, members: readonly string[]): number {
  return members.reduce((sum, m) => sum + (cfg.votes.get(m) ?? 1), 0);
}

function computeStatus(core: Core): QuorumStatus {
  const cfg = core.config;
  const totalVotes = votesOf(cfg, core.members);
  const expectedVotes = core.expectedVotes;
  const quorum = quorumFor(expectedVotes, cfg.twoNode);
  let quorate = totalVotes >= quorum;
  let tieBreakerUsed = false;
  if (!quorate && cfg.autoTieBreaker && expectedVotes % 2 === 0 && totalVotes * 2 === expectedVotes
      && holdsTieBreaker(cfg, core.previousMembers, core.members)) {
    quorate = true;
    tieBreakerUsed = true;
  }
  if (core.waitingForAll) {
    quorate = false;
    tieBreakerUsed = false;
  }
  return { quorate, expectedVotes, totalVotes, quorum, members: core.members, waitingForAll: core.waitingForAll, tieBreakerUsed };
}

/** Whether `members` holds the tie-breaker of the cluster as it was before the split. */
function holdsTieBreaker(cfg: NormalizedConfig, previous: readonly string[], members: readonly string[]): boolean {
  const before = new Set([...previous, ...members]);
  const idsBefore = [...before].map(n => cfg.ids.get(n)).filter((id): id is number => id !== undefined);
  const memberIds = new Set(members.map(n => cfg.ids.get(n)).filter((id): id is number => id !== undefined));
  if (idsBefore.length === 0) return false;
  const tb = cfg.tieBreaker;
  if (tb === 'lowest') return memberIds.has(Math.min(...idsBefore));
  if (tb === 'highest') return memberIds.has(Math.max(...idsBefore));
  // A list: the first listed node that was in the cluster decides.
  for (const id of tb) {
    if (idsBefore.includes(id)) return memberIds.has(id);
  }
  return false;
}

function sameStatus(a: QuorumStatus, b: QuorumStatus): boolean {
  return a.quorate === b.quorate && a.expectedVotes === b.expectedVotes && a.totalVotes === b.totalVotes
    && a.quorum === b.quorum && a.waitingForAll === b.waitingForAll && a.tieBreakerUsed === b.tieBreakerUsed
    && a.members.length === b.members.length && a.members.every((m, i) => m === b.members[i]);
}
