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

function assign(ctx: Ctx, g: PRsc): string | null {
  if (!g.provisional) return g.assigned;
  if (g.assigning) return null;
  g.assigning = true;
  showScores(ctx, 'pcmk__group_assign', g, true);
  let first: string | null | undefined;
  for (const c of g.children) {
    const n = primitiveMethods.assign(ctx, c);
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
  const childStarts = g.children.flatMap((c) => c.actions.filter((a) => a.task === 'start'));
  const childStops = g.children.flatMap((c) => c.actions.filter((a) => a.task === 'stop'));
  const startReq = childStarts.some((a) => !a.optional);
  const stopReq = childStops.some((a) => !a.optional);
  rscAction(ctx, g, 'start', 0, undefined, { optional: !startReq, pseudo: true });
  rscAction(ctx, g, 'running', 0, undefined, { optional: !startReq, pseudo: true });
  rscAction(ctx, g, 'stop', 0, undefined, { optional: !stopReq, pseudo: true });
  rscAction(ctx, g, 'stopped', 0, undefined, { optional: !stopReq, pseudo: true });
}

function own(g: PRsc, task: string): Act | undefined {
  return g.actions.find((a) => a.task === task);
}

function internalOrders(ctx: Ctx, g: PRsc): void {
  const start = own(g, 'start'), running = own(g, 'running'), stop = own(g, 'stop'), stopped = own(g, 'stopped');
  order(ctx, stop, stopped, { runnableLeft: true });
  order(ctx, start, running, { runnableLeft: true });
  order(ctx, stopped, start, {});
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
