/**
 * A resource whose agent (class, provider or type) is not the one its history on
 * a node was recorded with: that history is deleted there, and where it is active
 * it is restarted with the new agent first (Pacemaker's pcmk__rsc_agent_changed
 * and DeleteRsc, checked with the configuration changes, before assignment).
 * @module
 */
import { primitivesOf, type Act, type Ctx, type PRsc } from './model.js';
import { order, rscAction } from './actions.js';
import { historyName } from './cloneAssign.js';

/**
 * The primitives each history entry id names: by id, or by the name their history
 * goes by. Built once per run: a scan of every primitive per entry is quadratic.
 */
function ownersIndex(ctx: Ctx): Map<string, PRsc[]> {
  const index = new Map<string, PRsc[]>();
  const add = (name: string, p: PRsc): void => {
    const list = index.get(name);
    if (list === undefined) index.set(name, [p]);
    else if (!list.includes(p)) list.push(p);
  };
  for (const top of ctx.top) {
    for (const p of primitivesOf(top)) {
      add(p.id, p);
      const h = historyName(ctx, p);
      if (h !== undefined) add(h, p);
    }
  }
  return index;
}

/** Nodes whose history is checked: those that can run resources, and nodes in maintenance. */
function checked(ctx: Ctx, node: string): boolean {
  const u = ctx.nodes.get(node)?.u;
  if (!u) return false;
  if (u.maintenance) return true;
  return u.online && !u.shutdown && !u.unclean && !u.standby && !u.pending;
}

/**
 * Stage (before assignment): deletes of history recorded with another agent, and a
 * required stop where the resource is active with it (the start follows).
 */
export function scheduleAgentChanges(ctx: Ctx): void {
  let owners: Map<string, PRsc[]> | undefined;
  for (const st of ctx.cluster.cib.status.nodes) {
    const node = st.uname ?? st.id;
    if (!checked(ctx, node)) continue;
    for (const lr of st.lrm ?? []) {
      if (lr.ops.length === 0) continue;
      owners ??= ownersIndex(ctx);
      for (const p of owners.get(lr.id) ?? []) {
        if (p.u.orphan) continue;
        if ((p.u.class ?? '') === (lr.class ?? '') && (p.u.provider ?? '') === (lr.provider ?? '') && (p.u.type ?? '') === (lr.type ?? '')) continue;
        // Required before anything asks for it: no reason (an empty one), so the restart shows none.
        if (p.u.runningOn.includes(node)) rscAction(ctx, p, 'stop', 0, node, { optional: false }).reason ??= '';
        if (p.u.failed) continue;
        rscAction(ctx, p, 'delete', 0, node, { optional: false });
      }
    }
  }
}

/** Orders each such delete after the resource's stops and before its starts. */
export function orderAgentChangeDeletes(ctx: Ctx): void {
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      if (r.u.orphan) continue;
      const deletes = r.actions.filter((a) => a.task === 'delete');
      if (deletes.length === 0) continue;
      const base = (t: string): Act[] => r.actions.filter((a) => a.task === t && a.intervalMs === 0 && !a.probe);
      for (const d of deletes) {
        for (const s of base('stop')) order(ctx, s, d, {});
        for (const s of base('start')) order(ctx, d, s, {});
      }
    }
  }
}
