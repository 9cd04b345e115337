/**
 * Stage 2: node scores from the cluster's symmetry and `rsc_location` constraints
 * (node + score, rules with score or score-attribute, resource-discovery).
 * @module
 */
import type { LocationConstraint, Rule, Expression } from '../cib/types.js';
import { parseScore } from '../cib/values.js';
import { addScore, INFINITY, type Ctx, type PNode, type PRsc } from './model.js';
import { expandedConstraints } from './templates.js';
import { evaluateRule, char2score } from '../cib/rules.js';

/** Adds `score` for `node` to a resource (variant-specific; groups pass it to members). */
export function resourceLocation(r: PRsc, node: string, score: number): void {
  r.allowed.set(node, addScore(r.allowed.get(node) ?? 0, score));
}

function cmp(a: string | undefined, op: string, b: string | undefined, type?: string): boolean {
  if (op === 'defined') return a !== undefined;
  if (op === 'not_defined') return a === undefined;
  if (a === undefined || b === undefined) return op === 'ne' && a !== b;
  const numeric = type === 'integer' || type === 'number' || (type === undefined && /^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b));
  let c: number;
  if (numeric) c = Number(a) - Number(b);
  else if (type === 'version') {
    const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
    c = 0;
    for (let i = 0; i < Math.max(pa.length, pb.length) && c === 0; i++) c = (pa[i] ?? 0) - (pb[i] ?? 0);
  } else c = a < b ? -1 : a > b ? 1 : 0;
  switch (op) {
    case 'eq': return c === 0;
    case 'ne': return c !== 0;
    case 'lt': return c < 0;
    case 'gt': return c > 0;
    case 'lte': return c <= 0;
    case 'gte': return c >= 0;
    default: return false;
  }
}

/** Evaluates a rule against a node's attributes (date expressions are treated as true). */
export function ruleMatchesNode(rule: Rule, attrs: Readonly<Record<string, string>>): boolean {
  const results = rule.expressions.map((e) => exprMatches(e, attrs));
  if (results.length === 0) return true;
  return rule.booleanOp === 'or' ? results.some(Boolean) : results.every(Boolean);
}

function exprMatches(e: Expression, attrs: Readonly<Record<string, string>>): boolean {
  switch (e.kind) {
    case 'expression':
      return cmp(attrs[e.attribute], e.operation, e.value, e.type);
    case 'rule':
      return ruleMatchesNode(e, attrs);
    default:
      return true;
  }
}

function targets(ctx: Ctx, c: LocationConstraint): PRsc[] {
  if (c.rsc) {
    const r = ctx.byId.get(c.rsc);
    return r ? [r] : [];
  }
  if (c.rscPattern) {
    // A leading '!' selects the resources the pattern does not match; either way only
    // top-level resources are candidates (members follow their group or clone).
    const invert = c.rscPattern.startsWith('!');
    let re: RegExp;
    try {
      re = new RegExp(invert ? c.rscPattern.slice(1) : c.rscPattern);
    } catch {
      return [];
    }
    return ctx.top.filter((r) => re.test(r.id) !== invert);
  }
  return c.sets.flatMap((s) => s.resources.map((id) => ctx.byId.get(id)).filter((r): r is PRsc => !!r));
}

/** Applies one node score to a resource and, for groups, to its members (first in full, others 0). */
export function applyToTree(r: PRsc, node: string, score: number): void {
  resourceLocation(r, node, score);
  // Clones pass the full score to every instance; groups to the first member only.
  // A bundle passes it to its replicas' containers and IPs (not their connections).
  if (r.variant === 'bundle') for (const c of r.children) { if (c.u.remoteNode === undefined) applyToTree(c, node, score); }
  else r.children.forEach((c, i) => applyToTree(c, node, i === 0 || r.variant === 'clone' ? score : 0));
}

/**
 * The score a passing location rule gives a node (Pacemaker's `get_node_score`):
 * `score`, else the node's `score-attribute` value read as a run-time score, or
 * -INFINITY when the node lacks that attribute.
 */
function ruleScore(rule: Rule, n: PNode): number {
  if (rule.score === undefined && rule.scoreAttribute) {
    const v = n.u.attributes[rule.scoreAttribute];
    return v === undefined ? -INFINITY : char2score(v);
  }
  return rule.score ?? 0;
}

/** rsc-pattern submatches (`%0`..`%9` in rule attribute names) of a resource id. */
function patternMatches(c: LocationConstraint, id: string): string[] | undefined {
  if (!c.rscPattern || c.rscPattern.startsWith('!')) return undefined;
  try {
    const m = new RegExp(c.rscPattern).exec(id);
    return m ? [...m].map((x) => x ?? '') : undefined;
  } catch {
    return undefined;
  }
}

/** Sets initial node scores and applies location constraints. */
export function applyLocations(ctx: Ctx): void {
  const symmetric = ctx.cluster.options.symmetricCluster;
  // A node's own `score` is every resource's starting preference for it.
  const base = new Map<string, number>();
  for (const nc of ctx.cluster.cib.configuration.nodes) {
    const v = nc.extra?.['score'];
    const sc = v === undefined ? undefined : parseScore(v);
    if (sc?.ok) base.set(nc.uname, sc.val);
  }
  for (const r of ctx.byId.values()) {
    // Nodes known only from the status (orphaned connections) appear after resources are unpacked: no default score.
    if (symmetric) for (const n of ctx.nodeList) if (n.u.fromStatus !== true) r.allowed.set(n.name, base.get(n.name) ?? 0);
  }
  const exclusive = new Map<PRsc, Set<string>>();
  for (const c of expandedConstraints(ctx)) {
    if (c.kind !== 'rsc_location') continue;
    if (c.role && /^(Promoted|Master)$/i.test(c.role)) continue;
    for (const r of targets(ctx, c)) {
      const hits: { node: string; score: number }[] = [];
      if (c.node !== undefined) {
        if (ctx.nodes.has(c.node)) hits.push({ node: c.node, score: c.score ?? 0 });
      }
      for (const rule of c.rules) {
        if (rule.role && /^(Promoted|Master)$/i.test(rule.role)) continue;
        const reMatches = patternMatches(c, r.id);
        for (const n of ctx.nodeList) {
          // Full rule semantics (dates against the cluster's "now", typed comparisons).
          const rc = { now: ctx.cluster.now, nodeAttrs: n.u.attributes, ...(reMatches ? { reMatches } : {}) };
          if (!evaluateRule(rule, rc)) continue;
          hits.push({ node: n.name, score: ruleScore(rule, n) });
        }
      }
      for (const h of hits) {
        applyToTree(r, h.node, h.score);
        if (c.resourceDiscovery === 'never') for (const p of [r, ...r.children]) p.noDiscovery.add(h.node);
        if (c.resourceDiscovery === 'exclusive') {
          const set = exclusive.get(r) ?? new Set();
          set.add(h.node);
          exclusive.set(r, set);
        }
      }
    }
  }
  for (const [r, set] of exclusive) {
    for (const p of [r, ...r.children]) for (const n of ctx.nodeList) if (!set.has(n.name)) p.noDiscovery.add(n.name);
    // Exclusive discovery also bans the resource (and its descendants) from every other node it could run on.
    const ban = (x: PRsc): void => {
      for (const node of x.allowed.keys()) if (!set.has(node)) x.allowed.set(node, -INFINITY);
      // A bundle passes locations to its containers and IPs, not to its guest connections.
      x.children.forEach((c) => { if (x.variant !== 'bundle' || c.u.remoteNode === undefined) ban(c); });
    };
    ban(r);
  }
}
