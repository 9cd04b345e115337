/**
 * Transition Summary lines of clone instances, after Pacemaker's
 * rsc_action_default / rsc_action_item: roles appear for promotable instances
 * ("Promote x ( Unpromoted -> Promoted node1 )").
 * @module
 */
import type { Act, PRsc } from './model.js';
import { cloneOf } from './cloneAssign.js';

function roleNow(r: PRsc): string {
  if (r.u.runningOn.length === 0) return 'Stopped';
  if (r.u.role === 'Promoted') return 'Promoted';
  const c = cloneOf(r);
  return c && c.u.promotable ? 'Unpromoted' : 'Started';
}

function roleNext(r: PRsc): string {
  if (r.assigned === null) return 'Stopped';
  if (r.nextRole === 'Promoted') return 'Promoted';
  const c = cloneOf(r);
  return c && c.u.promotable ? 'Unpromoted' : 'Started';
}

const RANK: Record<string, number> = { Stopped: 1, Started: 2, Unpromoted: 3, Promoted: 4 };

function find(r: PRsc, task: string, node: string | null | undefined): Act | undefined {
  const all = r.actions.filter((a) => a.task === task && a.intervalMs === 0 && !a.probe);
  const m = node === null || node === undefined ? all : all.filter((a) => a.node === undefined || a.node === node);
  return m[m.length - 1];
}

function item(change: string, r: PRsc, origin: string | undefined, dest: string | undefined, action: Act, source: Act | undefined, stopReason?: string): string {
  const src = source ?? action;
  const role = roleNow(r), next = roleNext(r);
  const needRole = RANK[role]! > RANK['Started']! || RANK[next]! > RANK['Unpromoted']!;
  const sameHost = origin !== undefined && dest !== undefined && origin === dest;
  const sameRole = role === next;
  let details: string;
  if (needRole && origin === undefined) details = `${role} -> ${next} ${dest}`;
  else if (origin === undefined) details = `${dest}`;
  else if (needRole && dest === undefined) details = `${role} ${origin}`;
  else if (dest === undefined) details = origin;
  else if (needRole && sameRole && sameHost) details = `${role} ${origin}`;
  else if (sameRole && sameHost) details = origin;
  else if (needRole && sameRole) details = `${origin} -> ${dest} ${role}`;
  else if (sameRole) details = `${origin} -> ${dest}`;
  else if (sameHost) details = `${role} -> ${next} ${origin}`;
  else details = `${role} ${origin} -> ${next} ${dest}`;
  const why = src.reason ?? stopReason;
  let reason = '';
  if (why && !action.runnable) reason = `due to ${why} (blocked)`;
  else if (why) reason = `due to ${why}`;
  else if (!action.runnable) reason = 'blocked';
  return `  * ${change.padEnd(8)}   ${r.id}   ( ${details} )${reason ? `  ${reason}` : ''}`;
}

/** Summary lines for a primitive inside a clone; undefined for other resources. */
export function cloneInstanceLines(r: PRsc, inGraph: (a: Act) => boolean): string[] | undefined {
  if (!cloneOf(r) || r.variant !== 'primitive') return undefined;
  const current = r.u.runningOn[0];
  const next = r.assigned ?? undefined;
  if (!r.managed || (current === undefined && next === undefined)) return [];
  const moving = current !== undefined && next !== undefined && current !== next;
  const start = find(r, 'start', next);
  const startNode = start && start.runnable ? current : undefined;
  const stop = find(r, 'stop', startNode ?? null);
  const promote = find(r, 'promote', next);
  const demote = find(r, 'demote', next);
  const role = roleNow(r), nextRole = roleNext(r);
  // Recovered by demotion only (on-fail=demote): a restart then is not a recovery.
  const failed = r.u.failed && !r.u.recoverByDemote;
  void inGraph;
  const stopReason = r.reason ?? 'node availability';
  if (role === nextRole) {
    if (next === undefined) return [];
    // A start still in flight where it stays is asked for again but changes nothing (Pacemaker prints it, optional).
    if (!start || start.optional || (r.u.pendingTask === 'start' && r.u.pendingNode === current && !moving && !failed)) {
      if (demote && promote && !demote.optional && !promote.optional) return [item('Re-promote', r, current, next, promote, demote)];
      return [];
    }
    if (!start.runnable) return stop ? [item('Stop', r, current, undefined, stop, stop.reason ? stop : start, stopReason)] : [];
    if (moving && current !== undefined) return [item(failed ? 'Recover' : 'Move', r, current, next, stop ?? start, undefined)];
    if (failed) return [item('Recover', r, current, undefined, stop ?? start, undefined)];
    return [item('Restart', r, current, next, start, undefined)];
  }
  if (stop && (nextRole === 'Stopped' || (start && !start.runnable))) {
    const out: string[] = [];
    for (const n of r.u.runningOn) {
      const so = r.actions.find((a) => a.task === 'stop' && a.node === n) ?? stop;
      out.push(item('Stop', r, n, undefined, so, so.reason ? so : start, stopReason));
    }
    return out;
  }
  if (stop && failed && !stop.optional) return [item('Recover', r, current, next, stop, start)];
  if (moving && stop) return [item('Move', r, current, next, stop, undefined)];
  if (stop && !stop.optional && start) return [item('Restart', r, current, next, start, undefined)];
  if (role === 'Promoted' && demote) return [item('Demote', r, current, next, demote, undefined)];
  if (nextRole === 'Promoted' && promote) return [item('Promote', r, current, next, promote, undefined)];
  if (role === 'Stopped' && RANK[nextRole]! > RANK['Stopped']! && start) return [item('Start', r, current, next, start, undefined)];
  return [];
}
