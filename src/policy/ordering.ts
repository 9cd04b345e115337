/**
 * Stage 8: `rsc_order` constraints become orderings between actions, then the
 * orderings' implications (required, runnable) are propagated to a fixed point.
 * @module
 */
import { blockColocationDependents } from './colocBlock.js';
import { VARIANTS } from './variants.js';
import { order, rscAction } from './actions.js';
import { groupActionFlags, groupActionHasMembers, memberEndpoints } from './group.js';
import { cloneActionFlags } from './clone.js';
import { bundleActionFlags, bundleThenExtras } from './bundle.js';
import { cloneMinLink, cloneNodeLink, cloneThenExtras, interleaveLink, oneOrMoreFlags } from './cloneOrder.js';
import { INFINITY, primitivesOf, topOf } from './model.js';
import { oneOrMoreAction, relaxedSet } from './orderingSets.js';
import type { Act, Ctx, OrderFlags, PRsc } from './model.js';
import { expandedConstraints } from './templates.js';

const INVERSE: Record<string, string> = { start: 'stop', stop: 'start', promote: 'demote', demote: 'promote' };

function flagsFor(kind: string, first: string, inverse: boolean): OrderFlags {
  if (kind !== 'Mandatory') return {};
  const runnableLeft = first === 'start' || first === 'promote';
  return inverse ? { impliesFirst: true, runnableLeft } : { impliesThen: true, runnableLeft };
}

function link(ctx: Ctx, id: string, a: PRsc, aTask: string, b: PRsc, bTask: string, flags: OrderFlags, sameNode = false): void {
  if (interleaveLink(ctx, id, a, aTask, b, bTask, flags)) return;
  let firsts = VARIANTS[a.variant].endpoint(ctx, a, aTask, true);
  if (firsts.length === 0 && a.variant === 'primitive') {
    // The first action will not happen (no node for it): a placeholder that cannot run.
    const ph = rscAction(ctx, a, aTask, 0, undefined, { optional: true });
    ph.runnable = false;
    firsts = [ph];
  }
  const thens = VARIANTS[b.variant].endpoint(ctx, b, bTask, false);
  if (cloneNodeLink(ctx, id, a, aTask, b, bTask, flags, firsts, thens, sameNode)) return;
  if (aTask === 'stop' && a !== b) for (const t of thens) ctx.stopThen.push({ first: a, then: t, sameNode });
  for (const f of firsts) for (const t of thens) order(ctx, f, t, flags, id);
  if (b.variant === 'group' && (flags.impliesThen || flags.impliesFirst)) {
    // A group's pseudo action does not carry requirements to members by itself.
    for (const f of firsts) for (const t of memberEndpoints(b, bTask)) order(ctx, f, t, { ...flags, noGraph: true }, id);
  }
  cloneThenExtras(ctx, id, firsts, b, bTask, flags);
  bundleThenExtras(ctx, id, firsts, b, bTask, flags);
}

/** Anti-colocated resources: the dependent stops before the primary starts there, and vice versa. */
export function applyAntiColocationOrders(ctx: Ctx): void {
  for (const c of ctx.colocs) {
    if (c.score > -INFINITY) continue;
    const d = c.configuredDependent ?? c.dependent, p = c.configuredPrimary ?? c.primary;
    antiColocationOrder(ctx, c.id, d, c.dependentRole, p, c.primaryRole);
    antiColocationOrder(ctx, c.id, p, c.primaryRole, d, c.dependentRole);
  }
}

/**
 * What takes `a` out of its role in the constraint comes before what brings `b`
 * into its role (Pacemaker's anti_colocation_order): a promoted role is left by
 * demoting and entered by promoting; any other role by stopping and starting
 * (an unpromoted one also by promoting, resp. demoting).
 */
function antiColocationOrder(ctx: Ctx, id: string, a: PRsc, aRole: string | undefined, b: PRsc, bRole: string | undefined): void {
  const leave = aRole === 'Promoted' ? ['demote'] : aRole === 'Unpromoted' ? ['stop', 'promote'] : ['stop'];
  const enter = bRole === 'Promoted' ? ['promote'] : bRole === 'Unpromoted' ? ['start', 'demote'] : ['start'];
  for (const f of leave) for (const t of enter) link(ctx, id, a, f, b, t, {}, true);
}

function pairOrder(ctx: Ctx, id: string, a: PRsc, b: PRsc, fa: string, ta: string, kind: string, symmetrical: boolean): void {
  // Deprecated restart-type=restart: even an optional ordering restarts "then" when "first" changes.
  const restartType = kind === 'Optional' && b.u.meta['restart-type'] === 'restart';
  link(ctx, id, a, fa, b, ta, restartType ? { impliesThen: true } : flagsFor(kind, fa, false));
  if (symmetrical && INVERSE[fa] && INVERSE[ta]) link(ctx, id, b, INVERSE[ta]!, a, INVERSE[fa]!, flagsFor(kind, INVERSE[ta]!, true));
}

/** Unpacks `rsc_order` constraints (pairs and sequential sets). */
export function applyOrderConstraints(ctx: Ctx): void {
  for (const c of expandedConstraints(ctx)) {
    if (c.kind !== 'rsc_order') continue;
    const kind = c.orderKind ?? (c.score !== undefined && c.score === 0 ? 'Optional' : 'Mandatory');
    // Serialize orderings are never symmetrical (Pacemaker ignores symmetrical=true for them).
    const symmetrical = kind !== 'Serialize' && (c.symmetrical ?? true);
    if (c.first && c.then) {
      const a = ctx.byId.get(c.first), b = ctx.byId.get(c.then);
      if (!a || !b) continue;
      const fa = c.firstAction ?? 'start';
      const ta = c.thenAction ?? fa;
      if (cloneMinLink(ctx, c.id, a, fa, b, ta, flagsFor(kind, fa, false), VARIANTS[b.variant].endpoint(ctx, b, ta, false), c.requireAll)) {
        if (symmetrical && INVERSE[fa] && INVERSE[ta]) link(ctx, c.id, b, INVERSE[ta]!, a, INVERSE[fa]!, flagsFor(kind, INVERSE[ta]!, true));
        continue;
      }
      pairOrder(ctx, c.id, a, b, fa, ta, kind, symmetrical);
      continue;
    }
    let prev: { rs: PRsc[]; sequential: boolean; action: string; id: string; requireAll?: boolean | undefined } | undefined;
    for (const s of c.sets) {
      const action = s.action ?? 'start';
      const rs = s.resources.map((id) => ctx.byId.get(id)).filter((r): r is PRsc => !!r);
      const sequential = s.sequential !== false;
      const setKind = s.kind ?? kind;
      if (sequential && setKind === 'Serialize') {
        // Serialize: each member before every later one (not only the next, which may not act).
        for (let i = 0; i < rs.length; i++) for (let j = i + 1; j < rs.length; j++) pairOrder(ctx, c.id, rs[i]!, rs[j]!, action, action, setKind, symmetrical);
      } else if (sequential) for (let i = 1; i < rs.length; i++) pairOrder(ctx, c.id, rs[i - 1]!, rs[i]!, action, action, setKind, symmetrical);
      if (prev && prev.rs.length && rs.length) {
        // Between sets: the previous set (its last member if sequential) before this one (its first if sequential).
        const firsts = prev.sequential ? [prev.rs[prev.rs.length - 1]!] : prev.rs;
        const thens = sequential ? [rs[0]!] : rs;
        if (relaxedSet(prev.requireAll, prev.action)) {
          // Every member of this set waits for any one of the previous set; stopping stays all-or-nothing.
          const any = oneOrMoreAction(ctx, c.id, prev.id, prev.rs, prev.action);
          for (const t of rs) for (const ta of VARIANTS[t.variant].endpoint(ctx, t, action, false)) order(ctx, any, ta, { ...flagsFor(kind, action, false), runnableLeft: true }, c.id);
          if (symmetrical && INVERSE[prev.action] && INVERSE[action]) {
            for (const f of firsts) for (const t of thens) link(ctx, c.id, t, INVERSE[action]!, f, INVERSE[prev.action]!, flagsFor(kind, INVERSE[action]!, true));
          }
        } else {
          for (const f of firsts) for (const t of thens) pairOrder(ctx, c.id, f, t, prev.action, action, kind, symmetrical);
        }
      }
      if (rs.length) prev = { rs, sequential, action, id: s.id, requireAll: s.requireAll };
    }
  }
}

function describe(a: Act): string {
  return a.rsc ? `${a.rsc.id} ${a.task}` : a.key;
}

/**
 * A required stop of a clone (or of one of its instances) does not by itself make a
 * group ordered before it stop: only members' own stops do (bug-lf-2153).
 */
function groupBeforeClone(first: Act, then: Act): boolean {
  if (first.rsc?.variant !== 'group' || !then.rsc) return false;
  const t = topOf(then.rsc);
  return t.variant === 'clone' && t !== topOf(first.rsc);
}

/** A start (or a collective's start/running) of something active: required because it restarts. */
/** The placeholder start (nowhere) of a stopping primitive, ordered before a clone's start. */
function stoppingFirstOfClone(first: Act, then: Act): boolean {
  const inClone = (r: PRsc | undefined): boolean => r !== undefined && (r.variant === 'clone' || r.parent?.variant === 'clone');
  return first.node === undefined && first.rsc?.variant === 'primitive' && !inClone(first.rsc) && inClone(then.rsc);
}

function restartsActive(a: Act): boolean {
  if (!a.rsc || (a.task !== 'start' && a.task !== 'running')) return false;
  return primitivesOf(a.rsc).some((p) => (a.node === undefined ? p.u.runningOn.length > 0 : p.u.runningOn.includes(a.node)));
}

const COMPLETED: Record<string, string> = { start: 'running', stop: 'stopped', promote: 'promoted', demote: 'demoted' };

/**
 * The "first" side as Pacemaker names it in a reason: an instance standing in for its
 * clone in an ordering with something outside the clone is the clone's completed action.
 */
function describeOrder(o: { first: Act; then: Act; flags: OrderFlags }): string {
  const p = o.first.rsc?.parent;
  if (o.flags.noGraph && p?.variant === 'clone' && o.then.rsc && topOf(o.then.rsc) !== p && COMPLETED[o.first.task]) return `${p.id} ${COMPLETED[o.first.task]}`;
  return describe(o.first);
}

/**
 * Did `then` get its reason from `first` being unrunnable: directly, or, for
 * group members, from outside the group while `first` is another member's (an
 * ordering onto a group reaches every member at once, so the member's own
 * ordering on `first` counts as seen first)?
 */
function unrunnableFrom(then: Act, first: Act): boolean {
  const by = then.reasonUnrunnable;
  if (by === undefined) return false;
  if (by === first) return true;
  const g = then.rsc?.parent;
  return g?.variant === 'group' && first.rsc?.parent === g && (by.rsc === g || by.rsc?.parent !== g);
}

/**
 * The stop of a group's last member that is active where its start cannot run:
 * its own restart requires it before the members' stop chain reaches it, so it
 * gets no reason from the chain (its start's reason is shown).
 */
function lastMemberRestartStop(a: Act): boolean {
  const r = a.rsc;
  const g = r?.parent;
  if (a.task !== 'stop' || !r || r.variant !== 'primitive' || g?.variant !== 'group' || g.children[g.children.length - 1] !== r) return false;
  if (a.node === undefined || !r.u.runningOn.includes(a.node)) return false;
  return r.actions.some((s) => s.task === 'start' && s.node === a.node && !s.runnable);
}

/** Propagates required/unrunnable along orderings until nothing changes. */
export function propagate(ctx: Ctx): void {
  // A clone-level "first" whose instances imply "then" (cloneThenExtras): Pacemaker sees one ordering.
  const viaInstances = new Set<string>();
  for (const o of ctx.orders) if (o.flags.impliesThen && o.flags.noGraph && o.first.rsc?.parent?.variant === 'clone') viaInstances.add(`${o.id}|${o.first.rsc.parent.id}|${o.then.seq}`);
  for (let round = 0, changed = true; changed && round < 1000; round++) {
    changed = false;
    for (const g of ctx.top) if (g.variant === 'group' && groupActionFlags(g)) changed = true;
    for (const c of ctx.top) if (c.variant === 'clone' && cloneActionFlags(c)) changed = true;
    for (const b of ctx.top) if (b.variant === 'bundle' && bundleActionFlags(b)) changed = true;
    if (oneOrMoreFlags(ctx)) changed = true;
    if (blockColocationDependents(ctx)) changed = true;
    for (const o of ctx.orders) {
      const { first, then, flags } = o;
      if (flags.runnableLeft && !first.runnable && then.runnable) {
        then.runnable = false;
        // A group passes what happened to its start on to its members as is.
        const viaGroup = first.rsc !== undefined && first.rsc.variant === 'group' && then.rsc?.parent === first.rsc && first.reason !== undefined;
        if (!then.reason && first.rsc !== then.rsc) {
          then.reason = viaGroup ? first.reason : `unrunnable ${describe(first)}`;
          then.reasonUnrunnable = first;
          if (viaGroup) then.reasonInherited = true;
        }

        changed = true;
      }
      if (flags.runnableLeftIfRequired && !first.runnable && !first.optional && then.runnable) {
        then.runnable = false;
        if (!then.reason && first.rsc !== then.rsc) {
          then.reason = `unrunnable ${describe(first)}`;
          then.reasonUnrunnable = first;
        }
        changed = true;
      }
      const implies = flags.impliesThen || (first.rsc?.variant === 'clone' && viaInstances.has(`${o.id}|${first.rsc.id}|${then.seq}`));
      if (implies && (!first.optional || stoppingFirstOfClone(first, then)) && !first.runnable && unrunnableFrom(then, first) && restartsActive(first)) {
        // Pacemaker sees a restart's start required and unrunnable at once, and "required" is checked first;
        // likewise the placeholder start (nowhere) of an active resource that is stopping.
        then.reason = `required ${describe(first)}`;
        then.reasonUnrunnable = undefined;
        // Members that took the group start's reason see the one it ends with.
        if (then.rsc?.variant === 'group') {
          for (const c of then.rsc.children) for (const m of c.actions) if (m.reasonInherited && m.reasonUnrunnable === then) m.reason = then.reason;
        }
      }
      if (flags.impliesThen && !first.optional && first.runnable && then.optional) {
        then.optional = false;
        if (!then.reason && first.rsc !== then.rsc) then.reason = `required ${describeOrder(o)}`;
        changed = true;
      }
      const ownRestart = lastMemberRestartStop(first);
      if (flags.impliesFirst && !then.optional && !first.optional && !first.reason && first.runnable && first.rsc?.parent?.variant !== 'clone' && !ownRestart) first.reason = `required ${describe(then)}`;
      if (flags.impliesFirst && !then.optional && first.optional && groupActionHasMembers(first) && !groupBeforeClone(first, then)) {
        first.optional = false;
        if (!first.reason && !ownRestart) first.reason = `required ${describe(then)}`;
        changed = true;
      }
      const unmanagedFirst = first.rsc !== undefined && !first.rsc.managed;
      // The stop of a primitive active nowhere (an ordering's placeholder) has nothing to wait for.
      const vacuousStop = first.task === 'stop' && first.node === undefined && first.rsc?.variant === 'primitive' && first.rsc.u.runningOn.length === 0;
      if ((flags.impliesFirst || (flags.impliesThen && unmanagedFirst && first.task === 'stop')) && !first.runnable && (!first.optional || unmanagedFirst) && then.runnable && !then.optional && !vacuousStop) {
        // "first" is needed but cannot happen (blocked, unmanaged), so "then", which waits for it, cannot either.
        then.runnable = false;
        if (!then.reason && first.rsc !== then.rsc) {
          then.reason = `unrunnable ${describe(first)}`;
          then.reasonUnrunnable = first;
        }
        changed = true;
      }
      if (!then.runnable && then.task === 'start' && then.rsc && then.rsc.variant === 'primitive' && then.rsc.managed && then.node !== undefined && then.rsc.u.runningOn.includes(then.node)) {
        // An active resource that could not be started again where it is must stop there.
        for (const s of then.rsc.actions) {
          if (s.task === 'stop' && s.node === then.node && s.optional) {
            s.optional = false;
            if (!then.rsc.reason && then.reason) then.rsc.reason = then.reason;
            changed = true;
          }
        }
      }
      if (flags.restart && !then.optional && first.optional && then.rsc && then.rsc.u.runningOn.length > 0) {
        first.optional = false;
        changed = true;
      }
    }
  }
}

/** Orders a stopping resource's probes before whatever follows its stop (see Ctx.stopThen). */
export function orderProbesBeforeStopDependents(ctx: Ctx): void {
  const seen = new Set<string>();
  for (const { first, then, sameNode } of ctx.stopThen) {
    for (const p of first.actions) {
      if (!p.probe) continue;
      if (sameNode && then.node !== undefined && p.node !== then.node) continue;
      if (then.task === 'do_shutdown' && p.node !== then.node) continue;
      const k = `${p.seq}>${then.seq}`;
      if (seen.has(k)) continue;
      seen.add(k);
      order(ctx, p, then, {});
    }
  }
}

/**
 * A probe that finds its resource active forces a restart of whatever was started
 * after it, so each probe is ordered before the stops of the other primitives whose
 * starts follow its resource's start along required orderings.
 */
export function orderProbesBeforeRestarts(ctx: Ctx): void {
  const after = new Map<Act, Act[]>();
  for (const o of ctx.orders) {
    if (!o.flags.impliesThen && !o.flags.printedThen) continue;
    // Implications carried into a bundle's containers are no path for probes.
    if (o.flags.noGraph && o.then.rsc?.parent?.variant === 'bundle') continue;
    const l = after.get(o.first) ?? [];
    l.push(o.then);
    after.set(o.first, l);
  }
  const seen = new Set<string>();
  for (const probe of ctx.actions) {
    if (!probe.probe || !probe.rsc) continue;
    const visited = new Set<Act>();
    const visit = (a: Act): void => {
      if (visited.has(a)) return;
      visited.add(a);
      if (a.rsc && a.rsc.variant === 'primitive' && a.rsc !== probe.rsc && a.task === 'start') {
        for (const stop of a.rsc.actions) {
          if (stop.task !== 'stop' || stop.kind === 'pseudo_event') continue;
          const k = `${probe.seq}>${stop.seq}`;
          if (!seen.has(k)) {
            seen.add(k);
            order(ctx, probe, stop, {});
          }
        }
      }
      for (const n of after.get(a) ?? []) visit(n);
    };
    for (const s of probe.rsc.actions) if (s.task === 'start') visit(s);
  }
}
