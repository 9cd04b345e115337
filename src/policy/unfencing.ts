/**
 * Unfencing: when a fencing device provides unfencing (or a resource requires it),
 * a node is turned back "on" before resources needing it are probed or started
 * there (Pacemaker's pcmk__order_vs_unfence / trigger_unfencing). The "on" action is
 * required only on a node never unfenced (no `#node-unfenced` attribute).
 * @module
 */
import { primitivesOf, type Act, type Ctx, type PRsc } from './model.js';
import { order } from './actions.js';

function truthy(v: string | undefined): boolean {
  return v !== undefined && /^(true|yes|on|1|y)$/i.test(v);
}

/** Whether any resource makes unfencing necessary. */
export function unfencingEnabled(ctx: Ctx): boolean {
  return ctx.top.some((t) => primitivesOf(t).some((r) => (r.u.class === 'stonith' && r.u.meta['provides'] === 'unfencing') || r.u.meta['requires'] === 'unfencing'));
}

function needsUnfencing(r: PRsc, enabled: boolean): boolean {
  return (r.u.class === 'stonith' && enabled) || r.u.meta['requires'] === 'unfencing';
}

function unfenceAction(ctx: Ctx, node: string): Act {
  const existing = ctx.actions.find((a) => a.task === 'stonith' && a.fenceTarget === node && a.fenceAction === 'on');
  if (existing) return existing;
  const n = ctx.nodes.get(node)!;
  const attrs: Record<string, string> = { CRM_meta_on_node: n.name, CRM_meta_on_node_uuid: n.uuid, CRM_meta_stonith_action: 'on' };
  for (const [k, v] of Object.entries(n.u.attributes)) if (!k.startsWith('#')) attrs[`CRM_meta_${k.replace(/-/g, '_')}`] = v;
  const a: Act = {
    seq: ctx.seq++, task: 'stonith', intervalMs: 0, key: `stonith-${node}-on`, node, kind: 'crm_event',
    optional: true, runnable: true, attrs, downed: [], fenceTarget: node, fenceAction: 'on',
  };
  ctx.actions.push(a);
  return a;
}

/** Creates the unfencing ("on") actions and orders probes and starts needing them after them. */
export function scheduleUnfencing(ctx: Ctx): void {
  if (!ctx.stonithEnabled) return;
  const enabled = unfencingEnabled(ctx);
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      if (!needsUnfencing(r, enabled)) continue;
      for (const a of r.actions) {
        if (a.node === undefined || a.kind !== 'rsc_op' || !(a.probe || a.task === 'start')) continue;
        const n = ctx.nodes.get(a.node);
        if (!n || !n.u.online || n.u.unclean || n.u.shutdown) continue;
        const on = unfenceAction(ctx, a.node);
        order(ctx, on, a, a.probe ? {} : { impliesThen: true });
        const unfenced = n.u.attributes['#node-unfenced'];
        if (unfenced === undefined || unfenced === '0' || (!truthy(unfenced) && !/^\d+$/.test(unfenced))) {
          on.optional = false;
          if (!ctx.fence.has(a.node)) ctx.fence.set(a.node, `required by ${r.id} ${a.task}`);
        }
      }
    }
  }
}
