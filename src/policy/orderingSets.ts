/**
 * Ordered resource sets with `require-all="false"` ("one or more"): the set's
 * members' actions all lead into a `one-or-more:<set id>` pseudo action that can
 * run as soon as any of them can, and whatever the set is ordered before waits
 * for that pseudo action instead of for every member.
 * @module
 */
import type { Act, Ctx, PRsc } from './model.js';
import { order, rscAction } from './actions.js';
import { addOneOrMore } from './cloneOrder.js';
import { VARIANTS } from './variants.js';

const MADE = new WeakMap<Ctx, Map<string, Act>>();

/** Does a set in this position relax into one-or-more? (Only for starts and promotes: stopping needs all.) */
export function relaxedSet(requireAll: boolean | undefined, action: string): boolean {
  return requireAll === false && (action === 'start' || action === 'promote');
}

/**
 * The set's `one-or-more:<set id>` pseudo action, created on first use with each
 * member's `action` leading into it (pe_order_one_or_more | implies_then_printed).
 */
export function oneOrMoreAction(ctx: Ctx, constraintId: string, setId: string, members: PRsc[], action: string): Act {
  let made = MADE.get(ctx);
  if (!made) MADE.set(ctx, (made = new Map()));
  const key = `one-or-more:${setId}`;
  const existing = made.get(key);
  if (existing) return existing;
  const act: Act = { seq: ctx.seq++, task: key, intervalMs: 0, key, kind: 'pseudo_event', optional: true, runnable: true, attrs: {} };
  ctx.actions.push(act);
  made.set(key, act);
  const inputs: Act[] = [];
  for (const r of members) {
    let firsts = VARIANTS[r.variant].endpoint(ctx, r, action, true);
    if (firsts.length === 0 && r.variant === 'primitive') {
      // The member's action will not happen: a placeholder that cannot run.
      const ph = rscAction(ctx, r, action, 0, undefined, { optional: true });
      ph.runnable = false;
      firsts = [ph];
    }
    for (const f of firsts) {
      inputs.push(f);
      order(ctx, f, act, { printedThen: true }, constraintId);
    }
  }
  addOneOrMore(ctx, act, inputs, 1);
  return act;
}
