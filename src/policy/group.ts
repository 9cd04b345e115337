/**
 * Variant methods of a group: members placed in order, each colocated with the one
 * before; start/running/stop/stopped pseudo actions bracket the members' actions.
 * @module
 */
import type { Act, Ctx, PRsc } from './model.js';
import { showScores } from './assign.js';
import { order, rscAction } from './actions.js';
import { primitiveMethods } from './primitive.js';
import type { VariantMethods } from './variants.js';

function assign(ctx: Ctx, g: PRsc, prefer?: string): string | null {
  if (!g.provisional) return g.assigned;
  if (g.assigning) return null;
  g.assigning = true;
  showScores(ctx, 'pcmk__group_assign', g, true);
  let first: string | null | undefined;
  for (const c of g.children) {
    const n = primitiveMethods.assign(ctx, c, prefer);
    if (first === undefined) first = n;
  }
  g.assigned = first ?? null;
  g.nextRole = g.children[0]?.nextRole ?? 'Stopped';
  g.provisional = false;
  g.assigning = false;
  return g.assigned;
}

function createActions(ctx: Ctx, g: PRsc): void {
  for (const c of g.children) primitiveMethods.createActions(ctx, c);
  // Created optional: their flags follow the members' (see groupActionFlags).
  for (const t of ['start', 'running', 'stop', 'stopped']) rscAction(ctx, g, t, 0, undefined, { optional: true, pseudo: true });
}

const MEMBER_TASK: Record<string, string> = {
  start: 'start', running: 'start', stop: 'stop', stopped: 'stop',
  promote: 'promote', promoted: 'promote', demote: 'demote', demoted: 'demote',
};

/** False for a group's stop/start pseudo action no member takes part in (its flags come from its members). */
export function groupActionHasMembers(a: Act): boolean {
  const g = a.rsc;
  const task = MEMBER_TASK[a.task];
  if (!g || g.variant !== 'group' || !task) return true;
  return g.children.some((c) => c.actions.some((x) => x.task === task && x.intervalMs === 0 && !x.probe));
}

/**
 * A group's pseudo action is required when any member's counterpart is, and
 * running/stopped cannot happen when a member's counterpart cannot. Returns true
 * when something changed.
 */
export function groupActionFlags(g: PRsc): boolean {
  let changed = false;
  for (const a of g.actions) {
    const task = MEMBER_TASK[a.task];
    if (!task) continue;
    for (const c of g.children) {
      const m = c.actions.find((x) => x.task === task && x.intervalMs === 0 && !x.probe);
      if (!m) {
        // A member that will not start at all keeps the group from being "running".
        if (task === 'start' && a.task === 'running' && a.runnable) {
          a.runnable = false;
          changed = true;
        }
        continue;
      }
      if (a.optional && !m.optional) {
        a.optional = false;
        changed = true;
      }
      if (task !== a.task && a.runnable && !m.runnable) {
        a.runnable = false;
        changed = true;
      }
    }
  }
  return changed;
}

function own(g: PRsc, task: string): Act | undefined {
  return g.actions.find((a) => a.task === task);
}

function internalOrders(ctx: Ctx, g: PRsc): void {
  const start = own(g, 'start'), running = own(g, 'running'), stop = own(g, 'stop'), stopped = own(g, 'stopped');
  order(ctx, stop, stopped, { runnableLeft: true });
  order(ctx, start, running, { runnableLeft: true });
  // A group with members disabled while others stay is "started" again once those are down.
  const partial = g.children.some((c) => c.assigned !== null) && g.children.some((c) => c.u.targetRole === 'Stopped' && c.u.runningOn.length > 0);
  order(ctx, stopped, start, partial ? { impliesThen: true } : {});
  const ordered = !/^(false|no|off|0)$/i.test(g.u.meta['ordered'] ?? 'true');
  let prev: PRsc | undefined;
  for (const c of g.children) {
    const cStarts = c.actions.filter((a) => a.task === 'start');
    const cStops = c.actions.filter((a) => a.task === 'stop');
    for (const s of cStarts) {
      order(ctx, start, s, { runnableLeft: true, printedFirst: true });
      order(ctx, s, running, { printedThen: true });
    }
    for (const s of cStops) {
      order(ctx, stop, s, { printedFirst: true });
      order(ctx, s, stopped, { printedThen: true });
    }
    if (stopped) ctx.stopThen.push({ first: c, then: stopped, sameNode: false });
    if (ordered && prev) {
      for (const ps of prev.actions.filter((a) => a.task === 'start')) for (const s of cStarts) order(ctx, ps, s, { impliesThen: true, runnableLeft: true });
      for (const ps of prev.actions.filter((a) => a.task === 'stop')) {
        for (const s of cStops) order(ctx, s, ps, { impliesFirst: true });
        ctx.stopThen.push({ first: c, then: ps, sameNode: false });
      }
    }
    prev = c;
  }
}

/** Members' actions standing for `task` (orderings on the group imply them). */
export function memberEndpoints(g: PRsc, task: string): Act[] {
  return g.children.flatMap((c) => c.actions.filter((a) => a.task === task && a.intervalMs === 0 && !a.probe));
}

/** first side: running/stopped stand for start/stop; then side: start/stop. */
function endpoint(_ctx: Ctx, g: PRsc, task: string, asFirst: boolean): Act[] {
  const t = asFirst ? ({ start: 'running', stop: 'stopped' } as Record<string, string>)[task] ?? task : task;
  return g.actions.filter((a) => a.task === t);
}

/** The group variant's methods. */
export const groupMethods: VariantMethods = { assign, createActions, internalOrders, endpoint };
