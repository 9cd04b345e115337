/**
 * Live migration (Pacemaker 2.1.5 pcmk_sched_migration.c): a primitive with
 * allow-migrate=true that moves is migrated instead of restarted — migrate_to on
 * the source, migrate_from on the target, then the source's stop and a pseudo start.
 * A partial migration (migrate_to done) continues with migrate_from when the target
 * is still the chosen node; otherwise the resource is stopped on both and started.
 * @module
 */
import { isTrue } from '../cib/values.js';
import { order, rscAction } from './actions.js';
import { primitivesOf, topOf, type Act, type Ctx, type Order, type PRsc } from './model.js';

/** Resources migrating in a context's transition. */
const MIGRATING = new WeakMap<Ctx, Set<PRsc>>();

/** Is `r` being live-migrated in this transition? */
export function isMigrating(ctx: Ctx, r: PRsc): boolean {
  return MIGRATING.get(ctx)?.has(r) ?? false;
}

/** The source and target of a migration of `r` in this transition, if any. */
export interface MigrationPlan {
  readonly source: string;
  readonly target: string;
  /** migrate_to already done: only migrate_from remains. */
  readonly partial: boolean;
}

/**
 * allow-migrate, as the resource or the nearest parent sets it. A remote node's
 * connection migrates unless told not to, so that the node can move without
 * stopping what runs on it.
 */
export function allowsMigration(r: PRsc): boolean {
  for (let p: PRsc | undefined = r; p; p = p.parent) {
    const v = p.u.meta['allow-migrate'];
    if (v !== undefined) return isTrue(v);
  }
  return r.u.remoteNode !== undefined && !r.u.internal && r.u.container === undefined;
}

/** pcmk__rsc_can_migrate. */
export function canMigrate(ctx: Ctx, r: PRsc, source: string): boolean {
  if (r.variant !== 'primitive' || !allowsMigration(r)) return false;
  if (!r.managed || r.u.failed || r.u.pendingTask === 'start') return false;
  const n = ctx.nodes.get(source);
  if (!n || n.u.unclean) return false;
  return r.nextRole !== 'Promoted';
}

/** Decides whether and how `r` migrates (pcmk__primitive_create_actions). */
export function migrationPlan(ctx: Ctx, r: PRsc): MigrationPlan | undefined {
  const next = r.assigned;
  if (next === null) return undefined;
  const pm = r.u.partialMigration;
  const cur = r.u.runningOn;
  if (pm && pm.stage === 'migrate_to') {
    // Continue only towards the same target, active exactly on source and target.
    if (cur.length === 2 && cur.includes(pm.source) && cur.includes(pm.target) && next === pm.target && canMigrate(ctx, r, pm.source)) {
      return { source: pm.source, target: pm.target, partial: true };
    }
    return undefined;
  }
  if (cur.length !== 1) return undefined;
  const source = cur[0]!;
  if (source === next || !canMigrate(ctx, r, source)) return undefined;
  return { source, target: next, partial: false };
}

function replaceInOrders(ctx: Ctx, from: Act, to: Act | undefined): void {
  const orders = ctx.orders as Order[];
  for (let i = orders.length - 1; i >= 0; i--) {
    const o = orders[i]!;
    if (o.first !== from && o.then !== from) continue;
    if (!to) { orders.splice(i, 1); continue; }
    orders[i] = { ...o, first: o.first === from ? to : o.first, then: o.then === from ? to : o.then };
  }
}

function dropAction(ctx: Ctx, r: PRsc, a: Act): void {
  const i = r.actions.indexOf(a);
  if (i >= 0) r.actions.splice(i, 1);
  const j = ctx.actions.indexOf(a);
  if (j >= 0) ctx.actions.splice(j, 1);
}

function swapAction(ctx: Ctx, r: PRsc, from: Act, to: Act): void {
  const i = r.actions.indexOf(from);
  if (i >= 0) r.actions[i] = to;
  const j = ctx.actions.indexOf(from);
  if (j >= 0) ctx.actions[j] = to;
}

function migrationMeta(a: Act, plan: MigrationPlan, pending: boolean): void {
  a.attrs['CRM_meta_migrate_source'] = plan.source;
  a.attrs['CRM_meta_migrate_target'] = plan.target;
  if (pending) a.attrs['CRM_meta_record_pending'] = 'true';
}

/** Turns one resource's move into a migration. */
function migrate(ctx: Ctx, r: PRsc, plan: MigrationPlan): void {
  const start = r.actions.find((a) => a.task === 'start' && a.intervalMs === 0 && a.node === plan.target && a.kind === 'rsc_op');
  const stop = r.actions.find((a) => a.task === 'stop' && a.node === plan.source);
  if (!start || !stop || !start.runnable) return;
  if (plan.partial) {
    // The target already runs it: no stop there (the migration is in progress).
    const targetStop = r.actions.find((a) => a.task === 'stop' && a.node === plan.target);
    if (targetStop) { replaceInOrders(ctx, targetStop, undefined); dropAction(ctx, r, targetStop); }
  }
  // The start becomes a pseudo action standing for the migration's completion.
  // Same creation number (Pacemaker only flags its start as pseudo), node attributes dropped.
  const { node: _node, ...rest } = start;
  const attrs = { ...start.attrs };
  delete attrs['CRM_meta_on_node'];
  delete attrs['CRM_meta_on_node_uuid'];
  const pseudo: Act = { ...rest, kind: 'pseudo_event', optional: false, attrs };
  swapAction(ctx, r, start, pseudo);
  replaceInOrders(ctx, start, pseudo);
  let migrateTo: Act | undefined;
  if (!plan.partial) {
    migrateTo = rscAction(ctx, r, 'migrate_to', 0, plan.source, { optional: false });
    migrationMeta(migrateTo, plan, r.u.remoteNode === undefined);
  }
  const migrateFrom = rscAction(ctx, r, 'migrate_from', 0, plan.target, { optional: false });
  migrationMeta(migrateFrom, plan, false);
  // Probe -> migrate_to -> migrate_from -> stop -> start.
  for (const p of r.actions) if (p.probe) order(ctx, p, migrateTo ?? migrateFrom, {});
  if (migrateTo) order(ctx, migrateTo, migrateFrom, { impliesFirst: true });
  order(ctx, migrateFrom, stop, { impliesFirst: true });
  order(ctx, migrateFrom, pseudo, {});
  let set = MIGRATING.get(ctx);
  if (!set) MIGRATING.set(ctx, (set = new Set()));
  set.add(r);
}

/**
 * A migration that completed (migrate_from succeeded) but whose source was never
 * stopped leaves the resource "dangling" there: it is stopped on that node
 * (pcmk__abort_dangling_migration) before the resource's other actions are made.
 */
export function createDanglingStops(ctx: Ctx, r: PRsc): void {
  for (const n of r.u.dangling) {
    const node = ctx.nodes.get(n);
    if (node && node.u.online && !node.u.unclean) rscAction(ctx, r, 'stop', 0, n, { optional: false });
  }
}

/** A dangling source's stop comes before any start, like every stop of the resource, but does not require one. */
function orderDanglingStops(ctx: Ctx, r: PRsc): void {
  for (const stop of r.actions) {
    if (stop.task !== 'stop' || stop.node === undefined || !r.u.dangling.includes(stop.node)) continue;
    for (const start of r.actions) {
      if (start.task === 'start' && start.intervalMs === 0 && !start.probe) order(ctx, stop, start, { restart: true });
    }
  }
}

/** Stage (after createActions): migrations instead of stop/start for moving migratable primitives. */
export function applyMigrations(ctx: Ctx): void {
  for (const top of ctx.top) {
    for (const r of primitivesOf(top)) {
      if (r.u.dangling.length) orderDanglingStops(ctx, r);
      const plan = migrationPlan(ctx, r);
      if (plan) migrate(ctx, r, plan);
    }
  }
}

function actionOf(r: PRsc, task: string): Act | undefined {
  return r.actions.find((a) => a.task === task && a.intervalMs === 0);
}

function baseTask(a: Act): string {
  // A collective's completion pseudo-actions stand for its start and stop
  // (with notifications, its confirmed post-notification of them).
  const done = a.task === 'notified' ? /_confirmed-post_notify_(running|stopped)_0$/.exec(a.key)?.[1] : a.task;
  return done === 'running' ? 'start' : done === 'stopped' ? 'stop' : a.task;
}

function related(a: PRsc, b: PRsc): boolean {
  for (let p = a.parent; p; p = p.parent) if (p === b) return true;
  for (let p = b.parent; p; p = p.parent) if (p === a) return true;
  return false;
}

/**
 * Stage (after order constraints): orderings between a migrating resource and
 * another carry over to the migration actions (pcmk__order_migration_equivalents).
 * An ordering whose first side is itself part of a migration binds nothing more
 * (pe_order_apply_first_non_migratable), and a migration's pseudo start or
 * source stop does not force the other side to restart.
 */
export function orderMigrationEquivalents(ctx: Ctx): void {
  if (!MIGRATING.get(ctx)?.size) return;
  const orders = ctx.orders as Order[];
  for (let i = 0, n = orders.length; i < n; i++) {
    const o = orders[i]!;
    const fr = o.first.rsc, tr = o.then.rsc;
    if (!fr || !tr || fr === tr || related(fr, tr) || o.flags.noGraph) continue;
    const fm = isMigrating(ctx, fr), tm = isMigrating(ctx, tr);
    if (!fm && !tm) continue;
    const ft = baseTask(o.first), tt = baseTask(o.then);
    if (fm && o.first.kind === 'pseudo_event' && o.first.task === 'start' && o.flags.impliesThen) {
      const { impliesThen: _drop, ...flags } = o.flags;
      orders[i] = { ...o, flags };
    }
    if (tm && o.then.task === 'stop' && o.flags.impliesFirst) {
      const { impliesFirst: _drop, ...flags } = orders[i]!.flags;
      orders[i] = { ...orders[i]!, flags };
    }
    if (ft === 'start' && tt === 'start') {
      if (fm && tm) order(ctx, actionOf(fr, 'migrate_from'), actionOf(tr, 'migrate_to'), {});
      else if (tm) order(ctx, o.first, actionOf(tr, 'migrate_to'), {});
    } else if (tm && !fm && ft === 'stop' && tt === 'stop') {
      order(ctx, o.first, actionOf(tr, 'migrate_to'), {});
      if (!actionOf(tr, 'migrate_to')) order(ctx, o.first, actionOf(tr, 'migrate_from'), {});
    }
  }
}

function isMandatory(o: Order): boolean {
  return o.flags.impliesThen === true || o.flags.runnableLeft === true;
}

/** Reverts a migration to a plain start on the target (the move becomes a restart). */
function revert(ctx: Ctx, r: PRsc, pseudo: Act, migrateOps: Act[]): void {
  for (const m of migrateOps) { replaceInOrders(ctx, m, undefined); dropAction(ctx, r, m); }
  const n = ctx.nodes.get(r.assigned!)!;
  const start: Act = { ...pseudo, kind: 'rsc_op', node: n.name, attrs: { ...pseudo.attrs, CRM_meta_on_node: n.name, CRM_meta_on_node_uuid: n.uuid } };
  swapAction(ctx, r, pseudo, start);
  replaceInOrders(ctx, pseudo, start);
  MIGRATING.get(ctx)?.delete(r);
}

/** Why an action of a resource that could have migrated cannot (crm_simulate shows it on a Move). */
const UNMIGRATABLE = new WeakMap<Act, string>();

/** Why `a` (a stop) can take no part in a migration, when another resource's action prevents it. */
export function unmigratableReason(a: Act | undefined): string | undefined {
  return a && UNMIGRATABLE.get(a);
}

function reasonOf(a: Act): string {
  return a.rsc ? `${a.rsc.id} ${a.task}` : a.key;
}

/**
 * Which of the migrating resources' actions can still take part in a migration
 * (Pacemaker's pe_action_migrate_runnable): at first the pseudo start, the
 * source's stop and the migrate ops. A required action that does not migrate
 * takes it from what it implies must happen first, and from its restart stop;
 * an unrunnable action from what must wait for it.
 */
function migrateRunnable(ctx: Ctx, set: Set<PRsc>): Set<Act> {
  const mr = new Set<Act>();
  for (const r of set) {
    const source = sourceOf(r);
    for (const a of r.actions) {
      if ((a.task === 'start' && a.kind === 'pseudo_event') || a.task === 'migrate_to' || a.task === 'migrate_from' || (a.task === 'stop' && a.node === source)) mr.add(a);
    }
  }
  for (let changed = true, round = 0; changed && round < 100; round++) {
    changed = false;
    for (const { first, then, flags } of ctx.orders) {
      // Implications carried into a collective's members are not orderings of their own.
      if (flags.noGraph) continue;
      if (mr.has(first) && !mr.has(then) && !then.optional && (flags.impliesFirst || flags.restart)) {
        mr.delete(first);
        if (!UNMIGRATABLE.has(first) && then.rsc !== first.rsc) UNMIGRATABLE.set(first, `unrunnable ${reasonOf(then)}`);
        changed = true;
      }
      if (mr.has(then) && !first.runnable && flags.runnableLeft) { mr.delete(then); changed = true; }
    }
  }
  return mr;
}

function srcStopOf(r: PRsc): Act | undefined {
  const source = sourceOf(r);
  return r.actions.find((a) => a.task === 'stop' && a.node === source);
}

/** The node a migrating resource leaves. */
function sourceOf(r: PRsc): string | undefined {
  const pm = r.u.partialMigration;
  if (pm && pm.stage === 'migrate_to') return pm.source;
  return r.u.runningOn.find((n) => n !== r.assigned);
}

/**
 * Stage (after propagation): a migration whose start cannot run is no migration
 * (the resource only stops); one whose actions can no longer all migrate (see
 * {@link migrateRunnable}: another of its stops, such as a dangling migration's
 * source, or a stop or restart that must happen first and does not migrate), or
 * that must wait for another resource's required, non-migrating start, restarts
 * instead of migrating.
 */
export function settleMigrations(ctx: Ctx): void {
  const set = MIGRATING.get(ctx);
  if (!set?.size) return;
  const mr = migrateRunnable(ctx, set);
  for (const r of [...set]) {
    const pseudo = r.actions.find((a) => a.task === 'start' && a.kind === 'pseudo_event');
    const migrateOps = r.actions.filter((a) => a.task === 'migrate_to' || a.task === 'migrate_from');
    if (!pseudo) continue;
    // migrate_from must precede every stop of the resource, and only a migrating stop allows it.
    const stuck = r.actions.some((a) => a.task === 'stop' && !a.optional && (!mr.has(a) || !a.runnable)) || !mr.has(pseudo) || migrateOps.some((m) => !mr.has(m));
    if (pseudo.runnable && stuck) { revert(ctx, r, pseudo, migrateOps); continue; }
    if (!pseudo.runnable) {
      for (const m of migrateOps) { replaceInOrders(ctx, m, undefined); dropAction(ctx, r, m); }
      set.delete(r);
      continue;
    }
    // Implications a group passes on to its members (noGraph) do not hold a member's migration back.
    const blocked = ctx.orders.find((o) => o.then === pseudo && isMandatory(o) && !o.flags.noGraph && baseTask(o.first) === 'start' && o.first.rsc !== undefined
      && o.first.rsc !== r && !related(o.first.rsc, r) && !o.first.optional && !(o.first.kind === 'pseudo_event' && isMigrating(ctx, o.first.rsc)));
    if (blocked) {
      // The restarting resource's stop, which this one's stop must precede, is what does not migrate.
      const other = blocked.first.rsc!;
      const otherStop = other.actions.find((a) => a.task === 'stop' && a.intervalMs === 0 && !a.optional);
      const stop = srcStopOf(r);
      if (otherStop && stop && !UNMIGRATABLE.has(stop)) UNMIGRATABLE.set(stop, `unrunnable ${other.id} stop`);
      revert(ctx, r, pseudo, migrateOps);
      continue;
    }
    // Another resource's action never waits for the stop ending a migration (the
    // resource is already running where it goes): Pacemaker drops such inputs.
    const srcStop = r.actions.find((a) => a.task === 'stop' && a.node === r.u.runningOn.find((n) => n !== r.assigned));
    if (srcStop) {
      const orders = ctx.orders as Order[];
      for (let i = orders.length - 1; i >= 0; i--) {
        const o = orders[i]!;
        if (o.first === srcStop && o.then.rsc && topOf(o.then.rsc) !== topOf(r) && !isMigrating(ctx, o.then.rsc) && o.then.task === 'stop') orders.splice(i, 1);
      }
    }
  }
}
