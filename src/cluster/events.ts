/**
 * Typed events of a cluster node and of the {@link Cluster} facade.
 * @module
 */

/** A node joined or left this node's membership. */
export interface NodeEvent {
  readonly node: string;
}

/** A node was fenced. */
export interface FencedEvent {
  readonly node: string;
  readonly action: string;
  /** Devices that did it. */
  readonly devices: readonly string[];
  /** The node whose fencer ran the devices. */
  readonly executioner: string;
}

/** Fencing a node failed (it will be retried). */
export interface FenceFailedEvent {
  readonly node: string;
  readonly code: string;
  readonly message: string;
}

/** Quorum was gained or lost. */
export interface QuorumEvent {
  readonly quorate: boolean;
  readonly members: readonly string[];
  /** Votes needed (simple majority of the configured nodes). */
  readonly needed: number;
}

/** An operation result on a resource. */
export interface ResourceEvent {
  readonly resource: string;
  readonly node: string;
  readonly operation: string;
  readonly intervalMs: number;
  readonly rc: number;
  /** op-status (0 done, 2 timeout, 7 not installed, …). */
  readonly opStatus: number;
  readonly callId: number;
  /** Why it failed (agent's exit reason or the executor's message). */
  readonly reason?: string;
}

/** A transition started, completed or was aborted. */
export interface TransitionEvent {
  readonly id: number;
  /** Number of actions in the graph. */
  readonly actions: number;
  readonly done?: number;
  readonly failed?: number;
  readonly reason?: string;
}

/** Events a node emits (the facade re-emits those of the DC). */
export interface ClusterEvents {
  'node:up': (e: NodeEvent) => void;
  'node:down': (e: NodeEvent) => void;
  'node:fenced': (e: FencedEvent) => void;
  'fence:failed': (e: FenceFailedEvent) => void;
  'dc:elected': (e: NodeEvent) => void;
  'quorum:changed': (e: QuorumEvent) => void;
  'resource:started': (e: ResourceEvent) => void;
  'resource:stopped': (e: ResourceEvent) => void;
  'resource:promoted': (e: ResourceEvent) => void;
  'resource:demoted': (e: ResourceEvent) => void;
  'resource:failed': (e: ResourceEvent) => void;
  'transition:started': (e: TransitionEvent) => void;
  'transition:completed': (e: TransitionEvent) => void;
  'transition:aborted': (e: TransitionEvent) => void;
}

/** Names of {@link ClusterEvents}. */
export const CLUSTER_EVENT_NAMES: readonly (keyof ClusterEvents)[] = [
  'node:up', 'node:down', 'node:fenced', 'fence:failed', 'dc:elected', 'quorum:changed',
  'resource:started', 'resource:stopped', 'resource:promoted', 'resource:demoted', 'resource:failed',
  'transition:started', 'transition:completed', 'transition:aborted',
];
