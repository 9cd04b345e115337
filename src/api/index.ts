/**
 * Public API of the configuration builders and the cluster runtime.
 * @module
 */
export { Resource, PrimitiveBuilder, GroupBuilder, CloneBuilder, parseAgentSpec, type ResourceBuilder, type BuiltResource, type OpOptions } from './resource.js';
export { Constraint, type ConstraintBuilder, type OrderOptions, type ColocationOptions, type ScoreInput } from './constraint.js';
export { ConfigBuilder, validateConfiguration, resourceIds, type AppliedConfig, type StonithOptions } from './configure.js';
export { Cluster, type ClusterCreateOptions, type ClusterJoinOptions, type SettleOptions } from '../cluster/Cluster.js';
export { Node, type NodeOptions } from '../cluster/Node.js';
export {
  CLUSTER_EVENT_NAMES, type ClusterEvents, type NodeEvent, type FencedEvent, type FenceFailedEvent, type QuorumEvent,
  type ResourceEvent, type TransitionEvent,
} from '../cluster/events.js';
export type { ClusterStatus, NodeStatus, NodeStatusState, ResourceStatus, FailcountStatus } from '../cluster/status.js';
export { clusterError, type ClusterError, type ClusterErrorCode } from '../cluster/errors.js';
export { AgentRegistry } from '../cluster/registry.js';
export { MemoryCibStorage, type CibStorage, type StoredCib } from '../cluster/storage.js';
export { MachineDirs } from '../cluster/machine.js';
export { SimulatedServices, type ServiceFaults, type Violation } from '../cluster/simServices.js';
export type { FenceHistoryEntry } from '../cluster/messages.js';
export {
  TransitionRunner, targetRcOf, type GraphExecutor, type ActionOutcome, type ActionContext, type TransitionResult,
  type TransitionRunnerEvents, type TransitionRunnerOptions,
} from '../transition/runner.js';
export {
  initialRunState, readyActions, markRunning, markResult, abortRun, runEnd, runCounts,
  type GraphRunState, type ActionStatus, type TransitionEnd,
} from '../transition/graphState.js';
export { formatTransitionKey, parseTransitionKey, formatTransitionMagic, type TransitionKey } from '../transition/keys.js';
