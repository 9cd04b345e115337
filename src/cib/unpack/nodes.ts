/**
 * Node unpacking: configured nodes, remote and guest nodes discovered from
 * resources, and a cluster node's online/unclean/pending state from its
 * node_state (Pacemaker's `determine_online_status*`).
 * @module
 */
import type { Cib, NodeState, Primitive, Resource } from '../types.js';
import { isTrue } from '../values.js';
import { flattenSets, type RulePredicate } from './nvs.js';
import type { ClusterOptions, NodeKind, UnpackedNode } from './types.js';

/** Natural, case-insensitive name order (Pacemaker's pe__cmp_node_name). */
export function compareNames(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.toLowerCase().match(re) ?? [];
  const pb = b.toLowerCase().match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!, y = pb[i]!;
    const nx = /^\d/.test(x), ny = /^\d/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Creates a node record. */
export function newNode(id: string, name: string, kind: NodeKind, attrs: Record<string, string>, util: Record<string, number>): UnpackedNode {
  return {
    id, name, kind, online: false, unclean: false, pending: false, standby: false, standbyOnFail: false,
    maintenance: false, shutdown: false, expectedUp: false, isDc: false, hasState: false,
    remoteRequiresReset: false, attributes: attrs, utilization: util, activeResourceCount: 0,
    unseen: true, unpacked: false, remoteWasFenced: false,
  };
}

function utilOf(sets: Parameters<typeof flattenSets>[0], ruleOk: RulePredicate): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(flattenSets(sets, ruleOk))) {
    const n = Number.parseInt(v, 10);
    if (Number.isFinite(n)) out[k] = n;
  }
  return out;
}

/** Configured `<nodes>`: member (and remote entries, which resources complete). */
export function configuredNodes(cib: Cib, opts: ClusterOptions, ruleOk: RulePredicate): UnpackedNode[] {
  const out: UnpackedNode[] = [];
  for (const n of cib.configuration.nodes) {
    const kind: NodeKind = n.type === 'remote' ? 'remote' : 'member';
    const attrs = flattenSets(n.instance, ruleOk);
    const node = newNode(n.id, n.uname, kind, attrs, utilOf(n.utilization, ruleOk));
    if (n.type === 'ping') node.ping = true;
    // Nodes we have never seen are unclean until their status says otherwise.
    if (kind === 'member') node.unclean = opts.startupFencing && opts.stonithEnabled;
    out.push(node);
  }
  return out;
}

/** Remote (ocf:pacemaker:remote) and guest (remote-node meta) nodes named by resources. */
export function remoteNodesFrom(resources: readonly Resource[], ruleOk: RulePredicate): { name: string; kind: NodeKind; rsc: Primitive }[] {
  const out: { name: string; kind: NodeKind; rsc: Primitive }[] = [];
  const visit = (p: Primitive): void => {
    if (p.class === 'ocf' && p.provider === 'pacemaker' && p.type === 'remote') out.push({ name: p.id, kind: 'remote', rsc: p });
    const meta = flattenSets(p.meta, ruleOk);
    if (meta['remote-node']) out.push({ name: meta['remote-node'], kind: 'guest', rsc: p });
  };
  for (const r of resources) {
    if (r.kind === 'primitive') visit(r);
    else if (r.kind === 'group') r.children.forEach(visit);
  }
  return out;
}

/** Pacemaker's pe_fence_node for a cluster node (remote/guest handled by the caller). */
export function markUnclean(node: UnpackedNode): void {
  node.unclean = true;
}

/** State of a cluster (member) node from its node_state. */
export function determineOnline(node: UnpackedNode, st: NodeState, opts: ClusterOptions): void {
  const attr = node.attributes;
  const exp = st.expected;
  node.shutdown = false;
  node.expectedUp = false;
  const shutdown = attr['shutdown'];
  if (shutdown !== undefined && shutdown !== '0') node.shutdown = true;
  else if (exp === 'member') node.expectedUp = true;

  let online = false;
  if (node.ping) {
    node.unclean = false;
  } else if (!opts.stonithEnabled) {
    online = noFencing(node, st);
  } else {
    online = withFencing(node, st);
  }
  node.online = online;
}

function inCcmTrue(v: string | undefined): boolean {
  if (v === undefined) return false;
  if (isTrue(v)) return true;
  const n = Number(v);
  return Number.isFinite(n) && n > 0;
}

function crmdOnline(v: string | undefined): boolean {
  if (v === undefined) return false;
  if (v.toLowerCase() === 'online') return true;
  const n = Number(v);
  return Number.isFinite(n) && n > 0;
}

function noFencing(node: UnpackedNode, st: NodeState): boolean {
  if (!inCcmTrue(st.inCcm)) return false;
  if (crmdOnline(st.crmd)) return st.join === 'member';
  if (!node.expectedUp) return false;
  markUnclean(node);
  return false;
}

function withFencing(node: UnpackedNode, st: NodeState): boolean {
  const term = node.attributes['terminate'];
  let doTerminate = false;
  if (isTrue(term)) doTerminate = true;
  else if (term !== undefined && term.length > 0 && /^[1-9]/.test(term)) doTerminate = true;
  const crmd = crmdOnline(st.crmd);
  const exp = st.expected ?? 'down';
  const inCcm = inCcmTrue(st.inCcm);
  const join = st.join;
  // Pacemaker 2.1.5 starts from cluster membership: a member whose controller is gone is "UNCLEAN (online)".
  const online = inCcm;
  if (node.shutdown) return crmd;
  if (st.inCcm === undefined) { markUnclean(node); return online; }
  if (join === 'banned' || join === 'nack') { markUnclean(node); return online; }
  if (!doTerminate && exp === 'down') {
    if (inCcm || crmd) { node.standby = true; node.pending = true; }
    return online;
  }
  if (doTerminate && join === 'down' && !inCcm && !crmd) return false;
  if (!inCcm) { markUnclean(node); return online; }
  if (!crmd) { markUnclean(node); return online; }
  if (doTerminate) { markUnclean(node); return online; }
  if (join === 'member') return online;
  if (join === 'pending' || join === 'down') { node.standby = true; node.pending = true; return online; }
  markUnclean(node);
  return online;
}
