/**
 * Probes: a one-off monitor (interval 0, expecting "not running") of every
 * resource on every node that has no history of it, done before any start.
 * @module
 */
import { primitivesOf, topOf, type Act, type Ctx } from './model.js';
import { rscAction } from './actions.js';
import { cloneOf, skipCloneProbe } from './clone.js';
import { skipRemoteProbe } from './remote.js';
import { skipBundleProbe } from './bundle.js';

/** Creates probe actions (before the other resource actions, as Pacemaker does). */
export function createProbes(ctx: Ctx): Act[] {
  const probes: Act[] = [];
  const startup = ctx.cluster.options.raw['enable-startup-probes'];
  if (startup !== undefined && /^(false|no|off|0|n)$/i.test(startup)) return probes;
  // Node by node, each node's resources in order (pcmk__schedule_probes): this is the ids' order.
  for (const n of ctx.nodeList) {
    const u = n.u;
    if (!u.online || u.unclean || u.pending || u.maintenance) continue;
    for (const top of ctx.top) {
      for (const r of primitivesOf(top)) {
        if (r.u.orphan) continue;
        if (skipRemoteProbe(ctx, r, n.name)) continue;
        if (r.noDiscovery.has(n.name)) continue;
        // Known there unless its history there left no state (only pending or expired-failed entries).
        const h = r.u.history[n.name];
        if (h !== undefined && h.role !== 'Unknown') continue;
        if (skipCloneProbe(r, n.name)) continue;
        if (skipBundleProbe(ctx, r, n.name)) continue;
        probes.push(rscAction(ctx, r, 'monitor', 0, n.name, { optional: false, probe: true }));
      }
    }
  }
  return probes;
}

/** Orders each probe before every start of its resource. */
export function orderProbes(ctx: Ctx, probes: Act[]): void {
  for (const p of probes) {
    // A clone instance's probe comes before the clone's start, as Pacemaker orders probes before the top resource's start.
    const target = cloneOf(p.rsc!) ? topOf(p.rsc!) : p.rsc!;
    for (const a of target.actions) if (a.task === 'start') ctx.orders.push({ first: p, then: a, flags: {} });
  }
}
