/**
 * `unpackCluster`: the CIB as Pacemaker's scheduler sees it (lib/pengine/unpack.c).
 * Pure: "now" is passed in.
 * @module
 */
import type { Cib, LrmResource, NodeState, Primitive, Template } from '../types.js';
import { cibRulePredicate, flattenSets, type RulePredicate } from './nvs.js';
import { unpackOptions } from './options.js';
import { compareNames, configuredNodes, determineOnline, markUnclean, newNode, remoteNodesFrom } from './nodes.js';
import { addCloneInstance, buildResource, newResource, ROLE_ORDER, stripInstance, topOf, walk, type TreeContext } from './tree.js';
import { activeRecurring, replay, sortOps, type FailPolicy } from './history.js';
import { replicaOnNode } from './bundle.js';
import { recordedShutdownLock } from './shutdownLock.js';
import { migrateFromFailure, migrateToFailure, migrateToSuccess, type MigrationWorld } from './migration.js';
import type { ClusterOptions, UnpackedCluster, UnpackedNode, UnpackedResource, UnpackOptions, UnpackedTicket } from './types.js';

interface Ctx {
  readonly cib: Cib;
  readonly now: number;
  readonly nodes: UnpackedNode[];
  readonly resources: UnpackedResource[];
  readonly byId: Map<string, UnpackedResource>;
  readonly pol: FailPolicy;
  readonly tree: TreeContext;
  readonly warnings: string[];
  readonly stonith: boolean;
  readonly mm: boolean;
  readonly stopOrphans: boolean;
  readonly options: ClusterOptions;
}

/** Unpacks configuration and status into an {@link UnpackedCluster}. */
export function unpackCluster(cib: Cib, options: UnpackOptions, ruleOkIn?: RulePredicate): UnpackedCluster {
  // Rules are evaluated for real unless a caller substitutes its own predicate.
  const ruleOk = ruleOkIn ?? cibRulePredicate(cib, options.now);
  const opts = unpackOptions(cib, ruleOk);
  const warnings: string[] = [];
  const nodes = configuredNodes(cib, opts, ruleOk);
  const byName = (n: string): UnpackedNode | undefined => nodes.find((x) => x.name === n);
  // Remote and guest nodes named by resources.
  for (const r of remoteNodesFrom(cib.configuration.resources, ruleOk)) {
    let n = byName(r.name);
    if (!n) {
      n = newNode(r.name, r.name, r.kind, {}, {});
      nodes.push(n);
    }
    (n as { kind: string }).kind = r.kind;
    n.unclean = false;
    if (r.kind === 'remote') n.connectionResource = r.rsc.id;
    else { n.connectionResource = r.name; n.containerResource = r.rsc.id; }
  }
  nodes.sort((a, b) => compareNames(a.name, b.name));

  const templates = new Map<string, Template>(cib.configuration.templates.map((t) => [t.id, t]));
  const tree: TreeContext = {
    cib, ruleOk, templates,
    rscDefaults: flattenSets(cib.configuration.rscDefaults, ruleOk),
    rscDefaultsFor: (rsc) => flattenSets(cib.configuration.rscDefaults, ruleOk, {}, rsc),
    nodeCount: () => nodes.length,
  };
  const resources: UnpackedResource[] = [];
  // Guest connections are generated after every configured resource (as Pacemaker appends them).
  const guestConnections: UnpackedResource[] = [];
  for (const res of cib.configuration.resources) {
    const r = buildResource(tree, res, opts.maintenanceMode);
    resources.push(r);
    // Guest node: an implicit connection resource inside the container resource.
    for (const x of walk(r)) {
      const rn = x.meta['remote-node'];
      if (x.variant === 'primitive' && rn) {
        // The container's own wishes (target-role, remote-* options) are not the connection's.
        const meta: Record<string, string> = { ...x.meta, container: x.id };
        for (const k of ['target-role', 'remote-node', 'remote-port', 'remote-addr', 'remote-connect-timeout', 'remote-allow-migrate']) delete meta[k];
        if (x.meta['remote-allow-migrate'] !== undefined) meta['allow-migrate'] = x.meta['remote-allow-migrate'];
        const op = (name: string, interval: string, timeout: string): Primitive['ops'][number] =>
          ({ id: `${rn}-${name}-interval-${interval}`, name, interval, timeout, meta: [], instance: [] });
        const ops = [op('monitor', '30s', '30s'), op('start', '0', x.meta['remote-connect-timeout'] ?? '60s')];
        const conn = newResource({
          id: rn, baseId: rn, variant: 'primitive', config: x.config as Primitive,
          meta, params: {}, class: 'ocf', provider: 'pacemaker', type: 'remote', ops,
        }, opts.maintenanceMode);
        conn.internal = true;
        conn.remoteNode = rn;
        conn.container = x.id;
        guestConnections.push(conn);
      }
      if (x.variant === 'primitive' && x.class === 'ocf' && x.provider === 'pacemaker' && x.type === 'remote') x.remoteNode = x.id;
    }
    // Bundle replicas with a remote connection make guest nodes.
    for (const rep of r.replicas ?? []) {
      if (!rep.nodeName || !rep.remote) continue;
      let n = byName(rep.nodeName);
      if (!n) { n = newNode(rep.nodeName, rep.nodeName, 'guest', {}, {}); nodes.push(n); }
      (n as { kind: string }).kind = 'guest';
      n.unclean = false;
      n.connectionResource = rep.remote.id;
      n.containerResource = rep.container.id;
    }
  }
  resources.push(...guestConnections);
  nodes.sort((a, b) => compareNames(a.name, b.name));
  // Pacemaker keeps top-level resources sorted by priority (stable).
  resources.sort((a, b) => b.priority - a.priority);
  const byId = new Map<string, UnpackedResource>();
  for (const r of resources) for (const x of walk(r)) byId.set(x.id, x);

  const dcNode = nodes.find((n) => n.id === cib.dcUuid);
  if (dcNode) dcNode.isDc = true;
  for (const n of nodes) {
    n.attributes['#uname'] = n.name;
    n.attributes['#id'] = n.id;
    n.attributes['#kind'] = n.kind === 'member' ? 'cluster' : n.kind === 'remote' ? 'remote' : 'container';
    n.attributes['#is_dc'] = n.isDc ? 'true' : 'false';
  }

  const haveQuorum = cib.haveQuorum ?? false;
  const ctx: Ctx = {
    cib, now: options.now, nodes, resources, byId, tree, warnings,
    pol: {
      stonithEnabled: opts.stonithEnabled, opDefaults: flattenSets(cib.configuration.opDefaults, ruleOk),
      canFence: (n) => canFence(nodes, byId, opts, haveQuorum, hasStonithResource(resources), n),
    },
    stonith: opts.stonithEnabled, mm: opts.maintenanceMode, stopOrphans: opts.stopOrphanResources, options: opts,
  };

  // First pass: cluster node states.
  const stateOf = new Map<UnpackedNode, NodeState>();
  for (const st of cib.status.nodes) {
    const node = nodes.find((n) => n.id === st.id) ?? (st.uname ? byName(st.uname) : undefined);
    if (!node || !st.uname) continue;
    stateOf.set(node, st);
    node.hasState = true;
    if (node.kind !== 'member') {
      node.remoteWasFenced = (st.extra?.['node_fenced'] ?? '0') !== '0';
      continue;
    }
    mergeTransient(node, st, ruleOk);
    node.unclean = false;
    node.unseen = false;
    if (isTrueish(node.attributes['standby'])) node.standby = true;
    if (isTrueish(node.attributes['maintenance'])) node.maintenance = true;
    determineOnline(node, st, opts);
    // Suicide only once the cluster has lost quorum it had (the controller sets no-quorum-panic).
    if (!haveQuorum && node.online && opts.noQuorumPolicy === 'suicide' && isTrueish(cib.extra?.['no-quorum-panic'])) markUnclean(node);
  }

  // Histories, in passes: remote/guest nodes wait for their connections.
  const histPass = (fence: boolean): boolean => {
    let progressed = false;
    for (const st of cib.status.nodes) {
      const node = nodes.find((n) => n.id === st.id) ?? (st.uname ? byName(st.uname) : undefined);
      if (!node || !st.uname || node.unpacked) continue;
      if (!fence) {
        if (node.kind === 'guest') {
          const conn = node.connectionResource ? byId.get(node.connectionResource) : undefined;
          const cont = node.containerResource ? byId.get(node.containerResource) : undefined;
          if (!conn || conn.role !== 'Started' || !cont || cont.role !== 'Started') continue;
        } else if (node.kind === 'remote') {
          const conn = node.connectionResource ? byId.get(node.connectionResource) : undefined;
          if (!conn || conn.role !== 'Started') continue;
        } else if (!ctx.stonith && !node.online) continue;
      }
      if (node.kind !== 'member') {
        remoteOnline(ctx, node);
        remoteAttrs(node, st, ruleOk, byId);
      }
      node.unpacked = true;
      for (const lr of st.lrm ?? []) unpackLrmResource(ctx, node, lr);
      progressed = true;
    }
    return progressed;
  };
  for (let i = 0; i < 100 && histPass(false); i++) { /* until no more node histories become unpackable */ }
  histPass(ctx.stonith);
  for (const n of nodes) {
    if (n.kind === 'member') continue;
    if (!n.unpacked) remoteOnline(ctx, n);
    // A remote node never seen in the status is, like a member, unclean until seen (startup fencing).
    if (n.kind === 'remote' && !n.hasState && !n.fromStatus && n.connectionResource && !n.online
      && opts.stonithEnabled && opts.startupFencing) n.unclean = true;
  }
  for (const r of resources) for (const x of walk(r)) finishResource(x);
  for (const n of nodes) {
    n.activeResourceCount = 0;
  }
  for (const r of resources) for (const x of walk(r)) {
    if (x.variant === 'primitive') for (const nn of x.runningOn) { const nd = byName(nn); if (nd) nd.activeResourceCount++; }
  }
  failcountsFromAttributes(ctx, cib);

  const tickets = new Map<string, UnpackedTicket>();
  for (const t of cib.status.tickets) {
    const lg = t.lastGranted !== undefined ? Number(t.lastGranted) : undefined;
    tickets.set(t.id, { id: t.id, granted: t.granted ?? false, standby: t.standby ?? false, lastGranted: Number.isFinite(lg) ? lg : undefined });
  }
  return { cib, now: options.now, options: opts, haveQuorum, dcNode: dcNode?.name, nodes, resources, byId, tickets, warnings };
}

function isTrueish(v: string | undefined): boolean {
  return v !== undefined && ['true', 'on', 'yes', 'y', '1'].includes(v.toLowerCase());
}

function mergeTransient(node: UnpackedNode, st: NodeState, ruleOk: RulePredicate): void {
  const t = flattenSets(st.transient, ruleOk);
  for (const [k, v] of Object.entries(t)) node.attributes[k] = v;
}

function remoteAttrs(node: UnpackedNode, st: NodeState, ruleOk: RulePredicate, byId: Map<string, UnpackedResource>): void {
  mergeTransient(node, st, ruleOk);
  if (isTrueish(node.attributes['standby'])) node.standby = true;
  const conn = node.connectionResource ? byId.get(node.connectionResource) : undefined;
  if (isTrueish(node.attributes['maintenance']) || (conn && !conn.managed)) node.maintenance = true;
  const sd = node.attributes['shutdown'];
  if (sd !== undefined && sd !== '0') node.shutdown = true;
}

function remoteOnline(ctx: Ctx, node: UnpackedNode): void {
  const rsc = node.connectionResource ? ctx.byId.get(node.connectionResource) : undefined;
  if (!rsc) { node.online = false; return; }
  const container = rsc.container ? ctx.byId.get(rsc.container) : undefined;
  const host = container && rsc.runningOn.length === 1 ? ctx.nodes.find((n) => n.name === rsc.runningOn[0]) : undefined;
  if (rsc.role === 'Started') node.online = true;
  // A connection asked to stop (target-role) takes its node down: Pacemaker sets next_role from target-role.
  if (rsc.role === 'Started' && (rsc.nextRole === 'Stopped' || rsc.targetRole === 'Stopped')) node.shutdown = true;
  if (container && container.failed) { node.online = false; node.remoteRequiresReset = true; }
  else if (rsc.failed) node.online = false;
  else if (rsc.role === 'Stopped' || rsc.role === 'Unknown' || (container && (container.role === 'Stopped' || container.role === 'Unknown'))) {
    node.online = false; node.remoteRequiresReset = false;
  } else if (host && !host.online && host.unclean) { node.online = false; node.remoteRequiresReset = true; }
}

/** pe_fence_node for any node kind. */
function fenceNode(ctx: Ctx, node: UnpackedNode): void {
  if (node.kind === 'guest') {
    const cont = node.containerResource ? ctx.byId.get(node.containerResource) : undefined;
    if (cont && !cont.failed && cont.managed) { node.remoteRequiresReset = true; cont.failed = true; }
  } else if (node.kind === 'remote') {
    node.remoteRequiresReset = true;
    node.unclean = true;
  } else {
    node.unclean = true;
  }
}

function locations(r: UnpackedResource): string[] {
  const out = new Set<string>();
  for (const x of walk(r)) {
    for (const n of x.runningOn) out.add(n);
    if (x.pendingNode) out.add(x.pendingNode);
  }
  return [...out];
}

function findInInstance(inst: UnpackedResource, baseId: string): UnpackedResource | undefined {
  for (const x of walk(inst)) if (x.variant === 'primitive' && x.baseId === baseId) return x;
  return undefined;
}

function findAnonymous(ctx: Ctx, node: UnpackedNode, clone: UnpackedResource, baseId: string): UnpackedResource {
  let rsc: UnpackedResource | undefined;
  let inactive: UnpackedResource | undefined;
  let skipInactive = false;
  for (const child of clone.children) {
    if (rsc) break;
    const locs = locations(child);
    if (locs.length > 0) {
      if (locs[0] === node.name) {
        const found = findInInstance(child, baseId);
        if (found) {
          if (found.runningOn.length > 0) { skipInactive = true; rsc = undefined; }
          else rsc = found;
        }
      }
    } else if (!skipInactive && !inactive && !child.blocked) {
      inactive = findInInstance(child, baseId);
      if (inactive && inactive.pendingNode && inactive.pendingNode !== node.name) inactive = undefined;
    }
  }
  if (!rsc && !skipInactive && inactive) rsc = inactive;
  if (rsc && !needsFencing(ctx, rsc) && (!node.online || node.unclean) && node.kind !== 'guest'
    && (clone.cloneMax ?? 0) < ctx.nodes.length) rsc = undefined;
  if (!rsc) {
    const inst = addCloneInstance(ctx.tree, clone, ctx.mm, true);
    for (const x of walk(inst)) ctx.byId.set(x.id, x);
    rsc = findInInstance(inst, baseId) ?? inst;
  }
  return rsc;
}

function needsFencing(ctx: Ctx, r: UnpackedResource): boolean {
  const req = r.meta['requires'];
  if (req) return req === 'fencing' || req === 'unfencing';
  return ctx.stonith && r.class !== 'stonith';
}

function unpackFind(ctx: Ctx, node: UnpackedNode, id: string): UnpackedResource | undefined {
  let rsc = ctx.byId.get(id);
  let parent: UnpackedResource | undefined;
  if (!rsc || rsc.orphan && rsc.parent) {
    const zero = ctx.byId.get(`${stripInstance(id)}:0`);
    // Only a clone's instance stands for its siblings: an orphan named "x:0" is just itself.
    if (zero && !zero.unique && zero.parent) { rsc = zero; parent = topOf(zero); }
    else if (!rsc) return undefined;
    else parent = topOf(rsc);
  } else if (rsc.variant !== 'primitive') {
    return undefined;
  } else parent = topOf(rsc);
  if (parent && parent.variant === 'clone' && !parent.unique) {
    // A bundle's inner clone: the instance is the one of the replica on this guest node.
    if (parent.parent?.variant === 'bundle') return replicaOnNode(parent.parent, node.name)?.child;
    rsc = findAnonymous(ctx, node, parent, stripInstance(id));
  }
  return rsc;
}

function orphanResource(ctx: Ctx, lr: LrmResource): UnpackedResource {
  const cfg: Primitive = {
    kind: 'primitive', id: lr.id, class: lr.class, provider: lr.provider, type: lr.type,
    meta: [], instance: [], utilization: [], ops: [],
  };
  const r = newResource({
    id: lr.id, baseId: lr.id, variant: 'primitive', config: cfg, meta: {}, params: {},
    class: lr.class, provider: lr.provider, type: lr.type, orphan: true,
  }, ctx.mm);
  if (!ctx.stopOrphans) r.managed = false;
  if (lr.container) r.container = lr.container;
  ctx.resources.push(r);
  ctx.byId.set(r.id, r);
  if (lr.class === 'ocf' && lr.provider === 'pacemaker' && lr.type === 'remote') {
    // create_fake_resource: an orphaned connection still names its node, which is shutting down.
    r.remoteNode = r.id;
    let n = ctx.nodes.find((x) => x.name === r.id);
    if (!n) {
      n = newNode(r.id, r.id, lr.container ? 'guest' : 'remote', {}, {});
      n.unclean = false;
      n.fromStatus = true;
      ctx.nodes.push(n);
      ctx.nodes.sort((a, b) => compareNames(a.name, b.name));
    }
    if (!n.connectionResource) {
      if (lr.container) { (n as { kind: string }).kind = 'guest'; n.containerResource = lr.container; }
      n.connectionResource = r.id;
    }
    n.shutdown = true;
  }
  return r;
}

function unpackLrmResource(ctx: Ctx, node: UnpackedNode, lr: LrmResource): void {
  if (lr.ops.length === 0) return;
  const rsc = unpackFind(ctx, node, lr.id) ?? orphanResource(ctx, lr);
  // unpack_shutdown_lock: the resource stays locked to the node that shut down, until the
  // limit passes. An expired lock only has its history cleared by the scheduler; the ops still count.
  const lock = recordedShutdownLock(ctx.options.raw, lr, ctx.now);
  if (lock !== undefined && !lock.expired) {
    rsc.lockNode = node.name;
    rsc.lockTime = lock.time;
  }
  const sorted = sortOps(lr.ops);
  const savedRole = rsc.role;
  const now = ctx.now;
  const isExpired = (op: { lastRcChange?: number; lastRun?: number }): boolean => {
    if (rsc.failureTimeoutMs <= 0) return false;
    const t = op.lastRcChange ?? op.lastRun;
    if (t === undefined) return false;
    return now >= t + Math.ceil(rsc.failureTimeoutMs / 1000);
  };
  const st = replay(rsc, node.name, sorted, ctx.pol, isExpired);
  const role = st.role;
  if (st.pendingTask !== undefined && rsc.pendingTask === undefined) {
    rsc.pendingTask = st.pendingTask;
    rsc.pendingNode = node.name;
  }
  rsc.failures.push(...st.failures);
  if (st.failureIgnored) rsc.failureIgnored = true;
  if (st.nextRole !== 'Unknown' && (rsc.nextRole === 'Unknown' || ROLE_ORDER[st.nextRole] < ROLE_ORDER[rsc.nextRole])) rsc.nextRole = st.nextRole;
  const last = sorted[sorted.length - 1];
  rsc.history[node.name] = {
    node: node.name, ops: sorted, lastOp: last, role, lastFailure: st.lastFailure,
    lastStart: sorted.findLast((o) => (o.operation === 'start' || o.operation === 'migrate_from') && o.rcCode === 0 && o.opStatus === 0),
    recurring: Object.fromEntries(activeRecurring(sorted).map((o) => [`${o.operation}_${o.interval}`, o])),
    pending: sorted.filter((o) => o.opStatus === -1),
    probed: sorted.some((o) => o.operation === 'monitor' && o.interval === 0),
  };
  // Live migrations: failures as they happened, then the last successful migrate_to.
  const world = migrationWorld(ctx);
  let nodeRole = role;
  let startedElsewhere = false;
  const outcomes = st.migrateFailures.map((op) => op.operation === 'migrate_to'
    ? migrateToFailure(world, lr.id, node.name, op) : migrateFromFailure(world, lr.id, node.name, op));
  if (st.migrateToSuccess) outcomes.push(migrateToSuccess(world, lr.id, node.name, st.migrateToSuccess));
  for (const o of outcomes) {
    for (const other of o.alsoActiveOn) addRunning(rsc, other);
    if (o.failed) rsc.failed = true;
    if (o.stoppedHere) nodeRole = 'Stopped';
    if (o.dangling && !rsc.dangling.includes(node.name)) rsc.dangling.push(node.name);
    if (o.partial) rsc.partialMigration = { ...o.partial, stage: 'migrate_to' };
    if (o.startedElsewhere) {
      startedElsewhere = true;
      for (const other of o.alsoActiveOn) rsc.roleOn[other] = 'Started';
    }
  }
  processState(ctx, rsc, node, nodeRole, st.onFail);
  if (startedElsewhere && ROLE_ORDER[rsc.role] < ROLE_ORDER.Started) rsc.role = 'Started';
  if (ROLE_ORDER[savedRole] > ROLE_ORDER[rsc.role]) rsc.role = savedRole;
}

function migrationWorld(ctx: Ctx): MigrationWorld {
  return {
    opsOn: (node, rscId) => {
      const st = ctx.cib.status.nodes.find((n) => n.uname === node);
      return st?.lrm?.find((l) => l.id === rscId)?.ops ?? [];
    },
    online: (node) => ctx.nodes.find((n) => n.name === node)?.online ?? false,
  };
}

function addRunning(rsc: UnpackedResource, node: string, nodeOnline = true): void {
  if (!rsc.runningOn.includes(node)) rsc.runningOn.push(node);
  // native_add_running: an unmanaged resource counts for its parents only on an online node.
  if (!rsc.managed && !nodeOnline) return;
  if (rsc.parent) addRunning(rsc.parent, node, nodeOnline);
}

function processState(ctx: Ctx, rsc: UnpackedResource, node: UnpackedNode, role: UnpackedResource['role'], onFailIn: string): void {
  let onFail = onFailIn;
  const failedBefore = rsc.failed;
  // Active on a lost guest: a full recovery whatever the on-fail.
  let stopNeeded = false;
  if (role !== 'Unknown') {
    let it: UnpackedResource | undefined = rsc;
    while (it) {
      if (!it.knownOn.includes(node.name)) it.knownOn.push(node.name);
      if (it.unique) break;
      it = it.parent;
    }
  }
  const active = role !== 'Unknown' && role !== 'Stopped';
  if (active && !node.online && !node.maintenance && rsc.managed) {
    if (node.kind === 'guest') { rsc.failed = true; stopNeeded = true; fenceNode(ctx, node); }
    else if (ctx.stonith) {
      // Fencing is revoked if the (healthy) connection can be re-established elsewhere.
      const conn = node.connectionResource ? ctx.byId.get(node.connectionResource) : undefined;
      if (node.kind === 'remote' && conn && !conn.failed) node.unseen = true;
      fenceNode(ctx, node);
    }
  }
  if (node.unclean) onFail = 'ignore';
  switch (onFail) {
    case 'demote': rsc.failed = true; break;
    case 'fence': fenceNode(ctx, node); break;
    case 'standby': node.standby = true; node.standbyOnFail = true; break;
    case 'block': rsc.managed = false; rsc.blocked = true; break;
    case 'stop': rsc.nextRole = 'Stopped'; break;
    case 'restart': if (active) rsc.failed = true; break;
    case 'restart-container': rsc.failed = true; break;
    case 'reset-remote': {
      rsc.failed = true;
      if (ctx.stonith && rsc.remoteNode) {
        const rn = ctx.nodes.find((n) => n.name === rsc.remoteNode);
        if (rn && rn.kind === 'remote' && !rn.remoteWasFenced) fenceNode(ctx, rn);
      }
      break;
    }
    default: break;
  }
  if (active) {
    addRunning(rsc, node.name, node.online);
    // Active on a node in maintenance: left alone (native_add_running).
    if (node.maintenance && rsc.variant === 'primitive') rsc.managed = false;
    rsc.roleOn[node.name] = role;
    if (ROLE_ORDER[role] > ROLE_ORDER[rsc.role]) rsc.role = role;
    if (onFail !== 'ignore') rsc.failed = true;
    if (rsc.runningOn.length > 1 && rsc.managed && (rsc.meta['multiple-active'] ?? 'stop_start') === 'block') {
      rsc.managed = false; rsc.blocked = true;
      // multiple-active=block on a group blocks the whole group.
      const grp = rsc.parent?.variant === 'group' ? rsc.parent : undefined;
      if (grp && (grp.meta['multiple-active'] ?? '') === 'block') for (const m of grp.children) { m.managed = false; m.blocked = true; }
    }
  } else if (ROLE_ORDER[role] > ROLE_ORDER[rsc.role]) {
    rsc.role = role;
  }
  // on-fail=demote (and block) mark the resource failed without asking for a stop;
  // any other failure (now or before) means a full recovery.
  if (rsc.failed && (!failedBefore || onFail !== 'ignore')) {
    rsc.recoverByDemote = !stopNeeded && (onFail === 'demote' || onFail === 'block') && (!failedBefore || rsc.recoverByDemote === true);
  }
}

function finishResource(r: UnpackedResource): void {
  if (r.variant === 'primitive') {
    if (r.role === 'Unknown') r.role = 'Stopped';
    return;
  }
  let best: UnpackedResource['role'] = 'Stopped';
  for (const c of r.children) {
    if (ROLE_ORDER[c.role] > ROLE_ORDER[best]) best = c.role;
    if (c.failed && r.variant === 'group') r.failed = true;
  }
  r.role = best;
}

function failcountsFromAttributes(ctx: Ctx, _cib: Cib): void {
  for (const n of ctx.nodes) {
    for (const [k, v] of Object.entries(n.attributes)) {
      const m = /^(fail-count|last-failure)-(.+?)(?:#([a-z_]+)_(\d+))?$/.exec(k);
      if (!m) continue;
      const [, kind, rid, op, iv] = m;
      const rsc = ctx.byId.get(rid!) ?? ctx.byId.get(`${rid}:0`);
      if (!rsc) continue;
      const num = v === 'INFINITY' || v === '+INFINITY' ? 1_000_000 : Number.parseInt(v, 10);
      if (!Number.isFinite(num)) continue;
      if (kind === 'fail-count') {
        const fc = rsc.failcount[n.name] ?? { total: 0, byOp: {} };
        const byOp = { ...fc.byOp };
        if (op) byOp[`${op}_${iv}`] = num;
        rsc.failcount[n.name] = { total: Math.min(1_000_000, fc.total + num), byOp };
      } else {
        rsc.lastFailure[n.name] = Math.max(rsc.lastFailure[n.name] ?? 0, num);
      }
    }
  }
}

/** Parses crm_simulate's / the CIB's `execution-date` (epoch seconds) if present. */
export function executionDate(cib: Cib): number | undefined {
  const v = cib.extra?.['execution-date'];
  if (v === undefined) return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : undefined;
}


function hasStonithResource(resources: readonly UnpackedResource[]): boolean {
  return resources.some((r) => [...walk(r)].some((x) => x.class === 'stonith'));
}

/** Pacemaker's pe_can_fence. */
function canFence(
  nodes: readonly UnpackedNode[], byId: ReadonlyMap<string, UnpackedResource>, opts: ClusterOptions,
  haveQuorum: boolean, haveStonith: boolean, name: string, depth = 0,
): boolean {
  const node = nodes.find((n) => n.name === name);
  if (node?.kind === 'guest' && depth < 8) {
    // Guests are fenced by stopping their container: possible when its host is online or fenceable.
    const cont = node.containerResource ? byId.get(node.containerResource) : undefined;
    return (cont?.runningOn ?? []).every((h) => {
      const hn = nodes.find((n) => n.name === h);
      return (hn?.online ?? false) || canFence(nodes, byId, opts, haveQuorum, haveStonith, h, depth + 1);
    });
  }
  if (!opts.stonithEnabled || !haveStonith) return false;
  if (haveQuorum || opts.noQuorumPolicy === 'ignore') return true;
  return node?.online ?? false;
}
