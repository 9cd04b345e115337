/**
 * Bundles in the scheduler (Pacemaker's pcmk_sched_bundle.c, re-created): each
 * replica's container (with its IP and guest connection) is placed like a clone
 * instance; the bundled resource is an implicit clone whose instance N may run
 * only on the replica's guest node `BUNDLE-N`. The bundle's start/running/stop/
 * stopped (and promote/demote) pseudo actions bracket the replicas' and the clone's.
 * @module
 */
import { VARIANTS, type VariantMethods } from './variants.js';
import type { UnpackedResource } from '../cib/unpack/types.js';
import { INFINITY, nodeAvailable, primitivesOf, type Act, type Coloc, type Ctx, type OrderFlags, type PolicyVariant, type PRsc } from './model.js';
import { order, rscAction } from './actions.js';
import { applyColocScore, addColocation } from './colocation.js';
import { showScores } from './assign.js';
import { buildClone } from './clone.js';

type MakeRsc = (u: UnpackedResource, variant: PolicyVariant, parent?: PRsc) => PRsc;

/** One replica as working resources. */
export interface PReplica {
  readonly offset: number;
  readonly ip?: PRsc;
  readonly container: PRsc;
  readonly remote?: PRsc;
  /** The bundled resource's instance (a clone instance). */
  readonly child?: PRsc;
  /** The guest node name. */
  readonly node?: string;
}

const REPLICAS = new WeakMap<PRsc, PReplica[]>();
const INNER = new WeakMap<PRsc, PRsc>();
const OWNER = new WeakMap<PRsc, PRsc>();

/** The bundle's replicas. */
export function replicasOf(b: PRsc): PReplica[] {
  return REPLICAS.get(b) ?? [];
}

/** The bundle's implicit clone (undefined: it holds no primitive). */
export function innerClone(b: PRsc): PRsc | undefined {
  return INNER.get(b);
}

/** The bundle an implicit clone belongs to. */
export function bundleOfClone(c: PRsc): PRsc | undefined {
  return OWNER.get(c);
}

/**
 * Builds the working bundle: its replicas' ip/container/connection primitives are
 * its children; the implicit clone is returned too, to be scheduled as a top-level
 * resource of its own (Pacemaker's uber_parent stops below a bundle as well).
 */
export function buildBundle(u: UnpackedResource, makeRsc: MakeRsc, byId: Map<string, PRsc>, nodeCount: number): PRsc[] {
  const b = makeRsc(u, 'bundle');
  byId.set(b.id, b);
  const cu = u.children.find((c) => c.variant === 'clone');
  const clone = cu ? buildClone(cu, makeRsc, byId, nodeCount) : undefined;
  const reps: PReplica[] = [];
  const prim = (x: UnpackedResource | undefined): PRsc | undefined => {
    if (!x) return undefined;
    const r = makeRsc(x, 'primitive', b);
    b.children.push(r);
    byId.set(r.id, r);
    return r;
  };
  for (const rep of u.replicas ?? []) {
    const ip = prim(rep.ip);
    const container = prim(rep.container)!;
    const remote = prim(rep.remote);
    const child = rep.child && clone ? clone.children.find((c) => c.u === rep.child) : undefined;
    reps.push({ offset: rep.offset, container, ...(ip ? { ip } : {}), ...(remote ? { remote } : {}), ...(child ? { child } : {}), ...(rep.nodeName ? { node: rep.nodeName } : {}) });
  }
  REPLICAS.set(b, reps);
  if (clone) {
    INNER.set(b, clone);
    OWNER.set(clone, b);
  }
  return clone ? [b, clone] : [b];
}

function guestNodes(ctx: Ctx): Map<string, PRsc> {
  const out = new Map<string, PRsc>();
  for (const t of ctx.top) {
    if (t.variant !== ('bundle')) continue;
    for (const rep of replicasOf(t)) if (rep.node !== undefined && ctx.nodes.has(rep.node)) out.set(rep.node, t);
  }
  return out;
}

/**
 * Placement side of bundles, after colocations are unpacked: a bundle's guest
 * node has weight -INFINITY (nothing else runs there), the IP is colocated with
 * its container, and instance N of the bundled resource may only run on guest
 * node N.
 */
export function applyBundlePlacement(ctx: Ctx): void {
  const guests = guestNodes(ctx);
  if (guests.size > 0) {
    for (const r of ctx.byId.values()) for (const g of guests.keys()) if (r.allowed.has(g)) r.allowed.set(g, -INFINITY);
  }
  for (const b of ctx.top) {
    if (b.variant !== ('bundle')) continue;
    const clone = innerClone(b);
    for (const rep of replicasOf(b)) {
      if (rep.ip) addColocation(ctx, { id: 'ip-with-docker', dependent: rep.ip, primary: rep.container, score: INFINITY, influence: true });
    }
    if (!clone) continue;
    for (const n of ctx.nodeList) clone.allowed.set(n.name, guests.get(n.name) === b ? 0 : -INFINITY);
    for (const rep of replicasOf(b)) {
      if (!rep.child || rep.node === undefined) continue;
      for (const r of [rep.child, ...rep.child.children]) {
        const own = r.allowed.get(rep.node);
        r.allowed = new Map([[rep.node, own === undefined || own <= -INFINITY ? 0 : own]]);
      }
    }
  }
}

function assign(ctx: Ctx, b: PRsc): string | null {
  if (!b.provisional || b.assigning) return null;
  b.assigning = true;
  for (const c of [...b.withPrimaries]) VARIANTS[c.primary.variant].assign(ctx, c.primary);
  showScores(ctx, 'pcmk__bundle_allocate', b, false);
  const reps = replicasOf(b);
  const perHost = b.u.bundle?.replicasPerHost ?? 1;
  const count = new Map<string, number>();
  const done = new Set<PReplica>();
  const place = (rep: PReplica, prefer?: string): void => {
    const c = rep.container;
    for (const col of b.withPrimaries) applyColocScore(ctx, c, col.primary, col);
    for (const [n, k] of count) if (k >= perHost && n !== prefer) c.allowed.set(n, -INFINITY);
    if (b.nextRole === 'Stopped') c.nextRole = 'Stopped';
    VARIANTS.primitive.assign(ctx, c, prefer);
    if (c.assigned !== null) count.set(c.assigned, (count.get(c.assigned) ?? 0) + 1);
    done.add(rep);
  };
  // Containers stay where they run when they may (as clone instances do), then the rest are placed.
  for (const rep of reps) {
    const cur = rep.container.u.runningOn[0];
    if (cur === undefined || !nodeAvailable(ctx.nodes.get(cur))) continue;
    if ((rep.container.allowed.get(cur) ?? -INFINITY) < 0 || (count.get(cur) ?? 0) >= perHost) continue;
    place(rep, cur);
  }
  for (const rep of reps) if (!done.has(rep)) place(rep);
  for (const rep of reps) {
    if (rep.ip) VARIANTS.primitive.assign(ctx, rep.ip);
    if (rep.remote) {
      // pacemaker-remoted takes one connection: a container on a remote node has its connection where that node's is.
      const host = rep.container.assigned !== null ? ctx.nodes.get(rep.container.assigned) : undefined;
      const hostConn = host && host.u.kind !== 'member' && host.u.connectionResource !== undefined ? ctx.byId.get(host.u.connectionResource) : undefined;
      if (hostConn) addColocation(ctx, { id: 'child-remote-with-docker-remote', dependent: rep.remote, primary: hostConn, score: INFINITY, influence: true });
      VARIANTS.primitive.assign(ctx, rep.remote);
      guestState(ctx, rep.remote);
    }
  }
  b.provisional = false;
  b.assigning = false;
  const clone = innerClone(b);
  if (clone) VARIANTS.clone.assign(ctx, clone);
  return null;
}

/** A guest node whose connection will run is online for the rest of scheduling; otherwise it is going down. */
function guestState(ctx: Ctx, conn: PRsc): void {
  const n = conn.u.remoteNode !== undefined ? ctx.nodes.get(conn.u.remoteNode) : undefined;
  if (!n) return;
  const u = { ...n.u };
  if (conn.assigned !== null && conn.nextRole !== 'Stopped') {
    if (u.unseen && !u.remoteRequiresReset) u.unclean = false;
    if (!u.unclean) u.online = true;
  } else {
    u.shutdown = true;
  }
  (n as { u: typeof n.u }).u = u;
}

function createActions(ctx: Ctx, b: PRsc): void {
  for (const r of b.children) VARIANTS[r.variant].createActions(ctx, r);
  for (const t of ['start', 'running', 'stop', 'stopped']) rscAction(ctx, b, t, 0, undefined, { optional: true, pseudo: true });
  const clone = innerClone(b);
  if (clone?.u.promotable) for (const t of ['promote', 'promoted', 'demote', 'demoted']) rscAction(ctx, b, t, 0, undefined, { optional: true, pseudo: true });
}

function own(r: PRsc | undefined, task: string): Act | undefined {
  return r?.actions.find((a) => a.task === task && a.intervalMs === 0 && !a.probe && a.node === undefined);
}

function acts(r: PRsc | undefined, task: string): Act[] {
  return r ? r.actions.filter((a) => a.task === task && a.intervalMs === 0 && !a.probe) : [];
}

function internalOrders(ctx: Ctx, b: PRsc): void {
  for (const r of b.children) VARIANTS[r.variant].internalOrders(ctx, r);
  // Promotable bundles start again only once stopped (as seen in Pacemaker's graphs).
  if (innerClone(b)?.u.promotable) order(ctx, own(b, 'stopped'), own(b, 'start'), {});
  for (const rep of replicasOf(b)) {
    const c = rep.container;
    for (const s of acts(c, 'start')) {
      order(ctx, own(b, 'start'), s, { runnableLeft: true, printedFirst: true });
      order(ctx, s, own(b, 'running'), { printedThen: true });
    }
    for (const s of acts(c, 'stop')) {
      order(ctx, own(b, 'stop'), s, { printedFirst: true });
      order(ctx, s, own(b, 'stopped'), { printedThen: true });
    }
    // The connection is probed once its container runs; the container's probe precedes the bundled clone's start.
    // A connection cannot be probed while its container is stopped and not starting (pe_order_probe).
    const starting = acts(c, 'start').some((a) => !a.optional && a.runnable);
    if (c.u.runningOn.length === 0 && !starting) for (const rp of rep.remote?.actions.filter((a) => a.probe) ?? []) rp.runnable = false;
    // One replica per host: a container's probe on a node precedes the other replicas' starts there.
    if ((b.u.bundle?.replicasPerHost ?? 1) === 1) {
      for (const p of c.actions.filter((a) => a.probe)) {
        for (const other of replicasOf(b)) {
          if (other !== rep) for (const s of acts(other.container, 'start')) if (s.node === p.node) order(ctx, p, s, {});
        }
      }
    }
    for (const cs of acts(c, 'start')) for (const rp of rep.remote?.actions.filter((a) => a.probe) ?? []) order(ctx, cs, rp, { runnableLeft: true });
    for (const p of c.actions.filter((a) => a.probe)) order(ctx, p, own(innerClone(b), 'start'), {});
    if (rep.ip) {
      for (const is of acts(rep.ip, 'start')) for (const cs of acts(c, 'start')) order(ctx, is, cs, { runnableLeft: true });
      for (const cs of acts(c, 'stop')) for (const is of acts(rep.ip, 'stop')) order(ctx, cs, is, { impliesFirst: true });
    }
  }
  const clone = innerClone(b);
  if (clone) {
    order(ctx, own(b, 'start'), own(clone, 'start'), { printedFirst: true });
    order(ctx, own(b, 'stop'), own(clone, 'stop'), { printedFirst: true });
    // The clone is done when its post-notifications are (its endpoint as a first side).
    const done = (t: string): Act[] => VARIANTS.clone.endpoint(ctx, clone, t, true);
    for (const a of done('start')) order(ctx, a, own(b, 'running'), { printedThen: true });
    for (const a of done('stop')) order(ctx, a, own(b, 'stopped'), { printedThen: true });
    if (clone.u.promotable) {
      for (const a of done('promote')) order(ctx, a, own(b, 'promoted'), { printedThen: true });
      for (const a of done('demote')) order(ctx, a, own(b, 'demoted'), { printedThen: true });
      order(ctx, own(b, 'promote'), own(clone, 'promote'), { printedFirst: true });
      order(ctx, own(b, 'demote'), own(clone, 'demote'), { printedFirst: true });
      // The bundle's own role pseudo actions: demote before anything else, start/stop before promote.
      order(ctx, own(b, 'demote'), own(b, 'demoted'), { runnableLeft: true });
      for (const t of ['promote', 'start', 'stop']) order(ctx, own(b, 'demoted'), own(b, t), {});
      order(ctx, own(b, 'stopped'), own(b, 'promote'), {});
      order(ctx, own(b, 'running'), own(b, 'promote'), { runnableLeft: true });
    }
  }
}

/** The replica holding a resource (its ip, container, connection, or bundled instance or member). */
export function replicaOf(r: PRsc): PReplica | undefined {
  let inst: PRsc = r;
  while (inst.parent && inst.parent.variant !== 'clone' && inst.parent.variant !== 'bundle') inst = inst.parent;
  const owner = inst.parent?.variant === 'bundle' ? inst.parent : inst.parent ? bundleOfClone(inst.parent) : undefined;
  if (!owner) return undefined;
  return replicasOf(owner).find((rep) => rep.child === inst || rep.container === inst || rep.ip === inst || rep.remote === inst);
}

/** A bundled instance is probed only on its own guest node, and nothing else is probed there. */
export function skipBundleProbe(ctx: Ctx, r: PRsc, node: string): boolean {
  const rep = replicaOf(r);
  const inChild = rep?.child !== undefined && (rep.child === r || rep.child.children.includes(r));
  if (inChild) return rep!.node !== node;
  const n = ctx.nodes.get(node);
  const conn = n?.u.kind === 'guest' && n.u.connectionResource !== undefined ? ctx.byId.get(n.u.connectionResource) : undefined;
  return conn?.parent?.variant === 'bundle';
}

/**
 * Primitives of a top-level resource in Transition Summary order: a bundle lists
 * each replica's IP, container, connection and bundled instance in turn (its
 * implicit clone then lists nothing of its own).
 */
export function summaryPrimitives(top: PRsc): PRsc[] {
  if (top.variant === 'clone' && bundleOfClone(top)) return [];
  if (top.variant !== 'bundle') return primitivesOf(top);
  return replicasOf(top).flatMap((rep) => [rep.ip, rep.container, rep.remote, ...(rep.child ? primitivesOf(rep.child) : [])].filter((r): r is PRsc => r !== undefined));
}

/** An ordering into a bundle also carries its implications to each replica's container. */
export function bundleThenExtras(ctx: Ctx, id: string, firsts: Act[], b: PRsc, bTask: string, flags: OrderFlags): void {
  if (b.variant !== 'bundle' || !(flags.impliesThen || flags.impliesFirst || flags.runnableLeft)) return;
  for (const rep of replicasOf(b)) {
    const ta = acts(rep.container, bTask)[0];
    if (!ta || !ta.runnable) continue;
    for (const f of firsts) order(ctx, f, ta, { ...flags, noGraph: true }, id);
  }
}

/** The stop of the bundle whose implicit clone holds `r` (an implied stop on its guest follows it). */
export function bundleStopBefore(r: PRsc): Act | undefined {
  const rep = replicaOf(r);
  if (!rep?.child || (rep.child !== r && !rep.child.children.includes(r))) return undefined;
  let b: PRsc | undefined = rep.child.parent;
  b = b ? bundleOfClone(b) : undefined;
  return own(b, 'stop');
}

const COUNTERPART: Record<string, string> = { start: 'start', running: 'start', stop: 'stop', stopped: 'stop' };

/**
 * A bundle's pseudo action is required when a container's or the implicit clone's
 * counterpart is, and cannot run when none of them can. Returns true on change.
 */
export function bundleActionFlags(b: PRsc): boolean {
  let changed = false;
  const clone = innerClone(b);
  for (const a of b.actions) {
    if (a.kind !== 'pseudo_event') continue;
    const task = COUNTERPART[a.task];
    const parts: Act[] = [];
    if (task) for (const rep of replicasOf(b)) parts.push(...acts(rep.container, task));
    const ct = ({ start: 'start', running: 'running', stop: 'stop', stopped: 'stopped', promote: 'promote', promoted: 'promoted', demote: 'demote', demoted: 'demoted' } as Record<string, string>)[a.task];
    const cp = ct ? own(clone, ct) : undefined;
    if (cp) parts.push(cp);
    if (parts.length === 0) continue;
    if (a.optional && parts.some((p) => !p.optional)) { a.optional = false; changed = true; }
    if (a.runnable && !parts.some((p) => p.runnable)) { a.runnable = false; changed = true; }
  }
  return changed;
}

/** As the first side of an ordering, running/stopped (promoted/demoted) stand for start/stop. */
function endpoint(_ctx: Ctx, b: PRsc, task: string, asFirst: boolean): Act[] {
  const t = asFirst ? ({ start: 'running', stop: 'stopped', promote: 'promoted', demote: 'demoted' } as Record<string, string>)[task] ?? task : task;
  return b.actions.filter((a) => a.task === t && a.kind === 'pseudo_event');
}

/** The bundle variant's methods. */
export const bundleMethods: VariantMethods = { assign, createActions, internalOrders, endpoint };

/**
 * A colocation whose primary is a bundle: with INFINITY the dependent may only run
 * where a replica's container is placed; otherwise each container's node gains the score.
 */
export function applyWithBundle(ctx: Ctx, dependent: PRsc, primary: PRsc, c: Coloc): void {
  const nodes = new Set<string>();
  for (const rep of replicasOf(primary)) if (rep.container.assigned !== null) nodes.add(rep.container.assigned);
  if (c.score >= INFINITY) {
    for (const n of [...dependent.allowed.keys()]) if (!nodes.has(n)) dependent.allowed.set(n, -INFINITY);
    return;
  }
  for (const rep of replicasOf(primary)) applyColocScore(ctx, dependent, rep.container, c);
}
