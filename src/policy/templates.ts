/**
 * Constraint references to templates and tags. A constraint may name a
 * `<template>` (meaning every primitive built from it) or a `<tag>` (meaning its
 * members); Pacemaker rewrites such a reference into an unordered resource set
 * (pcmk__tag_to_set). These helpers do the expansion on the working resources.
 * @module
 */
import type { Resource } from '../cib/types.js';
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
