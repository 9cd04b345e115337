/**
 * crm_simulate's text sections after "Current cluster status": the Transition
 * Summary (what changes, and why), the actions in the order the simulated graph
 * runs them, and the Revised Cluster Status (the CIB with the simulated results
 * applied, unpacked again).
 * @module
 */
import type { Cib, LrmRscOp, LrmResource, NodeState } from '../cib/types.js';
import { executionDate, unpackCluster } from '../cib/unpack/unpack.js';
import { formatDateTime } from '../cib/dates.js';
import { formatStatus } from '../cib/format/status.js';
import type { GraphAction, TransitionGraph } from './graph.js';
import { cloneInstanceLines } from './cloneSummary.js';
import type { ScheduleResult } from './schedule.js';
import { primitivesOf, type Act, type PRsc } from './model.js';
import { executedOpDigest } from './simDigests.js';
import { summaryPrimitives } from './bundle.js';
import { unmigratableReason } from './migration.js';

function line(action: string, rsc: string, detail: string, reason?: string): string {
  return `  * ${action.padEnd(10)} ${rsc.padEnd(15)} ( ${detail} )${reason ? `  due to ${reason}` : ''}`;
}

function rscLines(r: PRsc, inGraph: (a: Act) => boolean): string[] {
  if (!r.managed) return [];
  const cur = r.u.runningOn;
  const starts = r.actions.filter((a) => a.task === 'start');
  const allStops = r.actions.filter((a) => a.task === 'stop');
  // A dangling migration source's stop (migration.ts) is no change of where the resource runs.
  const stops = allStops.filter((a) => inGraph(a) && !(a.node !== undefined && r.u.dangling.includes(a.node) && !cur.includes(a.node)));
  const blockedStops = allStops.filter((a) => !a.optional && !a.runnable);
  const start = starts.find(inGraph);
  const unrunnableStart = starts.find((a) => !a.runnable);
  const next = r.assigned;
  if (cur.length === 0) {
    if (start) return [line('Start', r.id, next!)];
    const blocked = starts.find((a) => !a.runnable && !a.optional);
    if (blocked && next) return [line('Start', r.id, next, `${blocked.reason ?? 'unrunnable'} (blocked)`)];
    return [];
  }
  const from = cur[0]!;
  // Live migration (migration.ts): migrate_from on the target.
  const migrateFrom = r.actions.find((a) => a.task === 'migrate_from' && inGraph(a));
  if (migrateFrom) return [line('Migrate', r.id, `${r.u.partialMigration?.stage === 'migrate_to' ? r.u.partialMigration.source : from} -> ${migrateFrom.node}`)];
  if (start && start.kind === 'pseudo_event') return [r.u.failed ? line('Recover', r.id, next!, r.reason) : line('Restart', r.id, next!)];
  if (start && stops.length) {
    // A primitive found promoted (outside a promotable clone) shows the role it leaves.
    const roles = r.u.role === 'Promoted' && r.actions.some((a) => a.task === 'demote') ? ['Promoted ', 'Started '] : ['', ''];
    // A Move names why its stop cannot migrate (migration.ts).
    if (next !== from) return [r.u.failed ? line('Recover', r.id, `${roles[0]}${from} -> ${roles[1]}${next}`) : line('Move', r.id, `${roles[0]}${from} -> ${roles[1]}${next}`, unmigratableReason(stops.find((a) => a.node === from)))];
    if (r.u.failed) return [line('Recover', r.id, from)];
    // A stop required on its own (reason '') shows a restart without the start's reason.
    return [line('Restart', r.id, from, stops.some((s) => s.reason === '') ? undefined : start.reason)];
  }
  if (stops.length) {
    const why = unrunnableStart?.reason ?? r.reason ?? 'node availability';
    return stops.map((s) => line('Stop', r.id, s.node ?? from, why));
  }
  if (blockedStops.length) {
    return blockedStops.map((s) =>
      s.kind === 'pseudo_event' ? (s.reason ? line('Stop', r.id, from, `${s.reason} (blocked)`) : `${line('Stop', r.id, from)} blocked`) : line('Stop', r.id, s.node ?? from, `${s.reason ?? r.reason ?? 'node availability'} (blocked)`),
    );
  }
  // Only reloadable parameters changed (digests.ts).
  const reload = r.actions.find((a) => a.task === 'reload-agent' && inGraph(a));
  if (reload) return [line('Reload', r.id, reload.node ?? from)];
  return [];
}

/** The "Transition Summary:" lines. */
export function formatTransitionSummary(result: ScheduleResult): string[] {
  const { ctx } = result;
  const ids = new Set(result.graph.actions.map((a) => `${a.internalKey ?? a.key}@${a.node?.name ?? ''}`));
  const inGraph = (a: Act): boolean => ids.has(`${a.key}@${a.kind === 'pseudo_event' ? '' : a.node ?? ''}`);
  const out: string[] = [];
  // crm_simulate lists fencing newest first.
  for (const [node, why] of [...ctx.fence].reverse()) out.push(`  * Fence (${ctx.actions.find((a) => a.task === 'stonith' && a.fenceTarget === node)?.fenceAction ?? (ctx.cluster.options.stonithAction || 'reboot')}) ${node} '${why}'`);
  for (const top of ctx.top) for (const r of summaryPrimitives(top)) out.push(...(cloneInstanceLines(r, inGraph) ?? rscLines(r, inGraph)));
  return out;
}

/** Actions in the order crm_simulate fires them: passes over the synapses, each firing what is ready. */
export function executionOrder(graph: TransitionGraph): GraphAction[] {
  const done = new Set<number>();
  const out: GraphAction[] = [];
  for (let progress = true; progress; ) {
    progress = false;
    for (const a of graph.actions) {
      if (done.has(a.id) || !a.inputs.every((i) => done.has(i))) continue;
      done.add(a.id);
      out.push(a);
      progress = true;
    }
  }
  return out;
}

function execLine(a: GraphAction): string {
  if (a.kind === 'pseudo_event') return `  * Pseudo action:   ${a.key}${a.operation === 'stonith' && a.node ? ` on ${a.node.name}` : ''}`;
  if (a.kind === 'crm_event') {
    if (a.operation === 'stonith') return `  * Fencing ${a.node?.name} (${a.attributes['CRM_meta_stonith_action'] ?? 'reboot'})`;
    if (a.resource) return `  * Cluster action:  ${a.operation} for ${a.resource.id} on ${a.node?.name}`;
    return `  * Cluster action:  ${a.operation} on ${a.node?.name}`;
  }
  const interval = Number(a.attributes['CRM_meta_interval'] ?? 0);
  const op = interval > 0 ? `${a.operation}=${interval}` : a.operation;
  return `  * Resource action: ${(a.resource?.runAs ?? a.resource?.id ?? '').padEnd(15)} ${op} on ${a.node?.name}`;
}

/** The "Executing Cluster Transition:" lines. */
export function formatExecution(graph: TransitionGraph): string[] {
  return executionOrder(graph).map(execLine);
}

/** The controller UUID crm_simulate records in the results it injects. */
const SIM_UUID = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';

/**
 * The CIB with every graph action's simulated success recorded in its status (as crm_simulate does).
 * `now` (default: the CIB's execution date) stamps the results' last-run and last-rc-change.
 */
export function applyGraphToCib(cib: Cib, graph: TransitionGraph, opts: { now?: number } = {}): Cib {
  const ranAt = opts.now ?? executionDate(cib);
  const states = new Map<string, NodeState>();
  for (const s of cib.status.nodes) states.set(s.uname ?? s.id, s);
  const nodeId = new Map(cib.configuration.nodes.map((n) => [n.uname, n.id]));
  let callId = 1 + Math.max(0, ...cib.status.nodes.flatMap((s) => (s.lrm ?? []).flatMap((l) => l.ops.map((o) => o.callId))));
  for (const a of executionOrder(graph)) {
    const name = a.node?.name;
    if (!name) continue;
    const st: NodeState = states.get(name) ?? { id: nodeId.get(name) ?? name, uname: name, transient: [] };
    if (a.kind === 'crm_event') {
      // Unfencing ("on") leaves the node up.
      if (a.operation === 'stonith' && a.attributes['CRM_meta_stonith_action'] !== 'on') {
        states.set(name, { ...st, inCcm: 'false', crmd: 'offline', join: 'down', expected: 'down', lrm: [] });
      }
      continue;
    }
    if (a.kind !== 'rsc_op' || !a.resource) continue;
    // Notifications change nothing the status shows (and must not replace the last start in this history model).
    if (a.operation === 'notify') continue;
    const lrm = [...(st.lrm ?? [])];
    // crm_simulate looks the history up by id and finds none when the node lists it more than
    // once (a duplicated lrm_resource): it then records the result in a new entry of its own.
    const rid = a.resource.runAs ?? a.resource.id;
    const i = lrm.filter((l) => l.id === rid).length > 1 ? -1 : lrm.findIndex((l) => l.id === rid);
    // crm_simulate only reports a delete: the history stays.
    if (a.operation === 'delete') continue;
    if (a.operation === 'cancel') {
      // cancel ends one recurring operation; the failure record stays (crm_simulate only replaces the op's own entry).
      if (i >= 0) lrm[i] = { ...lrm[i]!, ops: lrm[i]!.ops.filter((o) => o.interval !== Number(a.attributes['CRM_meta_interval'] ?? -1) || o.id.endsWith('_last_failure_0')) };
      states.set(name, { ...st, lrm });
      continue;
    }
    const old: LrmResource = i >= 0 ? lrm[i]! : { id: a.resource.runAs ?? a.resource.id, class: a.resource.class, ...(a.resource.provider ? { provider: a.resource.provider } : {}), type: a.resource.type, ops: [] };
    const interval = Number(a.attributes['CRM_meta_interval'] ?? 0);
    // Probes and Stopped-role monitors find the resource not running (their expected rc).
    const rc = a.operation === 'monitor' && (interval === 0 || a.attributes['CRM_meta_op_target_rc'] === '7') ? 7 : 0;
    const op: LrmRscOp = {
      id: `${a.resource.runAs ?? a.resource.id}_${a.operation}_${interval}`, operation: a.operation, operationKey: a.key,
      interval, rcCode: rc, opStatus: 0, callId: callId++,
      // Results on different nodes are ordered by these (pe__is_newer_op).
      ...(ranAt !== undefined ? { lastRun: ranAt, lastRcChange: ranAt } : {}),
      // crm_simulate's key: graph -1 and its fixed controller UUID, so a pending op it supersedes sorts older.
      transitionKey: `${a.id}:-1:${interval > 0 ? rc : 0}:${SIM_UUID}`, transitionMagic: `0:${rc};${a.id}:-1:${interval > 0 ? rc : 0}:${SIM_UUID}`,
      // The executor's digest, so a re-schedule sees no definition change (simDigests.ts).
      opDigest: executedOpDigest(a.attributes, interval),
    };
    // A one-shot op replaces the history's one-shot result; a stop also ends recurring monitors.
    // A pending one-shot op keeps its own entry (crm_simulate replaces only <rsc>_last_0), so it stays the latest.
    const keepPending = (o: LrmRscOp): boolean => o.interval === 0 && o.callId < 0 && o.id !== `${old.id}_last_0`;
    // crm_simulate keeps <rsc>_last_failure_0 whatever runs next; kept here across a stop, where
    // the failure's on-fail still decides the revised state (a remote connection waiting to
    // reconnect stays failed). Other results drop it: unpack does not yet clear every failure a
    // later success supersedes (not-installed agents), so keeping it there would misreport.
    const keepFailure = (o: LrmRscOp): boolean => a.operation === 'stop' && o.id === `${old.id}_last_failure_0`;
    const ops = interval === 0 ? old.ops.filter((o) => keepPending(o) || keepFailure(o) || (o.interval !== 0 && a.operation !== 'stop')) : old.ops.filter((o) => keepFailure(o) || o.interval !== interval);
    ops.push(op);
    const upd: LrmResource = { ...old, ops };
    if (i >= 0) lrm[i] = upd;
    else lrm.push(upd);
    states.set(name, { ...st, lrm });
  }
  const nodes = cib.status.nodes.map((s) => states.get(s.uname ?? s.id) ?? s);
  for (const [n, s] of states) if (!cib.status.nodes.some((x) => (x.uname ?? x.id) === n)) nodes.push(s);
  return { ...cib, status: { ...cib.status, nodes } };
}

/** Every section after "Current cluster status", as crm_simulate -S prints them. */
export function formatSummary(cib: Cib, result: ScheduleResult, opts: { now: number }): string {
  const out = ['Transition Summary:', ...formatTransitionSummary(result), '', 'Executing Cluster Transition:', ...formatExecution(result.graph), ''];
  const date = executionDate(cib);
  // crm_simulate re-reads the CIB for the revised status and says again which date it uses.
  if (date !== undefined) out.push(`Using the original execution date of: ${formatDateTime(date)}`, '');
  const revised = unpackCluster(applyGraphToCib(cib, result.graph), { now: opts.now });
  // crm_simulate prints the revised status without pending operations ("Starting" shows as its role).
  const hidePending = (rs: readonly { pendingTask?: string; children: readonly unknown[] }[]): void => {
    for (const r of rs) { delete r.pendingTask; hidePending(r.children as typeof rs); }
  };
  hidePending(revised.resources);
  out.push('Revised Cluster Status:', ...formatStatus(revised), '');
  return out.join('\n');
}
