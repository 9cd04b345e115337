/**
 * Mandatory colocations block their dependents: when the primary as a whole
 * cannot start (or be promoted, for a promoted-role colocation), the dependent
 * cannot reach its colocated role either (Pacemaker's
 * pcmk__block_colocation_dependents).
 * @module
 */
import { INFINITY, topOf, type Act, type Ctx, type PRsc } from './model.js';

function descendants(r: PRsc): PRsc[] {
  return [r, ...r.children.flatMap(descendants)];
}

/** One pass; true when an action became unrunnable. */
export function blockColocationDependents(ctx: Ctx): boolean {
  let changed = false;
  const done = new Set<string>();
  for (const a of ctx.actions) {
    if (a.runnable || !a.rsc || a.probe || (a.task !== 'start' && a.task !== 'promote')) continue;
    const top = topOf(a.rsc);
    const k = `${top.id} ${a.task}`;
    if (done.has(k)) continue;
    // A collective blocks its dependents only when no instance can do it.
    const instances = top.children;
    const someCan = top.variant === 'clone' && instances.some((c) => {
      const first = descendants(c).flatMap((d) => d.actions).find((x: Act) => x.task === a.task && !x.probe);
      return !first || first.runnable;
    });
    if (someCan) continue;
    done.add(k);
    for (const c of ctx.colocs) {
      if ((c.configuredPrimary ?? c.primary) !== top || c.score < INFINITY) continue;
      if (a.task !== 'start' && c.primaryRole !== 'Promoted') continue;
      const task = c.dependentRole === 'Promoted' ? 'promote' : 'start';
      for (const d of descendants(c.configuredDependent ?? c.dependent)) {
        for (const x of d.actions) {
          if (!x.runnable || x.task !== task || x.probe) continue;
          x.runnable = false;
          x.reason ??= `colocation with ${top.id}`;
          changed = true;
        }
      }
    }
  }
  return changed;
}
