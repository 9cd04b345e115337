/**
 * Stage 1: copy the unpacked cluster into the scheduler's working state.
 * @module
 */
import type { UnpackedCluster, UnpackedResource } from '../cib/unpack/types.js';
import type { Ctx, PNode, PRsc, PolicyVariant } from './model.js';
import { buildClone } from './clone.js';
import { buildBundle } from './bundle.js';

function makeRsc(u: UnpackedResource, variant: PolicyVariant, parent?: PRsc): PRsc {
  const r: PRsc = {
    id: u.id,
    variant,
    u,
    ...(parent ? { parent } : {}),
    children: [],
    allowed: new Map(),
    provisional: true,
    assigning: false,
    merging: false,
    assigned: null,
    // on-fail=stop leaves a failed resource's next role Stopped.
    nextRole: u.targetRole === 'Stopped' || u.orphan || u.nextRole === 'Stopped' ? 'Stopped' : 'Started',
    managed: u.managed,
    noDiscovery: new Set(),
    withPrimaries: [],
    withDependents: [],
    actions: [],
  };
  return r;
}

/** Builds the working context. A bundle's implicit clone follows it as a top-level resource. */
export function buildContext(cluster: UnpackedCluster): Ctx {
  const nodes = new Map<string, PNode>();
  const nodeList: PNode[] = [];
  for (const n of cluster.nodes) {
    const p: PNode = { name: n.name, uuid: n.id, u: n, assignedCount: 0 };
    nodes.set(n.name, p);
    nodeList.push(p);
  }
  const top: PRsc[] = [];
  const byId = new Map<string, PRsc>();
  for (const u of cluster.resources) {
    if (u.variant === 'primitive') {
      const r = makeRsc(u, 'primitive');
      top.push(r);
      byId.set(r.id, r);
    } else if (u.variant === 'group') {
      const g = makeRsc(u, 'group');
      for (const cu of u.children) {
        const c = makeRsc(cu, 'primitive', g);
        g.children.push(c);
        byId.set(c.id, c);
      }
      top.push(g);
      byId.set(g.id, g);
    } else if (u.variant === 'clone') {
      top.push(buildClone(u, makeRsc, byId, cluster.nodes.length));
    } else if (u.variant === 'bundle') {
      top.push(...buildBundle(u, makeRsc, byId, cluster.nodes.length));
    }
  }
  const o = cluster.options;
  return {
    cluster,
    nodes,
    nodeList,
    top,
    byId,
    colocs: [],
    actions: [],
    orders: [],
    scoreLines: [],
    stonithEnabled: o.stonithEnabled,
    haveQuorum: cluster.haveQuorum,
    noQuorumPolicy: o.noQuorumPolicy,
    stopEverything: o.raw['stop-all-resources'] !== undefined && /^(true|yes|on|1|y)$/i.test(o.raw['stop-all-resources']!),
    stopThen: [],
    fence: new Map(),
    seq: 0,
  };
}
