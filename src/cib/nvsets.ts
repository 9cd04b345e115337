/**
 * Name/value sets resolved as Pacemaker 2.1.5 does (`pe_eval_nvpairs`): sets are
 * applied highest score first, a special id (`cib-bootstrap-options` for
 * crm_config) before all; sets with equal scores in REVERSE document order
 * (Pacemaker prepends them to a list and stable-sorts it). Without `overwrite` the
 * first set applied that names a key wins — so the highest score, and of equal
 * scores the later set (scheduler case op-defaults-3 shows it). With `overwrite`
 * (transient node attributes, op meta) the last applied wins, i.e. the LOWEST
 * score: a 2.1.5 quirk later Pacemaker fixed, kept for fidelity.
 * Pairs without a value are skipped; the value `#default` removes what an earlier
 * set gave.
 *
 * On top of that: the effective meta-attributes and parameters of a resource, the
 * cluster properties, op defaults and an operation's meta, and node attributes.
 * Meta names are taken as written: Pacemaker 2.1 does not equate `target_role`
 * with `target-role` (only the old 0.6→1.0 schema upgrade renamed them).
 * @module
 */
import type {
  Cib, Clone, Group, Bundle, NodeConfig, NvPair, NvSet, NvSetKind, Operation, Primitive, Resource, Rule, Template,
} from './types.js';
import { evaluateRule, type RuleContext } from './rules.js';
import { parseInterval } from './values.js';

/** Ids of a CIB's sets, nvpairs and rules, for `id-ref` resolution. */
export interface CibIndex {
  readonly sets: ReadonlyMap<string, NvSet>;
  readonly pairs: ReadonlyMap<string, NvPair>;
  readonly rules: ReadonlyMap<string, Rule>;
}

/** Options of {@link resolveNvSets}. */
export interface ResolveOptions {
  /** Where `id-ref`s point: a {@link CibIndex} or just sets by id. */
  readonly byId?: CibIndex | ReadonlyMap<string, NvSet>;
  /** Later sets replace earlier values (Pacemaker uses this for transient node attributes and op meta). */
  readonly overwrite?: boolean;
  /** A set id that sorts before all others (`cib-bootstrap-options` for crm_config). */
  readonly alwaysFirst?: string;
  /** Merge into this map (it is modified and returned) instead of a new one. */
  readonly into?: Map<string, string>;
  /** Only sets of this kind are used (e.g. `meta_attributes` in rsc_defaults). */
  readonly kind?: NvSetKind;
}

/** The special crm_config set that always takes precedence. */
export const CIB_OPTIONS_FIRST = 'cib-bootstrap-options';

function isIndex(x: CibIndex | ReadonlyMap<string, NvSet> | undefined): x is CibIndex {
  return x !== undefined && !(x instanceof Map);
}

function setsOf(byId: ResolveOptions['byId']): ReadonlyMap<string, NvSet> | undefined {
  return isIndex(byId) ? byId.sets : byId;
}

/** A set's body after following `id-ref` (the parser may already have inlined it). */
export function expandSet(set: NvSet, byId?: CibIndex | ReadonlyMap<string, NvSet>): NvSet {
  if (set.idRef === undefined) return set;
  const target = setsOf(byId)?.get(set.idRef);
  return target !== undefined && target.idRef === undefined ? target : set;
}

/**
 * Sets in the order Pacemaker applies them: `alwaysFirst` id, then score
 * descending, equal scores in reverse document order. id-refs are expanded.
 */
export function orderNvSets(sets: readonly NvSet[], opts: Pick<ResolveOptions, 'byId' | 'alwaysFirst' | 'kind'> = {}): NvSet[] {
  const expanded = sets
    .filter((s) => opts.kind === undefined || s.kind === opts.kind)
    .map((s) => expandSet(s, opts.byId))
    .reverse();
  const first = opts.alwaysFirst;
  // Array.prototype.sort is stable (ES2019), like GLib's merge sort.
  return expanded.sort((a, b) => {
    if (first !== undefined) {
      if (a.id === first && b.id !== first) return -1;
      if (b.id === first && a.id !== first) return 1;
    }
    return (b.score ?? 0) - (a.score ?? 0);
  });
}

/** True when the set has no rule or its rule passes in `ctx`. */
export function setApplies(set: NvSet, ctx: RuleContext): boolean {
  return set.rule === undefined || evaluateRule(set.rule, ctx);
}

function pairNameValue(p: NvPair, byId: ResolveOptions['byId']): [string | undefined, string | undefined] {
  let name: string | undefined = p.name === '' ? undefined : p.name;
  let value = p.value;
  if (p.idRef !== undefined && isIndex(byId)) {
    const ref = byId.pairs.get(p.idRef);
    name ??= ref?.name === '' ? undefined : ref?.name;
    value ??= ref?.value;
  }
  return [name, value];
}

/**
 * Resolves name/value sets to one map (see module doc for the order). `ctx` is
 * what each set's rule is evaluated against.
 */
export function resolveNvSets(sets: readonly NvSet[], ctx: RuleContext, opts: ResolveOptions = {}): Map<string, string> {
  const out = opts.into ?? new Map<string, string>();
  const rctx: RuleContext = ctx.rulesById === undefined && isIndex(opts.byId) ? { ...ctx, rulesById: opts.byId.rules } : ctx;
  for (const set of orderNvSets(sets, opts)) {
    if (!setApplies(set, rctx)) continue;
    for (const p of set.pairs) {
      const [name, value] = pairNameValue(p, opts.byId);
      if (name === undefined || value === undefined) continue;
      if (value.toLowerCase() === '#default') {
        out.delete(name);
        continue;
      }
      if (!out.has(name) || opts.overwrite === true) out.set(name, value);
    }
  }
  return out;
}

// ------------------------------------------------------------ CIB index

function addSets(idx: { sets: Map<string, NvSet>; pairs: Map<string, NvPair>; rules: Map<string, Rule> }, sets: readonly NvSet[]): void {
  for (const s of sets) {
    if (s.idRef === undefined && !idx.sets.has(s.id)) idx.sets.set(s.id, s);
    for (const p of s.pairs) if (p.id !== undefined && p.idRef === undefined && !idx.pairs.has(p.id)) idx.pairs.set(p.id, p);
    if (s.rule !== undefined) addRule(idx.rules, s.rule);
  }
}

function addRule(rules: Map<string, Rule>, r: Rule): void {
  if (r.idRef !== undefined) return;
  if (!rules.has(r.id)) rules.set(r.id, r);
  for (const e of r.expressions) if (e.kind === 'rule') addRule(rules, e);
}

function addPrimitive(idx: Parameters<typeof addSets>[0], p: Primitive | Template): void {
  addSets(idx, p.meta);
  addSets(idx, p.instance);
  addSets(idx, p.utilization);
  for (const op of p.ops) {
    addSets(idx, op.meta);
    addSets(idx, op.instance);
  }
}

function addResource(idx: Parameters<typeof addSets>[0], r: Resource): void {
  switch (r.kind) {
    case 'primitive': addPrimitive(idx, r); break;
    case 'group':
      addSets(idx, r.meta); addSets(idx, r.instance);
      for (const c of r.children) addPrimitive(idx, c);
      break;
    case 'clone':
      addSets(idx, r.meta); addSets(idx, r.instance);
      addResource(idx, r.child);
      break;
    case 'bundle':
      addSets(idx, r.meta);
      if (r.primitive !== undefined) addPrimitive(idx, r.primitive);
      break;
  }
}

/** Indexes every set, nvpair and rule of a CIB by id (first definition wins). */
export function indexCib(cib: Cib): CibIndex {
  const idx = { sets: new Map<string, NvSet>(), pairs: new Map<string, NvPair>(), rules: new Map<string, Rule>() };
  const c = cib.configuration;
  addSets(idx, c.crmConfig);
  for (const n of c.nodes) { addSets(idx, n.instance); addSets(idx, n.utilization); }
  for (const r of c.resources) addResource(idx, r);
  for (const t of c.templates) addPrimitive(idx, t);
  for (const con of c.constraints) if (con.kind === 'rsc_location') for (const r of con.rules) addRule(idx.rules, r);
  addSets(idx, c.rscDefaults);
  addSets(idx, c.opDefaults);
  for (const ns of cib.status.nodes) addSets(idx, ns.transient);
  return idx;
}

// ------------------------------------------------------------ cluster-wide values

/** Context fields shared by the helpers below. */
export interface EvalOptions {
  /** Current time, epoch seconds (for date rules). */
  readonly now?: number;
  /** A prebuilt index of `cib` (built on demand otherwise). */
  readonly index?: CibIndex;
}

function indexOf(cib: Cib, opts: EvalOptions): CibIndex {
  return opts.index ?? indexCib(cib);
}

function withNow(now: number | undefined, rules: ReadonlyMap<string, Rule>): RuleContext {
  return now === undefined ? { rulesById: rules } : { now, rulesById: rules };
}

/**
 * Cluster properties from crm_config: `cib-bootstrap-options` first, then by
 * score; rules see only the time (no node, no resource).
 */
export function crmConfigProperties(cib: Cib, now?: number, opts: Omit<EvalOptions, 'now'> = {}): Map<string, string> {
  const idx = indexOf(cib, opts);
  return resolveNvSets(cib.configuration.crmConfig, withNow(now, idx.rules), {
    byId: idx, alwaysFirst: CIB_OPTIONS_FIRST, kind: 'cluster_property_set',
  });
}

/** A resource's agent, as rsc_expression sees it. */
export interface AgentId {
  readonly class?: string;
  readonly provider?: string;
  readonly type?: string;
}

/** Rule context for a resource: rsc data is always present (possibly all undefined). */
function rscContext(agent: AgentId, base: RuleContext): RuleContext {
  return { ...base, rscClass: agent.class, rscProvider: agent.provider, rscType: agent.type };
}

/**
 * rsc_defaults meta-attributes for a resource with this agent (rsc_expression
 * rules match it; node attribute expressions never pass here).
 */
export function rscDefaults(cib: Cib, agent: AgentId, opts: EvalOptions = {}): Map<string, string> {
  const idx = indexOf(cib, opts);
  return resolveNvSets(cib.configuration.rscDefaults, rscContext(agent, withNow(opts.now, idx.rules)), {
    byId: idx, kind: 'meta_attributes',
  });
}

/** An operation, as op_expression sees it. */
export interface OpId {
  readonly name: string;
  readonly intervalMs: number;
}

/** op_defaults meta-attributes for one operation of a resource with this agent. */
export function opDefaults(cib: Cib, agent: AgentId, op: OpId, opts: EvalOptions = {}): Map<string, string> {
  const idx = indexOf(cib, opts);
  const ctx: RuleContext = { ...rscContext(agent, withNow(opts.now, idx.rules)), opName: op.name, opIntervalMs: op.intervalMs };
  return resolveNvSets(cib.configuration.opDefaults, ctx, { byId: idx, kind: 'meta_attributes' });
}

// ------------------------------------------------------------ resources

/** Any resource-like object whose meta can be resolved. */
export type MetaOwner = Resource | Template;

/** A resource that contains others (the parents {@link parentsOf} returns). */
export type ParentResource = Group | Clone | Bundle;

function templateOf(cib: Cib, p: Primitive): Template | undefined {
  return p.template === undefined ? undefined : cib.configuration.templates.find((t) => t.id === p.template);
}

/** The agent of a primitive (from its template when it uses one); empty for collective resources. */
export function agentOf(cib: Cib, r: MetaOwner): AgentId {
  if (r.kind !== 'primitive' && r.kind !== 'template') return {};
  const t = r.kind === 'primitive' ? templateOf(cib, r) : undefined;
  const out: { class?: string; provider?: string; type?: string } = {};
  const cls = r.class ?? t?.class;
  const provider = r.provider ?? t?.provider;
  const type = r.type ?? t?.type;
  if (cls !== undefined) out.class = cls;
  if (provider !== undefined) out.provider = provider;
  if (type !== undefined) out.type = type;
  return out;
}

/** The chain of collective resources containing resource `id`, innermost first. */
export function parentsOf(cib: Cib, id: string): ParentResource[] {
  const path: ParentResource[] = [];
  const visit = (r: Resource | Primitive, stack: ParentResource[]): boolean => {
    if (r.id === id) { path.push(...[...stack].reverse()); return true; }
    switch (r.kind) {
      case 'group': return r.children.some((c) => visit(c, [...stack, r]));
      case 'clone': return visit(r.child, [...stack, r]);
      case 'bundle': return r.primitive !== undefined && visit(r.primitive, [...stack, r]);
      default: return false;
    }
  };
  for (const r of cib.configuration.resources) if (visit(r, [])) break;
  return path;
}

/** The resource element's own XML attributes, which Pacemaker seeds meta with. */
function xmlAttributes(r: MetaOwner, cib: Cib): Map<string, string> {
  const m = new Map<string, string>();
  if (r.kind === 'primitive' && r.template !== undefined) {
    const t = templateOf(cib, r);
    if (t !== undefined) for (const [k, v] of xmlAttributes(t, cib)) m.set(k, v);
    m.set('template', r.template);
  }
  m.set('id', r.id);
  if (r.kind === 'primitive' || r.kind === 'template') {
    if (r.class !== undefined) m.set('class', r.class);
    if (r.provider !== undefined) m.set('provider', r.provider);
    if (r.type !== undefined) m.set('type', r.type);
  }
  if (r.description !== undefined) m.set('description', r.description);
  for (const [k, v] of Object.entries(r.extra ?? {})) m.set(k, v);
  return m;
}

function ownSets(cib: Cib, r: MetaOwner, which: 'meta' | 'instance' | 'utilization'): readonly NvSet[] {
  if (which === 'utilization') return r.kind === 'primitive' || r.kind === 'template' ? [...(r.kind === 'primitive' ? templateOf(cib, r)?.utilization ?? [] : []), ...r.utilization] : [];
  if (which === 'instance' && r.kind === 'bundle') return [];
  const mine = r[which as 'meta'];
  // A templated primitive gets the template's sets, then its own (document order).
  if (r.kind === 'primitive') return [...(templateOf(cib, r)?.[which] ?? []), ...mine];
  return mine;
}

/** Options of {@link effectiveMeta}. */
export interface MetaOptions extends EvalOptions {
  /** The parent's effective meta, when the caller has it (else computed from the CIB). */
  readonly parentMeta?: ReadonlyMap<string, string>;
}

/**
 * A resource's effective meta-attributes (Pacemaker's `get_meta_attributes`): its
 * XML attributes (id, class, provider, type, description…), then its
 * meta_attributes (template's too), then its parent's meta where unset, then
 * rsc_defaults where unset. Rules see the time and the resource's agent; node
 * attribute expressions never pass here (Pacemaker passes no node).
 */
export function effectiveMeta(rsc: MetaOwner, cib: Cib, opts: MetaOptions = {}): Map<string, string> {
  const idx = indexOf(cib, opts);
  const agent = agentOf(cib, rsc);
  const ctx = rscContext(agent, withNow(opts.now, idx.rules));
  const out = xmlAttributes(rsc, cib);
  resolveNvSets(ownSets(cib, rsc, 'meta'), ctx, { byId: idx, into: out });
  let parentMeta = opts.parentMeta;
  if (parentMeta === undefined && rsc.kind !== 'template') {
    const parent = parentsOf(cib, rsc.id)[0];
    if (parent !== undefined) parentMeta = effectiveMeta(parent, cib, { ...opts, index: idx });
  }
  for (const [k, v] of parentMeta ?? []) if (!out.has(k)) out.set(k, v);
  resolveNvSets(cib.configuration.rscDefaults, ctx, { byId: idx, into: out, kind: 'meta_attributes' });
  return out;
}

/** Options of {@link effectiveParams}. */
export interface ParamOptions extends EvalOptions {
  /** Attributes of the node the parameters are for (rules may test them). */
  readonly nodeAttrs?: RuleContext['nodeAttrs'];
}

/**
 * A resource's instance attributes (parameters), optionally for a node: sets are
 * evaluated with the node's attributes, the time and the agent.
 */
export function effectiveParams(rsc: MetaOwner, cib: Cib, opts: ParamOptions = {}): Map<string, string> {
  const idx = indexOf(cib, opts);
  const base = withNow(opts.now, idx.rules);
  const ctx = rscContext(agentOf(cib, rsc), opts.nodeAttrs === undefined ? base : { ...base, nodeAttrs: opts.nodeAttrs });
  return resolveNvSets(ownSets(cib, rsc, 'instance'), ctx, { byId: idx });
}

/** A primitive's utilization, optionally for a node (as {@link effectiveParams}). */
export function effectiveUtilization(rsc: MetaOwner, cib: Cib, opts: ParamOptions = {}): Map<string, string> {
  const idx = indexOf(cib, opts);
  const base = withNow(opts.now, idx.rules);
  const ctx = rscContext(agentOf(cib, rsc), opts.nodeAttrs === undefined ? base : { ...base, nodeAttrs: opts.nodeAttrs });
  return resolveNvSets(ownSets(cib, rsc, 'utilization'), ctx, { byId: idx });
}

/** An `<op>`'s XML attributes under their XML names. */
function opXmlAttributes(op: Operation): Map<string, string> {
  const m = new Map<string, string>();
  const put = (k: string, v: string | undefined): void => { if (v !== undefined) m.set(k, v); };
  put('id', op.id); put('name', op.name); put('interval', op.interval); put('role', op.role);
  put('timeout', op.timeout); put('on-fail', op.onFail); put('enabled', op.enabled);
  put('requires', op.requires); put('record-pending', op.recordPending); put('start-delay', op.startDelay);
  put('interval-origin', op.intervalOrigin); put('description', op.description);
  for (const [k, v] of Object.entries(op.extra ?? {})) m.set(k, v);
  return m;
}

/**
 * An operation's meta (Pacemaker 2.1 `unpack_operation` precedence, highest
 * first): the `<op>` element's attributes, its meta_attributes (merged with
 * overwrite, as Pacemaker does), op_defaults, then its instance_attributes
 * (deprecated for meta). Rules see the time, the agent and the operation.
 */
export function effectiveOpMeta(op: Operation, rsc: MetaOwner, cib: Cib, opts: EvalOptions = {}): Map<string, string> {
  const idx = indexOf(cib, opts);
  const ms = parseInterval(op.interval);
  const ctx: RuleContext = {
    ...rscContext(agentOf(cib, rsc), withNow(opts.now, idx.rules)),
    opName: op.name, opIntervalMs: ms.ok ? ms.val : 0,
  };
  const out = resolveNvSets(cib.configuration.opDefaults, ctx, { byId: idx, kind: 'meta_attributes' });
  resolveNvSets(op.meta, ctx, { byId: idx, into: out, overwrite: true });
  resolveNvSets(op.instance, ctx, { byId: idx, into: out });
  for (const [k, v] of opXmlAttributes(op)) out.set(k, v);
  return out;
}

// ------------------------------------------------------------ nodes

/** Options of {@link nodeAttributes}. */
export interface NodeAttrOptions extends EvalOptions {
  /** `#kind`: cluster (default), remote, or container for guest nodes. */
  readonly kind?: 'cluster' | 'remote' | 'container';
  /** Include transient attributes from the status section (default true). */
  readonly transient?: boolean;
}

/**
 * A node's attributes as Pacemaker's `add_node_attrs` builds them: `#uname`,
 * `#id`, `#is_dc`, `#kind`, `#cluster-name` (from crm_config `cluster-name`), the
 * node's instance_attributes (first set wins; their rules see only the time), then
 * the status section's transient attributes (which override), and `#site-name`
 * (the `site-name` attribute, else the cluster name). `node` is a `<node>` entry,
 * or a name/id looked up in the configuration and then the status.
 */
export function nodeAttributes(cib: Cib, node: NodeConfig | string, opts: NodeAttrOptions = {}): Map<string, string> {
  const idx = indexOf(cib, opts);
  const conf = typeof node === 'string'
    ? cib.configuration.nodes.find((n) => n.uname === node) ?? cib.configuration.nodes.find((n) => n.id === node)
    : node;
  const state = typeof node === 'string' && conf === undefined
    ? cib.status.nodes.find((s) => s.uname === node) ?? cib.status.nodes.find((s) => s.id === node)
    : cib.status.nodes.find((s) => s.id === conf!.id) ?? cib.status.nodes.find((s) => conf!.uname !== undefined && s.uname === conf!.uname);
  const uname = conf?.uname ?? state?.uname ?? (typeof node === 'string' ? node : '');
  const id = conf?.id ?? state?.id ?? uname;
  const out = new Map<string, string>();
  out.set('#uname', uname);
  out.set('#id', id);
  out.set('#kind', opts.kind ?? (conf?.type === 'remote' || state?.remoteNode === true ? 'remote' : 'cluster'));
  out.set('#is_dc', cib.dcUuid !== undefined && cib.dcUuid === id ? 'true' : 'false');
  const clusterName = crmConfigProperties(cib, opts.now, { index: idx }).get('cluster-name');
  if (clusterName !== undefined) out.set('#cluster-name', clusterName);
  const ctx = withNow(opts.now, idx.rules);
  // Pacemaker runs add_node_attrs for the <node> entry, then again for the
  // transient attributes; each pass sets #site-name only if it is still unset.
  const siteName = (): void => {
    if (out.has('#site-name')) return;
    const site = out.get('site-name') ?? clusterName;
    if (site !== undefined) out.set('#site-name', site);
  };
  if (conf !== undefined) resolveNvSets(conf.instance, ctx, { byId: idx, into: out, kind: 'instance_attributes' });
  siteName();
  if (opts.transient !== false && state !== undefined) {
    resolveNvSets(state.transient, ctx, { byId: idx, into: out, overwrite: true, kind: 'instance_attributes' });
    siteName();
  }
  return out;
}

/** A node's utilization capacities (`<utilization>` sets; rules see only the time). */
export function nodeUtilization(cib: Cib, node: NodeConfig, opts: EvalOptions = {}): Map<string, string> {
  const idx = indexOf(cib, opts);
  return resolveNvSets(node.utilization, withNow(opts.now, idx.rules), { byId: idx });
}
