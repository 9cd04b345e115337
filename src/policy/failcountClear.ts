/**
 * Fail counts cleared by the scheduler (clear_failcount events):
 * - "it expired" (Pacemaker's check_operation_expiry, while reading the history):
 *   a recorded operation older than failure-timeout, on a node where the
 *   resource has a fail count that no longer counts once the timeout applies;
 *   an expired failed recurring monitor is also issued again (its old result
 *   means nothing now);
 * - "action definition changed" (process_rsc_history): while checking an active
 *   resource's history for configuration changes, a recorded operation whose
 *   definition changed (its digest differs, or it is a recurring op no longer
 *   configured) clears a fail count that still counts, so the changed operation
 *   is retried fresh.
 * @module
 */
import { primitivesOf, type Act, type Ctx, type PNode, type PRsc } from './model.js';
import { effectiveFailcount } from './failures.js';
import { cloneFailcount } from './clone.js';
import { activeOpIndexes } from '../cib/unpack/history.js';
import type { DefinitionChange } from './digests.js';
import { sortOps } from '../cib/unpack/history.js';
import { parseInterval } from '../cib/values.js';
import { rscAction } from './actions.js';
import { cloneOf } from './cloneAssign.js';
import type { LrmRscOp } from '../cib/types.js';

/** Nodes whose history Pacemaker checks for configuration changes (pcmk__node_available, or in maintenance). */
function checkedNode(n: PNode | undefined): boolean {
  if (!n) return false;
  const u = n.u;
  if (u.maintenance) return true;
  return u.online && !u.shutdown && !u.unclean && !u.standby;
}

/** Whether an active recurring op on `node` is no longer configured (enabled). */
function hasUnconfiguredRecurring(r: PRsc, node: string): boolean {
  const h = r.u.history[node];
  if (!h) return false;
  const wanted = new Set<string>();
  for (const op of r.u.ops) {
    if (op.enabled === 'false') continue;
    const ms = parseInterval(op.interval);
    if (ms.ok && ms.val > 0) wanted.add(`${op.name}_${ms.val}`);
  }
  return Object.entries(h.recurring).some(([key, op]) => op.interval > 0 && !wanted.has(key));
}

/** A clear_failcount event for `r` on `node` (a crm_event that does not wait). */
export function clearFailcountAction(ctx: Ctx, r: PRsc, n: PNode): Act {
  const existing = r.actions.find((a) => a.task === 'clear_failcount' && a.node === n.name);
  if (existing) return existing;
  const a: Act = {
    seq: ctx.seq++, rsc: r, task: 'clear_failcount', intervalMs: 0, key: `${r.id}_clear_failcount_0`, node: n.name,
    kind: 'crm_event', optional: false, runnable: true,
    attrs: { CRM_meta_on_node: n.name, CRM_meta_on_node_uuid: n.uuid, CRM_meta_op_no_wait: 'true', CRM_meta_timeout: '20000', ...r.u.params },
  };
  r.actions.push(a);
  ctx.actions.push(a);
  return a;
}

/** Clears fail counts of active resources whose recorded operations' definitions changed. */
export function clearFailcountsOnDefinitionChange(ctx: Ctx, changes: readonly DefinitionChange[]): void {
  const changed = new Set(changes.map((c) => `${c.rsc.id}\n${c.node}`));
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      if (r.u.orphan) continue;
      for (const node of r.u.runningOn) {
        const n = ctx.nodes.get(node);
        if (!n || !checkedNode(n)) continue;
        // Maintenance cancels recurring ops rather than checking them.
        const maint = r.u.maintenance || n.u.maintenance;
        if (!changed.has(`${r.id}\n${node}`) && (maint || !hasUnconfiguredRecurring(r, node))) continue;
        const fc = cloneFailcount(ctx, r, node) ?? effectiveFailcount(ctx, r, node);
        if (fc <= 0) continue;
        clearFailcountAction(ctx, r, n);
      }
    }
  }
}

/** Instances sharing a fail count with `r` (an anonymous clone's instances share theirs). */
function failcountPeers(r: PRsc): PRsc[] {
  const c = cloneOf(r);
  if (!c || c.u.unique) return [r];
  return c.children.flatMap(primitivesOf).filter((p) => p.u.baseId === r.u.baseId);
}

function hasReconnect(r: PRsc): boolean {
  const v = r.u.params['reconnect_interval'];
  if (v === undefined) return false;
  const ms = parseInterval(v);
  return ms.ok && ms.val > 0;
}

/** should_ignore_failure_timeout: a remote connection's monitor failures wait for the node's fencing. */
function ignoresTimeout(ctx: Ctx, r: PRsc, op: LrmRscOp): boolean {
  if (!hasReconnect(r) || !ctx.cluster.options.stonithEnabled || op.interval === 0 || op.operation !== 'monitor') return false;
  const remote = ctx.nodes.get(r.id);
  return remote !== undefined && !remote.u.remoteWasFenced;
}

/** Whether `op` is older than the resource's failure-timeout at `now`. */
function opExpired(ctx: Ctx, r: PRsc, op: LrmRscOp): boolean {
  if (r.u.failureTimeoutMs <= 0 || op.lastRcChange === undefined) return false;
  return ctx.cluster.now >= op.lastRcChange + Math.ceil(r.u.failureTimeoutMs / 1000) && !ignoresTimeout(ctx, r, op);
}

/** Fail counts on `node`: in total, and what still counts (a failure that blocked the resource never expires). */
function failcounts(ctx: Ctx, r: PRsc, node: string): { total: number; unexpired: number } {
  let total = 0, unexpired = 0;
  for (const p of failcountPeers(r)) {
    const fc = p.u.failcount[node]?.total ?? 0;
    if (fc <= 0) continue;
    total += fc;
    const blocked = p.u.failures.some((f) => f.node === node && f.onFail === 'block');
    const last = p.u.lastFailure[node];
    const expired = p.u.failureTimeoutMs > 0 && last !== undefined && last + p.u.failureTimeoutMs / 1000 <= ctx.cluster.now;
    if (blocked || !expired) unexpired += fc;
  }
  return { total, unexpired };
}

/** Clears fail counts whose failures have expired (while reading the history, so these come first). */
export function clearExpiredFailcounts(ctx: Ctx): void {
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      if (r.u.orphan) continue;
      for (const n of ctx.nodeList) {
        const h = r.u.history[n.name];
        if (!h || !n.u.online || n.u.unclean) continue;
        for (const op of h.ops) {
          if (op.opStatus === 4 /* not installed */ || !opExpired(ctx, r, op)) continue;
          const fc = failcounts(ctx, r, n.name);
          const lastFailure = op.id.endsWith('_last_failure_0');
          if ((fc.total > 0 && fc.unexpired === 0) || (fc.total === 0 && lastFailure && hasReconnect(r))) {
            clearFailcountAction(ctx, r, n);
            break;
          }
        }
      }
    }
  }
}

/**
 * An expired failure of a recurring monitor on a resource staying where it is:
 * the monitor is issued again (Pacemaker forces its digest to differ).
 */
export function reissueExpiredMonitors(ctx: Ctx): void {
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      if (r.u.orphan || !r.managed || r.assigned === null) continue;
      const n = ctx.nodes.get(r.assigned);
      const h = r.u.history[r.assigned];
      if (!n || !h || !n.u.online || n.u.unclean || !r.u.runningOn.includes(n.name)) continue;
      // Only ops since the resource last became active are checked (process_rsc_history).
      const ops = sortOps(h.ops);
      const { start, stop } = activeOpIndexes(ops);
      if (start < stop) continue;
      for (const op of ops.slice(Math.max(start, 0))) {
        if (op.operation !== 'monitor' || op.interval <= 0 || op.rcCode === targetRc(op) || !opExpired(ctx, r, op)) continue;
        if (!configuredMonitor(r, op.interval)) continue;
        rscAction(ctx, r, 'monitor', op.interval, n.name, { optional: false });
      }
    }
  }
}

function targetRc(op: LrmRscOp): number {
  const m = /^\d+:\d+:(\d+):/.exec(op.transitionKey ?? '');
  return m ? Number(m[1]) : 0;
}

function configuredMonitor(r: PRsc, ms: number): boolean {
  return r.u.ops.some((o) => {
    if (o.name !== 'monitor' || o.enabled === 'false') return false;
    const v = parseInterval(o.interval);
    return v.ok && v.val === ms;
  });
}
