/**
 * The CIB model: Pacemaker's Cluster Information Base as typed, immutable data.
 *
 * Every object mirrors one XML element of the pacemaker-3.x schema. Attributes the
 * model does not name are kept in `extra` so that serialising never loses data.
 * Elements the model does not know (acls, alerts, …) are kept as raw {@link XmlNode}s.
 * @module
 */

/** Pacemaker's infinity: scores saturate at ±1,000,000. */
export const INFINITY = 1_000_000;

/** A score: an integer in [-INFINITY, INFINITY]. */
export type Score = number;

/** Attributes of an element that the typed model does not name, kept verbatim. */
export type ExtraAttrs = Readonly<Record<string, string>>;

/** A raw XML element kept for round-trip fidelity (sections the model does not type). */
export interface XmlNode {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
  /** Text content, if any (rare in a CIB). */
  readonly text?: string;
}

// ---------------------------------------------------------------- rules

/** Comparison of an `<expression>`. */
export type AttrOperation = 'lt' | 'gt' | 'lte' | 'gte' | 'eq' | 'ne' | 'defined' | 'not_defined';
/** How values of an `<expression>` are compared. */
export type AttrType = 'string' | 'integer' | 'number' | 'version';

/** `<expression>`: compares a node attribute (or a param/meta value) with a value. */
export interface AttrExpression {
  readonly kind: 'expression';
  readonly id: string;
  readonly attribute: string;
  readonly operation: AttrOperation;
  readonly value?: string;
  /** Absent means: number if both sides look numeric, else string (Pacemaker's default). */
  readonly type?: AttrType;
  readonly valueSource?: 'literal' | 'param' | 'meta';
  readonly extra?: ExtraAttrs;
}

/** `<date_spec>` or `<duration>`: each field is a value or range as written ("9-16"). */
export interface DateSpec {
  readonly id?: string;
  readonly years?: string;
  readonly months?: string;
  readonly monthdays?: string;
  readonly hours?: string;
  readonly minutes?: string;
  readonly seconds?: string;
  readonly yeardays?: string;
  readonly weekyears?: string;
  readonly weeks?: string;
  readonly weekdays?: string;
  readonly moon?: string;
  readonly extra?: ExtraAttrs;
}

/** `<date_expression>`. Dates are kept as written (ISO 8601 or Pacemaker's forms). */
export interface DateExpression {
  readonly kind: 'date_expression';
  readonly id: string;
  readonly operation: 'in_range' | 'date_spec' | 'gt' | 'lt';
  readonly start?: string;
  readonly end?: string;
  readonly duration?: DateSpec;
  readonly dateSpec?: DateSpec;
  readonly extra?: ExtraAttrs;
}

/** `<rsc_expression>`: matches a resource's class/provider/type (in rsc_defaults). */
export interface RscExpression {
  readonly kind: 'rsc_expression';
  readonly id: string;
  readonly class?: string;
  readonly provider?: string;
  readonly type?: string;
  readonly extra?: ExtraAttrs;
}

/** `<op_expression>`: matches an operation's name and interval (in op_defaults). */
export interface OpExpression {
  readonly kind: 'op_expression';
  readonly id: string;
  readonly name: string;
  /** As written (e.g. "10s"). */
  readonly interval?: string;
  readonly extra?: ExtraAttrs;
}

/** `<rule>`: a boolean combination of expressions, with an optional score. */
export interface Rule {
  readonly kind: 'rule';
  readonly id: string;
  /**
   * Set when this rule is a reference to another rule (`id-ref`). The parser then also
   * copies the referenced rule's body here, so it evaluates like the original.
   */
  readonly idRef?: string;
  readonly score?: Score;
  readonly scoreAttribute?: string;
  readonly booleanOp: 'and' | 'or';
  readonly role?: string;
  readonly expressions: readonly Expression[];
  readonly extra?: ExtraAttrs;
}

/** Anything that may stand inside a rule. */
export type Expression = AttrExpression | DateExpression | RscExpression | OpExpression | Rule;

// ---------------------------------------------------------------- nvpairs

/** `<nvpair>`. */
export interface NvPair {
  readonly id?: string;
  readonly idRef?: string;
  readonly name: string;
  /** Absent value means "unset" (Pacemaker allows nvpairs without value). */
  readonly value?: string;
  readonly extra?: ExtraAttrs;
}

/** Kinds of name/value sets. */
export type NvSetKind = 'meta_attributes' | 'instance_attributes' | 'utilization' | 'cluster_property_set';

/** A name/value set: meta_attributes, instance_attributes, utilization, cluster_property_set. */
export interface NvSet {
  readonly kind: NvSetKind;
  readonly id: string;
  /**
   * Set when the set is a reference (`id-ref`) to a set defined elsewhere. The parser
   * then also copies the referenced set's score, rule and pairs here.
   */
  readonly idRef?: string;
  /** Precedence among sets of the same kind (higher first). */
  readonly score?: Score;
  readonly rule?: Rule;
  readonly pairs: readonly NvPair[];
  readonly extra?: ExtraAttrs;
}

// ---------------------------------------------------------------- resources

/** `<op>` in a resource's `<operations>`. */
export interface Operation {
  readonly id: string;
  readonly idRef?: string;
  readonly name: string;
  /** As written ("10s", "0", "PT1M", "1000ms"); see `parseInterval` for ms. */
  readonly interval: string;
  readonly role?: string;
  readonly timeout?: string;
  readonly onFail?: string;
  readonly enabled?: string;
  readonly requires?: string;
  readonly recordPending?: string;
  readonly startDelay?: string;
  readonly intervalOrigin?: string;
  readonly description?: string;
  readonly meta: readonly NvSet[];
  readonly instance: readonly NvSet[];
  readonly extra?: ExtraAttrs;
}

/** Attribute sets and operations common to primitives and templates. */
interface PrimitiveBody {
  readonly id: string;
  readonly class?: string;
  readonly provider?: string;
  readonly type?: string;
  readonly description?: string;
  readonly meta: readonly NvSet[];
  readonly instance: readonly NvSet[];
  readonly utilization: readonly NvSet[];
  readonly ops: readonly Operation[];
  /** id of the `<operations>` element, when it had one. */
  readonly opsId?: string;
  /**
   * Set when `<operations id-ref=…>` references another resource's operations; `ops`
   * then holds the referenced operations.
   */
  readonly opsIdRef?: string;
  readonly extra?: ExtraAttrs;
  /** Child elements the model does not type, kept verbatim. */
  readonly other?: readonly XmlNode[];
}

/** `<primitive>`. `class`/`type` may come from the referenced `template` instead. */
export interface Primitive extends PrimitiveBody {
  readonly kind: 'primitive';
  readonly template?: string;
}

/** `<template>`: a primitive definition others reference. */
export interface Template extends PrimitiveBody {
  readonly kind: 'template';
}

/** `<group>`: ordered, colocated primitives. */
export interface Group {
  readonly kind: 'group';
  readonly id: string;
  readonly description?: string;
  readonly meta: readonly NvSet[];
  readonly instance: readonly NvSet[];
  readonly children: readonly Primitive[];
  readonly extra?: ExtraAttrs;
  /** Child elements the model does not type, kept verbatim. */
  readonly other?: readonly XmlNode[];
}

/** `<clone>` (promotable when meta promotable=true) or the legacy `<master>`. */
export interface Clone {
  readonly kind: 'clone';
  readonly id: string;
  /** True when written as the legacy `<master>` element. */
  readonly legacyMaster: boolean;
  readonly description?: string;
  readonly meta: readonly NvSet[];
  readonly instance: readonly NvSet[];
  readonly child: Primitive | Group;
  readonly extra?: ExtraAttrs;
  /** Child elements the model does not type, kept verbatim. */
  readonly other?: readonly XmlNode[];
}

/** `<bundle>`: a container runtime with optional network, storage and primitive. */
export interface Bundle {
  readonly kind: 'bundle';
  readonly id: string;
  readonly description?: string;
  readonly meta: readonly NvSet[];
  /** `<docker>`, `<rkt>` or `<podman>` with its attributes. */
  readonly runtime: { readonly type: 'docker' | 'rkt' | 'podman'; readonly attrs: Readonly<Record<string, string>> };
  /** `<network>` with its attributes and `<port-mapping>` children. */
  readonly network?: {
    readonly attrs: Readonly<Record<string, string>>;
    readonly portMappings: readonly Readonly<Record<string, string>>[];
  };
  /** `<storage>`'s `<storage-mapping>` children. */
  readonly storage?: { readonly id?: string; readonly mappings: readonly Readonly<Record<string, string>>[] };
  readonly primitive?: Primitive;
  readonly extra?: ExtraAttrs;
  /** Child elements the model does not type, kept verbatim. */
  readonly other?: readonly XmlNode[];
}

/** Any top-level resource. */
export type Resource = Primitive | Group | Clone | Bundle;

// ---------------------------------------------------------------- constraints

/** `<resource_set>` in a constraint. */
export interface ResourceSet {
  readonly id: string;
  readonly idRef?: string;
  readonly sequential?: boolean;
  readonly requireAll?: boolean;
  readonly ordering?: string;
  readonly action?: string;
  readonly role?: string;
  readonly score?: Score;
  readonly kind?: string;
  /** ids from `<resource_ref id=…>`, in order. */
  readonly resources: readonly string[];
  readonly extra?: ExtraAttrs;
}

/** `<rsc_location>`. */
export interface LocationConstraint {
  readonly kind: 'rsc_location';
  readonly id: string;
  readonly rsc?: string;
  readonly rscPattern?: string;
  readonly role?: string;
  readonly node?: string;
  readonly score?: Score;
  readonly resourceDiscovery?: 'always' | 'never' | 'exclusive';
  readonly rules: readonly Rule[];
  readonly sets: readonly ResourceSet[];
  readonly extra?: ExtraAttrs;
  /** Child elements the model does not type (e.g. legacy `<lifetime>`), kept verbatim. */
  readonly other?: readonly XmlNode[];
}

/** `<rsc_colocation>`. */
export interface ColocationConstraint {
  readonly kind: 'rsc_colocation';
  readonly id: string;
  readonly rsc?: string;
  readonly withRsc?: string;
  readonly rscRole?: string;
  readonly withRscRole?: string;
  /** Legacy `rsc-instance` / `with-rsc-instance`. */
  readonly rscInstance?: string;
  readonly withRscInstance?: string;
  readonly score?: Score;
  readonly nodeAttribute?: string;
  readonly influence?: boolean;
  readonly sets: readonly ResourceSet[];
  readonly extra?: ExtraAttrs;
  /** Child elements the model does not type (e.g. legacy `<lifetime>`), kept verbatim. */
  readonly other?: readonly XmlNode[];
}

/** `<rsc_order>`. */
export interface OrderConstraint {
  readonly kind: 'rsc_order';
  readonly id: string;
  readonly first?: string;
  readonly then?: string;
  readonly firstAction?: string;
  readonly thenAction?: string;
  readonly firstInstance?: string;
  readonly thenInstance?: string;
  readonly orderKind?: 'Mandatory' | 'Optional' | 'Serialize';
  readonly score?: Score;
  readonly symmetrical?: boolean;
  readonly requireAll?: boolean;
  readonly sets: readonly ResourceSet[];
  readonly extra?: ExtraAttrs;
  /** Child elements the model does not type (e.g. legacy `<lifetime>`), kept verbatim. */
  readonly other?: readonly XmlNode[];
}

/** `<rsc_ticket>`. */
export interface TicketConstraint {
  readonly kind: 'rsc_ticket';
  readonly id: string;
  readonly rsc?: string;
  readonly rscRole?: string;
  readonly ticket: string;
  readonly lossPolicy?: 'stop' | 'demote' | 'fence' | 'freeze';
  readonly sets: readonly ResourceSet[];
  readonly extra?: ExtraAttrs;
  /** Child elements the model does not type (e.g. legacy `<lifetime>`), kept verbatim. */
  readonly other?: readonly XmlNode[];
}

/** Any constraint. */
export type Constraint = LocationConstraint | ColocationConstraint | OrderConstraint | TicketConstraint;

// ---------------------------------------------------------------- other configuration

/** `<node>` in `<nodes>`. */
export interface NodeConfig {
  readonly id: string;
  readonly uname: string;
  readonly type?: 'member' | 'remote' | 'ping' | 'normal';
  readonly description?: string;
  readonly instance: readonly NvSet[];
  readonly utilization: readonly NvSet[];
  readonly extra?: ExtraAttrs;
  /** Child elements the model does not type, kept verbatim. */
  readonly other?: readonly XmlNode[];
}

/** `<fencing-level>`. */
export interface FencingLevel {
  readonly id: string;
  readonly index: number;
  readonly target?: string;
  readonly targetPattern?: string;
  readonly targetAttribute?: string;
  readonly targetValue?: string;
  /** Device ids in order (the `devices` attribute split on commas). */
  readonly devices: readonly string[];
  readonly extra?: ExtraAttrs;
}

/** `<tag>`: a named list of object references. */
export interface Tag {
  readonly id: string;
  readonly refs: readonly string[];
  readonly extra?: ExtraAttrs;
}

/** The `<configuration>` section. */
export interface Configuration {
  readonly crmConfig: readonly NvSet[];
  readonly nodes: readonly NodeConfig[];
  readonly resources: readonly Resource[];
  readonly templates: readonly Template[];
  readonly constraints: readonly Constraint[];
  readonly rscDefaults: readonly NvSet[];
  readonly opDefaults: readonly NvSet[];
  readonly fencingTopology: readonly FencingLevel[];
  readonly tags: readonly Tag[];
  /** Other children of `<configuration>` (acls, alerts, …), kept verbatim. */
  readonly other: readonly XmlNode[];
  /**
   * Document order of top-level children of `<resources>` (resources and templates
   * interleave in the XML): ids in order, so serialising restores it.
   */
  readonly resourceOrder?: readonly string[];
}

// ---------------------------------------------------------------- status

/** `<lrm_rsc_op>`: one entry of a resource's operation history on a node. */
export interface LrmRscOp {
  readonly id: string;
  readonly operation: string;
  readonly operationKey?: string;
  /** In milliseconds. */
  readonly interval: number;
  readonly rcCode: number;
  readonly opStatus: number;
  readonly callId: number;
  readonly lastRcChange?: number;
  readonly lastRun?: number;
  readonly execTime?: number;
  readonly queueTime?: number;
  readonly transitionKey?: string;
  readonly transitionMagic?: string;
  readonly opDigest?: string;
  readonly opRestartDigest?: string;
  readonly opSecureDigest?: string;
  readonly opForceRestart?: string;
  readonly opSecureParams?: string;
  readonly onNode?: string;
  readonly crmFeatureSet?: string;
  readonly migrateSource?: string;
  readonly migrateTarget?: string;
  readonly exitReason?: string;
  readonly extra?: ExtraAttrs;
}

/** `<lrm_resource>`: a resource's history on one node. */
export interface LrmResource {
  readonly id: string;
  readonly class?: string;
  readonly provider?: string;
  readonly type?: string;
  readonly container?: string;
  readonly ops: readonly LrmRscOp[];
  readonly extra?: ExtraAttrs;
}

/** `<node_state>`. */
export interface NodeState {
  readonly id: string;
  readonly uname?: string;
  /** `in_ccm`: "true"/"false" or, in newer CIBs, a timestamp (member since). */
  readonly inCcm?: string;
  /** `crmd`: "online"/"offline" or a timestamp. */
  readonly crmd?: string;
  readonly join?: string;
  readonly expected?: string;
  readonly ha?: string;
  readonly remoteNode?: boolean;
  /** lrm resource history; undefined when the node_state has no `<lrm>` element. */
  readonly lrm?: readonly LrmResource[];
  /** `<lrm>` and `<lrm_resources>` ids, kept for round-trip. */
  readonly lrmId?: string;
  readonly lrmResourcesId?: string;
  /** Other attributes of `<lrm>` (old CIBs carry e.g. `uname`), kept for round-trip. */
  readonly lrmExtra?: ExtraAttrs;
  /** `<transient_attributes>`' instance_attributes (fail-count-*, promotion scores, …). */
  readonly transient: readonly NvSet[];
  readonly transientId?: string;
  /** Other children (e.g. `<utilization>` in status), kept verbatim. */
  readonly other?: readonly XmlNode[];
  readonly extra?: ExtraAttrs;
}

/** `<ticket_state>`. */
export interface TicketState {
  readonly id: string;
  readonly granted?: boolean;
  readonly standby?: boolean;
  readonly lastGranted?: string;
  readonly extra?: ExtraAttrs;
}

/** The `<status>` section. */
export interface Status {
  readonly nodes: readonly NodeState[];
  readonly tickets: readonly TicketState[];
  readonly ticketsId?: string;
  readonly other?: readonly XmlNode[];
}

/** `<cib>` root attributes: version triple and the rest. */
export interface CibVersion {
  readonly adminEpoch: number;
  readonly epoch: number;
  readonly numUpdates: number;
}

/** A whole CIB. */
export interface Cib {
  readonly version: CibVersion;
  readonly validateWith?: string;
  readonly dcUuid?: string;
  readonly haveQuorum?: boolean;
  /** Other `<cib>` attributes (crm_feature_set, cib-last-written, …). */
  readonly extra?: ExtraAttrs;
  readonly configuration: Configuration;
  readonly status: Status;
}
