/**
 * Resource operation history: one resource's `lrm_rsc_op` entries on one node,
 * replayed in call order to find its role there and any failure, following
 * Pacemaker 2.1's unpack_rsc_op / remap_operation / update_resource_state /
 * unpack_rsc_op_failure.
 * @module
 */
import type { LrmRscOp } from '../types.js';
import { intervalOrZero } from '../values.js';
import { ROLE_ORDER, topOf } from './tree.js';
import type { FailureRecord, OnFail, Role, UnpackedResource } from './types.js';

/** Pacemaker's execution statuses (op-status). */
export const ExecStatus = {
  PENDING: -1, DONE: 0, CANCELLED: 1, TIMEOUT: 2, NOT_SUPPORTED: 3, ERROR: 4,
  ERROR_HARD: 5, ERROR_FATAL: 6, NOT_INSTALLED: 7, NOT_CONNECTED: 8, INVALID: 9,
} as const;

/** Severity order of on-fail values (Pacemaker's enum action_fail_response). */
const ON_FAIL_ORDER: Record<OnFail, number> = {
  ignore: 0, demote: 1, restart: 2, block: 4, stop: 5, standby: 6, fence: 7,
  'reset-remote': 8, 'restart-container': 9,
};

/** Expected result code from the transition key ("action:graph:target_rc:uuid"). */
export function targetRc(op: LrmRscOp): number {
  const key = op.transitionKey ?? op.transitionMagic?.split(';')[1];
  if (!key) return -1;
  // The third ':'-separated field, without splitting the whole key (this runs for every op).
  const a = key.indexOf(':');
  const b = a < 0 ? -1 : key.indexOf(':', a + 1);
  if (b < 0) return -1;
  const c = key.indexOf(':', b + 1);
  const n = Number.parseInt(c < 0 ? key.slice(b + 1) : key.slice(b + 1, c), 10);
  return Number.isFinite(n) ? n : -1;
}

/** True for a probe: a one-shot monitor. */
export function isProbe(op: LrmRscOp): boolean {
  return op.operation === 'monitor' && op.interval === 0;
}

/** The graph (transition) number and controller UUID in an op's transition magic. */
function magicGraph(op: LrmRscOp): { graph: number; uuid: string } | undefined {
  const key = op.transitionMagic?.split(';')[1] ?? op.transitionKey;
  const f = key?.split(':');
  if (!f || f.length < 4) return undefined;
  const graph = Number.parseInt(f[1]!, 10);
  return Number.isFinite(graph) ? { graph, uuid: f.slice(3).join(':').toLowerCase() } : undefined;
}

/**
 * Age of pending op `p` against completed op `o` (Pacemaker's pe__is_newer_op):
 * >0 when `p` is newer. A pending op from another controller or from the same
 * transition is newer; from the same controller, transition order decides (a
 * transition number of -1 always comes last).
 */
export function pendingAge(p: LrmRscOp, o: LrmRscOp): number {
  const a = magicGraph(p), b = magicGraph(o);
  if (!a || !b) return 1;
  if (a.uuid !== b.uuid || a.graph === b.graph) return 1;
  if ((a.graph >= 0 && a.graph < b.graph) || b.graph === -1) return -1;
  return 1;
}

/** Orders ops by call-id; a pending op (-1) by its transition (see {@link pendingAge}); ties by last-rc-change. */
export function sortOps(ops: readonly LrmRscOp[]): LrmRscOp[] {
  return [...ops].sort((a, b) => {
    // Only a result still in flight is placed by its transition; other call-id-less entries (notifications) stay last.
    if (a.callId < 0 && b.callId >= 0 && a.opStatus === ExecStatus.PENDING) return pendingAge(a, b);
    if (b.callId < 0 && a.callId >= 0 && b.opStatus === ExecStatus.PENDING) return -pendingAge(b, a);
    const ca = a.callId < 0 ? Number.MAX_SAFE_INTEGER : a.callId;
    const cb = b.callId < 0 ? Number.MAX_SAFE_INTEGER : b.callId;
    if (ca !== cb) return ca - cb;
    return (a.lastRcChange ?? 0) - (b.lastRcChange ?? 0);
  });
}

/** What the cluster configuration says about failure handling. */
export interface FailPolicy {
  readonly stonithEnabled: boolean;
  /** Pacemaker's pe_can_fence for a node; absent means "yes when stonith is enabled". */
  readonly canFence?: (node: string) => boolean;
  readonly opDefaults: Readonly<Record<string, string>>;
}

/** on-fail for a task of a resource (configured op, op_defaults, Pacemaker defaults). */
export function onFailFor(rsc: UnpackedResource, task: string, intMs: number, pol: FailPolicy): OnFail {
  let v: string | undefined;
  let role: string | undefined;
  for (const o of rsc.ops) {
    if (o.name === task && intervalOrZero(o.interval) === intMs && o.onFail) { v = o.onFail; role = o.role; break; }
  }
  v ??= pol.opDefaults['on-fail'];
  // on-fail=demote applies only to promotes and Promoted-role recurring monitors; elsewhere the default.
  if (v === 'demote' && task !== 'promote' && !(task === 'monitor' && intMs > 0 && /^(promoted|master)$/i.test(role ?? ''))) v = undefined;
  let r: OnFail;
  const known = ['ignore', 'block', 'stop', 'standby', 'fence', 'demote', 'restart-container', 'restart'];
  if (v !== undefined && known.includes(v)) r = v as OnFail;
  // Defaults, in Pacemaker's order (unpack_operation).
  else if (rsc.container !== undefined) r = 'restart-container';
  else if (rsc.remoteNode !== undefined && rsc.container === undefined
    && !(task === 'monitor' && intMs === 0) && task !== 'start') r = rsc.managed ? 'reset-remote' : 'stop';
  else r = task === 'stop' ? (pol.stonithEnabled ? 'fence' : 'block') : 'restart';
  if (r === 'fence' && !pol.stonithEnabled) r = task === 'stop' ? 'block' : 'stop';
  return r;
}

/**
 * Pacemaker's check_recoverable: a stop that failed hard where the node cannot
 * be fenced leaves nothing to try — the resource is blocked.
 */
function checkRecoverable(rsc: UnpackedResource, node: string, task: string, pol: FailPolicy): void {
  if (task !== 'stop') return;
  const can = pol.canFence ? pol.canFence(node) : pol.stonithEnabled;
  if (can) return;
  rsc.managed = false;
  rsc.blocked = true;
  rsc.failed = true;
}

/** Mutable state of one history replay. */
export interface ReplayState {
  role: Role;
  onFail: OnFail;
  lastFailure?: LrmRscOp;
  failures: FailureRecord[];
  pendingTask?: string;
  migrateToSuccess?: LrmRscOp;
  migrateFromOp?: LrmRscOp;
  /** Failed (not ignored) migrate_to / migrate_from ops, in call order. */
  migrateFailures: LrmRscOp[];
  stopFailed: boolean;
  failureIgnored: boolean;
  nextRole: Role;
  hardError: boolean;
}

function setActive(rsc: UnpackedResource, st: ReplayState): void {
  st.role = topOf(rsc).promotable ? 'Unpromoted' : 'Started';
}

/**
 * Replays ops (sorted) of one resource on one node. `isExpired` tells whether a
 * failed op is older than failure-timeout.
 */
export function replay(
  rsc: UnpackedResource, node: string, ops: readonly LrmRscOp[], pol: FailPolicy,
  isExpired: (op: LrmRscOp) => boolean,
): ReplayState {
  const st: ReplayState = { role: 'Unknown', onFail: 'ignore', failures: [], migrateFailures: [], stopFailed: false, failureIgnored: false, nextRole: 'Unknown', hardError: false };
  for (const op of ops) unpackOp(rsc, node, op, st, pol, isExpired);
  return st;
}

function unpackOp(
  rsc: UnpackedResource, node: string, op: LrmRscOp, st: ReplayState, pol: FailPolicy,
  isExpired: (op: LrmRscOp) => boolean,
): void {
  const task = op.operation;
  let rc = op.rcCode;
  let status = op.opStatus;
  const target = targetRc(op);
  const probe = isProbe(op);
  if (task === 'notify' || (task === 'monitor' && op.interval > 0 && status === ExecStatus.CANCELLED)) return;

  if (status === ExecStatus.PENDING) {
    if (task === 'start') setActive(rsc, st);
    else if (task === 'promote') st.role = 'Promoted';
    if (st.pendingTask === undefined && (op.interval !== 0 || task !== 'monitor')) st.pendingTask = task;
    return;
  }
  // Expiry is judged on the recorded entry; only an entry that still counts as a failure is dropped.
  const expired = status !== ExecStatus.NOT_INSTALLED && isExpired(op);
  // Degraded results are informational: remap to their error-free equivalents.
  if (rc === 190 && task === 'monitor') rc = 0;
  else if (rc === 191 && task === 'monitor') rc = 8;

  // remap_operation
  if (status === ExecStatus.DONE || status === ExecStatus.ERROR) {
    status = ExecStatus.DONE;
    if (target < 0 || target !== rc) status = ExecStatus.ERROR;
    switch (rc) {
      case 0:
        if (probe && target === 7) status = ExecStatus.DONE;
        break;
      case 7:
        if (probe || target === rc || !rsc.managed) {
          status = ExecStatus.DONE;
          st.role = 'Stopped';
          st.onFail = 'ignore';
          st.nextRole = 'Unknown';
        }
        break;
      case 8:
        if (probe && rc !== target) status = ExecStatus.DONE;
        st.role = 'Promoted';
        break;
      case 9:
        st.role = 'Promoted';
        status = ExecStatus.ERROR;
        break;
      case 6:
        checkRecoverable(rsc, node, task, pol);
        status = ExecStatus.ERROR_FATAL;
        break;
      case 3:
        if (op.interval === 0) checkRecoverable(rsc, node, task, pol);
        status = op.interval === 0 ? ExecStatus.ERROR_HARD : ExecStatus.NOT_SUPPORTED;
        break;
      case 5: case 2: case 4:
        checkRecoverable(rsc, node, task, pol);
        status = ExecStatus.ERROR_HARD;
        break;
      default:
        if (status === ExecStatus.DONE && rc !== 0) status = ExecStatus.ERROR;
    }
  }

  if (expired && status !== ExecStatus.DONE && status !== ExecStatus.CANCELLED) {
    // A blocked resource stays blocked: an expired failure of a recurring monitor with
    // on-fail=block still counts (only a clean stop afterwards clears it).
    const keep = task === 'monitor' && op.interval > 0 && onFailFor(rsc, task, op.interval, pol) === 'block';
    if (!keep) return;
  }
  switch (status) {
    case ExecStatus.CANCELLED:
      return;
    case ExecStatus.DONE:
      updateState(rsc, node, op, task, rc, st);
      return;
    default: {
      const strategy = onFailFor(rsc, task, op.interval, pol);
      if (status === ExecStatus.NOT_INSTALLED && strategy === 'ignore') {
        // A missing agent cannot be ignored; it is shown as FAILED.
        rsc.failed = true;
      } else if (strategy === 'ignore' || (strategy === 'restart-container' && task === 'stop')) {
        updateState(rsc, node, op, task, target, st);
        st.failureIgnored = true;
        st.failures.push({ node, op, task, intervalMs: op.interval, rc, opStatus: status, onFail: strategy, expired: false });
        // A stop inside a container "succeeds", but the container is still to be restarted.
        if (strategy === 'restart-container' && ON_FAIL_ORDER[st.onFail] <= ON_FAIL_ORDER.restart) st.onFail = strategy;
        return;
      }
      if (status === ExecStatus.ERROR_HARD || status === ExecStatus.NOT_INSTALLED) st.hardError = true;
      opFailure(rsc, node, op, task, rc, status, strategy, st);
    }
  }
}

function updateState(rsc: UnpackedResource, _node: string, op: LrmRscOp, task: string, rc: number, st: ReplayState): void {
  let clear = false;
  if (rc === 7) clear = true;
  else if (rc === 5) st.role = 'Stopped';
  else if (task === 'monitor') {
    if (st.lastFailure && opKey(st.lastFailure) === opKey(op)) clear = true;
    if (ROLE_ORDER[st.role] < ROLE_ORDER.Started) setActive(rsc, st);
  } else if (task === 'start') { st.role = 'Started'; clear = true; }
  else if (task === 'stop') { st.role = 'Stopped'; clear = true; }
  else if (task === 'promote') { st.role = 'Promoted'; clear = true; }
  else if (task === 'demote') { if (st.onFail === 'demote') clear = true; st.role = 'Unpromoted'; }
  else if (task === 'migrate_from') { st.role = 'Started'; clear = true; st.migrateFromOp = op; }
  else if (task === 'migrate_to') { st.migrateToSuccess = op; st.role = 'Started'; }
  else if (ROLE_ORDER[st.role] < ROLE_ORDER.Started) setActive(rsc, st);

  if (clear) {
    switch (st.onFail) {
      case 'stop': case 'fence': case 'standby':
        break;
      case 'reset-remote':
        // With a reconnect interval the connection stays failed until the failure expires.
        if (!reconnectInterval(rsc)) { st.onFail = 'ignore'; st.nextRole = 'Unknown'; }
        break;
      default:
        st.onFail = 'ignore'; st.nextRole = 'Unknown';
    }
  }
}

function reconnectInterval(rsc: UnpackedResource): boolean {
  const v = rsc.params['reconnect_interval'];
  return v !== undefined && intervalOrZero(v) > 0;
}

/** Operation key as Pacemaker names it: rsc_task_intervalMs (without rsc). */
function opKey(op: LrmRscOp): string {
  return `${op.operation}_${op.interval}`;
}

function opFailure(
  rsc: UnpackedResource, node: string, op: LrmRscOp, task: string, rc: number, status: number, strategy: OnFail, st: ReplayState,
): void {
  st.lastFailure = op;
  const probe = isProbe(op);
  const masked = probe && (rc === 5 || status === ExecStatus.NOT_INSTALLED);
  if (!masked) st.failures.push({ node, op, task, intervalMs: op.interval, rc, opStatus: status, onFail: strategy, expired: false });
  if (ON_FAIL_ORDER[strategy] > ON_FAIL_ORDER[st.onFail]) st.onFail = strategy;
  if (task === 'stop') st.stopFailed = true;
  else if (task === 'promote') st.role = 'Promoted';
  else if (task === 'demote') {
    if (strategy === 'block') { st.role = 'Promoted'; st.nextRole = 'Stopped'; }
    else if (rc === 7) st.role = 'Stopped';
    else st.role = 'Unpromoted';
  } else if (task === 'migrate_to' || task === 'migrate_from') {
    // A failed migration leaves the resource possibly active on the peer too (see migration.ts).
    st.migrateFailures.push(op);
  }
  if (probe && rc === 5) st.role = 'Stopped';
  else if (ROLE_ORDER[st.role] < ROLE_ORDER.Started) setActive(rsc, st);
  if (strategy === 'stop') st.nextRole = 'Stopped';
}

/**
 * The recurring operations still active on a node, from its call-id-sorted history
 * (Pacemaker's calculate_active_ops / process_recurring): those recorded after the
 * resource last started there (a start or migrate_from, or failing that the last
 * promote/demote, or else the first successful monitor after the last stop); when it
 * was stopped since, only those recorded after that stop. Pending ops are not active.
 * An older monitor died with the instance it watched.
 */
export function activeRecurring(sorted: readonly LrmRscOp[]): LrmRscOp[] {
  const { start, stop } = activeOpIndexes(sorted);
  return sorted.filter((op, i) => !(start < stop && i <= stop) && i >= start && op.interval > 0 && op.opStatus !== -1);
}

/**
 * In a sorted history, the index of the op that made the resource active (a start or
 * migrate_from, else the last promote/demote, else the first successful monitor after the
 * last stop; -1 for none) and of the last successful stop (-1 for none).
 */
export function activeOpIndexes(sorted: readonly LrmRscOp[]): { start: number; stop: number } {
  let start = -1;
  let stop = -1;
  let impliedByMonitor = -1;
  let impliedByRole = -1;
  sorted.forEach((op, i) => {
    if (op.operation === 'stop' && op.opStatus === 0) stop = i;
    else if (op.operation === 'start' || op.operation === 'migrate_from') start = i;
    else if (impliedByMonitor <= stop && op.operation === 'monitor') {
      if (op.rcCode === 0 || op.rcCode === 8) impliedByMonitor = i;
    } else if (op.operation === 'promote' || op.operation === 'demote') impliedByRole = i;
  });
  if (start === -1) start = impliedByRole !== -1 ? impliedByRole : impliedByMonitor;
  return { start, stop };
}
