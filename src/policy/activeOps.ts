/**
 * Which recurring operations a resource's history says are still active on a
 * node (Pacemaker's calculate_active_ops / process_recurring): those recorded
 * after the last start (or, without one, the last promote/demote, or else the
 * first successful monitor after the last stop), not older, not pending.
 * @module
 */
import type { LrmRscOp } from '../cib/types.js';
import type { NodeHistory } from '../cib/unpack/types.js';
import type { Ctx, PRsc } from './model.js';
import { primitivesOf } from './model.js';
import { rscAction } from './actions.js';
import { activeRecurring } from '../cib/unpack/history.js';

/** Recurring operations still active in one node's history, oldest first. */
export function activeRecurringOps(h: NodeHistory | undefined): LrmRscOp[] {
  return h ? activeRecurring(h.ops) : [];
}

/** Is `task` at `intervalMs` an active recurring operation of `r` on `node`? */
export function isActiveRecurring(r: PRsc, node: string, task: string, intervalMs: number): boolean {
  return activeRecurringOps(r.u.history[node]).some((o) => o.operation === task && o.interval === intervalMs);
}

/**
 * Index of which working primitive owns each history entry, keyed by node and op
 * identity; built once, since a scan per status entry is quadratic in large CIBs.
 * The first primitive in `ctx.top` order wins, as the owner lookup always did.
 */
function historyOwners(ctx: Ctx): Map<string, PRsc> {
  const owners = new Map<string, PRsc>();
  for (const top of ctx.top) {
    for (const p of primitivesOf(top)) {
      for (const [node, h] of Object.entries(p.u.history)) {
        if (!h) continue;
        for (const o of h.ops) {
          const k = ownerKey(node, o);
          if (!owners.has(k)) owners.set(k, p);
        }
      }
    }
  }
  return owners;
}

function ownerKey(node: string, o: { id: string; callId: number; operation: string }): string {
  return `${node}\u0000${o.id}\u0000${o.callId}\u0000${o.operation}`;
}

/**
 * Creates (optional) the actions of every active recurring operation, in status
 * order, as unpacking the status does before anything else is scheduled: the
 * actions keep their place (and so their graph ids) when later stages need them.
 */
export function precreateActiveRecurring(ctx: Ctx, afterEach?: (p: PRsc, node: string) => void): void {
  const owners = historyOwners(ctx);
  for (const st of ctx.cluster.cib.status.nodes) {
    const name = st.uname ?? st.id;
    const n = ctx.nodes.get(name);
    if (!n || !n.u.online) continue;
    for (const lr of st.lrm ?? []) {
      if (lr.ops.length === 0) continue;
      const p = owners.get(ownerKey(name, lr.ops[0]!));
      if (!p || p.variant !== 'primitive') continue;
      for (const op of activeRecurringOps(p.u.history[name])) {
        if (!lr.ops.some((o) => o.id === op.id && o.callId === op.callId)) continue;
        rscAction(ctx, p, op.operation, op.interval, name, { optional: true });
      }
      // What else unpacking this entry schedules (a failed resource's stop) comes right after.
      afterEach?.(p, name);
    }
  }
}
