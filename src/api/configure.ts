/**
 * `cluster.configure(c => c.resource(…).constraint(…).stonith(…).property(k, v))`:
 * collects builders, merges them into the current configuration (objects
 * with the same id are replaced) and checks the result — ids unique, every
 * constraint naming existing resources — before anything is written.
 * @module
 */
import { Ok, Err, type Result } from '../util/result.js';
import type { Configuration, Constraint as CibConstraint, FencingLevel, Primitive, Resource as CibResource } from '../cib/types.js';
import type { FunctionAgentSpec } from '../agents/function.js';
import type { StonithDevice } from '../fencing/device.js';
import { setInSets } from '../cluster/cibOps.js';
import { clusterError, type ClusterError } from '../cluster/errors.js';
import { ID_RE, type ResourceBuilder } from './resource.js';
import type { ConstraintBuilder } from './constraint.js';

/** A configuration ready to write, with the in-process code it needs registered on each node. */
export interface AppliedConfig {
  readonly configuration: Configuration;
  readonly functions: ReadonlyMap<string, FunctionAgentSpec>;
  readonly devices: readonly StonithDevice[];
}

/** Options of a stonith resource. */
export interface StonithOptions {
  /** Device monitor interval (default "60s"). */
  readonly monitor?: string;
}

/** Collects configuration changes. */
export class ConfigBuilder {
  private readonly resources: ResourceBuilder[] = [];
  private readonly constraints: ConstraintBuilder[] = [];
  private readonly devices: { device: StonithDevice; opts: StonithOptions }[] = [];
  private readonly properties: [string, string | null][] = [];
  private readonly defaults: [string, string][] = [];
  private readonly levels: { target: string; index: number; devices: readonly string[] }[] = [];
  private readonly removals: string[] = [];

  /** Adds or replaces a resource. */
  resource(r: ResourceBuilder): this {
    this.resources.push(r);
    return this;
  }

  /** Adds or replaces a constraint. */
  constraint(c: ConstraintBuilder): this {
    this.constraints.push(c);
    return this;
  }

  /** Adds or replaces a fence device (a stonith resource in the CIB). */
  stonith(device: StonithDevice, opts: StonithOptions = {}): this {
    this.devices.push({ device, opts });
    return this;
  }

  /** Sets (or with null removes) a cluster property (stonith-enabled, no-quorum-policy, …). */
  property(name: string, value: string | null): this {
    this.properties.push([name, value]);
    return this;
  }

  /** Sets a resource default (resource-stickiness, migration-threshold, …). */
  rscDefault(name: string, value: string): this {
    this.defaults.push([name, value]);
    return this;
  }

  /** Adds a fencing-topology level: `devices` all must succeed; level 1 is tried first. */
  fencingLevel(target: string, index: number, devices: readonly string[]): this {
    this.levels.push({ target, index, devices });
    return this;
  }

  /** Removes a resource or constraint by id. */
  remove(id: string): this {
    this.removals.push(id);
    return this;
  }

  /** Merges into `base` and validates. */
  apply(base: Configuration): Result<AppliedConfig, ClusterError> {
    let resources: CibResource[] = base.resources.filter(r => !this.removals.includes(r.id));
    let constraints: CibConstraint[] = base.constraints.filter(c => !this.removals.includes(c.id));
    const functions = new Map<string, FunctionAgentSpec>();
    const devices: StonithDevice[] = [];
    const put = (r: CibResource): void => {
      const i = resources.findIndex(x => x.id === r.id);
      if (i >= 0) resources[i] = r;
      else resources.push(r);
    };
    for (const rb of this.resources) {
      const b = rb.build();
      if (b.err) return b;
      put(b.val.resource);
      for (const [k, v] of b.val.functions) functions.set(k, v);
    }
    for (const { device, opts } of this.devices) {
      const v = device.validate();
      if (v.err) return Err(clusterError('QUORATE_ERR_BAD_CONFIG', v.val.message, device.id));
      const interval = opts.monitor ?? '60s';
      const p: Primitive = {
        kind: 'primitive', id: device.id, class: 'stonith', type: device.kind === 'agent' ? device.agent! : 'function',
        meta: [], utilization: [],
        instance: Object.keys(device.params).length === 0 ? [] : [{
          kind: 'instance_attributes', id: `${device.id}-instance_attributes`,
          pairs: Object.entries(device.params).map(([n, value]) => ({ id: `${device.id}-instance_attributes-${n}`, name: n, value })),
        }],
        ops: [{ id: `${device.id}-monitor-interval-${interval}`, name: 'monitor', interval, meta: [], instance: [] }],
      };
      put(p);
      if (device.kind === 'function') devices.push(device);
    }
    for (const cb of this.constraints) {
      const c = cb.build();
      if (c.err) return c;
      constraints = [...constraints.filter(x => x.id !== c.val.id), c.val];
    }
    let crmConfig = base.crmConfig;
    for (const [k, v] of this.properties) {
      if (!ID_RE.test(k)) return Err(clusterError('QUORATE_ERR_BAD_CONFIG', `property name ${JSON.stringify(k)} is not valid`, k));
      crmConfig = setInSets(crmConfig, 'cluster_property_set', 'cib-bootstrap-options', k, v);
    }
    let rscDefaults = base.rscDefaults;
    for (const [k, v] of this.defaults) rscDefaults = setInSets(rscDefaults, 'meta_attributes', 'rsc-options', k, v);
    let fencingTopology: FencingLevel[] = [...base.fencingTopology];
    for (const l of this.levels) {
      if (!Number.isInteger(l.index) || l.index < 1 || l.devices.length === 0) {
        return Err(clusterError('QUORATE_ERR_BAD_CONFIG', `fencing level ${l.index} for ${l.target}: index must be a positive integer and devices non-empty`, l.target));
      }
      const id = `fl-${l.target}-${l.index}`;
      fencingTopology = [...fencingTopology.filter(x => x.id !== id), { id, index: l.index, target: l.target, devices: l.devices }];
    }
    const configuration: Configuration = { ...base, resources, constraints, crmConfig, rscDefaults, fencingTopology };
    const v = validateConfiguration(configuration);
    if (v) return Err(v);
    resources = [...configuration.resources];
    return Ok({ configuration, functions, devices });
  }
}

/** Every resource id (group members and clone children included). */
export function resourceIds(resources: readonly CibResource[]): string[] {
  const out: string[] = [];
  const visit = (r: CibResource | Primitive): void => {
    out.push(r.id);
    if (r.kind === 'group') r.children.forEach(visit);
    if (r.kind === 'clone') visit(r.child);
    if (r.kind === 'bundle' && r.primitive) visit(r.primitive);
  };
  resources.forEach(visit);
  return out;
}

/** Checks ids are unique, constraints name existing resources, and fencing levels existing devices. */
export function validateConfiguration(c: Configuration): ClusterError | undefined {
  const ids = resourceIds(c.resources);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return clusterError('QUORATE_ERR_BAD_CONFIG', `resource id ${JSON.stringify(id)} is used twice`, id);
    seen.add(id);
  }
  for (const k of c.constraints) {
    if (seen.has(k.id)) return clusterError('QUORATE_ERR_BAD_CONFIG', `constraint id ${JSON.stringify(k.id)} is also a resource id`, k.id);
    const refs: [string, string | undefined][] =
      k.kind === 'rsc_location' ? [['rsc', k.rsc]]
      : k.kind === 'rsc_colocation' ? [['rsc', k.rsc], ['with-rsc', k.withRsc]]
      : k.kind === 'rsc_order' ? [['first', k.first], ['then', k.then]]
      : [['rsc', k.rsc]];
    for (const [attr, ref] of refs) {
      if (ref !== undefined && !seen.has(ref)) {
        return clusterError('QUORATE_ERR_BAD_CONFIG', `constraint ${JSON.stringify(k.id)}: ${attr} ${JSON.stringify(ref)} is not a configured resource`, k.id);
      }
    }
    for (const s of k.sets) for (const ref of s.resources) {
      if (!seen.has(ref)) return clusterError('QUORATE_ERR_BAD_CONFIG', `constraint ${JSON.stringify(k.id)}: set ${s.id} names ${JSON.stringify(ref)}, which is not a configured resource`, k.id);
    }
  }
  for (const l of c.fencingTopology) for (const d of l.devices) {
    if (!seen.has(d)) return clusterError('QUORATE_ERR_BAD_CONFIG', `fencing level ${l.index} for ${l.target ?? l.targetPattern ?? '?'}: device ${JSON.stringify(d)} is not configured`, l.id);
  }
  return undefined;
}
