/**
 * Constraint references to templates and tags. A constraint may name a
 * `<template>` (meaning every primitive built from it) or a `<tag>` (meaning its
 * members); Pacemaker rewrites such a reference into an unordered resource set
 * (pcmk__tag_to_set). These helpers do the expansion on the working resources.
 * @module
 */
import type { Constraint, Resource, ResourceSet } from '../cib/types.js';
import type { Ctx, PRsc } from './model.js';

/** Ids of the primitives built from each template, configuration order. */
function templateUsers(ctx: Ctx): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (r: Resource): void => {
    if (r.kind === 'primitive') {
      if (r.template !== undefined) out.set(r.template, [...(out.get(r.template) ?? []), r.id]);
      return;
    }
    if (r.kind === 'group') r.children.forEach(walk);
    else if (r.kind === 'clone' && r.child) walk(r.child);
  };
  ctx.cluster.cib.configuration.resources.forEach(walk);
  return out;
}

/** Is `id` a template or a tag (not a resource)? */
export function isTemplateOrTag(ctx: Ctx, id: string): boolean {
  if (ctx.byId.has(id)) return false;
  const c = ctx.cluster.cib.configuration;
  return c.templates.some((t) => t.id === id) || c.tags.some((t) => t.id === id);
}

/**
 * The working resources a constraint reference stands for: the resource itself;
 * for a template, every primitive using it; for a tag, its members (templates in
 * it expanded too). Unknown ids give an empty list. Duplicates are dropped.
 */
export function expandReference(ctx: Ctx, id: string): PRsc[] {
  const direct = ctx.byId.get(id);
  if (direct) return [direct];
  const c = ctx.cluster.cib.configuration;
  const users = templateUsers(ctx);
  const ids: string[] = [];
  const add = (ref: string, depth: number): void => {
    if (ctx.byId.has(ref)) ids.push(ref);
    else if (users.has(ref)) ids.push(...users.get(ref)!);
    else if (depth < 4) for (const t of c.tags) if (t.id === ref) t.refs.forEach((x) => add(x, depth + 1));
  };
  add(id, 0);
  const out: PRsc[] = [];
  for (const x of ids) {
    const r = ctx.byId.get(x);
    if (r && !out.includes(r)) out.push(r);
  }
  return out;
}

/** Expands every reference of a list (resource set members), keeping order. */
export function expandReferences(ctx: Ctx, ids: readonly string[]): PRsc[] {
  const out: PRsc[] = [];
  for (const id of ids) for (const r of expandReference(ctx, id)) if (!out.includes(r)) out.push(r);
  return out;
}

/** The resource ids a template or tag stands for; undefined when `id` is neither. */
function memberIds(ctx: Ctx, id: string, users: Map<string, string[]>): string[] | undefined {
  if (ctx.byId.has(id)) return undefined;
  const u = users.get(id);
  if (u) return u;
  return ctx.cluster.cib.configuration.tags.find((t) => t.id === id)?.refs.slice();
}

/** pcmk__tag_to_set: a constraint end naming a template or tag becomes an unordered set; a plain resource a one-member set. */
function endToSet(ctx: Ctx, id: string, users: Map<string, string[]>, extra: { role?: string; action?: string }): ResourceSet {
  const members = memberIds(ctx, id, users);
  const attrs = { ...(extra.role !== undefined ? { role: extra.role } : {}), ...(extra.action !== undefined ? { action: extra.action } : {}) };
  return members ? { id, resources: members, sequential: false, ...attrs } : { id, resources: [id], ...attrs };
}

/** pcmk__expand_tags_in_sets: template and tag references inside sets are replaced by their members. */
function expandSets(ctx: Ctx, sets: readonly ResourceSet[], users: Map<string, string[]>): readonly ResourceSet[] {
  return sets.map((s) => {
    if (!s.resources.some((id) => memberIds(ctx, id, users) !== undefined)) return s;
    return { ...s, resources: s.resources.flatMap((id) => memberIds(ctx, id, users) ?? [id]) };
  });
}

function expandConstraint(ctx: Ctx, c: Constraint, users: Map<string, string[]>): Constraint {
  if (c.sets.length > 0) return { ...c, sets: expandSets(ctx, c.sets, users) } as Constraint;
  const named = (id: string | undefined): boolean => id !== undefined && memberIds(ctx, id, users) !== undefined;
  switch (c.kind) {
    case 'rsc_location': {
      if (!named(c.rsc)) return c;
      const { rsc, ...rest } = c;
      return { ...rest, sets: [endToSet(ctx, rsc!, users, {})] };
    }
    case 'rsc_colocation': {
      if (c.rsc === undefined || c.withRsc === undefined || !(named(c.rsc) || named(c.withRsc))) return c;
      // Two templates/tags cannot be colocated: Pacemaker ignores the constraint.
      if (named(c.rsc) && named(c.withRsc)) return { ...c, rsc: undefined, withRsc: undefined, sets: [] };
      const { rsc, withRsc, rscRole, withRscRole, ...rest } = c;
      return { ...rest, sets: [endToSet(ctx, rsc, users, { role: rscRole }), endToSet(ctx, withRsc, users, { role: withRscRole })] };
    }
    case 'rsc_order': {
      if (c.first === undefined || c.then === undefined || !(named(c.first) || named(c.then))) return c;
      const { first, then, firstAction, thenAction, ...rest } = c;
      return { ...rest, sets: [endToSet(ctx, first, users, { action: firstAction }), endToSet(ctx, then, users, { action: thenAction })] };
    }
    default:
      return c;
  }
}

const EXPANDED = new WeakMap<Ctx, readonly Constraint[]>();

/**
 * The configured constraints with template and tag references expanded the way
 * Pacemaker does before unpacking them (resource sets; see module comment).
 * Constraints without such references are returned as they are.
 */
export function expandedConstraints(ctx: Ctx): readonly Constraint[] {
  let out = EXPANDED.get(ctx);
  if (!out) {
    const users = templateUsers(ctx);
    out = ctx.cluster.cib.configuration.constraints.map((c) => expandConstraint(ctx, c, users));
    EXPANDED.set(ctx, out);
  }
  return out;
}
