/**
 * Builds the resource tree from configuration: primitives (templates resolved),
 * groups, clones with their instances (`child:N`) and bundles, with effective
 * meta attributes (own, then inherited from the parent, then rsc_defaults).
 * Mirrors Pacemaker's `pe__unpack_resource` and the variant unpackers.
 * @module
 */
import type { Cib, Primitive, Group, Clone, Bundle, Resource, Template, NvSet } from '../types.js';
import { INFINITY } from '../types.js';
import { isTrue, parseScore, parseInterval } from '../values.js';
import { flattenSets, type RulePredicate, type RuleResource } from './nvs.js';
import { buildBundle } from './bundle.js';
import type { UnpackedResource, Role, ResourceVariant } from './types.js';

/** Parses a role name as Pacemaker 2.1 accepts it (legacy Master/Slave too). */
export function parseRole(s: string | undefined): Role | undefined {
  if (s === undefined) return undefined;
  switch (s.toLowerCase()) {
    case 'stopped': return 'Stopped';
    case 'started': return 'Started';
    case 'slave': case 'unpromoted': return 'Unpromoted';
    case 'master': case 'promoted': return 'Promoted';
    default: return undefined;
  }
}

/** Numeric order of roles (Pacemaker's enum rsc_role_e). */
export const ROLE_ORDER: Record<Role, number> = { Unknown: 0, Stopped: 1, Started: 2, Unpromoted: 3, Promoted: 4 };

function scoreOf(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const r = parseScore(v);
  if (r.ok) return r.val;
  // Pacemaker reads scores with strtoll semantics: "2.0" is 2.
  const m = /^\s*([+-]?\d+)/.exec(v);
  return m ? Math.max(-INFINITY, Math.min(INFINITY, Number(m[1]))) : dflt;
}

function msOf(v: string | undefined): number {
  if (v === undefined) return 0;
  const r = parseInterval(v);
  return r.ok ? r.val : 0;
}

/** Context for building. */
export interface TreeContext {
  readonly cib: Cib;
  readonly ruleOk: RulePredicate;
  readonly rscDefaults: Readonly<Record<string, string>>;
  /** rsc_defaults for a resource agent (rules with rsc_expression); falls back to `rscDefaults`. */
  readonly rscDefaultsFor?: (rsc: RuleResource) => Readonly<Record<string, string>>;
  readonly templates: ReadonlyMap<string, Template>;
  /** Count of nodes known so far, default clone-max. */
  nodeCount: () => number;
}

/** Creates an empty mutable resource record. */
export function newResource(
  init: {
    id: string; baseId: string; variant: ResourceVariant; config: Primitive | Group | Clone | Bundle;
    parent?: UnpackedResource; meta: Record<string, string>; params: Record<string, string>;
    class?: string; provider?: string; type?: string; ops?: Primitive['ops'];
    promotable?: boolean; unique?: boolean; instance?: number; orphan?: boolean;
  },
  maintenanceMode: boolean,
): UnpackedResource {
  const meta = init.meta;
  const managed = meta['is-managed'] === undefined ? true : isTrue(meta['is-managed']);
  const maintenance = isTrue(meta['maintenance']) || maintenanceMode;
  const mt = meta['migration-threshold'];
  return {
    id: init.id,
    baseId: init.baseId,
    variant: init.variant,
    parent: init.parent,
    children: [],
    config: init.config,
    class: init.class,
    provider: init.provider,
    type: init.type,
    meta,
    params: init.params,
    ops: init.ops ?? [],
    promotable: init.promotable ?? false,
    unique: init.unique ?? false,
    instance: init.instance,
    role: 'Unknown',
    nextRole: 'Unknown',
    targetRole: parseRole(meta['target-role']) ?? 'Started',
    runningOn: [],
    roleOn: {},
    history: {},
    knownOn: [],
    failed: false,
    managed: managed && !maintenance,
    maintenance,
    orphan: init.orphan ?? false,
    blocked: false,
    failureIgnored: false,
    failcount: {},
    lastFailure: {},
    failures: [],
    dangling: [],
    container: meta['container'],
    stickiness: scoreOf(meta['resource-stickiness'] ?? meta['default-resource-stickiness'], 0),
    priority: scoreOf(meta['priority'], 0),
    migrationThreshold: scoreOf(meta['migration-threshold'], INFINITY) < 0 ? 0 : (mt === undefined ? INFINITY : scoreOf(mt, INFINITY)),
    failureTimeoutMs: msOf(meta['failure-timeout']),
    internal: false,
  };
}

function metaOf(ctx: TreeContext, sets: readonly NvSet[], parent?: UnpackedResource, rsc: RuleResource = {}): Record<string, string> {
  const own = flattenSets(sets, ctx.ruleOk, {}, rsc);
  if (parent) for (const [k, v] of Object.entries(parent.meta)) if (!(k in own)) own[k] = v;
  const defaults = ctx.rscDefaultsFor ? ctx.rscDefaultsFor(rsc) : ctx.rscDefaults;
  for (const [k, v] of Object.entries(defaults)) if (!(k in own)) own[k] = v;
  return own;
}

/** Resolves a primitive against its template (class/provider/type, sets and ops). */
export function resolveTemplate(p: Primitive, templates: ReadonlyMap<string, Template>): Primitive {
  if (!p.template) return p;
  const t = templates.get(p.template);
  if (!t) return p;
  // Pacemaker's template_op_key: an op is overridden by one of the same name and
  // role (Started/Unpromoted or none counting as one), whatever the interval.
  const opKey = (o: { name: string; role?: string }): string =>
    `${o.name}-${o.role === undefined || /^(started|unpromoted|slave)$/i.test(o.role) ? 'Unknown' : o.role}`;
  const ownOps = new Set(p.ops.map(opKey));
  return {
    ...p,
    class: p.class ?? t.class,
    provider: p.provider ?? t.provider,
    type: p.type ?? t.type,
    meta: [...p.meta, ...t.meta.map((s) => ({ ...s, score: (s.score ?? 0) - 1 }))],
    instance: [...p.instance, ...t.instance.map((s) => ({ ...s, score: (s.score ?? 0) - 1 }))],
    // As meta and instance sets: the primitive's own utilization wins over the template's.
    utilization: [...p.utilization, ...t.utilization.map((s) => ({ ...s, score: (s.score ?? 0) - 1 }))],
    ops: [...p.ops, ...t.ops.filter((o) => !ownOps.has(opKey(o)))],
  };
}

function buildPrimitive(
  ctx: TreeContext, raw: Primitive, parent: UnpackedResource | undefined, mm: boolean, suffix = '', instance?: number,
): UnpackedResource {
  const p = resolveTemplate(raw, ctx.templates);
  const meta = metaOf(ctx, p.meta, parent, { class: p.class, provider: p.provider, type: p.type });
  const r = newResource({
    id: p.id + suffix, baseId: p.id, variant: 'primitive', config: p, parent,
    meta, params: flattenSets(p.instance, ctx.ruleOk),
    class: p.class, provider: p.provider, type: p.type, ops: p.ops,
    promotable: parent?.promotable ?? false, unique: parent?.unique ?? false, instance,
  }, mm);
  return r;
}

function buildGroup(
  ctx: TreeContext, g: Group, parent: UnpackedResource | undefined, mm: boolean, suffix = '', instance?: number,
): UnpackedResource {
  const meta = metaOf(ctx, g.meta, parent);
  const r = newResource({
    id: g.id + suffix, baseId: g.id, variant: 'group', config: g, parent, meta,
    params: flattenSets(g.instance, ctx.ruleOk),
    promotable: parent?.promotable ?? false, unique: parent?.unique ?? false, instance,
  }, mm);
  for (const c of g.children) r.children.push(buildPrimitive(ctx, c, r, mm, suffix, instance));
  return r;
}

/** Builds one more instance of a clone (used for instances and anonymous orphans). */
export function addCloneInstance(ctx: TreeContext, clone: UnpackedResource, mm: boolean, orphan = false): UnpackedResource {
  const cfg = clone.config as Clone;
  const n = clone.children.length;
  const inst = cfg.child.kind === 'group'
    ? buildGroup(ctx, cfg.child, clone, mm, `:${n}`, n)
    : buildPrimitive(ctx, cfg.child, clone, mm, `:${n}`, n);
  if (orphan) markOrphan(inst);
  clone.children.push(inst);
  return inst;
}

function markOrphan(r: UnpackedResource): void {
  (r as { orphan: boolean }).orphan = true;
  for (const c of r.children) markOrphan(c);
}

function buildClone(ctx: TreeContext, c: Clone, mm: boolean): UnpackedResource {
  const own = flattenSets(c.meta, ctx.ruleOk);
  const meta = metaOf(ctx, c.meta);
  const promotable = c.legacyMaster || isTrue(own['promotable'] ?? meta['promotable']);
  const unique = isTrue(meta['globally-unique']);
  const r = newResource({
    id: c.id, baseId: c.id, variant: 'clone', config: c, meta,
    params: flattenSets(c.instance, ctx.ruleOk), promotable, unique,
  }, mm);
  const cm = meta['clone-max'] ?? meta['clone_max'];
  let max = cm !== undefined ? scoreOf(cm, ctx.nodeCount()) : ctx.nodeCount();
  if (max < 0) max = 0;
  const cnm = meta['clone-node-max'] ?? meta['clone_node_max'];
  r.cloneNodeMax = cnm !== undefined ? Math.max(0, scoreOf(cnm, 1)) : 1;
  // LSB agents cannot be told instances apart: such clones are forced anonymous, one
  // instance per node and no more instances than nodes (pe__force_anon).
  const cfgPrims = c.child.kind === 'group' ? c.child.children : [c.child];
  const forceAnon = unique && cfgPrims.some((p) => resolveTemplate(p, ctx.templates).class === 'lsb');
  if (forceAnon) {
    max = Math.min(max, ctx.nodeCount());
    r.cloneNodeMax = 1;
  }
  r.cloneMax = max;
  for (let i = 0; i < max; i++) addCloneInstance(ctx, r, mm);
  if (forceAnon) {
    for (const x of walk(r)) (x as { unique: boolean }).unique = false;
    (r.meta as Record<string, string>)['globally-unique'] = 'false';
  }
  return r;
}

/** Builds the tree for one top-level configured resource. */
export function buildResource(ctx: TreeContext, res: Resource, mm: boolean): UnpackedResource {
  switch (res.kind) {
    case 'primitive': return buildPrimitive(ctx, res, undefined, mm);
    case 'group': return buildGroup(ctx, res, undefined, mm);
    case 'clone': return buildClone(ctx, res, mm);
    case 'bundle': return buildBundle(ctx, res, metaOf(ctx, res.meta), mm);
  }
}

/** Walks a tree depth-first (parent before children). */
export function* walk(r: UnpackedResource): Generator<UnpackedResource> {
  yield r;
  for (const c of r.children) yield* walk(c);
}

/**
 * The top-level ancestor, stopping below a bundle as Pacemaker's uber_parent
 * does: a bundle's inner clone is its own top.
 */
export function topOf(r: UnpackedResource): UnpackedResource {
  let t = r;
  while (t.parent && t.parent.variant !== 'bundle') t = t.parent;
  return t;
}

/** A clone instance id without its `:N` suffix (`rsc:2` → `rsc`); other ids unchanged. */
export function stripInstance(id: string): string {
  const i = id.lastIndexOf(':');
  return i > 0 && /^\d+$/.test(id.slice(i + 1)) ? id.slice(0, i) : id;
}
