/**
 * Colocation: turning `rsc_colocation` constraints (and groups' implicit ones) into
 * working colocations, applying a primary's placement to a dependent, and folding
 * dependents' preferences into a primary's scores.
 * @module
 */
import type { Role } from '../cib/unpack/types.js';
import type { ResourceSet } from '../cib/types.js';
import { addScore, INFINITY, nodeAvailable, type Coloc, type Ctx, type PRsc } from './model.js';
import { applyWithClone } from './clone.js';
import { applyWithBundle } from './bundle.js';
import { expandedConstraints } from './templates.js';
import { hasInfluence, influenceFlag, isCritical } from './influence.js';

function roleOf(s: string | undefined): Role | undefined {
  if (!s || s === 'Started') return undefined;
  if (s === 'Master') return 'Promoted';
  if (s === 'Slave') return 'Unpromoted';
  return s as Role;
}

/** Registers a colocation between two working resources. */
export function addColocation(ctx: Ctx, c: Omit<Coloc, 'nodeAttribute'> & { nodeAttribute?: string | undefined }): void {
  if (c.dependent === c.primary || c.score === 0) return;
  const col: Coloc = { ...c, nodeAttribute: c.nodeAttribute ?? '#uname' };
  c.dependent.withPrimaries.push(col);
  c.primary.withDependents.push(col);
  ctx.colocs.push(col);
}

/** Maps a colocation end to the primitive that stands for it (groups: a member). */
function asDependent(r: PRsc): PRsc | undefined {
  if (r.variant === 'group') return r.children[0];
  return r;
}
function asPrimary(r: PRsc, score: number): PRsc | undefined {
  if (r.variant === 'group') return score >= INFINITY ? r.children[r.children.length - 1] : r.children[0];
  return r;
}

/** Groups: each member is colocated with the one before it. */
export function groupColocations(ctx: Ctx): void {
  for (const g of ctx.top) {
    if (g.variant !== 'group') continue;
    if (/^(false|no|off|0)$/i.test(g.u.meta['collocated'] ?? 'true')) continue;
    for (let i = 1; i < g.children.length; i++) {
      addColocation(ctx, { id: `${g.id}-internal`, dependent: g.children[i]!, primary: g.children[i - 1]!, score: INFINITY, influence: isCritical(g.children[i]!) });
    }
  }
}

/** Unpacks `rsc_colocation` constraints. */
export function unpackColocations(ctx: Ctx): void {
  for (const c of expandedConstraints(ctx)) {
    if (c.kind !== 'rsc_colocation') continue;
    const score = c.score ?? 0;
    const pair = (depId: string, primId: string, depRole?: string, primRole?: string, sc = score): void => {
      const d0 = ctx.byId.get(depId), p0 = ctx.byId.get(primId);
      if (!d0 || !p0) return;
      const d = asDependent(d0), p = asPrimary(p0, sc);
      if (!d || !p) return;
      const influence = influenceFlag(c.influence, d0);
      const dr = roleOf(depRole), pr = roleOf(primRole);
      addColocation(ctx, {
        id: c.id, dependent: d, primary: p, score: sc, influence, configuredDependent: d0, configuredPrimary: p0,
        ...(dr ? { dependentRole: dr } : {}), ...(pr ? { primaryRole: pr } : {}),
        nodeAttribute: c.nodeAttribute,
      });
    };
    if (c.rsc && c.withRsc) {
      pair(c.rsc, c.withRsc, c.rscRole, c.withRscRole);
      continue;
    }
    let prevSet: ResourceSet | undefined;
    for (const s of c.sets) {
      const sc = s.score ?? score;
      const rs = s.resources;
      if (s.sequential !== false && sc > 0) {
        // ordering="group" (default): each member with the one before it; "listed": with the one after it.
        const listed = s.ordering === 'listed';
        for (let i = 1; i < rs.length; i++) {
          if (listed) pair(rs[i - 1]!, rs[i]!, s.role, s.role, sc);
          else pair(rs[i]!, rs[i - 1]!, s.role, s.role, sc);
        }
      } else if (s.sequential !== false && sc < 0) {
        // Negative: every member against every member before it.
        for (let i = 1; i < rs.length; i++) for (let j = 0; j < i; j++) pair(rs[i]!, rs[j]!, s.role, s.role, sc);
      }
      if (prevSet && score !== 0) colocateSets(prevSet, s, pair, score);
      prevSet = s;
    }
  }
}

/**
 * colocate_rsc_sets: between two sets the earlier one is the dependent. A
 * sequential set is represented by its first member (as dependent) or its last
 * (as primary); an unordered set by every member.
 */
function colocateSets(
  set1: ResourceSet, set2: ResourceSet,
  pair: (dep: string, prim: string, depRole?: string, primRole?: string, sc?: number) => void, score: number,
): void {
  const r1 = set1.sequential !== false ? set1.resources[0] : undefined;
  const r2 = set2.sequential !== false ? set2.resources[set2.resources.length - 1] : undefined;
  const deps = r1 !== undefined ? [r1] : set1.resources;
  const prims = r2 !== undefined ? [r2] : set2.resources;
  for (const d of deps) for (const p of prims) pair(d, p, set1.role, set2.role, score);
}

/**
 * The group's mandatory colocations, for a later member of a colocated group
 * after an unmanaged member. They normally reach later members through the
 * chain of internal colocations, which an unmanaged member (it stays where it
 * is whatever its scores) breaks: so those members get them directly.
 */
export function groupMandatoryColocs(r: PRsc): Coloc[] {
  const g = r.parent;
  const first = g?.children[0];
  if (g?.variant !== 'group' || !first || first === r) return [];
  if (/^(false|no|off|0)$/i.test(g.u.meta['collocated'] ?? 'true')) return [];
  const earlier = g.children.slice(0, g.children.indexOf(r));
  if (!earlier.some((m) => !m.managed)) return [];
  return first.withPrimaries.filter((c) => c.configuredDependent === g && c.score >= INFINITY);
}

/** Applies an assigned primary's placement to a dependent's scores. */
export function applyColocScore(ctx: Ctx, dependent: PRsc, primary: PRsc, c: Coloc): void {
  // A primary still being placed (a colocation loop) cannot constrain anything yet.
  if (primary.provisional) return;
  if (primary.variant === 'clone') return applyWithClone(ctx, dependent, primary, c);
  if (primary.variant === 'bundle') return applyWithBundle(ctx, dependent, primary, c);
  if (c.dependentRole && c.dependentRole !== dependent.nextRole) return;
  if (c.primaryRole && c.primaryRole !== primary.nextRole) return;
  const attr = c.nodeAttribute;
  let value: string | undefined;
  if (primary.assigned !== null) value = ctx.nodes.get(primary.assigned)?.u.attributes[attr];
  else if (c.score < 0) return;
  const work = new Map(dependent.allowed);
  for (const [name, w] of work) {
    const nv = ctx.nodes.get(name)?.u.attributes[attr];
    const same = primary.assigned !== null && nv !== undefined && nv === value;
    if (primary.assigned === null) work.set(name, -INFINITY);
    else if (c.score >= INFINITY && !same) work.set(name, -INFINITY);
    else if (same && c.score < INFINITY) work.set(name, addScore(c.score, w));
  }
  if (c.score <= -INFINITY || c.score >= INFINITY || anyAvailable(ctx, work)) dependent.allowed = work;
}

/** True when some node in the table is available with a non-negative score. */
export function anyAvailable(ctx: Ctx, nodes: Map<string, number>): boolean {
  for (const [name, w] of nodes) if (w >= 0 && nodeAvailable(ctx.nodes.get(name))) return true;
  return false;
}

/**
 * Adds to each node of `nodes` r's best score among the available nodes sharing that
 * node's `attr` value (−∞ when none). The best per value is found in one pass over
 * r's nodes, not one per node of `nodes`.
 */
function addMatching(ctx: Ctx, nodes: Map<string, number>, r: PRsc, attr: string, factor: number): void {
  const bestByValue = new Map<string | undefined, number>();
  for (const [name, w] of r.allowed) {
    const n = ctx.nodes.get(name);
    if (!nodeAvailable(n)) continue;
    const v = n?.u.attributes[attr];
    if (w > (bestByValue.get(v) ?? -INFINITY)) bestByValue.set(v, w);
  }
  for (const [name, w] of nodes) {
    const score = bestByValue.get(ctx.nodes.get(name)?.u.attributes[attr]) ?? -INFINITY;
    if (factor < 0 && score < 0) continue;
    const f = factor * score;
    let weight = Math.trunc(f < 0 ? f - 0.5 : f + 0.5);
    if (weight === 0 && score !== 0) weight = factor > 0 ? 1 : factor < 0 ? -1 : 0;
    nodes.set(name, addScore(weight, w));
  }
}

/**
 * Folds a dependent's (and, recursively, its dependents') node preferences into
 * `nodes`, scaled by `factor`; rolls back when that would leave nowhere to run
 * (always in the recursion; at the top only if `rollback`).
 */
export function addColocatedScores(
  ctx: Ctx, r: PRsc, nodes: Map<string, number>, attr: string, factor: number, forward = false, rollback = true,
): Map<string, number> {
  if (r.merging) return nodes;
  r.merging = true;
  let work = new Map(nodes);
  addMatching(ctx, work, r, attr, factor);
  if (anyAvailable(ctx, work)) {
    const sign = factor < 0 ? -1 : 1;
    for (const c of forward ? r.withPrimaries : r.withDependents) {
      if (!forward && !hasInfluence(c)) continue;
      work = addColocatedScores(ctx, forward ? mergeTarget(c) : c.dependent, work, c.nodeAttribute, (sign * c.score) / INFINITY, forward);
    }
  } else if (rollback) {
    work = nodes;
  }
  r.merging = false;
  return work;
}

/** A group a colocation names as primary lends its first member's scores to a merge. */
function mergeTarget(c: Coloc): PRsc {
  const g = c.configuredPrimary;
  return g?.variant === 'group' && g.children[0] ? g.children[0] : c.primary;
}

/** A resource's scores with those of the resources it is colocated with folded in (for sorting). */
export function mergedScores(ctx: Ctx, r: PRsc): Map<string, number> {
  // A group starts from its last member, which reaches the others through the group's internal colocations.
  const p = r.variant === 'group' ? r.children[r.children.length - 1] : r;
  if (!p) return new Map(r.allowed);
  p.merging = true;
  let work = new Map(p.allowed);
  if (anyAvailable(ctx, work)) {
    for (const c of p.withPrimaries) work = addColocatedScores(ctx, mergeTarget(c), work, c.nodeAttribute, c.score / INFINITY, true);
  }
  p.merging = false;
  return work;
}
