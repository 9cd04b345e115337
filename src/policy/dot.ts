/**
 * Graphviz dot of a transition graph (crm_simulate -D), one node per action and
 * one edge per input.
 * @module
 */
import type { GraphAction, TransitionGraph } from './graph.js';

function label(a: GraphAction): string {
  return a.node ? `${a.key} ${a.node.name}` : a.key;
}

/** Formats the graph as a dot digraph. */
export function formatDot(g: TransitionGraph | { graph: TransitionGraph }): string {
  const graph = 'graph' in g ? g.graph : g;
  const byId = new Map(graph.actions.map((a) => [a.id, a]));
  const out = [' digraph "g" {'];
  for (const a of graph.actions) {
    const style = a.kind === 'pseudo_event' ? 'style=bold color="green" fontcolor="orange"' : 'style=bold color="green" fontcolor="black"';
    out.push(`"${label(a)}" [ ${style}]`);
  }
  for (const a of graph.actions) {
    for (const i of a.inputs) {
      const f = byId.get(i);
      if (f) out.push(`"${label(f)}" -> "${label(a)}" [ style = bold]`);
    }
  }
  out.push('}');
  return out.join('\n') + '\n';
}
