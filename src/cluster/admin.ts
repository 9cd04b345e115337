/**
 * Admin requests as CIB ops, checked against the current CIB: what
 * `configure`, `loadCib`, `standby`, `move`, `clear`, `cleanup` and
 * `setProperty` ask the DC to write. Shared by the {@link Cluster} facade and
 * a single {@link Node} (an app running one member).
 * @module
 */
import { Ok, Err, type Result } from '../util/result.js';
import type { Cib } from '../cib/types.js';
import { INFINITY } from '../cib/types.js';
import { parseCib } from '../cib/parse.js';
import { ConfigBuilder, resourceIds, validateConfiguration } from '../api/configure.js';
import type { CibOp } from './cibOps.js';
import { clusterError, type ClusterError } from './errors.js';
import type { AgentRegistry } from './registry.js';

function knownResource(cib: Cib, rsc: string): ClusterError | undefined {
  if (resourceIds(cib.configuration.resources).includes(rsc)) return undefined;
  return clusterError('QUORATE_ERR_UNKNOWN_RESOURCE', `resource ${JSON.stringify(rsc)} is not configured`, rsc);
}

function knownNode(cib: Cib, node: string): ClusterError | undefined {
  if (cib.configuration.nodes.some(n => n.uname === node)) return undefined;
  return clusterError('QUORATE_ERR_UNKNOWN_NODE', `node ${JSON.stringify(node)} is not a cluster node`, node);
}

/** Builds the configuration and registers its in-process agents and devices. */
export function configureOps(cib: Cib, registry: AgentRegistry, fn: (c: ConfigBuilder) => ConfigBuilder | void): Result<CibOp[], ClusterError> {
  const b = new ConfigBuilder();
  try {
    fn(b);
  } catch (e) {
    return Err(clusterError('QUORATE_ERR_BAD_CONFIG', `configure callback threw: ${(e as Error).message}`));
  }
  const applied = b.apply(cib.configuration);
  if (applied.err) return applied;
  for (const [type, spec] of applied.val.functions) registry.registerAgent(type, spec);
  for (const d of applied.val.devices) registry.registerDevice(d);
  return Ok([{ op: 'replace-configuration', configuration: applied.val.configuration }]);
}

/** Replaces the configuration with a CIB XML document's (status ignored); keeps `members` as nodes. */
export function loadCibOps(xml: string, members: readonly string[]): Result<CibOp[], ClusterError> {
  const parsed = parseCib(xml);
  if (parsed.err) return Err(clusterError('QUORATE_ERR_BAD_CIB', parsed.val.message));
  const bad = validateConfiguration(parsed.val.configuration);
  if (bad) return Err(bad);
  const ops: CibOp[] = [{ op: 'replace-configuration', configuration: parsed.val.configuration }];
  for (const n of members) ops.push({ op: 'ensure-node', node: n });
  return Ok(ops);
}

/** Standby on or off. */
export function standbyOps(cib: Cib, node: string, on: boolean): Result<CibOp[], ClusterError> {
  const bad = knownNode(cib, node);
  if (bad) return Err(bad);
  return Ok([{ op: 'set-node-attr', node, name: 'standby', value: on ? 'on' : 'off' }]);
}

/** A cli-prefer location constraint, as `crm_resource --move`. */
export function moveOps(cib: Cib, rsc: string, node: string): Result<CibOp[], ClusterError> {
  const bad = knownResource(cib, rsc) ?? knownNode(cib, node);
  if (bad) return Err(bad);
  return Ok([{ op: 'add-constraint', constraint: { kind: 'rsc_location', id: `cli-prefer-${rsc}`, rsc, node, score: INFINITY, role: 'Started', rules: [], sets: [] } }]);
}

/** Removes what move (and bans) added. */
export function clearOps(cib: Cib, rsc: string): Result<CibOp[], ClusterError> {
  const bad = knownResource(cib, rsc);
  if (bad) return Err(bad);
  const ids = cib.configuration.constraints.map(c => c.id).filter(id => id === `cli-prefer-${rsc}` || id.startsWith(`cli-ban-${rsc}-on-`));
  return Ok([{ op: 'remove-constraints', ids }]);
}

/** Forgets failures and history of a resource on every node. */
export function cleanupOps(cib: Cib, rsc: string): Result<CibOp[], ClusterError> {
  const bad = knownResource(cib, rsc);
  if (bad) return Err(bad);
  const ops: CibOp[] = [];
  for (const st of cib.status.nodes) {
    const node = st.uname ?? st.id;
    ops.push({ op: 'transient-clear', node, prefixes: [`fail-count-${rsc}#`, `last-failure-${rsc}#`] });
    ops.push({ op: 'lrm-erase', node, rsc });
  }
  return Ok(ops);
}

/** Sets or removes a cluster property. */
export function propertyOps(name: string, value: string | null): Result<CibOp[], ClusterError> {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) return Err(clusterError('QUORATE_ERR_BAD_CONFIG', `property name ${JSON.stringify(name)} is not valid`, name));
  return Ok([{ op: 'set-property', name, value }]);
}
