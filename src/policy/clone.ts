/**
 * Variant methods of a clone (anonymous, globally-unique, promotable): instances
 * are working resources under the clone; the clone's start/running/stop/stopped
 * (and promote/promoted/demote/demoted) pseudo actions bracket the instances'.
 * @module
 */
// variants.js first: it must finish loading before group.js/primitive.js are needed by it.
import { VARIANTS, type VariantMethods } from './variants.js';
import type { UnpackedResource } from '../cib/unpack/types.js';
import { addScore, INFINITY, primitivesOf, type Act, type Coloc, type Ctx, type PolicyVariant, type PRsc } from './model.js';
import { order, rscAction } from './actions.js';
import { applyColocScore } from './colocation.js';
import { groupActionFlags } from './group.js';
import { sortNodes } from './assign.js';
import { assignClone, cloneData, cloneOf, historyName, initCloneData, instanceRunningOn, isClone } from './cloneAssign.js';
import { createNotifyPseudoOps, createPromoteNotifyPseudoOps, notifiedEndpoint } from './notify.js';
import { createPromotableActions, orderPromotableInstances, promotableBefore, promotableAfter, promotableColocation } from './promotable.js';

export { cloneOf, isClone, cloneData } from './cloneAssign.js';

type MakeRsc = (u: UnpackedResource, variant: PolicyVariant, parent?: PRsc) => PRsc;

/** Builds the working clone with its instances (and group instances' members). */
export function buildClone(u: UnpackedResource, makeRsc: MakeRsc, byId: Map<string, PRsc>, nodeCount: number): PRsc {
  const c = makeRsc(u, 'clone');
  for (const iu of u.children) {
    if (iu.variant !== 'primitive' && iu.variant !== 'group') continue;
    const inst = makeRsc(iu, iu.variant, c);
    for (const mu of iu.children) {
      const m = makeRsc(mu, 'primitive', inst);
      inst.children.push(m);
      byId.set(m.id, m);
    }
    c.children.push(inst);
    byId.set(inst.id, inst);
  }
  initCloneData(c, nodeCount);
  // Constraints name the clone, or the resource it clones (which stands for the clone).
  byId.set(c.id, c);
  const cfg = u.config as { child?: { id: string; kind?: string; children?: { id: string }[] } };
  if (cfg.child && !byId.has(cfg.child.id)) byId.set(cfg.child.id, c);
  return c;
}

const CHILD_TASK: Record<string, string> = {
  start: 'start', running: 'start', stop: 'stop', stopped: 'stop',
  promote: 'promote', promoted: 'promote', demote: 'demote', demoted: 'demote',
};

/** The instance's own action standing for `task` (group instances: their pseudo action). */
export function instanceAction(inst: PRsc, task: string, node?: string): Act | undefined {
  return inst.actions.find((a) => a.task === task && a.intervalMs === 0 && !a.probe && (node === undefined || inst.variant !== 'primitive' || a.node === node));
}

/** clone_update_pseudo_status over an instance's primitives. */
function pseudoStatus(inst: PRsc, st: { stopping: boolean; starting: boolean; active: boolean }): void {
  for (const p of primitivesOf(inst)) {
    if (p.u.runningOn.length) st.active = true;
    for (const a of p.actions) {
      if (st.starting && st.stopping) return;
      if (a.optional) continue;
      if (a.kind !== 'pseudo_event' && !a.runnable) continue;
      if (a.task === 'stop') st.stopping = true;
      else if (a.task === 'start' && a.runnable) st.starting = true;
    }
  }
}

function createActions(ctx: Ctx, c: PRsc): void {
  const d = cloneData(c);
  const st = { stopping: false, starting: false, active: false };
  const sorted = [...c.children].sort((a, b) => (a.u.instance ?? 0) - (b.u.instance ?? 0));
  for (const inst of c.children) {
    VARIANTS[inst.variant].createActions(ctx, inst);
    pseudoStatus(inst, st);
  }
  rscAction(ctx, c, 'start', 0, undefined, { optional: !st.starting, pseudo: true });
  const running = rscAction(ctx, c, 'running', 0, undefined, { optional: !st.starting, pseudo: true });
  running.runnable = st.active || st.starting;
  rscAction(ctx, c, 'stop', 0, undefined, { optional: !st.stopping, pseudo: true });
  rscAction(ctx, c, 'stopped', 0, undefined, { optional: !st.stopping, pseudo: true });
  createNotifyPseudoOps(ctx, c);
  if (d.ordered) {
    let lastStop: Act | undefined, lastStart: Act | undefined;
    for (const inst of sorted) {
      const stop = instanceAction(inst, 'stop');
      if (stop) {
        if (lastStop) order(ctx, stop, lastStop, {});
        lastStop = stop;
      }
      const start = instanceAction(inst, 'start');
      if (start) {
        if (lastStart) order(ctx, lastStart, start, {});
        lastStart = start;
      }
    }
  }
  if (d.promotable) {
    createPromotableActions(ctx, c);
    createPromoteNotifyPseudoOps(ctx, c);
  }
  for (const a of c.actions) if (a.kind === 'pseudo_event') Object.assign(a.attrs, cloneMeta(c));
}

/** CRM_meta_* every clone action (and instance action) carries. */
export function cloneMeta(c: PRsc): Record<string, string> {
  const d = cloneData(c);
  const m: Record<string, string> = {
    CRM_meta_clone_max: String(d.cloneMax), CRM_meta_clone_node_max: String(d.cloneNodeMax),
    CRM_meta_globally_unique: String(d.unique), CRM_meta_notify: String(d.notify),
  };
  if (d.promotable) {
    m['CRM_meta_master_max'] = String(d.promotedMax);
    m['CRM_meta_master_node_max'] = String(d.promotedNodeMax);
    m['CRM_meta_promoted_max'] = String(d.promotedMax);
    m['CRM_meta_promoted_node_max'] = String(d.promotedNodeMax);
  }
  return m;
}

function own(c: PRsc, task: string): Act | undefined {
  return c.actions.find((a) => a.task === task);
}

function internalOrders(ctx: Ctx, c: PRsc): void {
  const d = cloneData(c);
  order(ctx, own(c, 'stopped'), own(c, 'start'), {});
  order(ctx, own(c, 'start'), own(c, 'running'), { runnableLeft: true });
  order(ctx, own(c, 'stop'), own(c, 'stopped'), { runnableLeft: true });
  if (d.promotable) {
    order(ctx, own(c, 'demoted'), own(c, 'stop'), {});
    order(ctx, own(c, 'running'), own(c, 'promote'), { runnableLeft: true });
  }
  const kids = d.ordered ? [...c.children].sort((a, b) => (a.u.instance ?? 0) - (b.u.instance ?? 0)) : c.children;
  let last: PRsc | undefined;
  for (const inst of kids) {
    VARIANTS[inst.variant].internalOrders(ctx, inst);
    const starts = inst.actions.filter((a) => a.task === 'start' && !a.probe);
    const stops = inst.actions.filter((a) => a.task === 'stop' && !a.probe);
    // As the first side of an ordering a cloned group stands for its running/stopped.
    const done = (r: PRsc, task: string): Act[] => (r.variant === 'group' ? VARIANTS.group.endpoint(ctx, r, task, true) : r.actions.filter((a) => a.task === task && !a.probe));
    for (const s of starts) order(ctx, own(c, 'start'), s, { runnableLeft: true, printedFirst: true });
    for (const s of done(inst, 'start')) order(ctx, s, own(c, 'running'), { printedThen: true });
    for (const s of stops) order(ctx, own(c, 'stop'), s, { printedFirst: true });
    for (const s of done(inst, 'stop')) order(ctx, s, own(c, 'stopped'), { printedThen: true });
    if (d.ordered && last) {
      for (const a of done(last, 'start')) for (const s of starts) order(ctx, a, s, {});
      for (const a of done(inst, 'stop')) for (const s of last.actions.filter((x) => x.task === 'stop' && !x.probe)) order(ctx, a, s, {});
    }
    // A probe may find an instance active: it must be done before the clone counts as stopped.
    const stopped = own(c, 'stopped');
    if (stopped) for (const p of primitivesOf(inst)) ctx.stopThen.push({ first: p, then: stopped, sameNode: false });
    last = inst;
  }
  if (d.promotable) orderPromotableInstances(ctx, c);
}

/**
 * A clone's pseudo action is required when an instance's counterpart is, and
 * cannot run when no instance's counterpart can (summary_action_flags).
 * Returns true when something changed.
 */
export function cloneActionFlags(c: PRsc): boolean {
  let changed = false;
  for (const inst of c.children) if (inst.variant === 'group' && groupActionFlags(inst)) changed = true;
  for (const a of c.actions) {
    // Notification pseudo actions follow the instances' action they announce (clone_child_action).
    const notified = a.task === 'notify' || a.task === 'notified' ? /_notify_([a-z]+)_0$/.exec(a.key)?.[1] : undefined;
    const task = CHILD_TASK[notified ?? a.task];
    if (!task || a.kind !== 'pseudo_event') continue;
    let anyRunnable = false;
    for (const inst of c.children) {
      const m = instanceAction(inst, task);
      if (!m) continue;
      if (a.optional && !m.optional) {
        a.optional = false;
        changed = true;
      }
      if (m.runnable) anyRunnable = true;
    }
    if (!anyRunnable && a.runnable) {
      a.runnable = false;
      changed = true;
    }
  }
  return changed;
}

/** first side: running/stopped (promoted/demoted) stand for start/stop (promote/demote). */
function endpoint(_ctx: Ctx, c: PRsc, task: string, asFirst: boolean): Act[] {
  const t = asFirst ? ({ start: 'running', stop: 'stopped', promote: 'promoted', demote: 'demoted' } as Record<string, string>)[task] ?? task : task;
  // A notify=true clone is done once its post-notifications are confirmed.
  const notified = asFirst ? notifiedEndpoint(c, t) : undefined;
  if (notified) return [notified];
  return c.actions.filter((a) => a.task === t && a.kind === 'pseudo_event');
}

function assign(ctx: Ctx, c: PRsc): string | null {
  return assignClone(ctx, c, promotableBefore, promotableAfter);
}

/** The clone variant's methods. */
export const cloneMethods: VariantMethods = { assign, createActions, internalOrders, endpoint };

// ---------------------------------------------------------------- colocation

/** find_compatible_child_by_node: an instance of `clone` placed (or, `current`, active) on `node`. */
export function instanceOnNode(clone: PRsc, node: string, current: boolean, role?: string): PRsc | undefined {
  for (const inst of clone.children) {
    const where = current ? instanceRunningOn(inst)[0] : inst.assigned ?? undefined;
    if (role !== undefined && (current ? inst.u.role : inst.nextRole) !== role) continue;
    if (where === node) return inst;
  }
  return undefined;
}

/** find_compatible_child: an instance of `clone` on the node of `local` (or its best allowed node). */
export function compatibleInstance(ctx: Ctx, local: PRsc, clone: PRsc, current: boolean, role?: string): PRsc | undefined {
  const where = current ? instanceRunningOn(local)[0] : local.provisional ? undefined : local.assigned ?? undefined;
  if (where !== undefined) return instanceOnNode(clone, where, current, role);
  if (!current && !local.provisional) return undefined;
  for (const n of sortNodes(ctx, local.allowed)) {
    const m = instanceOnNode(clone, n.name, current, role);
    if (m) return m;
  }
  return undefined;
}

function copiesPerNode(r: PRsc): number {
  return isClone(r) ? cloneData(r).cloneNodeMax : 1;
}

/**
 * clone_rsc_colocation_rh: applies a colocation whose primary is a clone to a
 * primitive dependent (instances of a dependent clone come here one by one).
 */
export function applyWithClone(ctx: Ctx, dependent: PRsc, primary: PRsc, c: Coloc): void {
  const d = cloneData(primary);
  if (d.promotable) {
    if (primary.provisional) return;
    if (c.primaryRole !== undefined) {
      promotableColocation(ctx, dependent, primary, c);
      return;
    }
  }
  const depClone = isClone(c.dependent) ? c.dependent : undefined;
  const interleave = depClone !== undefined && cloneData(depClone).interleave && copiesPerNode(depClone) === copiesPerNode(primary);
  if (primary.provisional) return;
  if (interleave) {
    const inst = compatibleInstance(ctx, dependent, primary, false);
    if (inst) applyColocScore(ctx, dependent, inst, c);
    else if (c.score >= INFINITY) for (const n of dependent.allowed.keys()) dependent.allowed.set(n, -INFINITY);
    return;
  }
  if (c.score >= INFINITY) {
    const nodes = new Set<string>();
    for (const inst of primary.children) {
      const where = instanceNode(inst);
      if (where !== null && !primitivesOf(inst).some((p) => p.u.blocked)) nodes.add(where);
    }
    for (const n of [...dependent.allowed.keys()]) if (!nodes.has(n)) dependent.allowed.set(n, -INFINITY);
    return;
  }
  for (const inst of primary.children) {
    if (inst.variant === 'group') {
      const last = inst.children[inst.children.length - 1];
      if (last) applyColocScore(ctx, dependent, last, c);
    } else applyColocScore(ctx, dependent, inst, c);
  }
}

/** Where an instance is placed (group instances: their first member's node). */
export function instanceNode(inst: PRsc): string | null {
  if (inst.variant === 'group') return inst.children[0]?.assigned ?? null;
  return inst.assigned;
}

// ---------------------------------------------------------------- probes

/**
 * Anonymous clones are probed once per node: through the instance active there,
 * else the lowest-numbered one, and not at all when any instance has a history there.
 */
export function skipCloneProbe(r: PRsc, node: string): boolean {
  const c = cloneOf(r);
  if (!c || cloneData(c).unique) return false;
  for (const inst of c.children) for (const p of primitivesOf(inst)) if (p.u.history[node] !== undefined) return true;
  const kids = [...c.children].sort((a, b) => (a.u.instance ?? 0) - (b.u.instance ?? 0));
  // find_instance_on looks at where instances are placed, not where they run.
  const chosen = kids.find((i) => instanceNode(i) === node) ?? kids[0];
  let inst: PRsc = r;
  while (inst.parent && inst.parent !== c) inst = inst.parent;
  return inst !== chosen;
}

// ---------------------------------------------------------------- graph names

/** A stop or demote made a pseudo action because its node is fenced: it keeps the operation's name. */
function impliedByFencing(a: Act): boolean {
  return a.kind === 'pseudo_event' && (a.task === 'stop' || a.task === 'demote') && (a.rsc?.u.runningOn.length ?? 0) > 0;
}

/** Graph key and resource ids of an instance action (operation_key, primitive id/long-id). */
export function graphNames(ctx: Ctx, a: Act): { key?: string; rscId?: string; longId?: string; runAs?: string } {
  const r = a.rsc;
  if (!r || !cloneOf(r) || r.variant !== 'primitive') return {};
  const hist = historyName(ctx, r);
  const unique = cloneData(cloneOf(r)!).unique;
  const out: { key?: string; rscId?: string; longId?: string; runAs?: string } = {};
  if (hist !== undefined && (a.kind === 'rsc_op' || impliedByFencing(a)) && a.task !== 'notify') out.key = `${hist}_${a.task === 'cancel' ? 'monitor' : a.task}_${a.intervalMs}`;
  if (!unique) {
    out.rscId = r.u.baseId;
    // long-id: the history's name when it is not the plain id, else the instance id.
    out.longId = hist !== undefined && hist !== r.u.baseId ? hist : r.id;
    // crm_simulate records the result under the plain id only when the status already knows that name.
    const c = cloneOf(r)!;
    const known = c.children.flatMap(primitivesOf).some((p) => historyName(ctx, p) === r.u.baseId);
    if (!known) out.runAs = hist ?? r.id;
  } else if (r.u.orphan && hist) {
    out.rscId = hist;
    out.longId = r.id;
  }
  return out;
}

/**
 * CRM_meta_* an instance's action carries in the graph: the clone's meta, and for
 * real operations the instance number (pseudo actions of instances carry no number).
 */
export function instanceGraphMeta(a: Act): Record<string, string> {
  const r = a.rsc;
  if (!r) return {};
  const c = cloneOf(r);
  if (!c) return {};
  let inst: PRsc = r;
  while (inst.parent && inst.parent !== c) inst = inst.parent;
  const m = cloneMeta(c);
  if (a.kind === 'rsc_op' && inst.u.instance !== undefined) m['CRM_meta_clone'] = String(inst.u.instance);
  return m;
}

/**
 * Synapse priority of a clone's action: its "done" pseudo actions and post
 * notifications run as soon as they can (Pacemaker gives them INFINITY).
 */
export function cloneGraphPriority(a: Act): number {
  const r = a.rsc;
  if (!r) return 0;
  if (isClone(r) && a.kind === 'pseudo_event' && ['running', 'stopped', 'promoted', 'demoted'].includes(a.task)) return INFINITY;
  if ((a.task === 'notify' || a.task === 'notified') && (isClone(r) || cloneOf(r)) && /_(confirmed-)?post_notify_/.test(a.key)) return INFINITY;
  return 0;
}

/** Stickiness of a resource: clone instances default to 1 when nothing sets it (clone_unpack). */
export function instanceStickiness(r: PRsc): number {
  if (!cloneOf(r)) return r.u.stickiness;
  const m = r.u.meta;
  if (m['resource-stickiness'] !== undefined || m['resource_stickiness'] !== undefined || m['default-resource-stickiness'] !== undefined) return r.u.stickiness;
  return 1;
}

/** What a migration-threshold ban applies to: an anonymous clone instance's whole clone. */
export function failureBanTarget(r: PRsc): PRsc {
  const c = cloneOf(r);
  return c && !cloneData(c).unique ? c : r;
}

/** -INFINITY on `node` for a resource and everything under it (resource_location on a collective). */
export function banTree(r: PRsc, node: string): void {
  for (const c of r.children) banTree(c, node);
  r.allowed.set(node, addScore(r.allowed.get(node) ?? 0, -INFINITY));
}

/**
 * Failcount of an anonymous clone instance on a node: every instance's count there
 * (Pacemaker matches fail-count-<rsc>:<any instance>); undefined for other resources.
 */
export function cloneFailcount(ctx: Ctx, r: PRsc, node: string): number | undefined {
  const c = cloneOf(r);
  if (!c || cloneData(c).unique) return undefined;
  // Asked per instance and node: summing over all instances each time is quadratic.
  let memo = failcountMemo.get(ctx);
  if (memo === undefined) failcountMemo.set(ctx, (memo = new Map()));
  const key = `${c.id}\u0000${r.u.baseId}\u0000${node}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  let total = 0;
  for (const p of c.children.flatMap(primitivesOf)) {
    if (p.u.baseId !== r.u.baseId) continue;
    const fc = p.u.failcount[node]?.total ?? 0;
    if (fc <= 0) continue;
    const last = p.u.lastFailure[node];
    if (p.u.failureTimeoutMs > 0 && last !== undefined && last + p.u.failureTimeoutMs / 1000 <= ctx.cluster.now) continue;
    total += fc;
  }
  memo.set(key, total);
  return total;
}

/** Anonymous clone failcounts by clone, base id and node; the unpacked history they sum never changes during a run. */
const failcountMemo = new WeakMap<Ctx, Map<string, number>>();
