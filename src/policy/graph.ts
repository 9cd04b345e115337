/**
 * The transition graph as plain data: what `schedule` returns and the transition
 * executor runs. Mirrors Pacemaker's `<transition_graph>`: every action is a synapse
 * whose inputs are other actions that must complete first.
 * @module
 */

/** How the controller carries an action out. */
export type GraphActionKind = 'rsc_op' | 'pseudo_event' | 'crm_event';

/** A node an action runs on. */
export interface GraphNodeRef {
  readonly name: string;
  readonly uuid: string;
}

/** The resource an rsc_op acts on (the graph repeats its agent so the executor needs nothing else). */
export interface GraphResourceRef {
  readonly id: string;
  /** Instance name when it differs from `id` (clone instances, e.g. "rsc:0"). */
  readonly longId?: string;
  /** The name crm_simulate records a simulated result under, when not `id` (anonymous clone instances). */
  readonly runAs?: string;
  readonly class: string;
  readonly provider?: string;
  readonly type: string;
}

/** One action of a transition. */
export interface GraphAction {
  /** Unique within the graph. */
  readonly id: number;
  readonly kind: GraphActionKind;
  /** start, stop, monitor, promote, running, stonith, do_shutdown, clear_failcount, … */
  readonly operation: string;
  /** Operation key: `rsc_start_0`, `rsc_monitor_10000`, `stonith-node1-reboot`, … */
  readonly key: string;
  /** The scheduler's own key when `key` differs (internal_operation_key: clone instances, cancels). */
  readonly internalKey?: string;
  readonly node?: GraphNodeRef;
  readonly resource?: GraphResourceRef;
  /** CRM_meta_* and resource parameters, as the agent will receive them. */
  readonly attributes: Readonly<Record<string, string>>;
  /** crm_event mode: `cib` for an event the controller carries out on the CIB alone (lrm_delete). */
  readonly mode?: string;
  /** shutdown-lock: the stop of a locked resource carries the lock's start (epoch seconds). */
  readonly shutdownLock?: number;
  /** Node uuids that this action takes down (fencing, shutdown). */
  readonly downed?: readonly string[];
  /** Synapse priority (0 when absent). */
  readonly priority: number;
  /** Ids of actions that must complete before this one. */
  readonly inputs: readonly number[];
}

/** Graph-wide settings written on `<transition_graph>`. */
export interface GraphSettings {
  readonly clusterDelay: string;
  readonly stonithTimeout: string;
  readonly failedStopOffset: string;
  readonly failedStartOffset: string;
  readonly batchLimit: number;
  readonly transitionId: number;
}

/** A complete transition graph. Actions are in synapse order. */
export interface TransitionGraph {
  readonly settings: GraphSettings;
  readonly actions: readonly GraphAction[];
}

/** Looks up actions by id. */
export function actionIndex(graph: TransitionGraph): Map<number, GraphAction> {
  return new Map(graph.actions.map((a) => [a.id, a]));
}
