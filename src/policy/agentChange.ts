/**
 * A resource whose agent (class, provider or type) differs from the one its
 * history on a node was recorded with: where it is active it is stopped there
 * (and so restarted), and its history there is cleaned up (a `delete`), after
 * any stop and before any start of it.
 * @module
 */
import type { LrmResource } from '../cib/types.js';
import { order, rscAction } from './actions.js';
import { primitivesOf, type Act, type Ctx, type PNode, type PRsc } from './model.js';

/** Nodes whose history is checked for configuration changes (available, or in maintenance). */
function checkedNode(n: PNode): boolean {
  const u = n.u;
  if (u.maintenance) return true;
  return u.online && !u.shutdown && !u.unclean && !u.standby;
}

function sameText(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '') === (b ?? '');
}

/** The status entry (`lrm_resource`) on `node` that `r`'s history there came from. */
function entryOf(ctx: Ctx, r: PRsc, node: string): LrmResource | undefined {
  const first = r.u.history[node]?.ops[0];
  if (!first) return undefined;
  const st = ctx.cluster.cib.status.nodes.find((s) => (s.uname ?? s.id) === node);
  return st?.lrm?.find((lr) => lr.ops.some((o) => o.id === first.id && o.callId === first.callId));
}

/** Whether the agent recorded in `lr` differs from `r`'s configured one. */
export function agentChanged(r: PRsc, lr: LrmResource): boolean {
  return !sameText(lr.class, r.u.class) || !sameText(lr.provider, r.u.provider) || !sameText(lr.type, r.u.type);
}

/**
 * Stage (with the other configuration-change checks, before assignment): stops
 * where active and cleans up the history of resources whose agent changed.
 * Returns the clean-ups, for {@link orderAgentCleanups}.
 */
export function scheduleAgentChanges(ctx: Ctx): Act[] {
  const deletes: Act[] = [];
  for (const n of ctx.nodeList) {
    if (!checkedNode(n)) continue;
    for (const top of ctx.top) {
      for (const r of primitivesOf(top)) {
        if (r.u.orphan || r.variant !== 'primitive') continue;
        const lr = entryOf(ctx, r, n.name);
        if (!lr || !agentChanged(r, lr)) continue;
        if (r.u.runningOn.includes(n.name) && r.managed) {
          // Required before anything asks for it: it carries no reason (an empty one), nor does the restart.
          const stop = rscAction(ctx, r, 'stop', 0, n.name, { optional: false });
          stop.reason ??= '';
        }
        if (!r.managed || !n.u.online || n.u.unclean) continue;
        deletes.push(rscAction(ctx, r, 'delete', 0, n.name, { optional: false }));
      }
    }
  }
  return deletes;
}

/** Orders each clean-up after every stop and before every start of its resource. */
export function orderAgentCleanups(ctx: Ctx, deletes: readonly Act[]): void {
  for (const d of deletes) {
    const r = d.rsc!;
    for (const a of r.actions) {
      if (a.task === 'stop') order(ctx, a, d, {});
      else if (a.task === 'start') order(ctx, d, a, {});
    }
  }
}
