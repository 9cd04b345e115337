/**
 * Reading `<transition_graph>` XML back into data, and comparing two graphs by
 * meaning: the same actions (operation key + node) with the same inputs, whatever
 * their ids and synapse order.
 * @module
 */
import { XMLParser } from 'fast-xml-parser';
import { Ok, Err, type Result } from '../util/result.js';
import type { GraphAction, GraphActionKind, TransitionGraph } from './graph.js';

/** A graph file that could not be read. */
export interface GraphParseError {
  readonly code: 'QUORATE_ERR_BAD_GRAPH';
  readonly message: string;
}

type X = Record<string, unknown>;
const KINDS: readonly GraphActionKind[] = ['rsc_op', 'pseudo_event', 'crm_event'];

function arr(v: unknown): X[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]) as X[];
}

function attr(x: X, name: string): string | undefined {
  const v = x[`@_${name}`];
  return v === undefined ? undefined : String(v);
}

function kindOf(x: X): [GraphActionKind, X] | undefined {
  for (const k of KINDS) {
    const v = arr(x[k])[0];
    if (v) return [k, v];
  }
  return undefined;
}

/** Parses crm_simulate `-G` output (or {@link formatGraphXml} output). */
export function parseGraphXml(xml: string): Result<TransitionGraph, GraphParseError> {
  let doc: X;
  try {
    doc = new XMLParser({ ignoreAttributes: false, parseAttributeValue: false, parseTagValue: false }).parse(xml) as X;
  } catch (e) {
    return Err({ code: 'QUORATE_ERR_BAD_GRAPH', message: `graph XML does not parse: ${String(e)}` });
  }
  const root = doc['transition_graph'] as X | undefined;
  if (!root || typeof root !== 'object') {
    if (root === '') return Ok(emptyGraph());
    return Err({ code: 'QUORATE_ERR_BAD_GRAPH', message: 'no <transition_graph> element' });
  }
  const actions: GraphAction[] = [];
  for (const syn of arr(root['synapse'])) {
    const set = arr(syn['action_set'])[0];
    const found = set ? kindOf(set) : undefined;
    if (!found) return Err({ code: 'QUORATE_ERR_BAD_GRAPH', message: `synapse ${attr(syn, 'id')} has no action` });
    const [kind, a] = found;
    const inputs: number[] = [];
    for (const inp of arr(syn['inputs'])) {
      for (const trig of arr(inp['trigger'])) {
        const t = kindOf(trig);
        if (t) inputs.push(Number(attr(t[1], 'id')));
      }
    }
    const attributes: Record<string, string> = {};
    const at = arr(a['attributes'])[0] ?? {};
    for (const [k, v] of Object.entries(at)) if (k.startsWith('@_')) attributes[k.slice(2)] = String(v);
    const prim = arr(a['primitive'])[0];
    const node = attr(a, 'on_node');
    const downed = arr(arr(a['downed'])[0]?.['node']).map((n) => attr(n, 'id') ?? '');
    actions.push({
      id: Number(attr(a, 'id')),
      kind,
      operation: attr(a, 'operation') ?? '',
      key: attr(a, 'operation_key') ?? '',
      ...(node !== undefined ? { node: { name: node, uuid: attr(a, 'on_node_uuid') ?? '' } } : {}),
      ...(prim
        ? {
            resource: {
              id: attr(prim, 'id') ?? '',
              ...(attr(prim, 'long-id') ? { longId: attr(prim, 'long-id')! } : {}),
              class: attr(prim, 'class') ?? '',
              ...(attr(prim, 'provider') ? { provider: attr(prim, 'provider')! } : {}),
              type: attr(prim, 'type') ?? '',
            },
          }
        : {}),
      attributes,
      ...(downed.length ? { downed } : {}),
      priority: Number(attr(syn, 'priority') ?? 0),
      inputs,
    });
  }
  return Ok({
    settings: {
      clusterDelay: attr(root, 'cluster-delay') ?? '60s',
      stonithTimeout: attr(root, 'stonith-timeout') ?? '60s',
      failedStopOffset: attr(root, 'failed-stop-offset') ?? 'INFINITY',
      failedStartOffset: attr(root, 'failed-start-offset') ?? 'INFINITY',
      batchLimit: Number(attr(root, 'batch-limit') ?? 0),
      transitionId: Number(attr(root, 'transition_id') ?? 0),
    },
    actions,
  });
}

function emptyGraph(): TransitionGraph {
  return {
    settings: { clusterDelay: '60s', stonithTimeout: '60s', failedStopOffset: 'INFINITY', failedStartOffset: 'INFINITY', batchLimit: 0, transitionId: 0 },
    actions: [],
  };
}

/** An action's identity for comparison: operation key and node. */
export function actionSignature(a: GraphAction): string {
  return a.node ? `${a.key}@${a.node.name}` : a.key;
}

/** Differences between two graphs. */
export interface GraphDiff {
  readonly equal: boolean;
  /** Actions only in the expected graph. */
  readonly missing: string[];
  /** Actions only in the actual graph. */
  readonly extra: string[];
  /** Actions in both whose input sets differ: signature and the differing inputs. */
  readonly inputDiffs: { action: string; missing: string[]; extra: string[] }[];
}

function signatures(g: TransitionGraph): Map<string, Set<string>> {
  const byId = new Map(g.actions.map((a) => [a.id, a]));
  const out = new Map<string, Set<string>>();
  for (const a of g.actions) {
    const ins = new Set<string>();
    for (const i of a.inputs) {
      const src = byId.get(i);
      if (src) ins.add(actionSignature(src));
    }
    const sig = actionSignature(a);
    const prev = out.get(sig);
    if (prev) for (const i of ins) prev.add(i);
    else out.set(sig, ins);
  }
  return out;
}

/** Compares `actual` with `expected` by meaning (see module doc). */
export function compareGraphs(actual: TransitionGraph, expected: TransitionGraph): GraphDiff {
  const a = signatures(actual);
  const e = signatures(expected);
  const missing = [...e.keys()].filter((k) => !a.has(k)).sort();
  const extra = [...a.keys()].filter((k) => !e.has(k)).sort();
  const inputDiffs: GraphDiff['inputDiffs'] = [];
  for (const [k, eIns] of e) {
    const aIns = a.get(k);
    if (!aIns) continue;
    const m = [...eIns].filter((i) => !aIns.has(i)).sort();
    const x = [...aIns].filter((i) => !eIns.has(i)).sort();
    if (m.length || x.length) inputDiffs.push({ action: k, missing: m, extra: x });
  }
  return { equal: !missing.length && !extra.length && !inputDiffs.length, missing, extra, inputDiffs };
}
