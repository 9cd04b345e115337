/**
 * Cancelling a recurring operation. Pacemaker names a cancel by the key of the
 * operation it ends (`rsc_monitor_10000`), so when the recurring op's own action
 * already exists on that node (created, optional, while the history was read),
 * the cancel is that same action turned into a cancel: it keeps its place among
 * the resource's actions and its id.
 * @module
 */
import { primitivesOf, type Act, type Ctx, type PRsc } from './model.js';
import { opMeta } from './actions.js';

/**
 * Creates the cancel of `task` at `intervalMs` of `r` on `node`, taking over the
 * recorded recurring op's optional action when there is one.
 */
export function cancelAction(ctx: Ctx, r: PRsc, task: string, intervalMs: number, node: string, attrs: Record<string, string>): Act {
  const key = `${r.id}_${task}_${intervalMs}`;
  const old = r.actions.find((a) => a.key === key && a.node === node && a.task === task && a.optional);
  const a: Act = {
    seq: old?.seq ?? ctx.seq++, rsc: r, task: 'cancel', intervalMs, key, node, kind: 'rsc_op', optional: false, runnable: true, attrs,
  };
  if (!old) {
    r.actions.push(a);
    ctx.actions.push(a);
    return a;
  }
  r.actions[r.actions.indexOf(old)] = a;
  const i = ctx.actions.indexOf(old);
  if (i >= 0) ctx.actions[i] = a;
  // Orderings of the monitor that was never to run go with it.
  for (let j = ctx.orders.length - 1; j >= 0; j--) {
    const o = ctx.orders[j]!;
    if (o.first === old || o.then === old) ctx.orders.splice(j, 1);
  }
  return a;
}

/**
 * Maintenance (of the node or the resource) cancels the recurring operations
 * still active there: nothing watches a resource the cluster leaves alone.
 */
export function cancelMaintenanceRecurring(ctx: Ctx): void {
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      if (r.u.orphan) continue;
      for (const node of r.u.runningOn) {
        const n = ctx.nodes.get(node);
        const h = r.u.history[node];
        if (!n || !h || !(r.u.maintenance || n.u.maintenance)) continue;
        // Histories are checked on nodes in maintenance or able to run resources.
        if (!n.u.maintenance && (!n.u.online || n.u.unclean || n.u.shutdown || n.u.standby)) continue;
        for (const op of Object.values(h.recurring)) {
          if (op.interval <= 0) continue;
          cancelAction(ctx, r, op.operation, op.interval, node, {
            ...opMeta(ctx, r, op.operation, op.interval, false), CRM_meta_on_node: n.name, CRM_meta_on_node_uuid: n.uuid, ...r.u.params,
            CRM_meta_call_id: String(op.callId), CRM_meta_operation: op.operation,
          });
        }
      }
    }
  }
}
