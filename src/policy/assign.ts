/**
 * Stage 5: assignment. Resources are placed in priority order; each variant's
 * `assign` method (see variants.ts) decides its node.
 * @module
 */
import { INFINITY, nodeAvailable, scoreText, type Ctx, type PNode, type PRsc } from './model.js';
import { VARIANTS } from './variants.js';
import { mergedScores } from './colocation.js';
import { consumeCapacity, strategyTieBreak } from './utilization.js';

/** Records `fn: rsc allocation score on node: N` lines for a resource (and members). */
export function showScores(ctx: Ctx, fn: string, r: PRsc, recurse: boolean): void {
  if (r.u.orphan) return; // crm_simulate shows no scores for orphans
  for (const n of ctx.nodeList) {
    const w = r.allowed.get(n.name);
    if (w === undefined) continue;
    ctx.scoreLines.push(`${fn}: ${r.id} allocation score on ${n.name}: ${scoreText(w)}`);
  }
  if (recurse) for (const c of r.children) showScores(ctx, fn, c, true);
}

/** Nodes sorted best first: score (unavailable as −∞), fewer assignments, the preferred node, then name. */
export function sortNodes(ctx: Ctx, allowed: Map<string, number>, preferred?: string): PNode[] {
  const list = [...allowed.keys()].map((n) => ctx.nodes.get(n)).filter((n): n is PNode => !!n);
  const w = (n: PNode): number => (nodeAvailable(n) ? allowed.get(n.name)! : -INFINITY);
  const pref = (n: PNode): number => (n.name === preferred ? 0 : 1);
  const byName = (a: PNode, b: PNode): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return list.sort((a, b) => {
    if (w(b) !== w(a)) return w(b) - w(a);
    // placement-strategy: balanced compares spare capacity; minimal goes straight to the name.
    const t = strategyTieBreak(ctx, a, b);
    if (t === null) return byName(a, b);
    return t || a.assignedCount - b.assignedCount || pref(a) - pref(b) || byName(a, b);
  });
}

/** Fixes a primitive's node (null: stopped). */
export function finalizeAssignment(ctx: Ctx, r: PRsc, node: string | null, force: boolean): void {
  r.provisional = false;
  const n = node === null ? undefined : ctx.nodes.get(node);
  if (!force && (n === undefined || (r.allowed.get(n.name) ?? -INFINITY) < 0 || !nodeAvailable(n))) {
    r.assigned = null;
    r.nextRole = 'Stopped';
    return;
  }
  r.assigned = n ? n.name : null;
  if (r.assigned === null) r.nextRole = 'Stopped';
  if (n) {
    n.assignedCount++;
    consumeCapacity(ctx, r, n.name);
  }
}

/** Assigns every resource: priority first, then the score on the current node, then the best score. */
export function assignResources(ctx: Ctx): void {
  const nodes = sortNodes(ctx, new Map(ctx.nodeList.map((n) => [n.name, 0])));
  const merged = new Map(ctx.top.map((r) => [r, mergedScores(ctx, r)]));
  const current = (r: PRsc): number => {
    const p = r.variant === 'group' ? r.children[0] : r;
    const node = p?.u.runningOn[0];
    const w = node === undefined ? undefined : merged.get(r)!.get(node);
    return w ?? r.u.priority;
  };
  // Unpacking already orders resources by priority; finer sorting only applies with utilization placement.
  const finer = ctx.cluster.options.placementStrategy !== 'default';
  const cmp = (a: PRsc, b: PRsc): number => {
    if (a.u.priority !== b.u.priority) return b.u.priority - a.u.priority;
    if (!finer) return 0;
    const ca = current(a), cb = current(b);
    if (ca !== cb) return cb - ca;
    for (const n of nodes) {
      const wa = merged.get(a)!.get(n.name) ?? -INFINITY, wb = merged.get(b)!.get(n.name) ?? -INFINITY;
      if (wa !== wb) return wb - wa;
    }
    return 0;
  };
  const order = [...ctx.top].sort(cmp);
  ctx.top.splice(0, ctx.top.length, ...order);
  for (const r of order) VARIANTS[r.variant].assign(ctx, r);
}
