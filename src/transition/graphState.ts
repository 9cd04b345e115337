/**
 * The pure state of one running transition: which actions are waiting,
 * running, done or failed, and which may start next. Every function returns a
 * new state; the runner ({@link TransitionRunner}) performs the side effects.
 *
 * Rules (Pacemaker's te_graph_trigger): an action may start once every input
 * completed successfully; after a failure or an abort no new action starts,
 * in-flight actions are waited for, and the graph ends as aborted.
 * @module
 */
import type { GraphAction, TransitionGraph } from '../policy/graph.js';

/** Where one action is. */
export type ActionStatus = 'waiting' | 'running' | 'done' | 'failed';

/** How a transition ended. */
export type TransitionEnd = 'complete' | 'aborted';

/** The state of a transition run. */
export interface GraphRunState {
  readonly graph: TransitionGraph;
  readonly status: ReadonlyMap<number, ActionStatus>;
  /** Why the graph stopped starting actions (an action failed, or a change arrived). */
  readonly abortReason?: string;
}

/** A fresh run: every action waiting. */
export function initialRunState(graph: TransitionGraph): GraphRunState {
  return { graph, status: new Map(graph.actions.map(a => [a.id, 'waiting' as ActionStatus])) };
}

/** Number of actions currently running. */
export function runningCount(s: GraphRunState): number {
  let n = 0;
  for (const v of s.status.values()) if (v === 'running') n++;
  return n;
}

/**
 * Actions that may start now: waiting, every input done, the run not aborted,
 * and at most `batchLimit` running at once (0 = no limit). Inputs naming an
 * action missing from the graph are treated as never completing.
 */
export function readyActions(s: GraphRunState, batchLimit = 0): GraphAction[] {
  if (s.abortReason !== undefined) return [];
  const out: GraphAction[] = [];
  let room = batchLimit > 0 ? batchLimit - runningCount(s) : Infinity;
  for (const a of s.graph.actions) {
    if (s.status.get(a.id) !== 'waiting') continue;
    // Pseudo actions finish at once and use no executor slot.
    const pseudo = a.kind === 'pseudo_event';
    if (!pseudo && room <= 0) continue;
    if (a.inputs.every(i => s.status.get(i) === 'done')) {
      out.push(a);
      if (!pseudo) room--;
    }
  }
  return out;
}

function withStatus(s: GraphRunState, id: number, st: ActionStatus): GraphRunState {
  const status = new Map(s.status);
  status.set(id, st);
  return { ...s, status };
}

/** Marks actions as running. */
export function markRunning(s: GraphRunState, ids: readonly number[]): GraphRunState {
  const status = new Map(s.status);
  for (const id of ids) if (status.get(id) === 'waiting') status.set(id, 'running');
  return { ...s, status };
}

/**
 * Records an action's outcome. A failure aborts the run (no new actions start)
 * with `reason`. Outcomes for actions that are not running are ignored (late
 * results after a timeout).
 */
export function markResult(s: GraphRunState, id: number, ok: boolean, reason?: string): GraphRunState {
  if (s.status.get(id) !== 'running') return s;
  const next = withStatus(s, id, ok ? 'done' : 'failed');
  if (ok || next.abortReason !== undefined) return next;
  return { ...next, abortReason: reason ?? `action ${id} failed` };
}

/** Stops starting new actions (a change made the graph stale). The first reason is kept. */
export function abortRun(s: GraphRunState, reason: string): GraphRunState {
  return s.abortReason !== undefined ? s : { ...s, abortReason: reason };
}

/**
 * The run is over when nothing runs and nothing more can start. Returns how it
 * ended, or undefined while it goes on. A graph whose remaining actions can
 * never start (inputs failed or missing) ends as aborted.
 */
export function runEnd(s: GraphRunState): TransitionEnd | undefined {
  if (runningCount(s) > 0) return undefined;
  if (s.abortReason !== undefined) return 'aborted';
  if (readyActions(s).length > 0) return undefined;
  for (const v of s.status.values()) if (v !== 'done') return 'aborted';
  return 'complete';
}

/** Counts of actions by status. */
export function runCounts(s: GraphRunState): Record<ActionStatus, number> {
  const c: Record<ActionStatus, number> = { waiting: 0, running: 0, done: 0, failed: 0 };
  for (const v of s.status.values()) c[v]++;
  return c;
}
