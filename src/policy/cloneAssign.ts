/**
 * Placing clone instances (Pacemaker's distribute_children / allocate_instance):
 * instances are sorted so active ones come first, pre-assigned where they run as
 * long as no node gets more than its fair share, then the rest spread by score,
 * never more than clone-node-max per node and clone-max overall.
 * @module
 */
import { releaseCapacity } from './utilization.js';
import type { UnpackedResource } from '../cib/unpack/types.js';
import { addScore, INFINITY, nodeAvailable, type Coloc, type Ctx, type PRsc } from './model.js';
import { showScores } from './assign.js';
import { addColocation } from './colocation.js';
import { VARIANTS } from './variants.js';
import { hasInfluence, isCritical } from './influence.js';

/** Per-clone working data (kept beside PRsc so the shared model stays small). */
export interface CloneData {
  readonly cloneMax: number;
  readonly cloneNodeMax: number;
  readonly unique: boolean;
  readonly ordered: boolean;
  readonly interleave: boolean;
  readonly promotable: boolean;
  readonly notify: boolean;
  readonly promotedMax: number;
  readonly promotedNodeMax: number;
  /** Instances assigned per node (Pacemaker's node->count on the clone's allowed nodes). */
  readonly count: Map<string, number>;
}

const DATA = new WeakMap<PRsc, CloneData>();

/** Instance priority (the resource's priority, raised by promotion scores). */
const PRIORITY = new WeakMap<PRsc, number>();

/** An instance's current priority. */
export function instancePriority(r: PRsc): number {
  return PRIORITY.get(r) ?? r.u.priority;
}

/** Sets an instance's priority. */
export function setInstancePriority(r: PRsc, p: number): void {
  PRIORITY.set(r, p);
}

function bool(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  return /^(true|yes|on|1|y)$/i.test(v);
}

function int(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const m = /^\s*([+-]?\d+)/.exec(v);
  return m ? Number(m[1]) : dflt;
}

/** Records a clone's settings from its meta attributes. */
export function initCloneData(c: PRsc, nodeCount: number): CloneData {
  const m = c.u.meta;
  const d: CloneData = {
    cloneMax: c.u.cloneMax ?? int(m['clone-max'] ?? m['clone_max'], nodeCount),
    cloneNodeMax: c.u.cloneNodeMax ?? int(m['clone-node-max'] ?? m['clone_node_max'], 1),
    unique: c.u.unique,
    ordered: bool(m['ordered'], false),
    interleave: bool(m['interleave'], false),
    promotable: c.u.promotable,
    notify: bool(m['notify'], false),
    promotedMax: int(m['promoted-max'] ?? m['master-max'] ?? m['master_max'], 1),
    promotedNodeMax: int(m['promoted-node-max'] ?? m['master-node-max'] ?? m['master_node_max'], 1),
    count: new Map(),
  };
  DATA.set(c, d);
  return d;
}

/** The clone data of a clone. */
export function cloneData(c: PRsc): CloneData {
  const d = DATA.get(c);
  if (!d) throw new Error(`not a clone: ${c.id}`);
  return d;
}

/** True when `r` is a clone (the top of a set of instances). */
export function isClone(r: PRsc | undefined): boolean {
  return r !== undefined && DATA.has(r);
}

/** The clone an instance (or a member of a group instance) belongs to. */
export function cloneOf(r: PRsc): PRsc | undefined {
  for (let p = r.parent; p; p = p.parent) if (isClone(p)) return p;
  return undefined;
}

/** Primitive resources of an unpacked instance. */
function uPrims(u: UnpackedResource): UnpackedResource[] {
  return u.variant === 'primitive' ? [u] : u.children.flatMap(uPrims);
}

/** Nodes an instance is active on (its primitives', in discovery order). */
export function instanceRunningOn(inst: PRsc): string[] {
  const out: string[] = [];
  for (const p of uPrims(inst.u)) for (const n of p.runningOn) if (!out.includes(n)) out.push(n);
  return out;
}

function instanceFailed(inst: PRsc): boolean {
  return uPrims(inst.u).some((p) => p.failed);
}

/** Adds `score` on `node` to a resource and its members (common_update_score). */
export function updateScore(r: PRsc, node: string, score: number): void {
  const w = r.allowed.get(node);
  if (w !== undefined) r.allowed.set(node, addScore(w, score));
  for (const c of r.children) updateScore(c, node, score);
}

/** resource_location(rsc, NULL, score): every node, members too. */
function locationAll(ctx: Ctx, r: PRsc, score: number): void {
  for (const c of r.children) locationAll(ctx, c, score);
  for (const n of ctx.nodeList) r.allowed.set(n.name, addScore(r.allowed.get(n.name) ?? 0, score));
}

/** Instance order for assignment (pcmk__cmp_instance, without colocation ordering). */
export function cmpInstance(a: PRsc, b: PRsc): number {
  const ra = instanceRunningOn(a), rb = instanceRunningOn(b);
  if (ra.length > 0 && rb.length > 0 && ra.length !== rb.length) return ra.length - rb.length;
  let n1: string | undefined = ra[0], n2: string | undefined = rb[0];
  let can1 = true, can2 = true;
  if (n1 !== undefined && (a.allowed.get(n1) ?? -1) < 0) { n1 = undefined; can1 = false; }
  if (n2 !== undefined && (b.allowed.get(n2) ?? -1) < 0) { n2 = undefined; can2 = false; }
  if (can1 !== can2) return can1 ? -1 : 1;
  const pa = instancePriority(a), pb = instancePriority(b);
  if (pa !== pb) return pb - pa;
  if (n1 === undefined && n2 === undefined) return 0;
  if (n1 === undefined) return 1;
  if (n2 === undefined) return -1;
  const f1 = instanceFailed(a), f2 = instanceFailed(b);
  if (f1 !== f2) return f1 ? 1 : -1;
  return (a.u.instance ?? 0) - (b.u.instance ?? 0);
}

/** Lets an instance inherit its clone's colocations (append_parent_colocation). */
function appendParentColocations(clone: PRsc, inst: PRsc, all: boolean): void {
  const first = inst.variant === 'group' ? inst.children[0] : inst;
  const last = inst.variant === 'group' ? inst.children[inst.children.length - 1] : inst;
  if (!first || !last) return;
  const cons: Coloc[] = [];
  for (const c of clone.withPrimaries) if (all || c.score < 0 || c.score === INFINITY) cons.push(c);
  first.withPrimaries.unshift(...cons.reverse());
  const deps: Coloc[] = [];
  for (const c of clone.withDependents) if (hasInfluence(c, inst) && (all || c.score < 0)) deps.push(c);
  last.withDependents.unshift(...deps.reverse());
}

/** can_run_instance over every allowed node: bans nodes the instance may not use. */
function canRunInstance(ctx: Ctx, clone: PRsc, inst: PRsc, limit: number): void {
  const d = cloneData(clone);
  for (const node of [...inst.allowed.keys()]) {
    const n = ctx.nodes.get(node);
    let ok = false;
    if (nodeAvailable(n) && !inst.u.orphan) {
      const pw = clone.allowed.get(node);
      if (pw !== undefined && pw >= 0 && (d.count.get(node) ?? 0) < limit) ok = true;
    }
    if (!ok) updateScore(inst, node, -INFINITY);
  }
}

function deallocate(ctx: Ctx, r: PRsc): void {
  if (r.variant !== 'primitive' || r.assigned === null) return;
  const n = ctx.nodes.get(r.assigned);
  if (n) {
    n.assignedCount--;
    releaseCapacity(ctx, r, n.name);
  }
  r.assigned = null;
  r.provisional = true;
}

/** allocate_instance: assigns one instance, preferring `prefer`; true when it got a node. */
function allocateInstance(ctx: Ctx, clone: PRsc, inst: PRsc, prefer: string | undefined, all: boolean, limit: number): boolean {
  if (!inst.provisional) return inst.assigned !== null;
  if (inst.assigning) return false;
  appendParentColocations(clone, inst, all);
  if (prefer !== undefined) {
    const w = inst.allowed.get(prefer);
    if (w === undefined || w < 0) return false;
  }
  canRunInstance(ctx, clone, inst, limit);
  const backup = new Map(inst.allowed);
  let chosen = VARIANTS[inst.variant].assign(ctx, inst, prefer);
  if (chosen !== null && prefer !== undefined && chosen !== prefer) {
    inst.allowed = backup;
    deallocate(ctx, inst);
    chosen = null;
  }
  if (chosen !== null) {
    const d = cloneData(clone);
    d.count.set(chosen, (d.count.get(chosen) ?? 0) + 1);
  }
  return chosen !== null;
}

/** distribute_children: places up to clone-max instances. */
function distribute(ctx: Ctx, clone: PRsc, children: PRsc[]): void {
  const d = cloneData(clone);
  const max = d.cloneMax;
  let available = 0;
  for (const node of clone.allowed.keys()) {
    d.count.set(node, 0);
    if (nodeAvailable(ctx.nodes.get(node))) available++;
  }
  const all = max < available;
  const loopMax = Math.max(1, available ? Math.floor(max / available) : 1);
  let allocated = 0;
  for (const inst of children) {
    if (allocated >= max) break;
    const running = instanceRunningOn(inst);
    if (running.length === 0 || !inst.provisional || instanceFailed(inst)) continue;
    const node = running[0]!;
    if (!nodeAvailable(ctx.nodes.get(node))) continue;
    if (clone.allowed.has(node) && (d.count.get(node) ?? 0) >= loopMax) continue;
    if (allocateInstance(ctx, clone, inst, node, all, d.cloneNodeMax)) allocated++;
  }
  for (const inst of children) {
    if (!inst.provisional) continue;
    if (allocated >= max) {
      locationAll(ctx, inst, -INFINITY);
      continue;
    }
    if (allocateInstance(ctx, clone, inst, undefined, all, d.cloneNodeMax)) allocated++;
  }
  // Instances past clone-max are placed nowhere (Pacemaker assigns them later, to no node).
  for (const inst of children) if (inst.provisional) VARIANTS[inst.variant].assign(ctx, inst);
}

/** Members of a cloned group follow their first member, as in any group. */
function groupInstanceColocations(ctx: Ctx, clone: PRsc): void {
  for (const g of clone.children) {
    if (g.variant !== 'group') continue;
    if (/^(false|no|off|0)$/i.test(g.u.meta['collocated'] ?? 'true')) continue;
    for (let i = 1; i < g.children.length; i++) {
      if (g.children[i]!.withPrimaries.some((c) => c.primary === g.children[i - 1])) continue;
      addColocation(ctx, { id: `${g.id}-internal`, dependent: g.children[i]!, primary: g.children[i - 1]!, score: INFINITY, influence: isCritical(g.children[i]!) });
    }
  }
}

/** Assigns a clone's instances (pcmk__clone_allocate). */
export function assignClone(ctx: Ctx, clone: PRsc, beforeDistribute?: (ctx: Ctx, c: PRsc) => void, afterDistribute?: (ctx: Ctx, c: PRsc) => void): string | null {
  if (!clone.provisional || clone.assigning) return null;
  groupInstanceColocations(ctx, clone);
  beforeDistribute?.(ctx, clone);
  clone.assigning = true;
  for (const c of [...clone.withPrimaries]) VARIANTS[c.primary.variant].assign(ctx, c.primary);
  for (const c of [...clone.withDependents]) {
    if (!hasInfluence(c)) continue;
    clone.allowed = mergePositive(ctx, c.dependent, clone.allowed, c.nodeAttribute, c.score / INFINITY);
  }
  showScores(ctx, 'pcmk__clone_allocate', clone, true);
  const children = [...clone.children].sort(cmpInstance);
  distribute(ctx, clone, children);
  afterDistribute?.(ctx, clone);
  clone.provisional = false;
  clone.assigning = false;
  return null;
}

/**
 * The name the history knows an instance by (Pacemaker's clone_name), when it
 * differs from the instance id: the lrm_resource id that was mapped to it last.
 */
export function historyName(ctx: Ctx, r: PRsc): string | undefined {
  if (!cloneOf(r) || r.variant !== 'primitive') return undefined;
  let name: string | undefined;
  for (const [node, h] of Object.entries(r.u.history)) {
    const first = h.ops[0];
    if (!first) continue;
    const st = ctx.cluster.cib.status.nodes.find((s) => (s.uname ?? s.id) === node);
    const same = (o: { id: string; callId: number; operation: string }): boolean => o === first || (o.id === first.id && o.callId === first.callId && o.operation === first.operation);
    const lr = st?.lrm?.find((l) => l.ops.some(same));
    // A numbered name from a history that leaves the instance stopped is dropped:
    // the instance starts afresh under its own id (an unnumbered name stays).
    if (lr) name = h.role === 'Stopped' && lr.id.includes(':') ? undefined : lr.id;
  }
  return name !== undefined && name !== r.id ? name : undefined;
}

function bestMatching(ctx: Ctx, r: PRsc, attr: string, value: string | undefined): number {
  let best = -INFINITY;
  for (const [name, w] of r.allowed) {
    if (w > best && nodeAvailable(ctx.nodes.get(name)) && ctx.nodes.get(name)?.u.attributes[attr] === value) best = w;
  }
  return best;
}

function knows(r: PRsc, attr: string, value: string | undefined, ctx: Ctx): boolean {
  for (const name of r.allowed.keys()) if (ctx.nodes.get(name)?.u.attributes[attr] === value) return true;
  return false;
}

/**
 * Folds a dependent's preferences into a clone's node scores, never turning a
 * node negative (pcmk__native_merge_weights with pe_weights_positive), rolling
 * back when nothing could run.
 */
export function mergePositive(ctx: Ctx, r: PRsc, nodes: Map<string, number>, attr: string, factor: number): Map<string, number> {
  if (r.merging) return nodes;
  r.merging = true;
  let work = new Map(nodes);
  for (const [name, w] of work) {
    const score = bestMatching(ctx, r, attr, ctx.nodes.get(name)?.u.attributes[attr]);
    if (factor < 0 && score < 0) continue;
    const f = factor * score;
    let weight = Math.trunc(f < 0 ? f - 0.5 : f + 0.5);
    if (weight === 0 && score !== 0) weight = factor > 0 ? 1 : factor < 0 ? -1 : 0;
    const next = addScore(weight, w);
    // Only positive: a preference that would make the node negative is dropped.
    // Only positive: a node the dependent knows and rejects keeps a token score of 1; nodes it does not know at all are left alone.
    // The token is held as a marker (nothing merged later adds to it) and becomes 1 at the end.
    if (next < 0 && w > 0 && knows(r, attr, ctx.nodes.get(name)?.u.attributes[attr], ctx)) work.set(name, TOKEN_MARK);
    else if (next < 0) continue;
    else work.set(name, next);
  }
  let any = false;
  for (const [name, w] of work) if (w >= 0 && nodeAvailable(ctx.nodes.get(name))) any = true;
  if (any) {
    const sign = factor < 0 ? -1 : 1;
    for (const c of r.withDependents) {
      if (!hasInfluence(c)) continue;
      work = mergePositive(ctx, c.dependent, work, c.nodeAttribute, (sign * c.score) / INFINITY);
    }
    for (const [name, w] of work) if (w === TOKEN_MARK) work.set(name, 1);
  } else work = nodes;
  r.merging = false;
  return work;
}

/** Pacemaker's INFINITY_HACK: below -INFINITY, so additions leave it there. */
const TOKEN_MARK = -INFINITY * 100;
