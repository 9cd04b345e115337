/**
 * The scheduler's working state: the unpacked cluster copied into mutable working
 * objects (node scores, assignments, actions, orderings) that the stages fill in.
 * The unpacked input itself is never changed, so `schedule` stays pure.
 * @module
 */
import { INFINITY } from '../cib/types.js';
import type { UnpackedCluster, UnpackedNode, UnpackedResource, Role } from '../cib/unpack/types.js';

/** Variants this scheduler places. */
export type PolicyVariant = 'primitive' | 'group' | 'clone' | 'bundle';

/** A node as the scheduler works with it. */
export interface PNode {
  readonly name: string;
  readonly uuid: string;
  readonly u: UnpackedNode;
  /** Resources assigned here so far (tie-break: fewer wins). */
  assignedCount: number;
}

/** A colocation between two working resources (members for groups). */
export interface Coloc {
  readonly id: string;
  readonly dependent: PRsc;
  readonly primary: PRsc;
  readonly score: number;
  readonly dependentRole?: Role;
  readonly primaryRole?: Role;
  readonly nodeAttribute: string;
  readonly influence: boolean;
  /** The resources the constraint names (groups rather than the members standing for them). */
  readonly configuredDependent?: PRsc;
  readonly configuredPrimary?: PRsc;
}

/** A shutdown lock: the node a resource is held to, and when the lock began (epoch seconds). */
export interface ShutdownLock {
  readonly node: string;
  readonly time: number;
}

/** A resource as the scheduler works with it. */
export interface PRsc {
  /** shutdown-lock: the node this resource is held to (see shutdownLock.ts). */
  shutdownLock?: ShutdownLock;
  readonly id: string;
  readonly variant: PolicyVariant;
  readonly u: UnpackedResource;
  readonly parent?: PRsc;
  readonly children: PRsc[];
  /** Node name → score. A node absent from the map may not run the resource. */
  allowed: Map<string, number>;
  provisional: boolean;
  assigning: boolean;
  merging: boolean;
  /** Node chosen by assignment (null: stopped). */
  assigned: string | null;
  nextRole: Role;
  managed: boolean;
  /** Nodes where discovery (probing) is not done. */
  readonly noDiscovery: Set<string>;
  /** Colocations where this resource is the dependent. */
  readonly withPrimaries: Coloc[];
  /** Colocations where this resource is the primary. */
  readonly withDependents: Coloc[];
  /** Actions of this resource, creation order. */
  readonly actions: Act[];
  /** Why the resource stops or restarts, for the summary. */
  reason?: string;
}

/** An action under construction. */
export interface Act {
  /** Creation sequence number. */
  readonly seq: number;
  readonly rsc?: PRsc;
  /** start, stop, monitor, running, stonith, do_shutdown, … */
  readonly task: string;
  readonly intervalMs: number;
  readonly key: string;
  readonly node?: string;
  readonly kind: 'rsc_op' | 'pseudo_event' | 'crm_event';
  optional: boolean;
  runnable: boolean;
  /** CRM_meta_* and params. */
  readonly attrs: Record<string, string>;
  readonly downed?: string[];
  /** Why the action is required (summary text). */
  reason?: string;
  /** The ordering's first action whose unrunnability gave `reason` (a group's start for its members). */
  reasonUnrunnable?: Act;
  /** `reason` is a group member's copy of its group's start's reason (follows it). */
  reasonInherited?: boolean;
  /** For probes: it is a probe (monitor interval 0). */
  readonly probe?: boolean;
  /** Fencing target name, fencing action. */
  readonly fenceTarget?: string;
  readonly fenceAction?: string;
  /** operation_key in the graph when it differs from `key` (anonymous clone instances known by another name, cancels). */
  graphKey?: string;
}

/** Ordering flags, after Pacemaker's pe_order_* (named for what they do). */
export interface OrderFlags {
  /** `first` required ⇒ `then` required. */
  readonly impliesThen?: boolean;
  /** `then` required ⇒ `first` required. */
  readonly impliesFirst?: boolean;
  /** `first` unrunnable ⇒ `then` unrunnable. */
  readonly runnableLeft?: boolean;
  /** `first` required but unrunnable ⇒ `then` unrunnable (a start after a stop that cannot happen). */
  readonly runnableLeftIfRequired?: boolean;
  /** `then` required and resource active ⇒ `first` (its stop) required. */
  readonly restart?: boolean;
  /** `then` in the graph ⇒ `first` in the graph (group pseudo actions). */
  readonly printedFirst?: boolean;
  /** `first` in the graph ⇒ `then` in the graph. */
  readonly printedThen?: boolean;
  /** Only carries implications (into group members); not an input in the graph. */
  readonly noGraph?: boolean;
}

/** An ordering between two actions. */
export interface Order {
  readonly first: Act;
  readonly then: Act;
  readonly flags: OrderFlags;
  readonly id?: string;
}

/** Everything the stages share. */
export interface Ctx {
  readonly cluster: UnpackedCluster;
  readonly nodes: Map<string, PNode>;
  readonly nodeList: PNode[];
  /** Top-level working resources, configuration order. */
  readonly top: PRsc[];
  /** Every working resource by id. */
  readonly byId: Map<string, PRsc>;
  readonly colocs: Coloc[];
  readonly actions: Act[];
  readonly orders: Order[];
  /** Score lines (crm_simulate -s), unsorted. */
  readonly scoreLines: string[];
  readonly stonithEnabled: boolean;
  readonly haveQuorum: boolean;
  readonly noQuorumPolicy: string;
  readonly stopEverything: boolean;
  /**
   * Orderings whose first side is a stop of another resource: that resource's
   * probes must precede the then-action too (the stop may be implied by a probe
   * finding it active). `sameNode` for anti-colocation orderings.
   */
  readonly stopThen: { first: PRsc; then: Act; sameNode: boolean }[];
  /** Node names to fence, with reason. */
  readonly fence: Map<string, string>;
  seq: number;
}

export { INFINITY };

/** Adds scores with Pacemaker's saturation rules (−∞ wins over +∞). */
export function addScore(a: number, b: number): number {
  if (a <= -INFINITY || b <= -INFINITY) return -INFINITY;
  if (a >= INFINITY || b >= INFINITY) return INFINITY;
  const s = a + b;
  return s > INFINITY ? INFINITY : s < -INFINITY ? -INFINITY : s;
}

/** Prints a score the way Pacemaker does. */
export function scoreText(n: number): string {
  if (n >= INFINITY) return 'INFINITY';
  if (n <= -INFINITY) return '-INFINITY';
  return String(n);
}

/** Can the node run resources at all (ignoring scores)? */
export function nodeAvailable(n: PNode | undefined): boolean {
  if (!n) return false;
  const u = n.u;
  return u.online && !u.unclean && !u.standby && !u.standbyOnFail && !u.maintenance && !u.shutdown && !u.pending;
}

/** All primitives under a resource (itself if primitive), in order. */
export function primitivesOf(r: PRsc): PRsc[] {
  return r.variant === 'primitive' ? [r] : r.children.flatMap(primitivesOf);
}

/** The topmost ancestor. */
export function topOf(r: PRsc): PRsc {
  let t = r;
  while (t.parent) t = t.parent;
  return t;
}
