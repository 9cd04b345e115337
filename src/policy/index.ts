/**
 * Public API of the policy engine (Pacemaker's scheduler, pure).
 * @module
 */
import type { Cib } from '../cib/types.js';
import { unpackCluster } from '../cib/unpack/unpack.js';
import { scheduleUnpacked, type ScheduleOptions, type ScheduleResult } from './schedule.js';
import { formatGraphXml as graphXml } from './graphXml.js';
import type { TransitionGraph } from './graph.js';

export type { TransitionGraph, GraphAction, GraphActionKind, GraphNodeRef, GraphResourceRef, GraphSettings } from './graph.js';
export type { ScheduleOptions, ScheduleResult } from './schedule.js';
export { scheduleUnpacked } from './schedule.js';
export { parseGraphXml, compareGraphs, actionSignature, type GraphDiff, type GraphParseError } from './compare.js';
export { formatTransitionSummary, formatExecution, formatSummary, executionOrder, applyGraphToCib } from './summary.js';
export { formatDot, formatDot as formatGraphDot } from './dot.js';

/** Schedules a CIB at `now` (epoch seconds): the transition graph plus allocation scores. */
export function schedule(cib: Cib, opts: ScheduleOptions): ScheduleResult {
  return scheduleUnpacked(unpackCluster(cib, { now: opts.now }));
}

/** `<transition_graph>` XML of a graph or a schedule result. */
export function formatGraphXml(g: TransitionGraph | ScheduleResult): string {
  return graphXml('graph' in g ? g.graph : g);
}

/** Allocation score lines (sorted), as crm_simulate -s prints them. */
export function formatScores(result: ScheduleResult): string[] {
  return result.scores;
}
