/**
 * Groups inside a promotable clone: each instance group has promote/promoted
 * and demote/demoted pseudo actions that bracket its members' role changes, as
 * start/running and stop/stopped bracket their starts and stops. Members are
 * promoted in group order and demoted in reverse; the clone's own role pseudo
 * actions wait for the instance groups', not for the members directly.
 * @module
 */
import type { Act, Ctx, PRsc } from './model.js';
import { order } from './actions.js';

function own(r: PRsc, task: string): Act | undefined {
  return r.actions.find((a) => a.task === task && a.kind === 'pseudo_event');
}

function roleAction(r: PRsc, task: string): Act | undefined {
  return r.actions.find((a) => a.task === task && a.intervalMs === 0 && !a.probe);
}

/** Orders one instance group's role pseudo actions against the clone's and its members'. */
export function orderPromotableGroup(ctx: Ctx, clone: PRsc, inst: PRsc): void {
  const promote = own(inst, 'promote'), promoted = own(inst, 'promoted');
  const demote = own(inst, 'demote'), demoted = own(inst, 'demoted');
  // "Promote clone" -> promote instance -> ... -> instance promoted -> "clone promoted"; likewise demote.
  order(ctx, own(clone, 'promote'), promote, { runnableLeft: true, printedFirst: true });
  order(ctx, promoted, own(clone, 'promoted'), { printedThen: true });
  order(ctx, own(clone, 'demote'), demote, { printedFirst: true });
  order(ctx, demoted, own(clone, 'demoted'), { printedThen: true });
  // An instance is demoted before it is promoted.
  order(ctx, demote, promote, {});
  const ordered = !/^(false|no|off|0)$/i.test(inst.u.meta['ordered'] ?? 'true');
  let prev: PRsc | undefined;
  for (const m of inst.children) {
    const mPromote = roleAction(m, 'promote'), mDemote = roleAction(m, 'demote');
    order(ctx, demote, mDemote, { printedFirst: true });
    // The first member of an ordered group being demoted is the group being demoted.
    order(ctx, mDemote, demoted, prev === undefined && ordered ? { impliesThen: true } : { printedThen: true });
    order(ctx, mPromote, promoted, { runnableLeft: true, impliesThen: true, printedThen: true });
    // Unordered groups ask for more here, but Pacemaker drops that ordering as a duplicate of this one.
    order(ctx, promote, mPromote, { printedFirst: true });
    if (ordered && prev) {
      // Promoted in order, demoted in reverse.
      order(ctx, roleAction(prev, 'promote'), mPromote, { impliesThen: true, runnableLeft: true });
      order(ctx, mDemote, roleAction(prev, 'demote'), {});
    }
    prev = m;
  }
}
