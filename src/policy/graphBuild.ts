/**
 * Stage 9: the transition graph. Required, runnable actions become synapses in
 * Pacemaker's order (resources in assignment order, each resource's actions newest
 * first, then node-level actions); orderings between included actions become inputs.
 * @module
 */
import { bundleOfClone, innerClone } from './bundle.js';
import type { Act, Ctx, PRsc } from './model.js';
import type { GraphAction, GraphSettings, TransitionGraph } from './graph.js';
import { cloneGraphPriority, graphNames, instanceGraphMeta } from './clone.js';

function included(ctx: Ctx): Set<Act> {
  const inc = new Set(ctx.actions.filter((a) => !a.optional && a.runnable));
  for (let changed = true; changed; ) {
    changed = false;
    for (const o of ctx.orders) {
      if (o.flags.printedFirst && inc.has(o.then) && !inc.has(o.first) && o.first.runnable) {
        inc.add(o.first);
        changed = true;
      }
      if (o.flags.printedThen && inc.has(o.first) && !inc.has(o.then) && o.then.runnable) {
        inc.add(o.then);
        changed = true;
      }
    }
  }
  return inc;
}

function resourceOrder(r: PRsc, out: Act[], viaBundle = false): void {
  // A bundle expands its implicit clone, then its replicas; its own pseudo actions come with the node-level ones.
  if (r.variant === 'bundle') {
    const inner = innerClone(r);
    if (inner) resourceOrder(inner, out, true);
    for (const c of r.children) resourceOrder(c, out);
    return;
  }
  if (r.variant === 'clone' && !viaBundle && bundleOfClone(r)) return;
  // Newest first, as Pacemaker prepends each new action to its resource's list.
  const rev = [...r.actions].reverse();
  // Clones expand their instances before their own actions (clone_expand).
  if (r.variant === 'clone') for (const c of r.children) resourceOrder(c, out);
  out.push(...rev);
  if (r.variant !== 'clone') for (const c of r.children) resourceOrder(c, out);
}

function settings(ctx: Ctx): GraphSettings {
  const raw = ctx.cluster.options.raw;
  return {
    clusterDelay: raw['cluster-delay'] ?? '60s',
    stonithTimeout: raw['stonith-timeout'] ?? '60s',
    failedStopOffset: 'INFINITY',
    failedStartOffset: /^(false|no|off|0)$/i.test(raw['start-failure-is-fatal'] ?? 'true') ? '1' : 'INFINITY',
    batchLimit: Number(raw['batch-limit'] ?? 0) || 0,
    transitionId: 0,
  };
}

/** Builds the graph and returns it with the included actions (by id). */
export function buildGraph(ctx: Ctx): { graph: TransitionGraph; ids: Map<Act, number> } {
  const inc = included(ctx);
  const ids = new Map<Act, number>();
  // Pacemaker numbers every action it creates, optional ones included (1-based).
  for (const a of ctx.actions) if (inc.has(a)) ids.set(a, a.seq + 1);
  const synOrder: Act[] = [];
  for (const r of ctx.top) resourceOrder(r, synOrder);
  // Node-level actions newest first too: Pacemaker prepends every action to its list.
  for (const a of [...ctx.actions].reverse()) if (!a.rsc || a.rsc.variant === 'bundle') synOrder.push(a);
  const inputs = new Map<Act, Set<number>>();
  for (const o of ctx.orders) {
    if (o.flags.noGraph) continue;
    const f = ids.get(o.first);
    if (f === undefined || !ids.has(o.then)) continue;
    const s = inputs.get(o.then) ?? new Set();
    s.add(f);
    inputs.set(o.then, s);
  }
  const actions: GraphAction[] = [];
  for (const a of synOrder) {
    const id = ids.get(a);
    if (id === undefined) continue;
    const n = a.node !== undefined ? ctx.nodes.get(a.node) : undefined;
    const r = a.rsc;
    const cn = graphNames(ctx, a);
    const gkey = cn.key ?? a.graphKey ?? a.key;
    actions.push({
      id,
      kind: a.kind,
      operation: a.task,
      key: gkey,
      ...(gkey !== a.key ? { internalKey: a.key } : {}),
      ...(n && (a.kind !== 'pseudo_event' || a.task === 'stonith') ? { node: { name: n.name, uuid: n.uuid } } : {}),
      ...(r && (a.kind === 'rsc_op' || a.task === 'clear_failcount' || a.task === 'lrm_delete')
        ? { resource: { id: cn.rscId ?? r.id, ...(cn.longId ? { longId: cn.longId } : {}), ...(cn.runAs ? { runAs: cn.runAs } : {}), class: r.u.class ?? 'ocf', ...(r.u.provider ? { provider: r.u.provider } : {}), type: r.u.type ?? '' } }
        : {}),
      attributes: { ...instanceGraphMeta(a), ...a.attrs },
      ...(a.kind === 'crm_event' && a.task === 'lrm_delete' ? { mode: 'cib' } : {}),
      ...(r?.shutdownLock && a.kind === 'rsc_op' && a.task === 'stop' && a.node === r.shutdownLock.node ? { shutdownLock: r.shutdownLock.time } : {}),
      ...(a.downed ? { downed: [...a.downed] } : {}),
      priority: cloneGraphPriority(a),
      inputs: [...(inputs.get(a) ?? [])].sort((x, y) => x - y),
    });
  }
  return { graph: { settings: settings(ctx), actions }, ids };
}
