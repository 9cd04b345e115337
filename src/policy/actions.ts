/**
 * Action construction: keys, CRM_meta attributes from operation definitions and
 * op_defaults, and the ordering helper.
 * @module
 */
import type { Operation } from '../cib/types.js';
import { parseInterval, intervalOrZero } from '../cib/values.js';
import type { Act, Ctx, OrderFlags, PRsc } from './model.js';

/** `rsc_task_interval`, Pacemaker's operation key. */
export function opKey(rscId: string, task: string, intervalMs: number): string {
  return `${rscId}_${task}_${intervalMs}`;
}

function ms(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const r = parseInterval(v);
  return r.ok ? r.val : undefined;
}

/** The configured `<op>` for a task and interval, if any. */
export function findOp(r: PRsc, task: string, intervalMs: number): Operation | undefined {
  return r.u.ops.find((o) => o.name === task && intervalOrZero(o.interval) === intervalMs && o.enabled !== 'false');
}

function opDefault(ctx: Ctx, name: string): string | undefined {
  for (const set of ctx.cluster.cib.configuration.opDefaults) {
    if (set.rule) continue;
    const p = set.pairs.find((x) => x.name === name);
    if (p?.value !== undefined) return p.value;
  }
  return undefined;
}

const OP_FIELDS: [keyof Operation, string][] = [
  ['onFail', 'on_fail'], ['requires', 'requires'], ['recordPending', 'record_pending'],
  ['startDelay', 'start_delay'], ['intervalOrigin', 'interval_origin'], ['role', 'role'],
];

/** CRM_meta_* for an operation of a resource (timeout, name, interval, op meta). */
export function opMeta(ctx: Ctx, r: PRsc, task: string, intervalMs: number, probe: boolean): Record<string, string> {
  const meta: Record<string, string> = {};
  let op = findOp(r, task, intervalMs);
  let timeoutSrc = op;
  if (probe && !op) {
    // A probe without its own definition borrows the timeout of the shortest monitor.
    const mons = r.u.ops.filter((o) => o.name === 'monitor').sort((a, b) => intervalOrZero(a.interval) - intervalOrZero(b.interval));
    timeoutSrc = mons[0];
  }
  if (op && !probe) {
    meta['CRM_meta_name'] = task;
    for (const [f, n] of OP_FIELDS) {
      const v = op[f];
      if (typeof v === 'string') meta[`CRM_meta_${n}`] = v;
    }
    for (const set of op.meta) for (const p of set.pairs) if (p.value !== undefined) meta[`CRM_meta_${p.name.replace(/-/g, '_')}`] = p.value;
  }
  if (intervalMs > 0) meta['CRM_meta_interval'] = String(intervalMs);
  const timeout = ms(timeoutSrc?.timeout) ?? ms(opDefault(ctx, 'timeout')) ?? 20000;
  meta['CRM_meta_timeout'] = String(timeout);
  void op;
  op = undefined;
  return meta;
}

/** Creates (or returns the existing) action of a resource. */
export function rscAction(
  ctx: Ctx, r: PRsc, task: string, intervalMs: number, node: string | undefined,
  opts: { optional: boolean; pseudo?: boolean; probe?: boolean },
): Act {
  const key = opKey(r.id, task, intervalMs);
  const existing = r.actions.find((a) => a.key === key && a.node === node);
  if (existing) {
    if (!opts.optional) existing.optional = false;
    return existing;
  }
  const pseudo = opts.pseudo ?? false;
  const attrs: Record<string, string> = r.variant === 'primitive' ? opMeta(ctx, r, task, intervalMs, opts.probe ?? false) : { CRM_meta_timeout: '20000' };
  if (!pseudo && node !== undefined) {
    const n = ctx.nodes.get(node)!;
    attrs['CRM_meta_on_node'] = n.name;
    attrs['CRM_meta_on_node_uuid'] = n.uuid;
    for (const [k, v] of Object.entries(r.u.params)) attrs[k] = v;
    // The op's own instance attributes go to the executor too (and into its digest).
    if (r.variant === 'primitive') for (const set of findOp(r, task, intervalMs)?.instance ?? []) for (const p of set.pairs) if (p.value !== undefined) attrs[p.name] = p.value;
  }
  if (opts.probe) attrs['CRM_meta_op_target_rc'] = '7';
  const a: Act = {
    seq: ctx.seq++, rsc: r, task, intervalMs, key,
    ...(pseudo ? {} : node !== undefined ? { node } : {}),
    kind: pseudo ? 'pseudo_event' : 'rsc_op',
    optional: opts.optional, runnable: true, attrs,
    ...(opts.probe ? { probe: true } : {}),
  };
  r.actions.push(a);
  ctx.actions.push(a);
  return a;
}

/** Orders `first` before `then`. */
export function order(ctx: Ctx, first: Act | undefined, then: Act | undefined, flags: OrderFlags, id?: string): void {
  if (!first || !then || first === then) return;
  ctx.orders.push({ first, then, flags, ...(id ? { id } : {}) });
}

/** Flags of a mandatory ordering. */
export const MANDATORY: OrderFlags = { impliesThen: true, runnableLeft: true };
/** Flags of an optional ordering. */
export const OPTIONAL: OrderFlags = {};
