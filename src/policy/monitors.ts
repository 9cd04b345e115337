/**
 * Monitors for the Stopped role (Pacemaker 2.1.5 pcmk_sched_recurring.c,
 * recurring_op_for_inactive): a `<op name="monitor" role="Stopped">` runs on every
 * node where the resource is not to run, expecting "not running" (rc 7), so a
 * copy started behind the cluster's back is found. Where the resource will run,
 * such a monitor still recorded is cancelled.
 * @module
 */
import { parseInterval } from '../cib/values.js';
import { opMeta, order, rscAction } from './actions.js';
import { cancelAction } from './cancel.js';
import { primitivesOf, type Ctx, type PRsc } from './model.js';
import { isActiveRecurring } from './activeOps.js';
import { cloneOf } from './cloneAssign.js';

function cancelRecorded(ctx: Ctx, r: PRsc, node: string, ms: number): void {
  const op = r.u.history[node]?.recurring[`monitor_${ms}`];
  if (!op || ctx.nodes.get(node)?.u.unclean) return;
  const n = ctx.nodes.get(node)!;
  // The cancel takes the op's own meta (pcmk__new_cancel_action), without a call id.
  const a = cancelAction(ctx, r, 'monitor', ms, node, {
    ...opMeta(ctx, r, 'monitor', ms, false), CRM_meta_on_node: n.name, CRM_meta_on_node_uuid: n.uuid, ...r.u.params, CRM_meta_operation: 'monitor',
  });
  // The old monitor ends before the resource starts there.
  for (const s of r.actions) if (s.task === 'start' && s.node === node && !s.probe) order(ctx, a, s, {});
}

/** Stage (after createActions): Stopped-role monitors on the nodes the resource will not run on. */
export function createStoppedMonitors(ctx: Ctx): void {
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      // Anonymous clone instances do not support them (Pacemaker ignores the op).
      const clone = cloneOf(r);
      if (clone && !clone.u.unique) continue;
      // Blocked resources and those in maintenance get no recurring actions at all.
      if (r.u.blocked || r.u.maintenance) continue;
      for (const op of r.u.ops) {
        if (op.name !== 'monitor' || op.enabled === 'false' || !op.role || !/^Stopped$/i.test(op.role)) continue;
        const iv = parseInterval(op.interval);
        if (!iv.ok || iv.val <= 0) continue;
        const ms = iv.val;
        for (const n of ctx.nodeList) {
          if (r.assigned === n.name) { cancelRecorded(ctx, r, n.name, ms); continue; }
          // Already running there (recorded) and nothing changes: optional.
          let optional = r.u.history[n.name]?.recurring[`monitor_${ms}`] !== undefined;
          const mon = rscAction(ctx, r, 'monitor', ms, n.name, { optional: true });
          mon.attrs['CRM_meta_op_target_rc'] = '7';
          if (r.managed) {
            for (const s of r.actions) {
              if (s.task !== 'stop' || s.node !== n.name) continue;
              if (!s.optional) optional = false;
              if (!s.runnable) mon.runnable = false;
              order(ctx, s, mon, { impliesThen: true, runnableLeft: true });
            }
          }
          for (const p of r.actions) if (p.probe && p.node === n.name) order(ctx, p, mon, {});
          if (!n.u.online || n.u.unclean) mon.runnable = false;
          else if (!optional) mon.optional = false;
        }
      }
    }
  }
}

/**
 * An unmanaged resource keeps being watched where it is: its Started-role monitors
 * are scheduled there (required where not yet active), unless it is blocked or in
 * maintenance (pcmk__create_recurring_actions).
 */
export function createUnmanagedMonitors(ctx: Ctx, r: PRsc): void {
  const next = r.assigned;
  if (r.managed || r.u.blocked || r.u.maintenance || next === null || r.variant !== 'primitive' || r.nextRole === 'Promoted') return;
  const n = ctx.nodes.get(next);
  if (!n || n.u.maintenance || cloneOf(r)?.u.promotable) return;
  for (const op of r.u.ops) {
    if (op.name !== 'monitor' || op.enabled === 'false' || (op.role && !/^Started$/i.test(op.role))) continue;
    const iv = parseInterval(op.interval);
    if (!iv.ok || iv.val <= 0) continue;
    const mon = rscAction(ctx, r, 'monitor', iv.val, next, { optional: isActiveRecurring(r, next, 'monitor', iv.val) });
    if (!n.u.online || n.u.unclean) mon.runnable = false;
  }
}
