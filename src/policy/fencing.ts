/**
 * Stage 7: fencing of unclean nodes, clean shutdowns, and the quorum policy.
 * Nothing is recovered from an unclean node until it has been fenced: its stops
 * become pseudo actions that follow the fencing.
 * @module
 */
import { primitivesOf, type Act, type Ctx, type PRsc } from './model.js';
import { order, rscAction } from './actions.js';
import { ticketFenceReason } from './tickets.js';
import { remoteFenceReason } from './remote.js';

function nodeEvent(ctx: Ctx, task: string, key: string, node: string, attrs: Record<string, string>): Act {
  const n = ctx.nodes.get(node)!;
  const a: Act = {
    seq: ctx.seq++, task, intervalMs: 0, key, node, kind: 'crm_event', optional: false, runnable: true,
    attrs: { CRM_meta_on_node: n.name, CRM_meta_on_node_uuid: n.uuid, ...attrs }, downed: [n.uuid],
    ...(task === 'stonith' ? { fenceTarget: node, fenceAction: attrs['CRM_meta_stonith_action'] ?? 'reboot' } : {}),
  };
  ctx.actions.push(a);
  return a;
}

/**
 * Quorum policy: without quorum, starts need quorum and are blocked; with
 * no-quorum-policy=stop active resources stop too, with freeze they stay.
 */
export function applyQuorumPolicy(ctx: Ctx): void {
  if (ctx.haveQuorum || ctx.noQuorumPolicy === 'ignore') return;
  const freeze = ctx.noQuorumPolicy === 'freeze';
  for (const a of ctx.actions) {
    if (!a.rsc || a.task !== 'start' || a.kind === 'crm_event') continue;
    if (a.kind === 'pseudo_event' && a.rsc.variant !== 'group') continue; // collectives other than groups: left to their variant
    // A group with an active member keeps its start pseudo action (crm_simulate shows it); an inactive one's is blocked.
    if (a.kind === 'pseudo_event' && primitivesOf(a.rsc).some((p) => p.u.runningOn.length > 0)) continue;
    const r = a.rsc;
    const active = r.u.runningOn.length > 0;
    if (freeze && active) continue;
    // requires=nothing: the resource may start without quorum.
    if (primitivesOf(r).some((p) => p.u.meta['requires'] === 'nothing')) continue;
    a.runnable = false;
    a.reason = freeze ? 'quorum freeze' : 'no quorum';
    if (!freeze && a.node !== undefined && r.u.runningOn.includes(a.node)) {
      let stopped = false;
      for (const s of r.actions) if (s.task === 'stop' && s.node === a.node) { s.optional = false; stopped = true; }
      // A start still in flight has no stop yet: it is stopped all the same.
      if (!stopped && r.variant === 'primitive' && r.u.pendingTask === 'start' && r.u.pendingNode === a.node) rscAction(ctx, r, 'stop', 0, a.node, { optional: false });
      r.reason = 'no quorum';
    }
  }
}

/** Whether the resource's state on a node is known (for anonymous clones: any instance's). */
function knownOn(r: PRsc, node: string): boolean {
  if (r.u.history[node] !== undefined) return true;
  const p = r.parent;
  return p !== undefined && p.variant !== 'group' && !p.u.unique && p.children.some((c) => c.u.history[node] !== undefined);
}

/** Whether any fence device is configured. */
export function haveStonithResource(ctx: Ctx): boolean {
  for (const r of ctx.byId.values()) if (r.variant === 'primitive' && r.u.class === 'stonith') return true;
  return ctx.cluster.resources.some((r) => JSON.stringify(r.config).includes('"class":"stonith"'));
}

/** Whether fencing a node is possible (Pacemaker's pe_can_fence). */
export function canFence(ctx: Ctx, node: string): boolean {
  if (!ctx.stonithEnabled || !haveStonithResource(ctx)) return false;
  if (ctx.haveQuorum || ctx.noQuorumPolicy === 'ignore') return true;
  return ctx.nodes.get(node)?.u.online ?? false;
}

/** Why a node is fenced, in crm_simulate's words (from its node_state and failures). */
function fenceReason(ctx: Ctx, node: string): string {
  const byTicket = ticketFenceReason(ctx, node);
  if (byTicket !== undefined) return byTicket;
  const remote = remoteFenceReason(ctx, node);
  if (remote !== undefined) return remote;
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      if (r.u.failures.some((f) => f.node === node && f.onFail === 'fence' && !f.expired)) return `${r.id} failed there`;
    }
  }
  const n = ctx.nodes.get(node)!;
  if (!ctx.haveQuorum && ctx.noQuorumPolicy === 'suicide' && n.u.online) return 'cluster does not have quorum';
  const st = ctx.cluster.cib.status.nodes.find((s) => (s.uname ?? s.id) === node || s.id === n.uuid);
  if (!st) return 'node is unclean';
  const yes = (v: string | undefined): boolean => v !== undefined && v !== 'false' && v !== 'offline' && v !== '0';
  if (st.inCcm !== undefined && !yes(st.inCcm)) return 'peer is no longer part of the cluster';
  if (yes(st.inCcm) && !yes(st.crmd)) return 'peer process is no longer available';
  if (st.inCcm === undefined) return 'peer has not been seen by the cluster';
  if (st.join === 'pending' || st.join === 'down') return 'peer failed Pacemaker membership criteria';
  return 'node is unclean';
}

/** Creates fencing and shutdown actions and orders resource actions around them. */
export function scheduleFencingAndShutdown(ctx: Ctx): void {
  const stonithAction = ctx.cluster.options.stonithAction || 'reboot';
  let last: Act | undefined;
  let dcFence: Act | undefined;
  const others: Act[] = [];
  const concurrent = ctx.cluster.options.concurrentFencing;
  for (const n of ctx.nodeList) {
    if (!n.u.unclean) continue;
    if (!canFence(ctx, n.name)) {
      // Nothing may be recovered from a node that cannot be fenced: its stops are blocked.
      for (const a of ctx.actions) {
        // Collectives' stop pseudo actions stay runnable (Pacemaker leaves pseudo actions runnable).
        if (!a.rsc || a.rsc.variant !== 'primitive' || (a.task !== 'stop' && a.task !== 'demote') || a.kind !== 'pseudo_event' || !a.rsc.u.runningOn.includes(n.name)) continue;
        a.runnable = false;
        if (a.task === 'stop' && !ctx.haveQuorum && ctx.noQuorumPolicy === 'stop' && !a.reason) a.reason = 'no quorum';
      }
      continue;
    }
    const attrs: Record<string, string> = { CRM_meta_stonith_action: stonithAction };
    for (const [k, v] of Object.entries(n.u.attributes)) if (!k.startsWith('#')) attrs[`CRM_meta_${k.replace(/-/g, '_')}`] = v;
    const fence = nodeEvent(ctx, 'stonith', `stonith-${n.name}-${stonithAction}`, n.name, attrs);
    ctx.fence.set(n.name, fenceReason(ctx, n.name));
    if (n.u.isDc) dcFence = fence;
    else {
      if (!concurrent && last) order(ctx, last, fence, {});
      last = fence;
      others.push(fence);
    }
    for (const top of ctx.top) {
      for (const r of primitivesOf(top)) {
        const fencingNeeded = (r.u.meta['requires'] ?? (r.u.class === 'stonith' ? 'quorum' : 'fencing')) === 'fencing';
        for (const a of r.actions) {
          // Only resources that need fencing wait for it (fence devices need just quorum).
          if (a.task === 'stop' && a.kind === 'pseudo_event' && r.u.runningOn.includes(n.name) && fencingNeeded) {
            order(ctx, fence, a, { impliesThen: true });
            // The collective's stop follows the fencing too.
            if (top !== r) order(ctx, fence, top.actions.find((x) => x.task === 'stop'), {});
          }
          // A demote the fencing implies follows it as well.
          if (a.task === 'demote' && a.kind === 'pseudo_event' && r.u.runningOn.includes(n.name) && fencingNeeded) order(ctx, fence, a, {});
          if (a.task !== 'start') continue;
          if (fencingNeeded || (r.allowed.has(n.name) && !knownOn(r, n.name))) order(ctx, fence, a, {});
        }
      }
    }
  }
  // The DC is fenced last.
  if (dcFence) {
    if (concurrent) for (const f of others) order(ctx, f, dcFence, {});
    else if (last) order(ctx, last, dcFence, {});
  }
  const shutdowns: Act[] = [];
  let dcShutdown: Act | undefined;
  for (const n of ctx.nodeList) {
    if (!n.u.shutdown || !n.u.online || n.u.unclean || n.u.kind !== 'member') continue;
    const sd = nodeEvent(ctx, 'do_shutdown', `do_shutdown-${n.name}`, n.name, { CRM_meta_op_no_wait: 'true' });
    if (n.u.isDc) dcShutdown = sd;
    else shutdowns.push(sd);
    for (const a of ctx.actions) if (a.rsc && a.task === 'stop' && a.node === n.name) order(ctx, a, sd, {});
    // A blocked resource cannot be stopped, so the node cannot shut down cleanly.
    for (const top of ctx.top) for (const r of primitivesOf(top)) if (r.u.blocked && !ctx.cluster.options.maintenanceMode && r.u.runningOn.includes(n.name)) sd.runnable = false;
  }
  // The DC shuts down last, so the others' shutdowns do not cause repeated elections.
  if (dcShutdown && !dcFence) for (const sd of shutdowns) order(ctx, sd, dcShutdown, {});
}
