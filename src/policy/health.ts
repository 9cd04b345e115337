/**
 * Node health (Pacemaker Explained, "Tracking Node Health"): a node's `#health*`
 * attributes add up to a health score under the configured
 * `node-health-strategy`, and a non-zero score becomes a location preference of
 * every resource for that node (negative ones spare resources with
 * `allow-unhealthy-nodes=true`).
 * @module
 */
import { parseScore } from '../cib/values.js';
import { addScore, INFINITY, type Ctx, type PRsc } from './model.js';
import { applyToTree } from './location.js';

/** The strategies Pacemaker knows (`migrate-on-red` is its `no_red`). */
export type HealthStrategy = 'none' | 'migrate-on-red' | 'only-green' | 'progressive' | 'custom';

/** Parses `node-health-strategy`; anything unknown means none. */
export function healthStrategy(raw: string | undefined): HealthStrategy {
  const v = (raw ?? 'none').trim().toLowerCase();
  return v === 'migrate-on-red' || v === 'only-green' || v === 'progressive' || v === 'custom' ? v : 'none';
}

/** Scores the colours stand for under a strategy (progressive and custom take them from the options). */
export function colourScores(strategy: HealthStrategy, raw: Readonly<Record<string, string>>): Record<'red' | 'yellow' | 'green', number> {
  switch (strategy) {
    case 'none':
      return { red: 0, yellow: 0, green: 0 };
    case 'migrate-on-red':
      return { red: -INFINITY, yellow: 0, green: 0 };
    case 'only-green':
      return { red: -INFINITY, yellow: -INFINITY, green: 0 };
    default:
      return {
        red: optionScore(raw['node-health-red'], -INFINITY),
        yellow: optionScore(raw['node-health-yellow'], 0),
        green: optionScore(raw['node-health-green'], 0),
      };
  }
}

function optionScore(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const s = parseScore(v);
  return s.ok ? s.val : 0;
}

/** One `#health*` value: a colour or a score (anything else counts 0, as char2score). */
function valueScore(v: string, colours: Record<'red' | 'yellow' | 'green', number>): number {
  const t = v.trim().toLowerCase();
  if (t === 'red' || t === 'yellow' || t === 'green') return colours[t];
  const s = parseScore(v);
  return s.ok ? s.val : 0;
}

/** A node's health: `base` plus every `#health*` attribute's score. */
export function nodeHealth(attrs: Readonly<Record<string, string>>, colours: Record<'red' | 'yellow' | 'green', number>, base = 0): number {
  let h = base;
  for (const [k, v] of Object.entries(attrs)) if (k.startsWith('#health')) h = addScore(valueScore(v, colours), h);
  return h;
}

function allowsUnhealthy(r: PRsc): boolean {
  return /^(true|yes|on|1|y)$/i.test(r.u.meta['allow-unhealthy-nodes'] ?? '');
}

/** Applies each node's health to every top-level resource (pcmk__apply_node_health). */
export function applyNodeHealth(ctx: Ctx): void {
  const raw = ctx.cluster.options.raw;
  const strategy = healthStrategy(raw['node-health-strategy']);
  if (strategy === 'none') return;
  const colours = colourScores(strategy, raw);
  // Only the progressive strategy starts from node-health-base.
  const base = strategy === 'progressive' ? optionScore(raw['node-health-base'], 0) : 0;
  for (const n of ctx.nodeList) {
    const health = nodeHealth(n.u.attributes, colours, base);
    if (health === 0) continue;
    for (const r of ctx.top) {
      if (health < 0 && allowsUnhealthy(r)) continue;
      applyToTree(r, n.name, health);
    }
  }
}
