/**
 * Orderings that involve clones: interleaved clone-to-clone orderings (each
 * instance waits only for the instance on its own node), orderings into a clone
 * carrying their implications to every instance, and clone-min / require-all=false
 * orderings through a "clone-one-or-more" pseudo action.
 * @module
 */
import type { Act, Ctx, OrderFlags, PRsc } from './model.js';
import { primitivesOf } from './model.js';
import { order, rscAction } from './actions.js';
import { cloneData, isClone } from './cloneAssign.js';
import { compatibleInstance, instanceAction } from './clone.js';
import { notifiedEndpoint } from './notify.js';

const CHILD_TASK: Record<string, string> = {
  start: 'start', running: 'start', stop: 'stop', stopped: 'stop',
  promote: 'promote', promoted: 'promote', demote: 'demote', demoted: 'demote',
};

const FIRST_SIDE: Record<string, string> = { start: 'running', stop: 'stopped', promote: 'promoted', demote: 'demoted' };

function own(c: PRsc, task: string): Act | undefined {
  return c.actions.find((a) => a.task === task && a.kind === 'pseudo_event');
}

/**
 * An ordering between two clones where the relevant one is interleaved: the
 * clone-level ordering only sequences the pseudo actions, and each instance of
 * `b` is ordered after the instance of `a` on the same node. Returns false when
 * the ordering is not interleaved (the caller links it normally).
 */
export function interleaveLink(ctx: Ctx, id: string, a: PRsc, aTask: string, b: PRsc, bTask: string, flags: OrderFlags): boolean {
  if (a === b || !isClone(a) || !isClone(b)) return false;
  const decider = bTask === 'stop' || bTask === 'demote' ? a : b;
  if (!cloneData(decider).interleave) return false;
  const firstTask = FIRST_SIDE[aTask] ?? aTask;
  if (firstTask !== 'stopped' && firstTask !== 'demoted' && (flags.impliesThen || flags.runnableLeft)) {
    const list = INTERLEAVED.get(ctx) ?? [];
    list.push({ a, b });
    INTERLEAVED.set(ctx, list);
  }
  const f = notifiedEndpoint(a, firstTask) ?? own(a, firstTask), t = own(b, bTask);
  order(ctx, f, t, {}, id);
  const current = firstTask === 'stopped' || firstTask === 'demoted';
  const childTask = CHILD_TASK[firstTask] ?? firstTask;
  for (const thenChild of b.children) {
    const firstChild = compatibleInstance(ctx, thenChild, a, current);
    if (!firstChild) {
      if (!current && (flags.impliesThen || flags.runnableLeft) && inhibitInactive(thenChild)) reinhibit(ctx, b);
      continue;
    }
    const fa = instanceAction(firstChild, childTask);
    const ta = instanceAction(thenChild, bTask);
    if (!fa || !ta) continue;
    order(ctx, fa, ta, flags, id);
  }
  return true;
}

/**
 * A mandatory interleaved ordering whose "then" instance has no "first" instance on its
 * node keeps that instance from being active: it is left unassigned. An inactive one
 * then has nothing runnable; an active one must stop (its start and monitors cannot
 * run), with no reason of its own, as Pacemaker's assignment to no node does.
 */
function inhibitInactive(inst: PRsc): boolean {
  if (inst.assigned === null) return false;
  const prims = primitivesOf(inst);
  for (const r of [inst, ...prims]) {
    r.assigned = null;
    for (const x of r.actions) {
      if (x.probe || x.intervalMs === undefined) continue;
      if (x.task === 'stop' && x.node !== undefined && r.u.runningOn.includes(x.node)) x.optional = false;
      else x.runnable = false;
    }
    if (r.variant === 'primitive' && r.u.runningOn.length > 0 && r.reason === undefined) r.reason = '';
  }
  return true;
}

/** Mandatory interleaved orderings linked so far (first clone, then clone). */
const INTERLEAVED = new WeakMap<Ctx, { a: PRsc; b: PRsc }[]>();

/** Instances ordered after a clone that lost an instance lose theirs too. */
function reinhibit(ctx: Ctx, first: PRsc): void {
  for (const { a, b } of INTERLEAVED.get(ctx) ?? []) {
    if (a !== first) continue;
    for (const t of b.children) if (!compatibleInstance(ctx, t, a, false) && inhibitInactive(t)) reinhibit(ctx, b);
  }
}

/** An ordering into a clone also carries its implications to each instance's action. */
export function cloneThenExtras(ctx: Ctx, id: string, firsts: Act[], b: PRsc, bTask: string, flags: OrderFlags): void {
  if (!isClone(b) || !(flags.impliesThen || flags.impliesFirst || flags.runnableLeft)) return;
  for (const inst of b.children) {
    const ta = instanceAction(inst, bTask);
    if (!ta || !ta.runnable) continue;
    for (const f of firsts) order(ctx, f, ta, { ...flags, noGraph: true }, id);
  }
}

/** "clone-one-or-more" pseudo actions with how many of their inputs must be runnable. */
const ONE_OR_MORE = new WeakMap<Ctx, { act: Act; inputs: Act[]; min: number }[]>();

/**
 * An ordering whose first side is a clone with clone-min (or require-all=false):
 * `then` waits for a pseudo action that can run once enough instances can.
 * Returns false when this is an ordinary ordering.
 */
function cloneMinOf(a: PRsc, requireAll: boolean | undefined): number {
  if (!isClone(a)) return 0;
  const cm = Number(/^\s*(\d+)/.exec(a.u.meta['clone-min'] ?? '')?.[1] ?? 0);
  return requireAll === false ? 1 : cm;
}

/** One-or-more pseudo actions made while unpacking constraints, by key. */
const PRECREATED = new WeakMap<Ctx, Map<string, Act>>();

function oneOrMorePseudo(ctx: Ctx, key: string): Act {
  const pre = PRECREATED.get(ctx)?.get(key);
  if (pre) return pre;
  const act: Act = { seq: ctx.seq++, task: key, intervalMs: 0, key, kind: 'pseudo_event', optional: true, runnable: true, attrs: {} };
  ctx.actions.push(act);
  (PRECREATED.get(ctx) ?? PRECREATED.set(ctx, new Map()).get(ctx)!).set(key, act);
  return act;
}

/**
 * Creates the one-or-more pseudo actions of clone-min orderings as Pacemaker does
 * while unpacking constraints, before any resource's actions (so they keep its ids).
 */
export function precreateCloneMinPseudos(ctx: Ctx, constraints: readonly { kind: string; id: string; first?: string | undefined; then?: string | undefined; requireAll?: boolean | undefined }[]): void {
  for (const c of constraints) {
    if (c.kind !== 'rsc_order' || !c.first || !c.then) continue;
    const a = ctx.byId.get(c.first);
    if (!a || !ctx.byId.get(c.then) || cloneMinOf(a, c.requireAll) <= 0) continue;
    oneOrMorePseudo(ctx, `clone-one-or-more:${c.id}`);
  }
}

export function cloneMinLink(ctx: Ctx, id: string, a: PRsc, aTask: string, b: PRsc, bTask: string, flags: OrderFlags, thens: Act[], requireAll: boolean | undefined): boolean {
  const min = cloneMinOf(a, requireAll);
  if (min <= 0) return false;
  const key = `clone-one-or-more:${id}`;
  const act = oneOrMorePseudo(ctx, key);
  const inputs: Act[] = [];
  for (const inst of a.children) {
    let fa = instanceAction(inst, aTask);
    if (!fa && inst.variant === 'primitive') {
      // Pacemaker creates the missing first action (unrunnable, nowhere); the instance's stop then requires it.
      fa = rscAction(ctx, inst, aTask, 0, undefined, { optional: true });
      fa.runnable = false;
      fa.reason = 'node availability';
      for (const st of inst.actions) if (st.task === 'stop' && aTask === 'start') order(ctx, st, fa, { impliesThen: true, runnableLeft: true });
    }
    if (!fa) continue;
    inputs.push(fa);
    order(ctx, fa, act, { printedThen: true }, id);
  }
  const list = ONE_OR_MORE.get(ctx) ?? [];
  list.push({ act, inputs, min });
  ONE_OR_MORE.set(ctx, list);
  for (const t of thens) order(ctx, act, t, { ...flags, runnableLeft: true }, id);
  cloneThenExtras(ctx, id, [act], b, bTask, { ...flags, runnableLeft: true });
  return true;
}

/** Registers a one-or-more pseudo action that needs `min` runnable inputs (ordered sets use it too). */
export function addOneOrMore(ctx: Ctx, act: Act, inputs: Act[], min: number): void {
  const list = ONE_OR_MORE.get(ctx) ?? [];
  list.push({ act, inputs, min });
  ONE_OR_MORE.set(ctx, list);
}

/** A one-or-more pseudo action cannot run while fewer than its minimum of inputs can. */
export function oneOrMoreFlags(ctx: Ctx): boolean {
  let changed = false;
  for (const { act, inputs, min } of ONE_OR_MORE.get(ctx) ?? []) {
    if (!act.runnable) continue;
    if (inputs.filter((i) => i.runnable).length < min) {
      act.runnable = false;
      changed = true;
    }
  }
  return changed;
}

/**
 * An ordering between a clone and a primitive: the clone's side is judged on the
 * primitive's node only (action_flags_for_ordering), so the graph edge carries no
 * implications and the instance actions on that node carry them instead.
 * Returns false when neither or both sides are clones.
 */
export function cloneNodeLink(ctx: Ctx, id: string, a: PRsc, aTask: string, b: PRsc, bTask: string, flags: OrderFlags, firsts: Act[], thens: Act[], sameNode: boolean): boolean {
  const ca = isClone(a), cb = isClone(b);
  if (ca === cb) return false;
  if (ca && b.variant !== 'primitive') return false;
  if (cb && a.variant !== 'primitive') return false;
  if (aTask === 'stop' && a !== b) for (const t of thens) ctx.stopThen.push({ first: a, then: t, sameNode });
  const edge: OrderFlags = flags.runnableLeft ? { runnableLeft: true } : {};
  const implies: OrderFlags = { ...(flags.impliesThen ? { impliesThen: true } : {}), ...(flags.impliesFirst ? { impliesFirst: true } : {}), noGraph: true };
  const any = flags.impliesThen || flags.impliesFirst;
  for (const f of firsts) {
    for (const t of thens) {
      order(ctx, f, t, edge, id);
      if (!any) continue;
      if (ca && t.node !== undefined) {
        const task = CHILD_TASK[aTask] ?? aTask;
        for (const inst of a.children) for (const x of inst.actions) if (x.task === task && x.intervalMs === 0 && !x.probe && x.node === t.node) order(ctx, x, t, implies, id);
      } else if (cb && f.node !== undefined) {
        for (const inst of b.children) for (const x of inst.actions) if (x.task === bTask && x.intervalMs === 0 && !x.probe && x.node === f.node) order(ctx, f, x, { ...implies, ...(flags.runnableLeft ? { runnableLeft: true } : {}) }, id);
      } else if (ca) {
        order(ctx, f, t, implies, id);
      } else {
        order(ctx, f, t, implies, id);
        cloneThenExtras(ctx, id, [f], b, bTask, flags);
      }
    }
  }
  return true;
}
