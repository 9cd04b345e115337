/**
 * Stage 3: resource-stickiness on the current node and bans from failure
 * thresholds (migration-threshold against failcounts not yet expired by
 * failure-timeout).
 * @module
 */
import { restartedContainer } from './remote.js';
import { INFINITY, primitivesOf, type Ctx, type PRsc } from './model.js';
import { resourceLocation } from './location.js';
import { banTree, cloneFailcount, failureBanTarget, instanceStickiness } from './clone.js';
import { rscAction } from './actions.js';
import { parseInterval } from '../cib/values.js';
import { frozenByTicket } from './tickets.js';
import type { NodeHistory } from '../cib/unpack/types.js';

/** The failcount of `r` on `node` that still counts at `now` (epoch seconds). */
export function effectiveFailcount(ctx: Ctx, r: PRsc, node: string): number {
  const fc = r.u.failcount[node]?.total ?? 0;
  if (fc <= 0) return 0;
  const timeoutMs = r.u.failureTimeoutMs;
  const last = r.u.lastFailure[node];
  if (timeoutMs > 0 && last !== undefined && last + timeoutMs / 1000 <= ctx.cluster.now) return 0;
  return fc;
}

/** Adds stickiness and failure bans to every primitive. */
export function applyStickinessAndFailures(ctx: Ctx): void {
  const symmetric = ctx.cluster.options.symmetricCluster;
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      const running = r.u.runningOn;
      // multiple-active=stop_only: a resource found active on several nodes runs nowhere.
      if (running.length > 1 && r.u.meta['multiple-active'] === 'stop_only') for (const n of ctx.nodeList) resourceLocation(r, n.name, -INFINITY);
      // A failed stop leaves the resource unusable on that node.
      for (const f of r.u.failures) if (f.op.operation === 'stop' && !f.expired && f.onFail !== 'ignore') resourceLocation(r, f.node, -INFINITY);
      const stickiness = instanceStickiness(r);
      // An unmanaged resource stays exactly where it is active (not when blocked for being multiply active).
      const multiplyActive = primitivesOf(top).some((p) => p.u.runningOn.length > 1);
      if (!r.managed && !frozenByTicket(r) && running.length === 1 && !multiplyActive) resourceLocation(r, running[0]!, INFINITY);
      if (r.managed && stickiness >= 1 && running.length === 1) {
        const node = running[0]!;
        if (symmetric || r.allowed.has(node)) resourceLocation(r, node, stickiness);
      }
      if (r.u.migrationThreshold > 0) {
        for (const n of ctx.nodeList) {
          const fc = cloneFailcount(ctx, r, n.name) ?? effectiveFailcount(ctx, r, n.name);
          if (fc > 0 && fc >= r.u.migrationThreshold) {
            // A failed anonymous clone instance bans the whole clone from the node.
            const target = failureBanTarget(r);
            if (target === r) resourceLocation(r, n.name, -INFINITY);
            else banTree(target, n.name);
          }
        }
      }
    }
  }
}

/**
 * Failed resources get their stop as soon as the failure is seen (before probes),
 * as Pacemaker does while reading the history; creation order decides synapse order.
 */
function failedHere(h: NodeHistory | undefined): boolean {
  if (!h) return true;
  const f = h.lastFailure;
  if (!f) return true;
  const i = h.ops.indexOf(f);
  return !h.ops.slice(i + 1).some((o) => o.operation === 'stop' && o.rcCode === 0 && o.opStatus === 0);
}

export function precreateFailedStops(ctx: Ctx, visited?: ReadonlySet<string>): void {
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) for (const n of r.u.runningOn) if (!visited?.has(`${r.id}\n${n}`)) failedStopOn(ctx, r, n);
  }
}

/**
 * Early stops in status order: reading one node's history stops a failed resource
 * there only if a failure was already seen (on this node or one read before);
 * `visited` names the (resource, node) entries decided this way.
 */
export function failedStopWalker(ctx: Ctx): { visit: (p: PRsc, node: string) => void; visited: Set<string> } {
  const visited = new Set<string>();
  const failedSoFar = new Set<string>();
  return {
    visited,
    visit: (p, node) => {
      visited.add(`${p.id}\n${node}`);
      if (p.u.history[node]?.lastFailure) failedSoFar.add(p.id);
      if (failedSoFar.has(p.id)) failedStopOn(ctx, p, node);
    },
  };
}

/** The early stop of a failed resource on one node, if unpacking that node's history creates one. */
export function failedStopOn(ctx: Ctx, r: PRsc, n: string): void {
  if (!r.u.failed || r.u.recoverByDemote || !r.managed || !r.u.runningOn.includes(n)) return;
  if (r.u.runningOn.length > 1 && r.u.meta['multiple-active'] === 'stop_unexpected') return;
  if (ctx.nodes.get(n)?.u.unclean) return;
  // Unpacking stops a failed resource only where that node's own history failed
  // (a later successful stop there clears it); other nodes' stops come later.
  if (!failedHere(r.u.history[n])) return;
  // on-fail=restart-container: the container is stopped (and so restarted) instead.
  rscAction(ctx, restartedContainer(ctx, r, n) ?? r, 'stop', 0, n, { optional: false });
}

/**
 * Recurring monitors already running for resources staying where they are active are created while
 * the history is read (before probes), so they come last among their resource's
 * synapses; createActions later decides whether they are needed.
 */
export function precreateActiveMonitors(ctx: Ctx): void {
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      const next = r.assigned;
      if (!r.managed || next === null || !r.u.runningOn.includes(next) || r.variant !== 'primitive') continue;
      for (const op of r.u.ops) {
        if (op.name !== 'monitor' || op.enabled === 'false' || (op.role && !/^Started$/i.test(op.role))) continue;
        const ms = parseInterval(op.interval);
        if (!ms.ok || ms.val <= 0 || r.u.history[next]?.recurring[`monitor_${ms.val}`] === undefined) continue;
        rscAction(ctx, r, 'monitor', ms.val, next, { optional: true });
      }
    }
  }
}
