/**
 * Pacemaker Remote and guest nodes in the scheduler: which resources may not run
 * on them, when they are probed, and how actions on them are ordered around their
 * connection (and, for guests, container) resource — Pacemaker's
 * pcmk_sched_remote.c, re-created.
 * @module
 */
import { INFINITY, primitivesOf, type Act, type Ctx, type OrderFlags, type PNode, type PRsc } from './model.js';
import { order, rscAction } from './actions.js';
import { VARIANTS } from './variants.js';
import { addColocation } from './colocation.js';
import { canFence } from './fencing.js';
import { parseInterval } from '../cib/values.js';
import { bundleStopBefore } from './bundle.js';

/** A remote or guest node (a node whose resources run through a connection resource). */
export function isRemoteOrGuest(n: PNode | undefined): boolean {
  return n !== undefined && n.u.kind !== 'member';
}

/** The connection resource making a remote or guest node available. */
export function connectionOf(ctx: Ctx, n: PNode): PRsc | undefined {
  return n.u.connectionResource !== undefined ? ctx.byId.get(n.u.connectionResource) : undefined;
}

/** Whether a primitive is a remote connection (ocf:pacemaker:remote or a guest's generated connection). */
export function isConnection(r: PRsc): boolean {
  return r.u.remoteNode !== undefined;
}

/**
 * Fencing devices and remote connections never run on remote or guest nodes
 * (Pacemaker's rsc_avoids_remote_nodes): their scores there become -INFINITY.
 */
export function avoidRemoteNodes(ctx: Ctx): void {
  const remotes = ctx.nodeList.filter(isRemoteOrGuest);
  if (remotes.length === 0) return;
  // Guest connections always opt in to every node (asymmetric clusters too): their container decides.
  if (!ctx.cluster.options.symmetricCluster) {
    for (const top of ctx.top) {
      for (const r of primitivesOf(top)) {
        if (!isConnection(r) || r.u.container === undefined) continue;
        for (const n of ctx.nodeList) if (!r.allowed.has(n.name)) r.allowed.set(n.name, 0);
      }
    }
  }
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      if (r.u.class !== 'stonith' && !isConnection(r)) continue;
      for (const n of remotes) if (r.allowed.has(n.name)) r.allowed.set(n.name, -INFINITY);
    }
  }
}

/**
 * Whether a resource may not be probed on a remote or guest node: fencing devices,
 * remote connections, and (on guests) resources containing guest nodes.
 */
export function skipRemoteProbe(ctx: Ctx, r: PRsc, node: string): boolean {
  // A resource inside a container (not a guest's connection) is never probed: the container is.
  if (r.u.container !== undefined && r.u.container !== r.id && !isConnection(r)) return true;
  const n = ctx.nodes.get(node);
  if (!isRemoteOrGuest(n)) return false;
  if (r.u.class === 'stonith' || isConnection(r)) return true;
  if (n!.u.kind === 'guest') {
    // Nothing can be running inside a container that is stopped, failed or about to stop or move.
    const cont = n!.u.containerResource !== undefined ? ctx.byId.get(n!.u.containerResource) : undefined;
    if (cont) {
      const cur = cont.u.runningOn[0];
      if (cur === undefined || cont.u.failed || cont.assigned !== cur) return true;
    }
    for (const g of ctx.nodeList) {
      if (g.u.kind === 'guest' && g.u.containerResource !== undefined && g.u.containerResource === r.id) return true;
    }
  }
  return false;
}

/**
 * Connections are assigned before anything else; a node whose connection will run
 * is online for the rest of scheduling (an unseen one is then no longer unclean:
 * it is about to be connected, not fenced), any other remote/guest node is going
 * down. The node's state is copied before it changes, so the input stays untouched.
 */
export function assignConnectionsFirst(ctx: Ctx): void {
  for (const n of ctx.nodeList) {
    if (!isRemoteOrGuest(n)) continue;
    const conn = connectionOf(ctx, n);
    // A bundle's connections are placed with their replica (bundle.ts).
    if (!conn || conn.variant !== 'primitive' || conn.parent?.variant === 'bundle') continue;
    if (waitingToReconnect(ctx, conn)) conn.nextRole = 'Stopped';
    VARIANTS[conn.variant].assign(ctx, conn, conn.u.partialMigration?.target);
    const u = { ...n.u };
    if (conn.assigned !== null && conn.nextRole !== 'Stopped') {
      // A node fenced for its failed connection stays unclean (and so is no candidate yet).
      if (u.unseen && (!u.remoteRequiresReset || !u.remoteWasFenced && !conn.u.failed)) u.unclean = false;
      if (!u.unclean) u.online = true;
    } else {
      u.shutdown = true;
    }
    (n as { u: PNode['u'] }).u = u;
  }
}

/** A failed connection with reconnect_interval is not retried until the interval has passed since its failure. */
function waitingToReconnect(ctx: Ctx, conn: PRsc): boolean {
  const v = conn.u.params['reconnect_interval'];
  if (v === undefined || conn.u.container !== undefined) return false;
  const ms = parseInterval(v);
  if (!ms.ok || ms.val <= 0) return false;
  // A failure is not cleared before the node has been fenced, however old it is.
  const node = conn.u.remoteNode !== undefined ? ctx.nodes.get(conn.u.remoteNode) : undefined;
  const unfenced = node !== undefined && node.u.remoteRequiresReset && !node.u.remoteWasFenced;
  return conn.u.failures.some((f) => !f.expired && (unfenced || (f.op.lastRcChange !== undefined && f.op.lastRcChange + ms.val / 1000 > ctx.cluster.now)));
}

/** Shutdown keeps cluster nodes from being probed, not remote or guest nodes (their connection stop waits for the probes). */
export function probeWhileShuttingDown(n: PNode): boolean {
  return isRemoteOrGuest(n);
}

type RemoteState = 'unknown' | 'alive' | 'resting' | 'failed' | 'stopped';

/** Pacemaker's get_remote_node_state: what the connection will do in this transition. */
function remoteState(ctx: Ctx, conn: PRsc, n: PNode): RemoteState {
  const current = conn.u.runningOn[0] !== undefined ? ctx.nodes.get(conn.u.runningOn[0]) : undefined;
  if (conn.nextRole === 'Stopped' || conn.assigned === null) {
    if (current && current.u.unclean) return 'failed';
    if (!conn.u.failed) return 'stopped';
    const reconnect = conn.u.meta['reconnect_interval'];
    if (conn.nextRole === 'Stopped' && reconnect !== undefined && reconnect !== '0' && n.u.remoteWasFenced && !n.u.shutdown) return 'unknown';
    return 'failed';
  }
  if (!current) return 'unknown';
  if (current.u.unclean || !current.u.online) return 'resting';
  if (conn.u.runningOn.length > 1 && conn.u.partialMigration) return 'resting';
  return 'alive';
}

function startsOf(r: PRsc): Act[] {
  return r.actions.filter((a) => a.task === 'start' && a.intervalMs === 0 && !a.probe);
}

function stopsOf(r: PRsc): Act[] {
  return r.actions.filter((a) => a.task === 'stop' && a.intervalMs === 0);
}

function startThen(ctx: Ctx, first: PRsc, then: Act, extra: OrderFlags): void {
  for (const s of startsOf(first)) order(ctx, s, then, { runnableLeft: true, ...extra });
}

function thenStop(ctx: Ctx, first: Act, then: PRsc, flags: OrderFlags): void {
  for (const s of stopsOf(then)) {
    order(ctx, first, s, flags);
    // A stop's resource may be found active by its probes: they precede what follows the stop too.
    if (first.task === 'stop' && first.rsc && first.rsc !== then) ctx.stopThen.push({ first: first.rsc, then: s, sameNode: false });
  }
}

function taskClass(a: Act): string {
  if (a.task === 'migrate_to' || a.task === 'migrate_from') return 'stop';
  if (a.probe) return 'probe';
  return a.task;
}

function remoteOrdering(ctx: Ctx, a: Act, n: PNode, conn: PRsc): void {
  const state = remoteState(ctx, conn, n);
  switch (taskClass(a)) {
    case 'start':
    case 'promote':
      startThen(ctx, conn, a, state === 'failed' ? { impliesThen: true } : {});
      break;
    case 'stop':
      // Only a stop that is already needed forces the connection's stop ordering to
      // carry requirement back: a resource staying put has no stop in Pacemaker.
      if (state === 'alive') thenStop(ctx, a, conn, a.optional ? {} : { impliesFirst: true });
      else if (state === 'failed') { /* fencing implies the stop (not modelled here yet) */ }
      else if (conn.nextRole === 'Stopped' || conn.assigned === null) thenStop(ctx, a, conn, a.optional ? {} : { impliesFirst: true });
      else startThen(ctx, conn, a, {});
      break;
    case 'demote':
      if (state === 'resting' || state === 'unknown') startThen(ctx, conn, a, {});
      break;
    default:
      if (a.intervalMs > 0) startThen(ctx, conn, a, { impliesThen: true });
      else if (conn.u.runningOn.length > 0 && state === 'stopped') thenStop(ctx, a, conn, { runnableLeft: true });
      else startThen(ctx, conn, a, {});
  }
}

function containerOrdering(ctx: Ctx, a: Act, conn: PRsc, container: PRsc): void {
  switch (taskClass(a)) {
    case 'start':
    case 'promote':
      startThen(ctx, container, a, { impliesThen: true });
      startThen(ctx, conn, a, {});
      break;
    case 'stop':
    case 'demote':
      if (!container.u.failed) thenStop(ctx, a, conn, {});
      break;
    default:
      if (a.intervalMs > 0) { if (a.task !== 'cancel') startThen(ctx, conn, a, { impliesThen: true }); }
      else startThen(ctx, conn, a, {});
  }
}

/**
 * Orders every resource action on a remote or guest node after its connection
 * starts and before it stops (guests: after the container starts too).
 */
export function orderRemoteConnectionActions(ctx: Ctx): void {
  orderContainers(ctx);
  if (!ctx.nodeList.some(isRemoteOrGuest)) return;
  for (const a of [...ctx.actions]) {
    const r = a.rsc;
    if (!r) continue;
    if (isConnection(r) && a.task === 'clear_failcount') {
      for (const s of startsOf(r)) order(ctx, a, s, {});
      continue;
    }
    // A stop on an unclean remote node is already the pseudo action its fencing will imply; Pacemaker orders it while still real.
    const impliedOn = a.kind === 'pseudo_event' && a.task === 'stop' && r.variant === 'primitive'
      ? r.u.runningOn.find((x) => { const rn = ctx.nodes.get(x); return rn !== undefined && rn.u.kind === 'remote' && rn.u.unclean; })
      : undefined;
    const onNode = impliedOn ?? (a.kind === 'pseudo_event' ? undefined : a.node);
    if (onNode === undefined) continue;
    const n = ctx.nodes.get(onNode);
    if (!n || !isRemoteOrGuest(n)) continue;
    const conn = connectionOf(ctx, n);
    if (!conn) continue;
    // The connection's own actions run on cluster nodes; an action of a resource that *is* this node's container is never ordered here.
    if (conn === r) continue;
    // A resource moving onto a remote node leaves its old node only once the connection is up.
    if (a.task === 'start' && a.intervalMs === 0 && !a.probe) {
      for (const s of r.actions) {
        if (s.task === 'stop' && s.node !== a.node) for (const cs of startsOf(conn)) order(ctx, cs, s, {});
      }
    }
    const container = conn.u.container !== undefined ? ctx.byId.get(conn.u.container) : undefined;
    if (container) containerOrdering(ctx, a, conn, container);
    else remoteOrdering(ctx, a, n, conn);
  }
}

/** The cluster node that relays actions for a remote or guest node (graph router_node). */
export function routerNode(ctx: Ctx, a: Act): string | undefined {
  const n = a.node !== undefined ? ctx.nodes.get(a.node) : undefined;
  if (!n || !isRemoteOrGuest(n)) return undefined;
  const conn = connectionOf(ctx, n);
  if (!conn) return undefined;
  const began = conn.u.runningOn[0];
  const cls = taskClass(a);
  if ((cls === 'stop' || cls === 'demote') && began !== undefined) return began;
  return conn.assigned ?? began;
}

/** The guest connection whose node a resource's container makes (Pacemaker's pe__resource_contains_guest_node). */
function guestConnectionIn(ctx: Ctx, container: PRsc): PRsc | undefined {
  for (const n of ctx.nodeList) {
    if (n.u.kind !== 'guest' || n.u.containerResource === undefined) continue;
    if (n.u.containerResource === container.id || primitivesOf(container).some((p) => p.id === n.u.containerResource)) return connectionOf(ctx, n);
  }
  return undefined;
}

/** Resources with a `container`: what they are placed with (Pacemaker's container handling in native_internal_constraints). */
type ContainerLink = { kind: 'guest-connection' | 'filler'; rsc: PRsc; container: PRsc } | { kind: 'on-remote'; rsc: PRsc; remote: PRsc };

function containerLinks(ctx: Ctx): ContainerLink[] {
  const out: ContainerLink[] = [];
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      const cid = r.u.container;
      if (cid === undefined) continue;
      const container = ctx.byId.get(cid);
      if (!container || container === r) continue;
      if (isConnection(r)) out.push({ kind: 'guest-connection', rsc: r, container });
      else if (container.variant === 'primitive' && isConnection(container)) out.push({ kind: 'on-remote', rsc: r, remote: container });
      else {
        const remote = guestConnectionIn(ctx, container);
        out.push(remote ? { kind: 'on-remote', rsc: r, remote } : { kind: 'filler', rsc: r, container });
      }
    }
  }
  return out;
}

/**
 * Placement side of containers: a guest's container may not run on remote or guest
 * nodes (no nested remotes); a resource whose container is a remote connection (or
 * hosts a guest) runs only on that node; a guest connection or filler is colocated
 * with its container (INFINITY). Runs after the configured colocations are unpacked.
 */
export function applyContainerPlacement(ctx: Ctx): void {
  for (const l of containerLinks(ctx)) {
    if (l.kind === 'on-remote') {
      for (const [node] of l.rsc.allowed) {
        const n = ctx.nodes.get(node);
        if (!n || n.u.connectionResource !== l.remote.id) l.rsc.allowed.set(node, -INFINITY);
      }
      continue;
    }
    const remotesOk = l.kind === 'guest-connection' && l.container.parent?.variant === 'bundle';
    if (l.kind === 'guest-connection') {
      // Bundle containers may run on remote nodes (Pacemaker's pe_rsc_allow_remote_remotes), not on guests.
      for (const p of primitivesOf(l.container)) {
        for (const n of ctx.nodeList) if (isRemoteOrGuest(n) && !(remotesOk && n.u.kind === 'remote') && p.allowed.has(n.name)) p.allowed.set(n.name, -INFINITY);
      }
    }
    // A bundle's connection only prefers its container's node (it may follow a container on a remote node).
    const score = remotesOk ? 10000 : INFINITY;
    addColocation(ctx, { id: 'resource-with-container', dependent: l.rsc, primary: l.container, score, influence: true });
  }
}

/** Ordering side of containers: the container starts before, and stops after, its guest connection or filler. */
function orderContainers(ctx: Ctx): void {
  for (const l of containerLinks(ctx)) {
    if (l.kind === 'on-remote') continue;
    let containerStarts = startsOf(l.container);
    if (containerStarts.length === 0 && l.container.variant === 'primitive' && l.container.assigned === null && startsOf(l.rsc).length > 0) {
      // A container placed nowhere: Pacemaker creates its start (no node, so unrunnable) for the ordering.
      const ph = rscAction(ctx, l.container, 'start', 0, undefined, { optional: true });
      ph.runnable = false;
      containerStarts = [ph];
    }
    for (const cs of containerStarts) for (const rs of startsOf(l.rsc)) order(ctx, cs, rs, { impliesThen: true, runnableLeft: true });
    for (const rs of stopsOf(l.rsc)) {
      for (const cs of stopsOf(l.container)) {
        order(ctx, rs, cs, { impliesFirst: true });
      }
    }
    if (l.kind === 'guest-connection') {
      for (const p of l.container.actions) {
        if (!p.probe) continue;
        for (const rs of stopsOf(l.rsc)) order(ctx, p, rs, {});
      }
    }
  }
}

/** Whether a guest can be "fenced": its container's hosts are online or can themselves be fenced. */
function canFenceGuest(ctx: Ctx, container: PRsc): boolean {
  return container.u.runningOn.every((h) => ctx.nodes.get(h)?.u.online === true || canFence(ctx, h));
}

/** Turns an action into the pseudo action fencing implies (the node is gone, so it needs no executor). */
function implyByFencing(a: Act): void {
  const w = a as { kind: Act['kind']; node?: string; runnable: boolean; optional: boolean };
  w.kind = 'pseudo_event';
  delete w.node;
  w.runnable = true;
}

/**
 * Guest nodes needing a reset are "fenced" by recovering their container: a pseudo
 * fencing event follows the container's stop (or its host's fencing), and the
 * stops of everything on the guest become pseudo actions implied by it
 * (Pacemaker's pcmk__fence_guest). Runs after cluster-node fencing exists.
 */
export function fenceGuests(ctx: Ctx): void {
  const haveManaged = ctx.top.some((r) => primitivesOf(r).some((p) => p.managed));
  for (const n of ctx.nodeList) {
    if (n.u.kind !== 'guest' || !n.u.remoteRequiresReset || !haveManaged) continue;
    const conn = connectionOf(ctx, n);
    const container = conn?.u.container !== undefined ? ctx.byId.get(conn.u.container) : undefined;
    if (!conn || !container || !canFenceGuest(ctx, container)) continue;
    const stop = container.actions.find((a) => a.task === 'stop' && a.intervalMs === 0);
    const action = container.actions.some((a) => a.task === 'start' && !a.probe) ? 'reboot' : 'off';
    const fence: Act = {
      seq: ctx.seq++, task: 'stonith', intervalMs: 0, key: `stonith-${n.name}-${action}`, node: n.name, kind: 'pseudo_event',
      optional: false, runnable: true, attrs: { CRM_meta_on_node: n.name, CRM_meta_on_node_uuid: n.uuid, CRM_meta_stonith_action: action },
      downed: [n.uuid], fenceTarget: n.name, fenceAction: action,
    };
    ctx.actions.push(fence);
    ctx.fence.set(`${n.name} (resource: ${container.id})`, 'guest is unclean');
    if (stop && stop.kind === 'pseudo_event') {
      const host = container.u.runningOn[0];
      const hostFence = ctx.actions.find((a) => a.task === 'stonith' && a.fenceTarget === host);
      order(ctx, hostFence, fence, { runnableLeft: true, impliesThen: true });
    } else if (stop) {
      order(ctx, stop, fence, { runnableLeft: true, impliesThen: true });
    } else {
      for (const s of stopsOf(conn)) order(ctx, s, fence, {});
    }
    // Everything on the guest is stopped by the reset; starts needing fencing wait for it.
    for (const top of ctx.top) {
      for (const r of primitivesOf(top)) {
        const active = r.u.runningOn.includes(n.name);
        for (const a of r.actions) {
          if (active && a.node === n.name && (a.task === 'stop' || a.task === 'demote') && a.kind === 'rsc_op') {
            implyByFencing(a);
            // A bundled instance's implied stop shows its bundle's stop as input instead (bundle.ts).
            // (Its implied demote waits for the bundle's demote only: no stop before it.)
            const bundleStop = bundleStopBefore(r);
            if (bundleStop && a.task === 'stop') order(ctx, bundleStop, a, {});
            order(ctx, fence, a, bundleStop ? { impliesThen: true, noGraph: true } : { impliesThen: true });
            // The collective's stop follows the fencing too.
            if (a.task === 'stop' && top !== r) order(ctx, fence, top.actions.find((x) => x.task === 'stop' && x.kind === 'pseudo_event'), {});
          }
        }
        // Starts and promotions of resources requiring fencing wait for any fencing (pcmk__order_vs_fence).
        // Remote-node and bundle connections do not wait for guest fencing (remote-node= guests' connections do).
        if (!r.managed || (isConnection(r) && (r.u.container === undefined || r.parent?.variant === 'bundle'))) continue;
        const needsFencing = (r.u.meta['requires'] ?? (r.u.class === 'stonith' ? 'quorum' : 'fencing')) === 'fencing';
        if (!needsFencing) continue;
        for (const a of r.actions) if ((a.task === 'start' || a.task === 'promote') && !a.probe && a.kind === 'rsc_op') order(ctx, fence, a, {});
      }
    }
  }
}

/** Why a remote node is fenced, in crm_simulate's words (undefined: not a remote node). */
export function remoteFenceReason(ctx: Ctx, node: string): string | undefined {
  const n = ctx.nodes.get(node);
  if (!n || n.u.kind !== 'remote') return undefined;
  const all = ctx.top.flatMap(primitivesOf);
  for (const r of all) {
    if (r.u.failures.some((f) => f.node === node && f.task === 'stop' && !f.expired)) return `${r.id} is thought to be active there`;
  }
  // The connection's own failure (on-fail=reset-remote) is seen first, before the node's resources.
  const conn = connectionOf(ctx, n);
  if (conn?.u.failures.some((f) => f.onFail === 'reset-remote' && !f.expired)) return 'remote connection is unrecoverable';
  // Otherwise a resource found active on the unreachable node asked for the fencing.
  const active = all.find((r) => r !== conn && r.u.runningOn.includes(node) && r.managed);
  return active ? `${active.id} is thought to be active there` : 'remote connection is unrecoverable';
}

/**
 * The container a failed resource's on-fail=restart-container restarts on `node`
 * (undefined: none, or the resource has no container other than itself).
 */
export function restartedContainer(ctx: Ctx, r: PRsc, node: string): PRsc | undefined {
  const cid = r.u.container;
  if (cid === undefined || cid === r.id) return undefined;
  if (!r.u.failures.some((f) => f.node === node && f.onFail === 'restart-container' && !f.expired)) return undefined;
  const c = ctx.byId.get(cid);
  return c && c.managed && c.u.runningOn.includes(node) ? c : undefined;
}
