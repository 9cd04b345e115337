/**
 * Writes a {@link TransitionGraph} as Pacemaker's `<transition_graph>` XML, laid out
 * as crm_simulate `-G` writes it so the regression files diff cleanly.
 * @module
 */
import type { GraphAction, TransitionGraph } from './graph.js';

/** The feature set written on action attributes, as Pacemaker 2.1.5 does. */
export const CRM_FEATURE_SET = '3.16.2';

function esc(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function nodeAttrs(a: GraphAction): string {
  return a.node ? ` on_node="${esc(a.node.name)}" on_node_uuid="${esc(a.node.uuid)}"` : '';
}

/** The action element's opening; `asInput` for a trigger, which lacks the action-only shutdown-lock. */
function head(a: GraphAction, asInput = false): string {
  return `<${a.kind}${a.mode !== undefined ? ` mode="${esc(a.mode)}"` : ''} id="${a.id}" operation="${esc(a.operation)}" operation_key="${esc(a.key)}"${a.internalKey && a.operation !== 'cancel' ? ` internal_operation_key="${esc(a.internalKey)}"` : ''}${nodeAttrs(a)}${a.shutdownLock !== undefined && !asInput ? ` shutdown-lock="${a.shutdownLock}"` : ''}`;
}

/** Attributes in byte order, the feature set among them, as Pacemaker sorts them. */
function attributesXml(a: GraphAction): string {
  const all: Record<string, string> = { ...a.attributes };
  if (!('crm_feature_set' in all)) all['crm_feature_set'] = CRM_FEATURE_SET;
  const names = Object.keys(all).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return `<attributes ${names.map((n) => `${n}="${esc(all[n]!)}"`).join(' ')}/>`;
}

function actionXml(a: GraphAction, indent: string): string[] {
  const out = [`${indent}${head(a)}>`];
  if (a.resource) {
    const r = a.resource;
    const long = r.longId && r.longId !== r.id ? ` long-id="${esc(r.longId)}"` : '';
    const prov = r.provider ? ` provider="${esc(r.provider)}"` : '';
    out.push(`${indent}  <primitive id="${esc(r.id)}"${long} class="${esc(r.class)}"${prov} type="${esc(r.type)}"/>`);
  }
  out.push(`${indent}  ${attributesXml(a)}`);
  if (a.downed && a.downed.length > 0) {
    out.push(`${indent}  <downed>`);
    for (const d of a.downed) out.push(`${indent}    <node id="${esc(d)}"/>`);
    out.push(`${indent}  </downed>`);
  }
  out.push(`${indent}</${a.kind}>`);
  return out;
}

/** Formats the graph as crm_simulate's `-G` file content (with trailing newline). */
export function formatGraphXml(graph: TransitionGraph): string {
  const s = graph.settings;
  const byId = new Map(graph.actions.map((a) => [a.id, a]));
  const lines = [
    `<transition_graph cluster-delay="${esc(s.clusterDelay)}" stonith-timeout="${esc(s.stonithTimeout)}" ` +
      `failed-stop-offset="${esc(s.failedStopOffset)}" failed-start-offset="${esc(s.failedStartOffset)}" ` +
      `batch-limit="${s.batchLimit}" transition_id="${s.transitionId}"`,
  ];
  if (graph.actions.length === 0) return `${lines[0]}/>\n`;
  lines[0] += '>';
  graph.actions.forEach((a, i) => {
    lines.push(a.priority ? `  <synapse id="${i}" priority="${a.priority}">` : `  <synapse id="${i}">`);
    lines.push('    <action_set>');
    lines.push(...actionXml(a, '      '));
    lines.push('    </action_set>');
    if (a.inputs.length === 0) lines.push('    <inputs/>');
    else {
      lines.push('    <inputs>');
      for (const id of [...a.inputs].sort((x, y) => x - y)) {
        const src = byId.get(id);
        if (!src) continue;
        lines.push('      <trigger>');
        lines.push(`        ${head(src, true)}/>`);
        lines.push('      </trigger>');
      }
      lines.push('    </inputs>');
    }
    lines.push('  </synapse>');
  });
  lines.push('</transition_graph>');
  return lines.join('\n') + '\n';
}
