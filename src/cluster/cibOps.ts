/**
 * CIB updates as data. The DC decides every change, broadcasts it as a batch
 * of {@link CibOp}s in the totally ordered stream, and every member applies the
 * batch with {@link applyCibOps} at the same point of the stream — so replicas
 * stay identical without shipping the whole CIB on every change. Pure.
 * @module
 */
import type {
  Cib, Configuration, Constraint, LrmResource, LrmRscOp, NodeConfig, NodeState, NvPair, NvSet,
} from '../cib/types.js';

/** Identifies a resource's agent in an lrm_resource entry. */
export interface LrmAgentRef {
  readonly id: string;
  readonly class: string;
  readonly provider?: string;
  readonly type: string;
}

/** One CIB change. Configuration ops bump `epoch`; status ops bump `num_updates`. */
export type CibOp =
  | { readonly op: 'replace-configuration'; readonly configuration: Configuration }
  | { readonly op: 'set-property'; readonly name: string; readonly value: string | null }
  | { readonly op: 'set-node-attr'; readonly node: string; readonly name: string; readonly value: string | null }
  | { readonly op: 'ensure-node'; readonly node: string }
  | { readonly op: 'add-constraint'; readonly constraint: Constraint }
  | { readonly op: 'remove-constraints'; readonly ids: readonly string[] }
  | { readonly op: 'node-state'; readonly node: string; readonly inCcm?: string; readonly crmd?: string; readonly join?: string; readonly expected?: string }
  | { readonly op: 'lrm-replace-node'; readonly node: string; readonly lrm: readonly LrmResource[] }
  | { readonly op: 'lrm-op'; readonly node: string; readonly rsc: LrmAgentRef; readonly records: readonly LrmRscOp[]; readonly remove?: readonly string[] }
  | { readonly op: 'lrm-erase'; readonly node: string; readonly rsc?: string }
  /** shutdown-lock: the resource's history on the node records the lock's start (epoch s). */
  | { readonly op: 'lrm-lock'; readonly node: string; readonly rsc: string; readonly time: number }
  | { readonly op: 'transient'; readonly node: string; readonly name: string; readonly value: string | null }
  | { readonly op: 'transient-clear'; readonly node?: string; readonly prefixes: readonly string[] }
  | { readonly op: 'cib-attrs'; readonly dcUuid?: string; readonly haveQuorum?: boolean };

const CONFIG_OPS = new Set(['replace-configuration', 'set-property', 'set-node-attr', 'ensure-node', 'add-constraint', 'remove-constraints']);

/** True when the batch changes the configuration section. */
export function touchesConfiguration(ops: readonly CibOp[]): boolean {
  return ops.some(o => CONFIG_OPS.has(o.op));
}

/** Version order: (admin_epoch, epoch, num_updates). */
export function compareCibVersions(a: Cib, b: Cib): number {
  return (a.version.adminEpoch - b.version.adminEpoch) || (a.version.epoch - b.version.epoch)
    || (a.version.numUpdates - b.version.numUpdates);
}

/** A new, empty CIB for a cluster of `nodes` (node id = node name). */
export function emptyCib(nodes: readonly string[]): Cib {
  return {
    version: { adminEpoch: 0, epoch: 1, numUpdates: 0 },
    validateWith: 'pacemaker-3.7',
    extra: { 'crm_feature_set': '3.16.2' },
    configuration: {
      crmConfig: [], nodes: nodes.map(nodeConfig), resources: [], templates: [], constraints: [],
      rscDefaults: [], opDefaults: [], fencingTopology: [], tags: [], other: [],
    },
    status: { nodes: [], tickets: [] },
  };
}

function nodeConfig(name: string): NodeConfig {
  return { id: name, uname: name, instance: [], utilization: [] };
}

/** Applies a batch and bumps the version once. */
export function applyCibOps(cib: Cib, ops: readonly CibOp[]): Cib {
  let c = cib;
  for (const o of ops) c = applyOne(c, o);
  const v = cib.version;
  const version = touchesConfiguration(ops)
    ? { adminEpoch: v.adminEpoch, epoch: v.epoch + 1, numUpdates: 0 }
    : { adminEpoch: v.adminEpoch, epoch: v.epoch, numUpdates: v.numUpdates + 1 };
  return { ...c, version };
}

function applyOne(cib: Cib, o: CibOp): Cib {
  const conf = cib.configuration;
  switch (o.op) {
    case 'replace-configuration':
      return { ...cib, configuration: o.configuration };
    case 'set-property':
      return { ...cib, configuration: { ...conf, crmConfig: setInSets(conf.crmConfig, 'cluster_property_set', 'cib-bootstrap-options', o.name, o.value) } };
    case 'set-node-attr': {
      const nodes = ensureNode(conf.nodes, o.node).map(n => n.uname !== o.node ? n
        : { ...n, instance: setInSets(n.instance, 'instance_attributes', `nodes-${n.id}`, o.name, o.value) });
      return { ...cib, configuration: { ...conf, nodes } };
    }
    case 'ensure-node':
      return { ...cib, configuration: { ...conf, nodes: ensureNode(conf.nodes, o.node) } };
    case 'add-constraint':
      return { ...cib, configuration: { ...conf, constraints: [...conf.constraints.filter(c => c.id !== o.constraint.id), o.constraint] } };
    case 'remove-constraints':
      return { ...cib, configuration: { ...conf, constraints: conf.constraints.filter(c => !o.ids.includes(c.id)) } };
    case 'node-state':
      return withNodeState(cib, o.node, st => ({
        ...st,
        ...(o.inCcm !== undefined ? { inCcm: o.inCcm } : {}),
        ...(o.crmd !== undefined ? { crmd: o.crmd } : {}),
        ...(o.join !== undefined ? { join: o.join } : {}),
        ...(o.expected !== undefined ? { expected: o.expected } : {}),
      }));
    case 'lrm-replace-node':
      return withNodeState(cib, o.node, st => ({ ...st, lrm: o.lrm }));
    case 'lrm-op':
      return withNodeState(cib, o.node, st => ({ ...st, lrm: upsertOps(st.lrm ?? [], o.rsc, o.records, o.remove ?? []) }));
    case 'lrm-erase':
      return withNodeState(cib, o.node, st => ({ ...st, lrm: o.rsc === undefined ? [] : (st.lrm ?? []).filter(r => r.id !== o.rsc) }));
    case 'lrm-lock':
      return withNodeState(cib, o.node, st => ({
        ...st, lrm: (st.lrm ?? []).map(r => (r.id === o.rsc ? { ...r, extra: { ...(r.extra ?? {}), 'shutdown-lock': String(o.time) } } : r)),
      }));
    case 'transient':
      return withNodeState(cib, o.node, st => ({
        ...st, transient: setInSets(st.transient, 'instance_attributes', `status-${st.id}`, o.name, o.value),
      }));
    case 'transient-clear': {
      const clear = (st: NodeState): NodeState => ({
        ...st,
        transient: st.transient.map(s => ({ ...s, pairs: s.pairs.filter(p => !o.prefixes.some(pre => p.name.startsWith(pre))) })),
      });
      if (o.node !== undefined) return withNodeState(cib, o.node, clear);
      return { ...cib, status: { ...cib.status, nodes: cib.status.nodes.map(clear) } };
    }
    case 'cib-attrs':
      return {
        ...cib,
        ...(o.dcUuid !== undefined ? { dcUuid: o.dcUuid } : {}),
        ...(o.haveQuorum !== undefined ? { haveQuorum: o.haveQuorum } : {}),
      };
  }
}

function ensureNode(nodes: readonly NodeConfig[], name: string): readonly NodeConfig[] {
  return nodes.some(n => n.uname === name) ? nodes : [...nodes, nodeConfig(name)];
}

/** Sets (value) or removes (null) `name` in the first set of `kind`, creating the set `setId` if needed. */
export function setInSets(sets: readonly NvSet[], kind: NvSet['kind'], setId: string, name: string, value: string | null): readonly NvSet[] {
  const idx = sets.findIndex(s => s.kind === kind && s.rule === undefined);
  const base: NvSet = idx >= 0 ? sets[idx]! : { kind, id: setId, pairs: [] };
  const pairs: NvPair[] = base.pairs.filter(p => p.name !== name);
  if (value !== null) {
    const old = base.pairs.find(p => p.name === name);
    pairs.push({ id: old?.id ?? `${base.id}-${name}`, name, value });
  }
  const next = { ...base, pairs };
  if (idx >= 0) return sets.map((s, i) => (i === idx ? next : s));
  return value === null ? sets : [...sets, next];
}

/** Reads `name` from sets of `kind` (first match, rules ignored). */
export function getFromSets(sets: readonly NvSet[], name: string): string | undefined {
  for (const s of sets) {
    const p = s.pairs.find(x => x.name === name);
    if (p) return p.value;
  }
  return undefined;
}

function withNodeState(cib: Cib, node: string, fn: (st: NodeState) => NodeState): Cib {
  const nodes = [...cib.status.nodes];
  const i = nodes.findIndex(n => (n.uname ?? n.id) === node);
  const cur: NodeState = i >= 0 ? nodes[i]! : { id: node, uname: node, transient: [], lrm: [] };
  const next = fn(cur);
  if (i >= 0) nodes[i] = next;
  else nodes.push(next);
  return { ...cib, status: { ...cib.status, nodes } };
}

function upsertOps(lrm: readonly LrmResource[], rsc: LrmAgentRef, recs: readonly LrmRscOp[], remove: readonly string[]): readonly LrmResource[] {
  const out = [...lrm];
  const i = out.findIndex(r => r.id === rsc.id);
  const cur: LrmResource = i >= 0 ? out[i]! : {
    id: rsc.id, class: rsc.class, type: rsc.type, ...(rsc.provider !== undefined ? { provider: rsc.provider } : {}), ops: [],
  };
  const ops = cur.ops.filter(op => !recs.some(r => r.id === op.id) && !remove.includes(op.id));
  ops.push(...recs);
  const next = { ...cur, ops };
  if (i >= 0) out[i] = next;
  else out.push(next);
  return out;
}
