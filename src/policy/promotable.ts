/**
 * Promotable clones: promotion scores (transient `master-<rsc>` attributes,
 * location constraints with role Promoted, colocations with roles), choosing up to
 * promoted-max instances (promoted-node-max per node), promote/demote actions,
 * role-specific monitors and the clone's promote/promoted/demote/demoted actions.
 * @module
 */
import type { Rule } from '../cib/types.js';
import { parseScore } from '../cib/values.js';
import { addScore, INFINITY, nodeAvailable, primitivesOf, scoreText, type Act, type Coloc, type Ctx, type PRsc } from './model.js';
import { order, rscAction } from './actions.js';
import { addColocatedScores } from './colocation.js';
import { orderPromotableGroup } from './promotableGroup.js';
import { ruleMatchesNode } from './location.js';
import { intervalOrZero } from '../cib/values.js';
import { mergePositive, cloneData, cmpInstance, historyName, instancePriority, setInstancePriority } from './cloneAssign.js';
import { requirePromotionTickets } from './tickets.js';
import { isActiveRecurring } from './activeOps.js';
import { hasInfluence } from './influence.js';
import { isRescheduled } from './digests.js';
import { attributesFor } from './attrTarget.js';
import { stripInstance } from '../cib/unpack/tree.js';

/** Priority and sort index of instances during role assignment. */
const SORT = new WeakMap<PRsc, number>();

function prio(r: PRsc): number {
  return instancePriority(r);
}
const PRIO = { set: setInstancePriority };

/** The instance's placed node (group instances: first member's). */
function placed(inst: PRsc): string | null {
  if (inst.variant === 'group') return inst.children[0]?.assigned ?? null;
  return inst.assigned;
}

function currentRole(r: PRsc): string {
  const roles = primitivesOf(r).map((p) => p.u.role);
  if (roles.includes('Promoted')) return 'Promoted';
  if (roles.some((x) => x === 'Started' || x === 'Unpromoted')) return 'Unpromoted';
  return 'Stopped';
}

function knownOn(p: PRsc, node: string): boolean {
  return p.u.history[node] !== undefined || p.u.runningOn.includes(node);
}

/** filter_anonymous_instance: does this anonymous instance get the node's promotion score? */
function anonymousGetsScore(clone: PRsc, p: PRsc, node: string): boolean {
  const base = p.u.baseId;
  for (const inst of clone.children) {
    const active = primitivesOf(inst).find((x) => x.u.baseId === base && x.u.runningOn.includes(node));
    if (active === p) return true;
    if (active) return false;
  }
  for (const inst of clone.children) {
    const x = primitivesOf(inst).find((y) => y.u.baseId === base);
    if (x && knownOn(x, node)) return true;
  }
  return false;
}

/** promotion_score: the `master-<name>` node attribute (groups: members' sum). */
function promotionScore(ctx: Ctx, clone: PRsc, r: PRsc, node: string, notSet: number): number {
  if (r.variant === 'group') {
    // Unset only when no member has a score.
    let s = 0, set = false;
    for (const c of r.children) {
      const cs = promotionScore(ctx, clone, c, node, notSet);
      if (cs !== notSet) {
        s += cs;
        set = true;
      }
    }
    return set ? s : notSet;
  }
  if (!cloneData(clone).unique && anonymousGetsScore(clone, r, node)) {
    // counts
  } else if (r.u.runningOn.length || Object.keys(r.u.history).length) {
    if (!r.u.runningOn.includes(node) && !knownOn(r, node)) return notSet;
  }
  const attrs = attributesFor(ctx, r, node);
  let v = attrs[`master-${historyId(ctx, r)}`];
  if (v === undefined && !cloneData(clone).unique) v = attrs[`master-${stripInstance(r.id)}`];
  if (v === undefined) return notSet;
  const s = parseScore(v);
  return s.ok ? s.val : notSet;
}

function historyId(ctx: Ctx, r: PRsc): string {
  return historyName(ctx, r) ?? r.id;
}

/** Before placement: promotion scores raise instances' node scores (pcmk__add_promotion_scores). */
export function promotableBefore(ctx: Ctx, clone: PRsc): void {
  if (!cloneData(clone).promotable) return;
  for (const inst of clone.children) {
    for (const [node, w] of inst.allowed) {
      if (!nodeAvailable(ctx.nodes.get(node))) continue;
      const s = promotionScore(ctx, clone, inst, node, 0);
      if (s > 0) inst.allowed.set(node, addScore(w, s));
      if (s > prio(inst)) PRIO.set(inst, s);
    }
  }
}

function setNextRole(r: PRsc, role: 'Promoted' | 'Unpromoted'): void {
  for (const p of [r, ...r.children]) {
    if (role === 'Unpromoted') p.nextRole = placed(r) !== null ? 'Unpromoted' : 'Stopped';
    else p.nextRole = 'Promoted';
  }
}

function ruleScore(rule: Rule, attrs: Readonly<Record<string, string>>): number | undefined {
  if (rule.scoreAttribute) {
    const v = attrs[rule.scoreAttribute];
    if (v === undefined) return undefined;
    const s = parseScore(v);
    return s.ok ? s.val : undefined;
  }
  return rule.score ?? 0;
}

/** Location constraints with role Promoted that name the clone (or what it clones): score on `node`. */
function promotedLocations(ctx: Ctx, clone: PRsc, node: string): number[] {
  const ids = new Set([clone.id, (clone.u.config as { child?: { id: string } }).child?.id]);
  const out: number[] = [];
  const attrs = ctx.nodes.get(node)?.u.attributes ?? {};
  for (const c of ctx.cluster.cib.configuration.constraints) {
    if (c.kind !== 'rsc_location') continue;
    const names = c.rsc ? [c.rsc] : c.sets.flatMap((s) => s.resources);
    if (!names.some((n) => ids.has(n))) continue;
    const isPromoted = (r?: string): boolean => r !== undefined && /^(Promoted|Master)$/i.test(r);
    if (c.node !== undefined) {
      if (isPromoted(c.role) && c.node === node) out.push(c.score ?? 0);
      continue;
    }
    for (const rule of c.rules) {
      if (!isPromoted(rule.role ?? c.role)) continue;
      if (!ruleMatchesNode(rule, attrs)) continue;
      const s = ruleScore(rule, attrs);
      if (s !== undefined) out.push(s);
    }
  }
  return out;
}

/** pcmk__apply_coloc_to_priority: a role-specific colocation changes an instance's promotion priority. */
function colocToPriority(ctx: Ctx, dep: PRsc, primary: PRsc, c: Coloc): void {
  const dn = placed(dep), pn = placed(primary);
  if (dn === null || pn === null) return;
  const attr = c.nodeAttribute;
  const dv = ctx.nodes.get(dn)?.u.attributes[attr], pv = ctx.nodes.get(pn)?.u.attributes[attr];
  if (dv !== pv) {
    if (c.score >= INFINITY && c.dependentRole === 'Promoted') PRIO.set(dep, -INFINITY);
    return;
  }
  if (c.primaryRole !== undefined && c.primaryRole !== primary.nextRole) return;
  const mult = c.dependentRole === 'Unpromoted' ? -1 : 1;
  PRIO.set(dep, addScore(mult * c.score, prio(dep)));
}

/** Applies colocations of a placed instance to its promotion priority. */
function colocationsToPriority(ctx: Ctx, inst: PRsc): void {
  const p = inst.variant === 'group' ? inst.children[0] : inst;
  if (!p) return;
  for (const c of p.withPrimaries) {
    if (c.dependentRole === undefined) continue;
    const primary = c.primary;
    const pd = isCloneLike(primary) ? cloneData(primary) : undefined;
    if (pd) {
      if (pd.promotable && c.primaryRole !== undefined) {
        if (c.dependentRole === 'Promoted') {
          const where = placed(inst);
          const match = where !== null && primary.children.some((i) => placed(i) === where && i.nextRole === c.primaryRole);
          if (match) PRIO.set(inst, addScore(prio(inst), c.score));
          else if (c.score >= INFINITY) PRIO.set(inst, -INFINITY);
        }
        continue;
      }
      // A mandatory colocation with a clone only limits where the dependent may run, not its priority.
      if (c.score >= INFINITY) continue;
      for (const pi of primary.children) colocToPriority(ctx, inst, pi, c);
    } else colocToPriority(ctx, inst, primary, c);
  }
}

function isCloneLike(r: PRsc): boolean {
  try {
    cloneData(r);
    return true;
  } catch {
    return false;
  }
}

function cmpPromotable(a: PRsc, b: PRsc): number {
  const sa = SORT.get(a) ?? 0, sb = SORT.get(b) ?? 0;
  if (sa !== sb) return sb - sa;
  const order = { Promoted: 3, Unpromoted: 2, Stopped: 1 } as Record<string, number>;
  const ra = order[currentRole(a)] ?? 0, rb = order[currentRole(b)] ?? 0;
  if (ra !== rb) return rb - ra;
  return cmpInstance(a, b);
}

// A placed member's "Started" stands for Pacemaker's not yet decided (Unknown) role here.
const ROLE_RANK: Record<string, number> = { Unknown: 0, Started: 0, Stopped: 1, Unpromoted: 3, Promoted: 4 };

/** An instance's next role; a group's is its members' highest (a member to be stopped bars promotion). */
function nextRoleOf(inst: PRsc): string {
  if (inst.variant !== 'group') return inst.nextRole;
  let best = 'Unknown';
  for (const c of inst.children) if ((ROLE_RANK[c.nextRole] ?? 0) > (ROLE_RANK[best] ?? 0)) best = c.nextRole;
  return best;
}

/** After placement: picks the instances to promote (pcmk__set_instance_roles). */
export function promotableAfter(ctx: Ctx, clone: PRsc): void {
  const d = cloneData(clone);
  if (!d.promotable) return;
  const count = new Map<string, number>();
  for (const inst of clone.children) {
    const chosen = placed(inst);
    // An unmanaged instance keeps the role it has.
    if (!inst.managed && chosen !== null && currentRole(inst) === 'Promoted') for (const x of [inst, ...inst.children]) x.nextRole = 'Promoted';
    const next = nextRoleOf(inst);
    if (chosen === null) {
      // An instance placed nowhere cannot be promoted: its sort index stays 0.
      SORT.set(inst, 0);
      continue;
    }
    if (next === 'Started' || next === 'Unknown') PRIO.set(inst, promotionScore(ctx, clone, inst, chosen, -1));
    else if (next === 'Unpromoted' || next === 'Stopped') PRIO.set(inst, -INFINITY);
    for (const s of promotedLocations(ctx, clone, chosen)) PRIO.set(inst, addScore(prio(inst), s));
    colocationsToPriority(ctx, inst);
    SORT.set(inst, next === 'Promoted' ? INFINITY : prio(inst));
  }
  // promotion_order: merge the instances' priorities into the clone's node scores.
  const weights = new Map(clone.allowed);
  for (const inst of clone.children) {
    const chosen = placed(inst);
    if (chosen === null || (SORT.get(inst) ?? 0) < 0) continue;
    weights.set(chosen, addScore(SORT.get(inst)!, weights.get(chosen) ?? 0));
  }
  let merged = weights;
  for (const c of clone.withPrimaries) {
    if (c.dependentRole !== 'Promoted') continue;
    // A mandatory colocation's scores stay even when they leave nowhere to promote.
    merged = addColocatedScores(ctx, c.primary, merged, c.nodeAttribute, c.score / INFINITY, true, c.score < INFINITY);
  }
  for (const c of clone.withDependents) {
    if (!hasInfluence(c) || c.primaryRole !== 'Promoted') continue;
    merged = mergePositive(ctx, c.dependent, merged, c.nodeAttribute, c.score / INFINITY);
  }
  // Ban promotion everywhere if a Promoted-role ticket is missing.
  merged = requirePromotionTickets(ctx, clone, merged);
  // The merged scores stay the clone's node scores (others merging this clone's scores see them).
  clone.allowed = new Map(merged);
  for (const inst of clone.children) {
    const chosen = placed(inst);
    if (!inst.managed && inst.nextRole === 'Promoted') SORT.set(inst, INFINITY);
    else if (chosen !== null && (SORT.get(inst) ?? 0) >= 0) SORT.set(inst, merged.get(chosen) ?? 0);
  }
  const sorted = [...clone.children].sort(cmpPromotable);
  let promoted = 0;
  for (const inst of sorted) {
    const chosenNode = placed(inst);
    const sortIndex = SORT.get(inst) ?? 0;
    ctx.scoreLines.push(`${inst.id} promotion score on ${chosenNode ?? 'none'}: ${scoreText(sortIndex)}`);
    let target: string | null = null;
    if (sortIndex >= 0 && (promoted < d.promotedMax || !clone.managed)) target = promoteTarget(ctx, clone, inst, count);
    if (target === null) {
      setNextRole(inst, 'Unpromoted');
      continue;
    }
    if (currentRole(inst) !== 'Promoted' && !ctx.haveQuorum && ctx.noQuorumPolicy === 'freeze') {
      setNextRole(inst, 'Unpromoted');
      continue;
    }
    count.set(target, (count.get(target) ?? 0) + 1);
    setNextRole(inst, 'Promoted');
    promoted++;
  }
}

function promoteTarget(ctx: Ctx, clone: PRsc, inst: PRsc, count: Map<string, number>): string | null {
  const node = placed(inst);
  if (node === null) return null;
  if (!inst.managed) {
    if (currentRole(inst) !== 'Promoted') return null;
  } else if (prio(inst) < 0) return null;
  else if (!nodeAvailable(ctx.nodes.get(node))) return null;
  if (!clone.allowed.has(node)) return null;
  if ((count.get(node) ?? 0) < cloneData(clone).promotedNodeMax || !inst.managed) return node;
  return null;
}

/**
 * pcmk__update_dependent_with_promotable and friends: a colocation with a role of
 * a promotable clone, applied to a dependent (a primitive or an instance).
 */
export function promotableColocation(ctx: Ctx, dependent: PRsc, primary: PRsc, c: Coloc): void {
  if (!dependent.provisional) {
    if (c.dependentRole === 'Promoted') {
      const where = dependent.assigned;
      const match = where !== null && primary.children.some((i) => placed(i) === where && i.nextRole === c.primaryRole);
      if (match) PRIO.set(dependent, addScore(prio(dependent), c.score));
      else if (c.score >= INFINITY) PRIO.set(dependent, -INFINITY);
    }
    return;
  }
  const affected = new Map<string, number>();
  for (const inst of primary.children) {
    const node = placed(inst);
    if (node === null || inst.nextRole !== c.primaryRole) continue;
    if (c.score < INFINITY) {
      const pv = ctx.nodes.get(node)?.u.attributes[c.nodeAttribute];
      for (const [n, w] of dependent.allowed) if (ctx.nodes.get(n)?.u.attributes[c.nodeAttribute] === pv) dependent.allowed.set(n, addScore(w, c.score));
    }
    const iw = (inst.variant === 'group' ? inst.children[0] : inst)?.allowed.get(node) ?? 0;
    affected.set(node, iw);
  }
  if (c.score >= INFINITY && (c.dependentRole !== 'Promoted' || c.primaryRole !== 'Promoted')) {
    for (const [n, w] of dependent.allowed) {
      const o = affected.get(n);
      dependent.allowed.set(n, o === undefined ? -INFINITY : addScore(w, o));
    }
    for (const n of affected.keys()) if (!dependent.allowed.has(n)) dependent.allowed.set(n, -INFINITY);
  }
}

// ---------------------------------------------------------------- actions

function roleOf(s: string | undefined): string | undefined {
  if (!s) return undefined;
  if (/^(master|promoted)$/i.test(s)) return 'Promoted';
  if (/^(slave|unpromoted)$/i.test(s)) return 'Unpromoted';
  if (/^started$/i.test(s)) return 'Started';
  return s;
}

/** Is a recurring monitor still active on a node (calculate_active_ops)? */
function activeRecurring(p: PRsc, node: string, intervalMs: number): boolean {
  return isActiveRecurring(p, node, 'monitor', intervalMs);
}

/** Promote/demote, role monitors and cancellations of one primitive of a promotable instance. */
function roleActions(ctx: Ctx, p: PRsc): void {
  const cur = p.u.runningOn[0];
  const curRole = p.u.role === 'Promoted' ? 'Promoted' : cur !== undefined ? 'Unpromoted' : 'Stopped';
  const next = p.assigned;
  const nextRole = next === null ? 'Stopped' : p.nextRole === 'Promoted' ? 'Promoted' : 'Unpromoted';
  const stop = p.actions.find((a) => a.task === 'stop' && !a.probe);
  const start = p.actions.find((a) => a.task === 'start' && !a.probe);
  const moving = cur !== undefined && (next !== cur || (stop !== undefined && !stop.optional));
  let demote: Act | undefined;
  // on-fail=demote: a failed promoted instance is demoted (and promoted again if it is chosen).
  const demoteFailed = curRole === 'Promoted' && p.u.failed && p.u.recoverByDemote === true;
  // Unmanaged instances keep their role; only their monitors are scheduled.
  if (curRole === 'Promoted' && cur !== undefined && p.managed) {
    // On a node about to be fenced the demote is implied (a pseudo action), like the stop.
    const unclean = ctx.nodes.get(cur)?.u.unclean ?? false;
    demote = rscAction(ctx, p, 'demote', 0, unclean ? undefined : cur, { optional: nextRole === 'Promoted' && !moving && !demoteFailed, pseudo: unclean });
    if (stop) order(ctx, demote, stop, { impliesFirst: true });
  }
  let promote: Act | undefined;
  if (nextRole === 'Promoted' && next !== null && p.managed) {
    promote = rscAction(ctx, p, 'promote', 0, next, { optional: curRole === 'Promoted' && !moving && !demoteFailed });
    if (start) order(ctx, start, promote, { runnableLeft: true });
    // The instance is demoted before it is promoted (a group member: the group instance is).
    if (demote && p.parent?.variant !== 'group') order(ctx, demote, promote, {});
  }
  // A blocked resource gets no recurring actions (pcmk__create_recurring_actions).
  if (p.u.blocked) return;
  // Role-specific recurring monitors. Ops sharing name and interval are a configuration error: all are ignored (is_op_dup).
  const perInterval = new Map<number, number>();
  for (const op of p.u.ops) if (op.name === 'monitor') perInterval.set(intervalOrZero(op.interval), (perInterval.get(intervalOrZero(op.interval)) ?? 0) + 1);
  for (const op of p.u.ops) {
    if (op.name !== 'monitor' || op.enabled === 'false') continue;
    if ((perInterval.get(intervalOrZero(op.interval)) ?? 0) > 1) continue;
    const roleless = roleOf(op.role) === undefined;
    // Monitors without a role are the unpromoted instances' monitors.
    const role = roleOf(op.role) ?? 'Unpromoted';
    const interval = intervalOrZero(op.interval);
    if (interval <= 0) continue;
    if (roleless && next !== null && role === nextRole) {
      const mon = p.actions.find((a) => a.task === 'monitor' && a.intervalMs === interval && a.node === next && !a.probe);
      if (mon && curRole === 'Promoted' && demote) order(ctx, demote, mon, { runnableLeft: true });
      continue;
    }
    if (next !== null && role === nextRole) {
      const known = cur === next && activeRecurring(p, next, interval);
      const optional = known && (start?.optional ?? true);
      const mon = rscAction(ctx, p, 'monitor', interval, next, { optional });
      if (role === 'Promoted') mon.attrs['CRM_meta_op_target_rc'] = '8';
      // An unmanaged instance is watched where it is, whatever its (unrunnable) start.
      if (start && (p.managed || cur !== next)) order(ctx, start, mon, { impliesThen: true, runnableLeft: true });
      if (role === 'Promoted' && promote) order(ctx, promote, mon, { runnableLeft: true });
      else if (curRole === 'Promoted' && demote) order(ctx, demote, mon, { runnableLeft: true });
    } else if (cur !== undefined && role !== nextRole && activeRecurring(p, cur, interval) && !(moving && next !== cur)) {
      if (nextRole === 'Stopped') continue;
      // One issued again for a definition change is not known to run: nothing to cancel.
      if (p.actions.some((a) => a.task === 'monitor' && a.intervalMs === interval && a.node === cur && isRescheduled(a))) continue;
      const cancel = rscAction(ctx, p, 'cancel', interval, cur, { optional: false });
      cancel.graphKey = `${p.id}_monitor_${interval}`;
      cancel.attrs['CRM_meta_operation'] = 'monitor';
      const after = curRole === 'Promoted' ? demote : nextRole === 'Promoted' ? promote : stop;
      if (after) order(ctx, cancel, after, { runnableLeft: true });
    }
  }
}

/** Creates instances' role actions and the clone's promote/promoted/demote/demoted. */
export function createPromotableActions(ctx: Ctx, clone: PRsc): void {
  let promoting = false, demoting = false;
  for (const inst of clone.children) {
    for (const p of primitivesOf(inst)) {
      roleActions(ctx, p);
      for (const a of p.actions) {
        if (a.optional) continue;
        if (a.task === 'promote') promoting = true;
        if (a.task === 'demote') demoting = true;
      }
    }
    if (inst.variant === 'group') {
      for (const t of ['demote', 'demoted', 'promote', 'promoted']) rscAction(ctx, inst, t, 0, undefined, { optional: true, pseudo: true });
    }
  }
  rscAction(ctx, clone, 'promote', 0, undefined, { optional: !promoting, pseudo: true });
  rscAction(ctx, clone, 'promoted', 0, undefined, { optional: !promoting, pseudo: true });
  rscAction(ctx, clone, 'demote', 0, undefined, { optional: !demoting, pseudo: true });
  rscAction(ctx, clone, 'demoted', 0, undefined, { optional: !demoting, pseudo: true });
}

function own(r: PRsc, task: string): Act | undefined {
  return r.actions.find((a) => a.task === task && a.kind === 'pseudo_event');
}

/** Orderings between the clone's role pseudo actions and the instances' promote/demote. */
export function orderPromotableInstances(ctx: Ctx, clone: PRsc): void {
  // Pacemaker's graph has no promote -> promoted input; promoted waits for the instances only.
  order(ctx, own(clone, 'promote'), own(clone, 'promoted'), { runnableLeft: true, noGraph: true });
  order(ctx, own(clone, 'demote'), own(clone, 'demoted'), { runnableLeft: true });
  order(ctx, own(clone, 'demoted'), own(clone, 'promote'), {});
  order(ctx, own(clone, 'stopped'), own(clone, 'promote'), {});
  order(ctx, own(clone, 'demoted'), own(clone, 'start'), {});
  for (const inst of clone.children) {
    if (inst.variant === 'group') {
      orderPromotableGroup(ctx, clone, inst);
      continue;
    }
    for (const p of primitivesOf(inst)) {
      for (const a of p.actions) {
        if (a.task === 'promote') {
          order(ctx, own(clone, 'promote'), a, { runnableLeft: true, printedFirst: true });
          order(ctx, a, own(clone, 'promoted'), { printedThen: true });
        } else if (a.task === 'demote') {
          order(ctx, own(clone, 'demote'), a, { printedFirst: true });
          order(ctx, a, own(clone, 'demoted'), { printedThen: true });
        }
      }
    }
  }
}
