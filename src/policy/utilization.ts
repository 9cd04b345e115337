/**
 * Utilization and placement strategy (Pacemaker Explained, "Utilization and
 * Placement Strategy"): nodes' remaining capacities, the capacity check that bans
 * a resource from nodes that cannot hold it (and the resources colocated with it),
 * the `balanced` node comparison, and the `load_stopped_<node>` pseudo actions that
 * make starts on a node wait for the stops that free its capacity.
 *
 * The working state (remaining capacities, resource demands) lives in a WeakMap
 * keyed by the scheduler context, so `schedule` stays pure.
 * @module
 */
import type { Primitive } from '../cib/types.js';
import { effectiveUtilization } from '../cib/nvsets.js';
import { INFINITY, nodeAvailable, type Act, type Ctx, type PNode, type PRsc } from './model.js';
import { order } from './actions.js';

/** Capacity name → amount. */
export type Utilization = Map<string, number>;

interface UtilState {
  /** Remaining capacity per node name. */
  readonly remaining: Map<string, Utilization>;
  /** Demand per primitive. */
  readonly demand: Map<PRsc, Utilization>;
  /** load_stopped pseudo action per node name. */
  readonly loadStopped: Map<string, Act>;
}

const STATE = new WeakMap<Ctx, UtilState>();

/** Utilization values are integers; anything else counts as 0 (as Pacemaker's utilization_value). */
export function utilizationValue(s: string | number | undefined): number {
  if (typeof s === 'number') return Number.isFinite(s) ? Math.trunc(s) : 0;
  if (s === undefined) return 0;
  const n = Number.parseInt(s, 10);
  return Number.isFinite(n) ? n : 0;
}

/** Is a placement strategy other than `default` configured (utilization taken into account)? */
export function usesUtilization(ctx: Ctx): boolean {
  return ctx.cluster.options.placementStrategy !== 'default';
}

function state(ctx: Ctx): UtilState {
  let s = STATE.get(ctx);
  if (!s) {
    const remaining = new Map<string, Utilization>();
    for (const n of ctx.nodeList) {
      const u: Utilization = new Map();
      for (const [k, v] of Object.entries(n.u.utilization)) u.set(k, utilizationValue(v));
      remaining.set(n.name, u);
    }
    s = { remaining, demand: new Map(), loadStopped: new Map() };
    STATE.set(ctx, s);
  }
  return s;
}

/** A node's remaining capacity (after the resources assigned to it so far). */
export function remainingCapacity(ctx: Ctx, node: string): Utilization {
  const s = state(ctx);
  let u = s.remaining.get(node);
  if (!u) s.remaining.set(node, (u = new Map()));
  return u;
}

/** What a primitive needs (its `utilization` sets, rules evaluated). Empty for other variants. */
export function resourceDemand(ctx: Ctx, r: PRsc): Utilization {
  const s = state(ctx);
  let d = s.demand.get(r);
  if (d) return d;
  d = new Map();
  if (r.variant === 'primitive' && r.u.config.kind === 'primitive') {
    const vals = effectiveUtilization(r.u.config as Primitive, ctx.cluster.cib, { now: ctx.cluster.now });
    for (const [k, v] of vals) d.set(k, utilizationValue(v));
  }
  s.demand.set(r, d);
  return d;
}

/**
 * Compares two nodes' remaining capacities: negative when `a` has more spare
 * capacity in more of the capacities either node defines (pcmk__compare_node_capacities).
 */
export function compareNodeCapacities(ctx: Ctx, a: PNode, b: PNode): number {
  const ua = remainingCapacity(ctx, a.name), ub = remainingCapacity(ctx, b.name);
  let result = 0;
  const tally = (x: number, y: number): void => {
    if (x > y) result--;
    else if (x < y) result++;
  };
  for (const [k, v] of ua) tally(v, ub.get(k) ?? 0);
  for (const [k, v] of ub) if (!ua.has(k)) tally(0, v);
  return result;
}

/**
 * The strategy's tie-break between two equally scored nodes, before the count of
 * assigned resources: `balanced` prefers more spare capacity. `minimal` goes
 * straight to the node name (returns null to say "skip the count").
 */
export function strategyTieBreak(ctx: Ctx, a: PNode, b: PNode): number | null {
  const s = ctx.cluster.options.placementStrategy;
  if (s === 'minimal') return null;
  if (s === 'balanced') return compareNodeCapacities(ctx, a, b);
  return 0;
}

function add(into: Utilization, what: Utilization): void {
  for (const [k, v] of what) into.set(k, (into.get(k) ?? 0) + v);
}

/** Takes a primitive's demand from a node's remaining capacity (assignment). */
export function consumeCapacity(ctx: Ctx, r: PRsc, node: string): void {
  if (!usesUtilization(ctx) || r.variant !== 'primitive') return;
  const u = remainingCapacity(ctx, node);
  for (const [k, v] of resourceDemand(ctx, r)) u.set(k, (u.get(k) ?? 0) - v);
}

/** Gives a primitive's demand back to a node (a clone instance un-assigned). */
export function releaseCapacity(ctx: Ctx, r: PRsc, node: string): void {
  if (!usesUtilization(ctx) || r.variant !== 'primitive') return;
  const u = remainingCapacity(ctx, node);
  for (const [k, v] of resourceDemand(ctx, r)) u.set(k, (u.get(k) ?? 0) + v);
}

function hasEnough(ctx: Ctx, node: string, need: Utilization): boolean {
  const u = remainingCapacity(ctx, node);
  for (const [k, v] of need) if (v > (u.get(k) ?? 0)) return false;
  return true;
}

const isClone = (r: PRsc | undefined): boolean => r?.variant === 'clone';
const groupColocated = (g: PRsc): boolean => !/^(false|no|off|0)$/i.test(g.u.meta['collocated'] ?? 'true');

/**
 * Resources that must end up on the same node as `r`: followed along mandatory
 * (INFINITY) colocations both ways (pcmk__colocated_resources).
 */
export function colocatedResources(r: PRsc, orig: PRsc = r, list: PRsc[] = []): PRsc[] {
  if (list.includes(r)) return list;
  if (r.variant === 'group' && r.children.length) {
    // Members of a colocated (or cloned) group all count; otherwise the first stands for it.
    const members = groupColocated(r) || isClone(r.parent) ? r.children : r.children.slice(0, 1);
    for (const m of members) colocatedResources(m, orig, list);
    return list;
  }
  list.push(r);
  // A primitive's colocations include those of the collective resources holding it.
  const holders: PRsc[] = [r];
  if (r.variant === 'primitive') for (let p = r.parent; p; p = p.parent) holders.push(p);
  const withPrimaries = holders.flatMap((h) => h.withPrimaries);
  for (const c of withPrimaries) {
    if (c.primary === orig || c.score < INFINITY || c.dependentRole || c.primaryRole) continue;
    colocatedResources(c.primary, orig, list);
  }
  for (const h of holders) {
    for (const c of h.withDependents) {
      if (c.dependent === orig || c.score < INFINITY || c.dependentRole || c.primaryRole) continue;
      // A clone cannot be sure whether a non-clone dependent goes with a given instance.
      if (isClone(h) && !isClone(c.dependent)) continue;
      colocatedResources(c.dependent, orig, list);
    }
  }
  return list;
}

/** Adds the demand of a resource still to be placed (each variant's add_utilization). */
function addDemand(ctx: Ctx, r: PRsc, all: PRsc[], into: Utilization): void {
  if (!r.provisional) return;
  if (r.variant === 'primitive') {
    add(into, resourceDemand(ctx, r));
  } else if (r.variant === 'group') {
    // A colocated (or cloned) group's members all go to one node.
    const members = groupColocated(r) || isClone(r.parent) ? r.children : r.children.slice(0, 1);
    for (const m of members) if (m.provisional && !all.includes(m)) addDemand(ctx, m, all, into);
  } else if (r.variant === 'clone') {
    let existing = false;
    for (const c of r.children) {
      if (all.includes(c)) existing = true;
      else if (c.children.some((m) => all.includes(m))) {
        addDemand(ctx, c, all, into);
        existing = true;
      }
    }
    if (!existing && r.children[0]) addDemand(ctx, r.children[0], all, into);
  }
}

/** Node usable for placement and not banned (pcmk__node_available with scores). */
function usable(ctx: Ctx, r: PRsc, node: string): boolean {
  return nodeAvailable(ctx.nodes.get(node)) && (r.allowed.get(node) ?? -INFINITY) >= 0;
}

/**
 * Bans a primitive from nodes without the capacity for it and for the resources
 * that must go with it (or, when no node could hold them all, for it alone).
 * Returns the node with the most spare capacity when no node could hold them all,
 * as the node to prefer (pcmk__ban_insufficient_capacity).
 */
export function banInsufficientCapacity(ctx: Ctx, r: PRsc): string | undefined {
  if (!usesUtilization(ctx)) return undefined;
  const rscs = colocatedResources(r);
  if (!rscs.includes(r)) rscs.push(r);
  const need: Utilization = new Map();
  for (const x of rscs) addDemand(ctx, x, rscs, need);
  let anyCapable = false;
  let most: PNode | undefined;
  const nodes = ctx.nodeList.filter((n) => r.allowed.has(n.name) && usable(ctx, r, n.name));
  for (const n of nodes) {
    if (hasEnough(ctx, n.name, need)) anyCapable = true;
    if (!most || compareNodeCapacities(ctx, n, most) < 0) most = n;
  }
  const own = resourceDemand(ctx, r);
  for (const n of nodes) {
    if (!hasEnough(ctx, n.name, anyCapable ? need : own)) r.allowed.set(n.name, -INFINITY);
  }
  return anyCapable ? undefined : most?.name;
}

function loadStopped(ctx: Ctx, node: string): Act {
  const made = state(ctx).loadStopped;
  let a = made.get(node);
  if (!a) {
    const key = `load_stopped_${node}`;
    a = { seq: ctx.seq++, task: key, intervalMs: 0, key, node, kind: 'pseudo_event', optional: false, runnable: true, attrs: {} };
    ctx.actions.push(a);
    made.set(node, a);
  }
  return a;
}

function allPrimitives(rs: PRsc[]): PRsc[] {
  return rs.flatMap((r) => (r.variant === 'primitive' ? [r] : allPrimitives(r.children)));
}

/** Managed primitives that define some utilization: only they get load orderings. */
function loadedPrimitives(ctx: Ctx): PRsc[] {
  return allPrimitives(ctx.top).filter((r) => r.managed && resourceDemand(ctx, r).size > 0);
}

/** Nodes a primitive may go to, by name (the load_stopped orderings' "then" side). */
function allowedNodes(ctx: Ctx, r: PRsc): string[] {
  return [...r.allowed.keys()].filter((n) => ctx.nodes.has(n)).sort();
}

/**
 * Creates the `load_stopped_<node>` pseudo actions, before assignment and in
 * configuration order as Pacemaker's internal constraints do (which fixes their
 * ids): first each primitive's current nodes, then the nodes it may run on.
 */
export function createLoadStoppedActions(ctx: Ctx): void {
  if (!usesUtilization(ctx)) return;
  for (const r of loadedPrimitives(ctx)) {
    for (const n of r.u.runningOn) if (ctx.nodes.has(n)) loadStopped(ctx, n);
    for (const n of allowedNodes(ctx, r)) loadStopped(ctx, n);
  }
}

/**
 * Orders each primitive's stops on its current nodes before their
 * `load_stopped_<node>`, and its starts (or migrations) on a node after that
 * node's (pcmk__create_utilization_constraints). The ordering only binds actions
 * on the same node, and an optional stop is no input.
 */
export function createUtilizationOrders(ctx: Ctx): void {
  if (!usesUtilization(ctx)) return;
  for (const r of loadedPrimitives(ctx)) {
    for (const n of r.u.runningOn) {
      if (!ctx.nodes.has(n)) continue;
      const ls = loadStopped(ctx, n);
      for (const s of r.actions) if (s.task === 'stop' && s.intervalMs === 0 && s.node === n) order(ctx, s, ls, {});
    }
    for (const n of allowedNodes(ctx, r)) {
      const ls = loadStopped(ctx, n);
      for (const t of r.actions) {
        if (t.intervalMs !== 0 || t.probe) continue;
        // A migration waits for room where the resource goes, not where migrate_to runs.
        if ((t.task === 'start' && (t.node ?? (t.kind === 'pseudo_event' ? r.assigned : undefined)) === n) || (t.task === 'migrate_to' && r.assigned === n)) order(ctx, ls, t, {});
      }
    }
  }
}
