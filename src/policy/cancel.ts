/**
 * Cancelling a recurring operation. Pacemaker names a cancel by the key of the
 * operation it ends (`rsc_monitor_10000`), so when the recurring op's own action
 * already exists on that node (created, optional, while the history was read),
 * the cancel is that same action turned into a cancel: it keeps its place among
 * the resource's actions and its id.
 * @module
 */
import type { Act, Ctx, PRsc } from './model.js';

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
