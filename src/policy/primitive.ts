/**
 * Variant methods of a primitive: assignment to the best node, and its start,
 * stop and recurring monitor actions.
 * @module
 */
import { INFINITY, nodeAvailable, type Act, type Ctx, type PolicyVariant, type PRsc } from './model.js';
import { addColocatedScores, anyAvailable, applyColocScore, groupMandatoryColocs } from './colocation.js';
import { finalizeAssignment, showScores, sortNodes } from './assign.js';
import { findOp, order, rscAction } from './actions.js';
import { banInsufficientCapacity } from './utilization.js';
import { intervalOrZero } from '../cib/values.js';
import type { VariantMethods } from './variants.js';
import { isActiveRecurring } from './activeOps.js';
import { haveStonithResource } from './fencing.js';
import { createDanglingStops } from './migration.js';
import { createUnmanagedMonitors } from './monitors.js';
import { hasInfluence } from './influence.js';

function chooseNode(ctx: Ctx, r: PRsc, prefer?: string): string | null {
  // Utilization: nodes without room are banned; with no room anywhere, the emptiest is preferred.
  const roomiest = banInsufficientCapacity(ctx, r);
  if (prefer === undefined) prefer = roomiest;
  const nodes = sortNodes(ctx, r.allowed, r.u.runningOn[0]);
  const best = nodes[0];
  if (!best) return null;
  let chosen = best;
  const bw = r.allowed.get(best.name)!;
  // A clone instance's preferred (current) node wins when it is as good as the best.
  const pw = prefer === undefined ? undefined : r.allowed.get(prefer);
  if (pw !== undefined && pw >= bw && nodeAvailable(ctx.nodes.get(prefer!))) return prefer!;
  // Unique clone instances were already kept where they run, when that was right.
  const uniqueInstance = r.parent?.variant === 'clone' && r.parent.u.unique;
  if (bw > 0 && nodeAvailable(best) && !uniqueInstance) {
    const running = r.u.runningOn[0];
    const rn = running === undefined ? undefined : ctx.nodes.get(running);
    if (rn && nodeAvailable(rn)) {
      for (const n of nodes.slice(1)) {
        if (r.allowed.get(n.name) !== bw) break;
        if (n.name === rn.name) chosen = n;
      }
    }
  }
  return chosen.name;
}

/**
 * Fencing enabled but no fence device configured: Pacemaker disables resource
 * start-up, so an inactive resource that requires fencing is not placed.
 */
function startupDisabled(ctx: Ctx, r: PRsc): boolean {
  if (!ctx.stonithEnabled || r.u.runningOn.length > 0 || r.u.class === 'stonith') return false;
  const requires = r.u.meta['requires'] ?? 'fencing';
  if (requires !== 'fencing' && requires !== 'unfencing') return false;
  let have = HAVE_DEVICE.get(ctx);
  if (have === undefined) HAVE_DEVICE.set(ctx, (have = haveStonithResource(ctx)));
  return !have;
}
const HAVE_DEVICE = new WeakMap<Ctx, boolean>();

function assign(ctx: Ctx, r: PRsc, prefer?: string): string | null {
  if (!r.provisional) return r.assigned;
  if (r.parent && !r.parent.assigning) {
    VARIANTS_REF.table![r.parent.variant].assign(ctx, r.parent, prefer);
    return r.assigned;
  }
  if (r.assigning) return null;
  r.assigning = true;
  for (const c of [...r.withPrimaries]) {
    VARIANTS_REF.table![c.primary.variant].assign(ctx, c.primary);
    // A role colocation, or an optional negative one, is undone when it would leave nowhere to run.
    const archive = c.dependentRole === 'Promoted' || (c.score < 0 && c.score > -INFINITY) ? new Map(r.allowed) : undefined;
    applyColocScore(ctx, r, c.primary, c);
    if (archive && !anyAvailable(ctx, r.allowed)) r.allowed = archive;
  }
  for (const c of groupMandatoryColocs(r)) applyColocScore(ctx, r, c.primary, c);
  for (const c of [...r.withDependents]) {
    if (!hasInfluence(c)) continue;
    r.allowed = addColocatedScores(ctx, c.dependent, r.allowed, c.nodeAttribute, c.score / INFINITY);
  }
  if (r.nextRole === 'Stopped') for (const n of r.allowed.keys()) r.allowed.set(n, -INFINITY);
  showScores(ctx, 'pcmk__primitive_assign', r, false);
  if (!r.managed) {
    r.nextRole = r.u.runningOn.length ? 'Started' : 'Stopped';
    finalizeAssignment(ctx, r, r.u.runningOn[0] ?? null, true);
  } else if (ctx.stopEverything || startupDisabled(ctx, r)) {
    finalizeAssignment(ctx, r, null, true);
  } else {
    finalizeAssignment(ctx, r, chooseNode(ctx, r, prefer), false);
  }
  r.assigning = false;
  return r.assigned;
}

function createActions(ctx: Ctx, r: PRsc): void {
  const cur = r.u.runningOn;
  const next = r.assigned;
  if (!r.managed) {
    // Unmanaged: actions exist only so orderings can see they cannot run.
    for (const n of cur) {
      rscAction(ctx, r, 'stop', 0, n, { optional: true }).runnable = false;
      // A blocked resource gets no recurring actions, so no start either (pcmk__create_recurring_actions).
      if (!r.u.blocked) rscAction(ctx, r, 'start', 0, n, { optional: true }).runnable = false;
    }
    createUnmanagedMonitors(ctx, r);
    return;
  }
  createDanglingStops(ctx, r);
  let stopNodes: string[] = [];
  let startRequired = false;
  const stopOnly = cur.length > 1 && r.u.meta['multiple-active'] === 'stop_only';
  // multiple-active=stop_unexpected: keep the instance where it belongs, stop the others.
  const stopUnexpected = cur.length > 1 && r.u.meta['multiple-active'] === 'stop_unexpected' && next !== null && cur.includes(next);
  if (stopUnexpected) {
    stopNodes = cur.filter((n) => n !== next);
    startRequired = true;
    r.reason = 'being multiply active';
  } else if (cur.length > 1) {
    // Active on several nodes: stop everywhere, then start once (unless multiple-active=stop_only).
    stopNodes = [...cur];
    startRequired = next !== null && !stopOnly;
    if (stopOnly && !r.reason) r.reason = 'node availability';
  } else if (cur.length === 1) {
    const c = cur[0]!;
    if (next === null) {
      stopNodes = [c];
      if (!r.reason) r.reason = 'node availability';
    } else if (next !== c || (r.u.failed && !r.u.recoverByDemote)) {
      stopNodes = [c];
      startRequired = true;
    } else if (r.u.pendingTask === 'start') {
      // A start still in flight is asked for again where it runs (its result is not known yet).
      startRequired = true;
    }
  } else if (next !== null) startRequired = true;

  const stops: Act[] = [];
  const demotes = demotesBeforeStops(ctx, r, stopNodes);
  for (const n of stopNodes) {
    const unclean = ctx.nodes.get(n)?.u.unclean ?? false;
    const stop = rscAction(ctx, r, 'stop', 0, unclean ? undefined : n, { optional: false, pseudo: unclean });
    if (next === null && r.reason && !stop.reason) stop.reason = r.reason;
    stops.push(stop);
  }
  for (const d of demotes) for (const s of stops) order(ctx, d, s, { impliesFirst: true });
  if (cur.length === 1 && next === cur[0] && stopNodes.length === 0 && r.u.pendingTask !== 'start') {
    stops.push(rscAction(ctx, r, 'stop', 0, next, { optional: true }));
  }
  let start: Act | undefined;
  if (next !== null && !stopOnly) {
    start = stopUnexpected
      ? rscAction(ctx, r, 'start', 0, undefined, { optional: false, pseudo: true })
      : rscAction(ctx, r, 'start', 0, next, { optional: !startRequired });
    for (const s of stops) order(ctx, s, start, { impliesThen: true, restart: true, runnableLeftIfRequired: true });
  }
  if (next !== null && start) {
    // Ops sharing name and interval are a configuration error: all of them are ignored (is_op_dup).
    const perInterval = new Map<number, number>();
    for (const op of r.u.ops) if (op.name === 'monitor') perInterval.set(intervalOrZero(op.interval), (perInterval.get(intervalOrZero(op.interval)) ?? 0) + 1);
    for (const op of r.u.ops) {
      if (op.name !== 'monitor' || op.enabled === 'false') continue;
      if ((perInterval.get(intervalOrZero(op.interval)) ?? 0) > 1) continue;
      if (op.role && !/^Started$/i.test(op.role)) continue;
      // A promoted clone instance runs only its Promoted-role monitors (see promotable.ts).
      if (!op.role && r.nextRole === 'Promoted') continue;
      if (op.role && (r.nextRole === 'Promoted' || r.nextRole === 'Unpromoted')) continue;
      const ms = intervalOrZero(op.interval);
      if (ms <= 0) continue;
      const known = cur.includes(next) && isActiveRecurring(r, next, 'monitor', ms);
      const mon = rscAction(ctx, r, 'monitor', ms, next, { optional: known && start.optional });
      order(ctx, start, mon, { impliesThen: true, runnableLeft: true });
    }
  }
  void findOp;
}

/**
 * A primitive outside any clone found promoted leaves the role before it stops:
 * a demote wherever it stops (on nodes that can run it), each before every stop.
 */
function demotesBeforeStops(ctx: Ctx, r: PRsc, stopNodes: string[]): Act[] {
  if (r.u.role !== 'Promoted' || r.parent?.variant === 'clone' || r.parent?.parent?.variant === 'clone') return [];
  return stopNodes.filter((n) => !(ctx.nodes.get(n)?.u.unclean ?? false)).map((n) => rscAction(ctx, r, 'demote', 0, n, { optional: false }));
}

/** Start/stop endpoints of a primitive for orderings (first and then sides are the same). */
function endpoint(_ctx: Ctx, r: PRsc, task: string, _asFirst: boolean): Act[] {
  return r.actions.filter((a) => a.task === task && a.intervalMs === 0 && !a.probe);
}

/** Set by variants.ts to break the import cycle. */
export const VARIANTS_REF: { table?: Record<PolicyVariant, VariantMethods> } = {};

/** The primitive variant's methods. */
export const primitiveMethods: VariantMethods = { assign, createActions, endpoint, internalOrders: () => undefined };
