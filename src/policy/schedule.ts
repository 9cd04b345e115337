/**
 * `schedule`: Pacemaker's scheduler as a pure function of the CIB and "now".
 * Each stage lives in its own file; this one only runs them in order.
 * @module
 */
import { applyShutdownLocks, clearExpiredLocks } from './shutdownLock.js';
import type { Cib } from '../cib/types.js';
import type { UnpackedCluster } from '../cib/unpack/types.js';
import { buildContext } from './stageUnpack.js';
import { applyLocations } from './location.js';
import { applyNodeHealth } from './health.js';
import { applyTickets } from './tickets.js';
import { applyStickinessAndFailures, failedStopWalker, precreateFailedStops } from './failures.js';
import { groupColocations, unpackColocations } from './colocation.js';
import { assignResources } from './assign.js';
import { VARIANTS } from './variants.js';
import { createProbes, orderProbes } from './probes.js';
import { applyQuorumPolicy, scheduleFencingAndShutdown } from './fencing.js';
import { applyAntiColocationOrders, applyOrderConstraints, orderProbesBeforeStopDependents, orderProbesBeforeRestarts, propagate } from './ordering.js';
import { buildGraph } from './graphBuild.js';
import { precreateActiveRecurring } from './activeOps.js';
import { precreateCloneMinPseudos } from './cloneOrder.js';
import { expandedConstraints } from './templates.js';
import { createLoadStoppedActions, createUtilizationOrders } from './utilization.js';
import { createNotifications } from './notify.js';
import { cancelUnconfiguredRecurring, clearOrphanFailcounts, createOrphanDeletes, orderOrphanCleanup } from './history.js';
import { cancelSupersededReloads, scheduleDefinitionChanges, settleDefinitionChanges } from './digests.js';
import { cancelMaintenanceRecurring } from './cancel.js';
import { clearExpiredFailcounts, clearFailcountsOnDefinitionChange, reissueExpiredMonitors } from './failcountClear.js';
import { applyMigrations, orderMigrationEquivalents, settleMigrations } from './migration.js';
import { createStoppedMonitors } from './monitors.js';
import type { TransitionGraph } from './graph.js';
import { scheduleUnfencing } from './unfencing.js';
import { applyContainerPlacement, assignConnectionsFirst, avoidRemoteNodes, fenceGuests, orderRemoteConnectionActions } from './remote.js';
import type { Ctx } from './model.js';
import { applyBundlePlacement } from './bundle.js';
import { orderAgentChangeDeletes, scheduleAgentChanges } from './agentChange.js';

/** Options of {@link schedule}. */
export interface ScheduleOptions {
  /** "Now", epoch seconds (failure-timeout, date rules). */
  readonly now: number;
}

/** What {@link schedule} returns. */
export interface ScheduleResult {
  readonly graph: TransitionGraph;
  /** Allocation score lines as crm_simulate -s prints them, sorted. */
  readonly scores: string[];
  /** The working state, for the summary formatters. */
  readonly ctx: Ctx;
}

/** Runs every stage on an unpacked cluster. */
export function scheduleUnpacked(cluster: UnpackedCluster): ScheduleResult {
  const ctx = buildContext(cluster);
  clearExpiredFailcounts(ctx);
  applyLocations(ctx);
  applyShutdownLocks(ctx);
  applyNodeHealth(ctx);
  avoidRemoteNodes(ctx);
  applyTickets(ctx);
  applyStickinessAndFailures(ctx);
  groupColocations(ctx);
  unpackColocations(ctx);
  applyContainerPlacement(ctx);
  applyBundlePlacement(ctx);
  // Unpacking the status creates the active recurring ops before any check.
  const earlyStops = failedStopWalker(ctx);
  clearExpiredLocks(ctx);
  precreateActiveRecurring(ctx, earlyStops.visit);
  scheduleAgentChanges(ctx);
  const changed = scheduleDefinitionChanges(ctx);
  assignConnectionsFirst(ctx);
  createLoadStoppedActions(ctx);
  assignResources(ctx);
  precreateCloneMinPseudos(ctx, expandedConstraints(ctx));
  cancelUnconfiguredRecurring(ctx);
  cancelMaintenanceRecurring(ctx);
  clearFailcountsOnDefinitionChange(ctx, changed);
  reissueExpiredMonitors(ctx);
  precreateFailedStops(ctx, earlyStops.visited);
  createOrphanDeletes(ctx);
  const probes = createProbes(ctx);
  clearOrphanFailcounts(ctx);
  for (const r of ctx.top) VARIANTS[r.variant].createActions(ctx, r);
  settleDefinitionChanges(ctx, changed);
  applyMigrations(ctx);
  createStoppedMonitors(ctx);
  for (const r of ctx.top) VARIANTS[r.variant].internalOrders(ctx, r);
  createUtilizationOrders(ctx);
  applyQuorumPolicy(ctx);
  orderRemoteConnectionActions(ctx);
  scheduleFencingAndShutdown(ctx);
  fenceGuests(ctx);
  scheduleUnfencing(ctx);
  orderProbes(ctx, probes);
  orderOrphanCleanup(ctx);
  orderAgentChangeDeletes(ctx);
  applyOrderConstraints(ctx);
  orderMigrationEquivalents(ctx);
  applyAntiColocationOrders(ctx);
  orderProbesBeforeStopDependents(ctx);
  orderProbesBeforeRestarts(ctx);
  propagate(ctx);
  cancelSupersededReloads(ctx);
  settleMigrations(ctx);
  createNotifications(ctx);
  const { graph } = buildGraph(ctx);
  // Sorting ~100k score lines costs as much as a stage: done when they are first read.
  const lines = ctx.scoreLines.slice();
  let scores: string[] | undefined;
  return { graph, get scores(): string[] { return (scores ??= lines.sort()); }, ctx };
}
export type { Cib };
