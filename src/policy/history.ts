/**
 * History clean-up that Pacemaker schedules while reading the status section:
 * recurring operations still running but no longer configured are cancelled, and
 * orphans (in the status, not in the configuration) have their failcounts cleared
 * and their history deleted once stopped.
 * @module
 */
import { cloneOf } from './cloneAssign.js';
import { primitivesOf, type Act, type Ctx, type PRsc } from './model.js';
import { order, rscAction } from './actions.js';
import { cancelAction } from './cancel.js';
import { parseInterval } from '../cib/values.js';

function configuredIntervals(r: PRsc): Set<string> {
  const out = new Set<string>();
  for (const op of r.u.ops) {
    if (op.enabled === 'false') continue;
    const ms = parseInterval(op.interval);
    if (ms.ok && ms.val > 0) out.add(`${op.name}_${ms.val}`);
  }
  return out;
}

function nodeAttrs(ctx: Ctx, r: PRsc, node: string): Record<string, string> {
  const n = ctx.nodes.get(node)!;
  return { CRM_meta_on_node: n.name, CRM_meta_on_node_uuid: n.uuid, ...r.u.params };
}

/** Cancels recurring operations of active resources that are no longer configured. */
export function cancelUnconfiguredRecurring(ctx: Ctx): void {
  if (!ctx.cluster.options.stopOrphanActions) return;
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      if (r.u.orphan || !r.managed) continue;
      const wanted = configuredIntervals(r);
      for (const node of r.u.runningOn) {
        const h = r.u.history[node];
        if (!h || ctx.nodes.get(node)?.u.unclean) continue;
        for (const [key, op] of Object.entries(h.recurring)) {
          if (wanted.has(key) || op.interval <= 0) continue;
          cancelAction(ctx, r, op.operation, op.interval, node, {
            ...nodeAttrs(ctx, r, node), CRM_meta_call_id: String(op.callId), CRM_meta_interval: String(op.interval),
            CRM_meta_operation: op.operation, CRM_meta_timeout: '20000',
          });
        }
      }
    }
  }
}

/** Orphans: history deleted after the stop (created early, as Pacemaker does). */
export function createOrphanDeletes(ctx: Ctx): void {
  if (!ctx.cluster.options.stopOrphanResources) return;
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      // Orphaned clone instances are only stopped: their history is the clone's.
      if (!r.u.orphan || !r.managed || cloneOf(r)) continue;
      // Every node that still holds history of it forgets it (after stopping it, if active there).
      for (const n of ctx.nodeList) {
        if (r.u.history[n.name] === undefined || !n.u.online || n.u.unclean) continue;
        rscAction(ctx, r, 'delete', 0, n.name, { optional: false });
      }
    }
  }
}

/** Orphans with failcounts get them cleared on every node that has one. */
export function clearOrphanFailcounts(ctx: Ctx): void {
  if (!ctx.cluster.options.stopOrphanResources) return;
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      if (!r.u.orphan) continue;
      for (const n of ctx.nodeList) {
        if ((r.u.failcount[n.name]?.total ?? 0) <= 0 || !n.u.online) continue;
        const a: Act = {
          seq: ctx.seq++, rsc: r, task: 'clear_failcount', intervalMs: 0, key: `${r.id}_clear_failcount_0`, node: n.name,
          kind: 'crm_event', optional: false, runnable: true,
          attrs: { CRM_meta_on_node: n.name, CRM_meta_on_node_uuid: n.uuid, CRM_meta_op_no_wait: 'true', CRM_meta_timeout: '20000' },
        };
        r.actions.push(a);
        ctx.actions.push(a);
      }
    }
  }
}

/** Orders clean-up around an orphan's stops: failcounts cleared first, history deleted after. */
export function orderOrphanCleanup(ctx: Ctx): void {
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      // A cancel waits for a stop of the same resource there (the stop ends it anyway).
      for (const c of r.actions) if (c.task === 'cancel') for (const s of r.actions) if (s.task === 'stop' && s.node === c.node) order(ctx, s, c, {});
      if (!r.u.orphan) continue;
      const stops = r.actions.filter((a) => a.task === 'stop');
      for (const a of r.actions) {
        if (a.task === 'clear_failcount') for (const s of stops) order(ctx, a, s, {});
        // Every stop of the orphan precedes each of its deletes (Pacemaker orders them by resource, not node).
        if (a.task === 'delete') for (const s of stops) order(ctx, s, a, s.node === a.node ? { impliesThen: true, runnableLeft: true } : {});
      }
    }
  }
}
