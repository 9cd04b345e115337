/**
 * The unpacked cluster: the CIB as Pacemaker's scheduler sees it after reading the
 * status section (lib/pengine/unpack.c). Configuration objects are resolved into a
 * resource tree, node states are decided, and every resource's operation history is
 * reduced to "where is it active, in which role, did anything fail".
 *
 * This is the input of the policy engine (src/policy) and of the status formatter.
 * Everything here is plain, immutable-by-convention data; maps are keyed by node
 * *name* (uname) unless a comment says otherwise.
 * @module
 */
import type { Cib, LrmRscOp, Primitive, Group, Clone, Bundle, Score } from '../types.js';

// ---------------------------------------------------------------- nodes

/** Where a node comes from: a corosync member, a pacemaker_remote node, or a guest (container) node. */
export type NodeKind = 'member' | 'remote' | 'guest';

/** A cluster node as Pacemaker sees it. */
export interface UnpackedNode {
  /** Node id (`<node id>` / node_state id). For remote and guest nodes equals the name. */
  readonly id: string;
  /** Node name (uname). */
  readonly name: string;
  readonly kind: NodeKind;
  /** Member and able to run resources (joined, crmd online; remote: connection resource running). */
  online: boolean;
  /** Must be fenced before its resources may be recovered. */
  unclean: boolean;
  /** Joined the membership but not (yet) the controller group. */
  pending: boolean;
  /** `standby` node attribute true. */
  standby: boolean;
  /** Put in standby because a resource with `on-fail=standby` failed here. */
  standbyOnFail: boolean;
  /** `maintenance` node attribute true, or cluster-wide maintenance-mode. */
  maintenance: boolean;
  /** A `shutdown` transient attribute (non-zero) asks this node to leave. */
  shutdown: boolean;
  /** `expected="member"` in node_state: the controller expects it up. */
  expectedUp: boolean;
  /** Is the designated controller (`dc-uuid` of the CIB). */
  isDc: boolean;
  /** True when the status section has a node_state for this node. */
  hasState: boolean;
  /** Remote/guest: the connection resource failed and must be recovered (node is "remote unclean"). */
  remoteRequiresReset: boolean;
  /** Remote/guest: the connection resource id. */
  connectionResource?: string;
  /** Guest: the container resource that hosts it. */
  containerResource?: string;
  /**
   * Node attributes: permanent `<nodes>` instance_attributes merged with transient
   * attributes, plus the built-ins `#uname`, `#id`, `#kind`, `#is_dc`
   * (and `#cluster-name`, `#site-name` when configured).
   */
  readonly attributes: Record<string, string>;
  /** Utilization capacities of the node. */
  readonly utilization: Readonly<Record<string, number>>;
  /** Number of primitives active here. */
  activeResourceCount: number;
  /** Never seen in status (internal to unpacking; Pacemaker's `unseen`). */
  unseen: boolean;
  /** History already unpacked (internal). */
  unpacked: boolean;
  /** Remote node: node_state says it was fenced (node_fenced attribute). */
  remoteWasFenced: boolean;
  /** Created while reading the status (orphaned connection): not among resources' allowed nodes. */
  fromStatus?: boolean;
  /** A legacy `type="ping"` node: never runs resources. */
  ping?: boolean;
}

// ---------------------------------------------------------------- resources

/** Resource variants, as Pacemaker names them. */
export type ResourceVariant = 'primitive' | 'group' | 'clone' | 'bundle';

/** Roles, as Pacemaker 2.1 prints them. */
export type Role = 'Unknown' | 'Stopped' | 'Started' | 'Unpromoted' | 'Promoted';

/** A failure recorded in a resource's history on one node. */
export interface FailureRecord {
  readonly node: string;
  readonly op: LrmRscOp;
  /** Operation name + interval ("monitor", 10000). */
  readonly task: string;
  readonly intervalMs: number;
  readonly rc: number;
  readonly opStatus: number;
  /** The configured on-fail that applies to this failure. */
  readonly onFail: OnFail;
  /** The failure is older than failure-timeout and no longer counts. */
  readonly expired: boolean;
}

/** on-fail policies (Pacemaker Explained, "Operation properties"). */
export type OnFail = 'ignore' | 'block' | 'stop' | 'restart' | 'standby' | 'fence' | 'restart-container' | 'demote' | 'reset-remote';

/** A resource's history on one node, reduced to what the scheduler needs. */
export interface NodeHistory {
  readonly node: string;
  /** Ops sorted by call-id (pending ops with call-id -1 last). */
  readonly ops: readonly LrmRscOp[];
  /** Last (by call-id) operation overall. */
  readonly lastOp?: LrmRscOp;
  /** The op that decided the role here (last start/stop/promote/demote/migrate/probe). */
  readonly decidingOp?: LrmRscOp;
  /** Role here according to the history. */
  readonly role: Role;
  /** Last failed op (rc or op-status failure), if any. */
  readonly lastFailure?: LrmRscOp;
  /** Last successful start (or migrate_from) op, for restart digests. */
  readonly lastStart?: LrmRscOp;
  /** Last result of each recurring monitor, keyed by `name_intervalMs` (e.g. `monitor_10000`). */
  readonly recurring: Readonly<Record<string, LrmRscOp>>;
  /** Ops still in flight (op-status -1 / pending). */
  readonly pending: readonly LrmRscOp[];
  /** A probe (monitor interval 0) has been run here since the last state change. */
  readonly probed: boolean;
}

/** A migration in flight or half done. */
export interface PartialMigration {
  readonly source: string;
  readonly target: string;
  /** migrate_to succeeded on source but migrate_from not done on target. */
  readonly stage: 'migrate_to' | 'migrate_from';
}

/** A resource in the unpacked tree. Clones' instances and bundles' replicas are children. */
export interface UnpackedResource {
  /** Full id, with `:N` suffix for clone instances. */
  readonly id: string;
  /** id without clone instance suffix. */
  readonly baseId: string;
  readonly variant: ResourceVariant;
  parent?: UnpackedResource;
  /**
   * Children: group members; for a clone, its instances (primitive or group copies,
   * ids `child:N`); for a bundle, its replicas' generated resources.
   */
  readonly children: UnpackedResource[];
  /** Configured definition (primitive/group/clone/bundle) the resource was built from. */
  readonly config: Primitive | Group | Clone | Bundle;
  /** Primitives: class / provider / type (template resolved). */
  readonly class?: string;
  readonly provider?: string;
  readonly type?: string;
  /** Effective meta attributes (rsc_defaults, parents' meta and own meta merged). */
  readonly meta: Readonly<Record<string, string>>;
  /** Effective instance attributes. */
  readonly params: Readonly<Record<string, string>>;
  /** Configured operations (primitives). */
  readonly ops: Primitive['ops'];
  /** Clone (or resource inside a clone): promotable. */
  readonly promotable: boolean;
  /** Clone: globally-unique. */
  readonly unique: boolean;
  /** Clone instance number, when this is an instance. */
  readonly instance?: number;
  /** Role according to the history (the highest role on any node). */
  role: Role;
  /** Role the history asks for next (Stopped after on-fail=stop, …); Unknown = no opinion. */
  nextRole: Role;
  /** Nodes where the resource's state is known (probed or run), in discovery order. */
  readonly knownOn: string[];
  /** In maintenance (resource meta, or cluster maintenance-mode). */
  readonly maintenance: boolean;
  /** A failure was ignored (on-fail=ignore): shown as "failure ignored". */
  failureIgnored: boolean;
  /** Clones: clone-max and clone-node-max. */
  cloneMax?: number;
  cloneNodeMax?: number;
  /** Implicit resource (guest connection, bundle internals) that status output hides. */
  internal: boolean;
  /** Node of an in-flight (pending) non-probe operation. */
  pendingNode?: string;
  /** Role requested by target-role meta (Started when unset). */
  readonly targetRole: Role;
  /** Nodes where the resource is active (primitives), in discovery order. */
  runningOn: string[];
  /** Role on each node where active. */
  readonly roleOn: Record<string, Role>;
  /** Per node history summary. */
  readonly history: Record<string, NodeHistory>;
  /** A failure was found in the history and is not cleared. */
  failed: boolean;
  /**
   * Failed, but recovered by demoting only (every failure that marked it failed had
   * on-fail=demote or block): no stop/start, a promoted instance is demoted in place.
   */
  recoverByDemote?: boolean;
  /** is-managed (false when unmanaged, maintenance, or blocked by a failed stop). */
  managed: boolean;
  /** Present in status but not in configuration. */
  readonly orphan: boolean;
  /** Blocked: failed stop with no fencing, or on-fail=block. */
  blocked: boolean;
  /** An operation is in flight (shown as "Starting", "Stopping" ...). */
  pendingTask?: string;
  /** Failcounts per node, per op key (`monitor_10000`) and total. */
  readonly failcount: Record<string, { readonly total: number; readonly byOp: Readonly<Record<string, number>> }>;
  /** last-failure time (epoch seconds) per node. */
  readonly lastFailure: Record<string, number>;
  /** Failures found in history (including expired ones, flagged). */
  readonly failures: FailureRecord[];
  /** Migration in flight. */
  partialMigration?: PartialMigration;
  /** Node names where the resource was seen failed and stopped: "dangling" migration sources to clean up. */
  readonly dangling: string[];
  /** Container resource (for resources with `container` meta / bundle replicas). */
  container?: string;
  /** For guest/remote connection resources: the node name they make available. */
  remoteNode?: string;
  /** Default stickiness / priority / migration-threshold / failure-timeout (ms) resolved. */
  readonly stickiness: Score;
  readonly priority: Score;
  readonly migrationThreshold: number;
  readonly failureTimeoutMs: number;
  /** shutdown-lock: the node the resource is locked to (it stopped there when the node shut down). */
  lockNode?: string;
  /** shutdown-lock: when the lock started (epoch seconds). */
  lockTime?: number;
  /** Bundles: the replicas with their implicit resources (Pacemaker's pe__bundle_replica_t). */
  replicas?: BundleReplica[];
  /** Bundles: container image, replica count, replicas-per-host. */
  bundle?: { readonly image: string; readonly replicas: number; readonly replicasPerHost: number; readonly runtime: string };
}

/** One replica of a bundle: the implicit ip, container and remote connection, and the inner resource instance. */
export interface BundleReplica {
  readonly offset: number;
  /** Address from ip-range-start, when the bundle has one. */
  readonly ipAddr?: string;
  readonly ip?: UnpackedResource;
  readonly container: UnpackedResource;
  /** Remote connection (`NAME-N`), present when the bundle holds a primitive. */
  readonly remote?: UnpackedResource;
  /** The inner primitive's clone instance (`prim:N`). */
  readonly child?: UnpackedResource;
  /** The guest node the replica makes (`NAME-N`). */
  readonly nodeName?: string;
}

// ---------------------------------------------------------------- cluster

/** A ticket and its state. */
export interface UnpackedTicket {
  readonly id: string;
  readonly granted: boolean;
  readonly standby: boolean;
  readonly lastGranted?: number;
}

/** Cluster options (crm_config) after defaults. */
export interface ClusterOptions {
  readonly stonithEnabled: boolean;
  readonly symmetricCluster: boolean;
  readonly noQuorumPolicy: 'stop' | 'freeze' | 'ignore' | 'demote' | 'suicide';
  readonly maintenanceMode: boolean;
  readonly stopOrphanResources: boolean;
  readonly stopOrphanActions: boolean;
  readonly startFailureIsFatal: boolean;
  readonly placementStrategy: 'default' | 'utilization' | 'minimal' | 'balanced';
  readonly concurrentFencing: boolean;
  readonly stonithAction: string;
  /** Nodes never seen in status are unclean until seen (default true). */
  readonly startupFencing: boolean;
  /** All crm_config properties (after rule evaluation), raw strings. */
  readonly raw: Readonly<Record<string, string>>;
}

/** The whole cluster as Pacemaker sees it. */
export interface UnpackedCluster {
  readonly cib: Cib;
  /** "Now" used for failure-timeout, rules and expiry (epoch seconds). */
  readonly now: number;
  readonly options: ClusterOptions;
  readonly haveQuorum: boolean;
  /** Name of the DC node, if known. */
  readonly dcNode?: string;
  /** Nodes in configuration order (members, then remote and guest nodes as discovered). */
  readonly nodes: UnpackedNode[];
  /** Top-level resources in configuration order, orphans appended. */
  readonly resources: UnpackedResource[];
  /** Every resource of the tree by id (instances as `child:N`). */
  readonly byId: ReadonlyMap<string, UnpackedResource>;
  readonly tickets: ReadonlyMap<string, UnpackedTicket>;
  /** Warnings met while unpacking (unknown resource class, bad values, ...). */
  readonly warnings: string[];
}

/** Options of {@link unpackCluster}. */
export interface UnpackOptions {
  /** Current time, epoch seconds. */
  readonly now: number;
}
