/**
 * Parameter digests: whether a resource's definition changed since an operation
 * ran, as Pacemaker 2.1.5 decides it (lib/pengine/pe_digest.c,
 * pcmk_sched_actions.c check_action_definition). The digest is the md5 of the
 * operation's parameters written as one `<parameters …/>` element, names sorted;
 * a changed digest restarts the resource (start), reloads it (reload-agent, when
 * only reloadable parameters changed), or re-issues a recurring monitor.
 * @module
 */
import { createHash } from 'node:crypto';
import type { LrmRscOp, Operation } from '../cib/types.js';
import { parseInterval } from '../cib/values.js';
import { activeOpIndexes, sortOps } from '../cib/unpack/history.js';
import { findOp, opMeta, order, rscAction } from './actions.js';
import { primitivesOf, type Act, type Ctx, type PRsc } from './model.js';

function escAttr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** The canonical text Pacemaker hashes: ` <parameters a="1" b="2"/>\n`, names in strcmp order. */
export function canonicalParams(params: Readonly<Record<string, string>>): string {
  const names = Object.keys(params).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return ` <parameters${names.map((k) => ` ${k}="${escAttr(params[k]!)}"`).join('')}/>\n`;
}

/** md5 (hex) of {@link canonicalParams}. */
export function paramsDigest(params: Readonly<Record<string, string>>): string {
  return createHash('md5').update(canonicalParams(params)).digest('hex');
}

/** Attributes never part of a digest besides CRM_meta_* (pcmk__filter_op_for_digest). */
const FILTERED = new Set(['id', 'crm_feature_set', 'op-digest', 'on_node', 'on_node_uuid', 'pcmk_external_ip']);

/** The parameters digested for one operation: instance params, op params, and CRM_meta_timeout when recurring. */
export function digestParams(
  params: Readonly<Record<string, string>>, opParams: Readonly<Record<string, string>>, intervalMs: number, timeoutMs: number,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...opParams, ...params })) {
    if (k.startsWith('CRM_meta_') || FILTERED.has(k)) continue;
    out[k] = v;
  }
  if (intervalMs > 0) out['CRM_meta_timeout'] = String(timeoutMs);
  return out;
}

/** Keeps only the names listed in `op-force-restart` (" a b "): the restart digest's parameters. */
export function restartParams(all: Readonly<Record<string, string>>, forceRestart: string): Record<string, string> {
  const listed = new Set(forceRestart.split(/\s+/).filter(Boolean));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (listed.has(k)) out[k] = v;
  return out;
}

/** Outcome of comparing a recorded operation's digests with the configuration. */
export type DigestOutcome = 'match' | 'restart' | 'all' | 'unknown';

/** What the digests of one recorded op are now, and how they compare. */
export interface DigestCheck {
  readonly outcome: DigestOutcome;
  readonly all: string;
  readonly restart?: string;
}

function opParamsOf(op: Operation | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!op) return out;
  for (const set of op.instance) for (const p of set.pairs) if (p.value !== undefined) out[p.name] = p.value;
  return out;
}

/** Instance parameters with those inherited from parents (a parent's value only where the child has none). */
export function effectiveParams(r: PRsc): Record<string, string> {
  let out: Record<string, string> = { ...r.u.params };
  for (let p = r.parent; p; p = p.parent) out = { ...p.u.params, ...out };
  return out;
}

/** Dotted version comparison (compare_version): negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Fencing parameters Pacemaker adds itself (pcmk_stonith_param). */
export function isStonithParam(name: string): boolean {
  if (name === 'pcmk_provides' || name === 'pcmk_stonith_timeout' || !name.startsWith('pcmk_')) return false;
  if (['pcmk_action_limit', 'pcmk_delay_base', 'pcmk_delay_max', 'pcmk_host_argument', 'pcmk_host_check', 'pcmk_host_list', 'pcmk_host_map'].includes(name)) return true;
  const rest = name.slice(5);
  const u = rest.indexOf('_');
  return u >= 0 && ['_action', '_timeout', '_retries'].includes(rest.slice(u));
}

/**
 * The secure digest: parameters without the sensitive ones (op-secure-params), so a
 * CIB whose passwords were masked still matches. Before feature set 3.16.0 it covered
 * the instance parameters only, without Pacemaker's own fencing parameters.
 */
export function secureDigest(
  params: Readonly<Record<string, string>>, all: Readonly<Record<string, string>>, op: LrmRscOp, isStonith: boolean,
): string {
  const old = compareVersions(op.crmFeatureSet ?? '0', '3.16.0') < 0;
  const secure = new Set((op.opSecureParams ?? ' passwd password user ').split(/\s+/).filter(Boolean));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(old ? params : all)) {
    if (secure.has(k)) continue;
    if (old && (k.startsWith('CRM_meta_') || FILTERED.has(k))) continue;
    if (old && isStonith && isStonithParam(k)) continue;
    out[k] = v;
  }
  return paramsDigest(out);
}

/** Compares a recorded op's digests with the resource's configuration (rsc_action_digest_cmp). */
export function compareOpDigests(ctx: Ctx, r: PRsc, op: LrmRscOp): DigestCheck {
  const def = findOp(r, op.operation, op.interval);
  const opParams = opParamsOf(def);
  const timeout = Number(opMeta(ctx, r, op.operation, op.interval, false)['CRM_meta_timeout'] ?? '20000');
  const inst = effectiveParams(r);
  const params = digestParams(inst, opParams, op.interval, timeout);
  const all = paramsDigest(params);
  // Without op-force-restart the restart digest covers every parameter.
  const restart = op.opRestartDigest === undefined && op.opForceRestart === undefined ? undefined
    : paramsDigest(op.opForceRestart !== undefined ? restartParams(params, op.opForceRestart) : params);
  // A one-off op with its own parameters restarts on any change (its digests must be recomputed).
  const extraForcesRestart = op.interval === 0 && Object.keys(opParams).length > 0;
  let outcome: DigestOutcome;
  if (op.opRestartDigest !== undefined && restart !== undefined && restart !== op.opRestartDigest) outcome = 'restart';
  else if (op.opDigest === undefined) outcome = 'unknown';
  else if (op.opDigest !== all) outcome = extraForcesRestart ? 'restart' : 'all';
  else outcome = 'match';
  // crm_simulate works on sanitized CIBs: a change only in secret parameters is no change.
  if (outcome !== 'match' && op.opSecureDigest !== undefined && secureDigest(inst, params, op, r.u.class === 'stonith') === op.opSecureDigest) outcome = 'match';
  return { outcome, all, ...(restart !== undefined ? { restart } : {}) };
}


/** A definition change found on a node where the resource is active. */
export interface DefinitionChange {
  readonly rsc: PRsc;
  readonly node: string;
  readonly op: LrmRscOp;
  readonly check: DigestCheck;
}

/** Finds definition changes of active primitives (pcmk__handle_rsc_config_changes). */
export function findDefinitionChanges(ctx: Ctx): DefinitionChange[] {
  const out: DefinitionChange[] = [];
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      // A bundle's generated resources have generated parameters (not reproduced here): not compared.
      if (r.u.orphan || r.parent?.variant === 'bundle') continue;
      for (const node of r.u.runningOn) {
        const h = r.u.history[node];
        if (!h) continue;
        const ops = sortOps(h.ops);
        const { start, stop } = activeOpIndexes(ops);
        if (start < stop) continue;
        const nodeMaint = ctx.nodes.get(node)?.u.maintenance ?? false;
        ops.forEach((op, i) => {
          if (i < start || op.callId < 0) return;
          if (op.interval > 0 && (r.u.maintenance || nodeMaint)) return;
          if (op.interval === 0 && !['monitor', 'start', 'promote', 'migrate_from'].includes(op.operation)) return;
          // Recurring ops no longer configured are cancelled elsewhere (history.ts).
          if (op.interval > 0 && !findOp(r, op.operation, op.interval)) return;
          const check = compareOpDigests(ctx, r, op);
          if (check.outcome !== 'match') out.push({ rsc: r, node, op, check });
        });
      }
    }
  }
  return out;
}

function intervalOf(o: Operation): number {
  const v = parseInterval(o.interval);
  return v.ok ? v.val : 0;
}

/** What a definition change scheduled early, for {@link settleDefinitionChanges}. */
export interface ScheduledChange extends DefinitionChange {
  readonly action?: Act;
}

function removeAction(ctx: Ctx, r: PRsc, a: Act): void {
  const i = r.actions.indexOf(a);
  if (i >= 0) r.actions.splice(i, 1);
  const j = ctx.actions.indexOf(a);
  if (j >= 0) ctx.actions.splice(j, 1);
}

/**
 * Stage (before assignment, as Pacemaker checks configuration changes then): a
 * changed one-off op requires a start (restart) or schedules reload-agent; a
 * changed recurring op is issued again (the executor cancels the old one).
 */
export function scheduleDefinitionChanges(ctx: Ctx): ScheduledChange[] {
  const out: ScheduledChange[] = [];
  for (const c of findDefinitionChanges(ctx)) {
    const r = c.rsc;
    if (!r.managed) continue;
    let action: Act | undefined;
    if (c.op.interval > 0 && c.check.outcome !== 'restart') {
      action = rscAction(ctx, r, c.op.operation, c.op.interval, c.node, { optional: true });
      RESCHEDULED.add(action);
    } else if (c.op.interval > 0 || c.check.outcome === 'restart' || c.op.opRestartDigest === undefined) {
      // Created now (Pacemaker's action ids follow creation order), required once settled.
      action = rscAction(ctx, r, 'start', 0, c.node, { optional: true });
    } else if (!r.u.failed) {
      // A start still pending: restart rather than reload.
      if (r.u.pendingTask === 'start') action = rscAction(ctx, r, 'stop', 0, c.node, { optional: false });
      else {
        action = rscAction(ctx, r, 'reload-agent', 0, c.node, { optional: false });
        action.reason = 'resource definition change';
      }
    }
    out.push({ ...c, ...(action ? { action } : {}) });
  }
  return out;
}

function realStart(r: PRsc): Act | undefined {
  return r.actions.find((a) => a.task === 'start' && a.intervalMs === 0 && !a.probe && a.node === r.assigned);
}

/**
 * Stage (after actions exist): early actions follow the resource. A start asked for
 * on a node the resource leaves becomes the start where it goes; monitors and
 * reloads on such a node are dropped; reloads precede the recurring monitors.
 */
export function settleDefinitionChanges(ctx: Ctx, changes: readonly ScheduledChange[]): void {
  for (const c of changes) {
    const a = c.action, r = c.rsc;
    if (!a) continue;
    if (r.assigned === c.node) {
      if (a.task === 'start' || (a.task === 'monitor' && roleFits(r, c.op.interval))) requireChanged(a);
      if (a.task === 'reload-agent') {
        for (const m of r.actions) if (m.task === 'monitor' && m.intervalMs > 0 && m.node === c.node) order(ctx, a, m, { impliesThen: true, runnableLeft: true });
      }
      continue;
    }
    if (a.task === 'stop') continue;
    removeAction(ctx, r, a);
    if (a.task === 'start' && r.assigned !== null) {
      const start = realStart(r);
      if (start) requireChanged(start);
    }
  }
}

/** Recurring ops issued again because their definition changed (Pacemaker's pe_action_reschedule). */
const RESCHEDULED = new WeakSet<Act>();

/** Was this recurring action issued again for a definition change? */
export function isRescheduled(a: Act): boolean {
  return RESCHEDULED.has(a);
}

/**
 * Does the configured role of a changed recurring monitor fit the role the resource
 * will have? One for another role is left alone (neither issued again nor cancelled).
 */
function roleFits(r: PRsc, intervalMs: number): boolean {
  const op = r.u.ops.find((o) => o.name === 'monitor' && intervalOf(o) === intervalMs);
  const role = op?.role;
  const promoted = r.nextRole === 'Promoted';
  if (role === undefined || role === '') return !promoted;
  if (/^(promoted|master)$/i.test(role)) return promoted;
  if (/^(unpromoted|slave)$/i.test(role)) return !promoted;
  return true;
}

function requireChanged(a: Act): void {
  if (a.task === 'start') a.reason ??= 'resource definition change';
  if (!a.optional) return;
  a.optional = false;
  // A promoted instance restarted where it is is promoted again.
  if (a.task === 'start' && a.rsc?.u.role === 'Promoted') {
    for (const p of a.rsc.actions) if (p.task === 'promote' && p.node === a.node) p.optional = false;
  }
}

/** After propagation: a reload is pointless where the resource is stopped anyway (pe_order_then_cancels_first). */
export function cancelSupersededReloads(ctx: Ctx): void {
  for (const a of [...ctx.actions]) {
    if (a.task !== 'reload-agent' || !a.rsc) continue;
    const stopped = a.rsc.actions.some((s) => s.task === 'stop' && s.node === a.node && !s.optional);
    if (stopped) a.optional = true;
  }
}
