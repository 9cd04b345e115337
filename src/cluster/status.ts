/**
 * A typed snapshot of the cluster, read from a node's CIB replica through
 * `unpackCluster` (the same view the scheduler has), plus the text crm_mon
 * would print.
 * @module
 */
import type { Cib } from '../cib/types.js';
import { unpackCluster } from '../cib/unpack/unpack.js';
import type { Role, UnpackedCluster, UnpackedResource } from '../cib/unpack/types.js';
import { formatStatus } from '../cib/format/status.js';
import type { FenceHistoryEntry } from './messages.js';

/** State of a node as the status shows it. */
export type NodeStatusState = 'online' | 'offline' | 'unclean' | 'standby' | 'pending' | 'maintenance';

/** One node in a {@link ClusterStatus}. */
export interface NodeStatus {
  readonly name: string;
  readonly state: NodeStatusState;
  /** In the membership view of the node the status was read from. */
  readonly member: boolean;
  readonly dc: boolean;
  readonly standby: boolean;
}

/** One resource in a {@link ClusterStatus}. */
export interface ResourceStatus {
  readonly id: string;
  readonly kind: 'primitive' | 'group' | 'clone' | 'bundle';
  /** `class[:provider]:type` for primitives. */
  readonly agent?: string;
  /** Highest role anywhere (Stopped when nowhere). */
  readonly role: Role;
  /** Nodes where it is active. */
  readonly nodes: readonly string[];
  /** Role on each node where active. */
  readonly roles: Readonly<Record<string, Role>>;
  readonly failed: boolean;
  readonly managed: boolean;
  readonly children?: readonly ResourceStatus[];
}

/** A failcount entry. */
export interface FailcountStatus {
  readonly resource: string;
  readonly node: string;
  readonly count: number;
}

/** A snapshot of the whole cluster. */
export interface ClusterStatus {
  readonly name: string;
  readonly dc?: string;
  readonly quorum: boolean;
  readonly version: { readonly adminEpoch: number; readonly epoch: number; readonly numUpdates: number };
  readonly nodes: readonly NodeStatus[];
  readonly resources: readonly ResourceStatus[];
  readonly failcounts: readonly FailcountStatus[];
  readonly fenceHistory: readonly FenceHistoryEntry[];
  /** crm_mon-like text. */
  readonly text: string;
}

function rscStatus(r: UnpackedResource): ResourceStatus {
  const children = r.children.map(rscStatus);
  const nodes = r.variant === 'primitive' ? [...r.runningOn] : [...new Set(children.flatMap(c => c.nodes))];
  const roles: Record<string, Role> = r.variant === 'primitive' ? { ...r.roleOn } : {};
  if (r.variant !== 'primitive') for (const c of children) for (const [n, role] of Object.entries(c.roles)) roles[n] = role;
  return {
    id: r.id,
    kind: r.variant,
    ...(r.variant === 'primitive' ? { agent: `${r.class ?? '?'}${r.provider ? `:${r.provider}` : ''}:${r.type ?? '?'}` } : {}),
    role: r.role === 'Unknown' ? 'Stopped' : r.role,
    nodes, roles,
    failed: r.failed,
    managed: r.managed,
    ...(children.length > 0 ? { children } : {}),
  };
}

/** Builds the snapshot from a CIB replica. */
export function clusterStatus(name: string, cib: Cib, opts: { nowMs: number; members: readonly string[]; dc?: string; quorum: boolean; fenceHistory: readonly FenceHistoryEntry[] }): ClusterStatus {
  const u: UnpackedCluster = unpackCluster(cib, { now: Math.floor(opts.nowMs / 1000) });
  const nodes: NodeStatus[] = u.nodes.filter(n => n.kind === 'member').map(n => ({
    name: n.name,
    state: n.unclean ? 'unclean' : !n.online ? 'offline' : n.pending ? 'pending' : n.standby ? 'standby' : n.maintenance ? 'maintenance' : 'online',
    member: opts.members.includes(n.name),
    dc: n.name === opts.dc,
    standby: n.standby,
  }));
  const failcounts: FailcountStatus[] = [];
  for (const r of u.byId.values()) {
    if (r.variant !== 'primitive') continue;
    for (const [node, fc] of Object.entries(r.failcount)) if (fc.total > 0) failcounts.push({ resource: r.id, node, count: fc.total });
  }
  const head = [
    'Cluster Summary:',
    `  * Stack: quorate`,
    `  * Current DC: ${opts.dc ?? 'NONE'} - partition ${opts.quorum ? 'with' : 'WITHOUT'} quorum`,
    `  * ${nodes.length} nodes configured`,
    `  * ${[...u.byId.values()].filter(r => r.variant === 'primitive').length} resource instances configured`,
    '',
  ];
  const fails = failcounts.length === 0 ? [] : ['', 'Failed Resource Actions:', ...failcounts.map(f => `  * ${f.resource} on ${f.node}: fail-count=${f.count}`)];
  const fence = opts.fenceHistory.length === 0 ? [] : ['', 'Fencing History:',
    ...opts.fenceHistory.map(f => `  * ${f.action} of ${f.target} ${f.state === 'success' ? 'successful' : 'failed'}: delegate=${f.executioner}${f.devices.length ? `, devices=${f.devices.join(',')}` : ''}`)];
  return {
    name,
    ...(opts.dc !== undefined ? { dc: opts.dc } : {}),
    quorum: opts.quorum,
    version: { ...cib.version },
    nodes,
    resources: u.resources.filter(r => !r.internal).map(rscStatus),
    failcounts,
    fenceHistory: [...opts.fenceHistory],
    text: [...head, ...formatStatus(u), ...fails, ...fence, ''].join('\n'),
  };
}

/** The snapshot as `node` sees it (its replica, view, quorum and fencing history). */
export function nodeStatus(name: string, node: { readonly cib: Cib; readonly clock: { now(): number }; readonly view?: { readonly members: readonly string[] } | undefined; readonly dc: string | undefined; readonly hasQuorum: boolean; readonly fenceHistory: readonly FenceHistoryEntry[] }): ClusterStatus {
  return clusterStatus(name, node.cib, {
    nowMs: node.clock.now(), members: node.view?.members ?? [], ...(node.dc !== undefined ? { dc: node.dc } : {}),
    quorum: node.hasQuorum, fenceHistory: node.fenceHistory,
  });
}
