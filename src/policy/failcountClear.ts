/**
 * Clearing fail counts while the status is read (Pacemaker's operation-expiry
 * check): a resource with a failure-timeout whose recorded failures have all
 * expired gets its fail count cleared on that node; so does a node whose last
 * recorded failure (of a start or monitor) ran with parameters that have changed
 * since, and, for connections with a reconnect interval, an expired last failure
 * even without a fail count. The clear is a `clear_failcount` event the
 * controller does not wait for.
 * @module
 */
import type { LrmRscOp } from '../cib/types.js';
import { parseInterval } from '../cib/values.js';
import { targetRc } from '../cib/unpack/history.js';
import { cloneOf, cloneData } from './cloneAssign.js';
import { compareOpDigests, effectiveParams } from './digests.js';
import { primitivesOf, type Act, type Ctx, type PRsc } from './model.js';

/** Fail count of `r` on `node` ignoring failure-timeout (anonymous clone instances share one). */
function rawFailcount(r: PRsc, node: string): number {
  const c = cloneOf(r);
  if (!c || cloneData(c).unique) return r.u.failcount[node]?.total ?? 0;
  let total = 0;
  for (const p of c.children.flatMap(primitivesOf)) if (p.u.baseId === r.u.baseId) total += p.u.failcount[node]?.total ?? 0;
  return total;
}

/** Fail count of `r` on `node` that failure-timeout has not yet expired. */
export function effectiveFailcount(ctx: Ctx, r: PRsc, node: string, timeoutMs?: number): number {
  const c = cloneOf(r);
  const members = !c || cloneData(c).unique ? [r] : c.children.flatMap(primitivesOf).filter((p) => p.u.baseId === r.u.baseId);
  let total = 0;
  for (const p of members) {
    const fc = p.u.failcount[node]?.total ?? 0;
    if (fc <= 0) continue;
    const last = p.u.lastFailure[node];
    const t = timeoutMs ?? p.u.failureTimeoutMs;
    if (t > 0 && last !== undefined && last + t / 1000 < ctx.cluster.now) continue;
    total += fc;
  }
  return total;
}

/** Schedules clearing `r`'s fail count on `node` (once per resource and node). */
export function clearFailcount(ctx: Ctx, r: PRsc, node: string): void {
  const key = `${r.id}_clear_failcount_0`;
  if (r.actions.some((a) => a.key === key && a.node === node)) return;
  const n = ctx.nodes.get(node);
  if (!n) return;
  const a: Act = {
    seq: ctx.seq++, rsc: r, task: 'clear_failcount', intervalMs: 0, key, node,
    kind: 'crm_event', optional: false, runnable: true,
    attrs: { CRM_meta_on_node: n.name, CRM_meta_on_node_uuid: n.uuid, CRM_meta_op_no_wait: 'true', CRM_meta_timeout: '20000', ...effectiveParams(r) },
  };
  r.actions.push(a);
  ctx.actions.push(a);
}

function hasReconnectInterval(r: PRsc): boolean {
  const v = r.u.params['reconnect_interval'];
  if (v === undefined) return false;
  const ms = parseInterval(v);
  return ms.ok && ms.val > 0;
}

/**
 * A failed entry of an op configured with on-fail=block: from then on the
 * resource's failure-timeout is ignored (the two conflict).
 */
function isBlockedFailure(r: PRsc, op: LrmRscOp): boolean {
  const base = r.u.baseId;
  for (const o of r.u.ops) {
    if (o.onFail !== 'block' || o.name !== op.operation) continue;
    const ms = parseInterval(o.interval ?? '0');
    if ((ms.ok ? ms.val : 0) !== op.interval) continue;
    if (op.id === `${base}_last_failure_0`) return true;
    if (op.id === `${base}_${o.name}_${op.interval}` && op.rcCode !== targetRc(op)) return true;
  }
  return false;
}

/** What reading one node's history of a resource finds about expiry. */
export interface ExpiryReading {
  /** The fail count there is to be cleared. */
  readonly clear: boolean;
  /** Entries whose failure has expired (a recurring one is issued again). */
  readonly expired: ReadonlySet<LrmRscOp>;
}

function isFailure(op: LrmRscOp): boolean {
  return op.callId >= 0 && (op.opStatus !== 0 || op.rcCode !== targetRc(op));
}

/**
 * Reads `r`'s history entries on `node` in order as the status is unpacked: which
 * failures have expired and whether the fail count is cleared.
 */
export function readExpiry(ctx: Ctx, r: PRsc, node: string, ops: readonly LrmRscOp[]): ExpiryReading {
  let clear = false;
  const expiredOps = new Set<LrmRscOp>();
  let timeoutMs = r.u.failureTimeoutMs;
  for (const op of ops) {
    if (op.opStatus === 7 /* not installed */) continue;
    const isLastFailure = op.id.endsWith('_last_failure_0');
    let expired = false;
    let effective: number | undefined;
    if (timeoutMs > 0 && op.lastRcChange !== undefined) {
      // A connection's last failure does not expire while its reconnect interval holds it.
      const ignore = isLastFailure && hasReconnectInterval(r) && ctx.cluster.options.stonithEnabled;
      expired = !ignore && ctx.cluster.now >= op.lastRcChange + timeoutMs / 1000;
      if (isBlockedFailure(r, op)) timeoutMs = 0;
      effective = effectiveFailcount(ctx, r, node, timeoutMs);
    }
    if (expired) {
      if (rawFailcount(r, node) > 0) {
        if (effective === 0) clear = true;
        else expired = false;
      } else if (isLastFailure && hasReconnectInterval(r)) clear = true;
    }
    if (!expired && isLastFailure && (op.operation === 'start' || op.operation === 'monitor')) {
      const outcome = compareOpDigests(ctx, r, op).outcome;
      if (outcome === 'restart' || outcome === 'all') clear = true;
    }
    if (expired && isFailure(op)) expiredOps.add(op);
  }
  return { clear, expired: expiredOps };
}

/** Clears `r`'s fail count on `node` if any of its history entries there calls for it (status order). */
export function clearFailcountsFromHistory(ctx: Ctx, r: PRsc, node: string, ops: readonly LrmRscOp[]): void {
  // A blocked resource's actions are not carried out, clean-up included.
  if (r.u.orphan || !r.managed) return;
  if (readExpiry(ctx, r, node, ops).clear) clearFailcount(ctx, r, node);
}
