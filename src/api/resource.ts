/**
 * Resource builders: `Resource.primitive(id, 'ocf:heartbeat:Dummy', params)`,
 * `Resource.function(id, { start, stop, monitor })`, groups, clones and
 * promotable clones. They build the typed CIB model (src/cib/types.ts);
 * mistakes come back as a typed error naming the resource and what is wrong.
 * @module
 */
import { Ok, Err, type Result } from '../util/result.js';
import type { Clone, Group, NvSet, Operation, Primitive, Resource as CibResource } from '../cib/types.js';
import { parseInterval } from '../cib/values.js';
import type { FunctionAgentSpec } from '../agents/function.js';
import { clusterError, type ClusterError } from '../cluster/errors.js';

/** XML ids: a letter or underscore first. */
export const ID_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** A built resource and the in-process agents it needs registered. */
export interface BuiltResource {
  readonly resource: CibResource;
  /** Function agents by type name. */
  readonly functions: ReadonlyMap<string, FunctionAgentSpec>;
}

/** Options of an operation. */
export interface OpOptions {
  readonly interval?: string;
  readonly timeout?: string;
  readonly role?: string;
  readonly onFail?: string;
}

/** Anything `configure().resource()` accepts. */
export interface ResourceBuilder {
  readonly id: string;
  build(): Result<BuiltResource, ClusterError>;
}

function nvset(kind: NvSet['kind'], id: string, values: Readonly<Record<string, string>>): NvSet[] {
  const names = Object.keys(values);
  if (names.length === 0) return [];
  return [{ kind, id, pairs: names.map(n => ({ id: `${id}-${n}`, name: n, value: values[n]! })) }];
}

function badConfig(subject: string, why: string): ClusterError {
  return clusterError('QUORATE_ERR_BAD_CONFIG', `resource ${JSON.stringify(subject)}: ${why}`, subject);
}

/** Parses `class:provider:type` (ocf) or `class:type`. */
export function parseAgentSpec(spec: string): Result<{ class: string; provider?: string; type: string }, string> {
  const parts = spec.split(':');
  const cls = parts[0] ?? '';
  if (cls === 'ocf') {
    if (parts.length !== 3 || !NAME_RE.test(parts[1]!) || !NAME_RE.test(parts[2]!)) return Err(`agent ${JSON.stringify(spec)} is not ocf:<provider>:<type>`);
    return Ok({ class: 'ocf', provider: parts[1]!, type: parts[2]! });
  }
  if (['lsb', 'service', 'systemd', 'stonith'].includes(cls)) {
    if (parts.length !== 2 || !NAME_RE.test(parts[1]!)) return Err(`agent ${JSON.stringify(spec)} is not ${cls}:<type>`);
    return Ok({ class: cls, type: parts[1]! });
  }
  return Err(`agent ${JSON.stringify(spec)} has unknown class ${JSON.stringify(cls)} (expected ocf, lsb, service, systemd or stonith)`);
}

/** Builds one primitive. */
export class PrimitiveBuilder implements ResourceBuilder {
  private readonly ops: (OpOptions & { name: string })[] = [];
  private metaAttrs: Record<string, string> = {};
  private paramAttrs: Record<string, string>;

  /** @internal use {@link Resource.primitive} or {@link Resource.function}. */
  constructor(readonly id: string, private readonly agent: string, params: Readonly<Record<string, string>>,
    private readonly fn?: FunctionAgentSpec) {
    this.paramAttrs = { ...params };
  }

  /** Adds a recurring monitor every `interval` ("10s", "1min", "5000ms"). */
  monitor(interval: string, opts: Omit<OpOptions, 'interval'> = {}): this {
    this.ops.push({ name: 'monitor', interval, ...opts });
    return this;
  }

  /** Adds an operation definition (timeouts for start/stop, on-fail, …). */
  op(name: string, opts: OpOptions = {}): this {
    this.ops.push({ name, ...opts });
    return this;
  }

  /** Sets meta attributes (target-role, resource-stickiness, migration-threshold, …). */
  meta(m: Readonly<Record<string, string>>): this {
    this.metaAttrs = { ...this.metaAttrs, ...m };
    return this;
  }

  /** Sets instance parameters. */
  params(p: Readonly<Record<string, string>>): this {
    this.paramAttrs = { ...this.paramAttrs, ...p };
    return this;
  }

  /** The typed primitive, or what is wrong with it. */
  buildPrimitive(): Result<Primitive, ClusterError> {
    if (!ID_RE.test(this.id)) return Err(badConfig(this.id, 'the id is not a valid XML id (letters, digits, _ . -, not starting with a digit)'));
    let agent: { class: string; provider?: string; type: string };
    if (this.fn) {
      if (typeof this.fn.start !== 'function' || typeof this.fn.stop !== 'function' || typeof this.fn.monitor !== 'function') {
        return Err(badConfig(this.id, 'a function agent needs start, stop and monitor functions'));
      }
      agent = { class: 'function', type: this.agent };
    } else {
      const a = parseAgentSpec(this.agent);
      if (a.err) return Err(badConfig(this.id, a.val));
      agent = a.val;
    }
    for (const k of [...Object.keys(this.paramAttrs), ...Object.keys(this.metaAttrs)]) {
      if (!NAME_RE.test(k)) return Err(badConfig(this.id, `attribute name ${JSON.stringify(k)} is not valid`));
    }
    const ops: Operation[] = [];
    for (const o of this.ops) {
      if (!NAME_RE.test(o.name)) return Err(badConfig(this.id, `operation name ${JSON.stringify(o.name)} is not valid`));
      const interval = o.interval ?? '0s';
      const iv = parseInterval(interval);
      if (iv.err) return Err(badConfig(this.id, `${o.name} interval ${JSON.stringify(interval)} is not a duration`));
      if (o.timeout !== undefined && parseInterval(o.timeout).err) return Err(badConfig(this.id, `${o.name} timeout ${JSON.stringify(o.timeout)} is not a duration`));
      const id = `${this.id}-${o.name}-interval-${interval}${o.role ? `-${o.role}` : ''}`;
      if (ops.some(x => x.id === id)) return Err(badConfig(this.id, `operation ${o.name} with interval ${interval} is defined twice`));
      ops.push({
        id, name: o.name, interval, meta: [], instance: [],
        ...(o.timeout !== undefined ? { timeout: o.timeout } : {}),
        ...(o.role !== undefined ? { role: o.role } : {}),
        ...(o.onFail !== undefined ? { onFail: o.onFail } : {}),
      });
    }
    return Ok({
      kind: 'primitive', id: this.id, class: agent.class, type: agent.type,
      ...(agent.provider !== undefined ? { provider: agent.provider } : {}),
      meta: nvset('meta_attributes', `${this.id}-meta_attributes`, this.metaAttrs),
      instance: nvset('instance_attributes', `${this.id}-instance_attributes`, this.paramAttrs),
      utilization: [], ops,
    });
  }

  build(): Result<BuiltResource, ClusterError> {
    const p = this.buildPrimitive();
    if (p.err) return p;
    return Ok({ resource: p.val, functions: this.fn ? new Map([[this.agent, this.fn]]) : new Map() });
  }
}

/** Builds a group of primitives (started in order, colocated). */
export class GroupBuilder implements ResourceBuilder {
  private metaAttrs: Record<string, string> = {};
  /** @internal use {@link Resource.group}. */
  constructor(readonly id: string, private readonly members: readonly PrimitiveBuilder[]) {}

  /** Sets meta attributes of the group. */
  meta(m: Readonly<Record<string, string>>): this {
    this.metaAttrs = { ...this.metaAttrs, ...m };
    return this;
  }

  buildGroup(): Result<{ group: Group; functions: Map<string, FunctionAgentSpec> }, ClusterError> {
    if (!ID_RE.test(this.id)) return Err(badConfig(this.id, 'the id is not a valid XML id'));
    if (this.members.length === 0) return Err(badConfig(this.id, 'a group needs at least one member'));
    const children: Primitive[] = [];
    const functions = new Map<string, FunctionAgentSpec>();
    for (const m of this.members) {
      if (!(m instanceof PrimitiveBuilder)) return Err(badConfig(this.id, 'group members must be primitives'));
      const b = m.build();
      if (b.err) return b;
      children.push(b.val.resource as Primitive);
      for (const [k, v] of b.val.functions) functions.set(k, v);
    }
    return Ok({ group: { kind: 'group', id: this.id, meta: nvset('meta_attributes', `${this.id}-meta_attributes`, this.metaAttrs), instance: [], children }, functions });
  }

  build(): Result<BuiltResource, ClusterError> {
    const g = this.buildGroup();
    if (g.err) return g;
    return Ok({ resource: g.val.group, functions: g.val.functions });
  }
}

/** Builds a clone (optionally promotable) of a primitive or group. */
export class CloneBuilder implements ResourceBuilder {
  /** @internal use {@link Resource.clone} or {@link Resource.promotable}. */
  constructor(readonly id: string, private readonly child: PrimitiveBuilder | GroupBuilder,
    private readonly metaAttrs: Readonly<Record<string, string>>) {}

  build(): Result<BuiltResource, ClusterError> {
    if (!ID_RE.test(this.id)) return Err(badConfig(this.id, 'the id is not a valid XML id'));
    const c = this.child.build();
    if (c.err) return c;
    const child = c.val.resource;
    if (child.kind !== 'primitive' && child.kind !== 'group') return Err(badConfig(this.id, 'a clone wraps a primitive or a group'));
    const clone: Clone = {
      kind: 'clone', id: this.id, legacyMaster: false,
      meta: nvset('meta_attributes', `${this.id}-meta_attributes`, this.metaAttrs), instance: [], child,
    };
    return Ok({ resource: clone, functions: c.val.functions });
  }
}

/**
 * The CIB model's resource type; the same name's value holds the builders, so
 * `import { Resource } from 'quorate'` gives both.
 */
export type Resource = CibResource;

/** Entry points of the resource builders. */
export const Resource = {
  /** A primitive run by an agent: `'ocf:heartbeat:Dummy'`, `'lsb:nginx'`, `'systemd:nginx'`. */
  primitive(id: string, agent: string, params: Readonly<Record<string, string>> = {}): PrimitiveBuilder {
    return new PrimitiveBuilder(id, agent, params);
  },
  /** A primitive run by in-process functions (CIB class "function", type = id). */
  function(id: string, spec: FunctionAgentSpec, params: Readonly<Record<string, string>> = {}): PrimitiveBuilder {
    return new PrimitiveBuilder(id, id, params, spec);
  },
  /** A group: members start in order and run on the same node. */
  group(id: string, members: readonly PrimitiveBuilder[]): GroupBuilder {
    return new GroupBuilder(id, members);
  },
  /** A clone: one instance per node (clone-max, clone-node-max, … as meta). */
  clone(id: string, child: PrimitiveBuilder | GroupBuilder, meta: Readonly<Record<string, string>> = {}): CloneBuilder {
    return new CloneBuilder(id, child, meta);
  },
  /** A promotable clone: one (promoted-max) instance promoted. */
  promotable(id: string, child: PrimitiveBuilder | GroupBuilder, meta: Readonly<Record<string, string>> = {}): CloneBuilder {
    return new CloneBuilder(id, child, { ...meta, promotable: 'true' });
  },
} as const;
