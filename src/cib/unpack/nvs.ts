/**
 * Small helpers to flatten name/value sets for unpacking. Sets are merged in
 * descending score order; the first set that names a key wins, as Pacemaker's
 * `pe__unpack_dataset_nvpairs` does. Sets guarded by a rule are evaluated by
 * the optional `ruleOk` predicate (defaults to: skip sets whose rule we cannot
 * evaluate, i.e. treat them as not matching).
 * @module
 */
import type { NvSet } from '../types.js';

/** Decides whether a set's rule matches; undefined rule always matches. */
export type RulePredicate = (set: NvSet) => boolean;

/** Merges sets into a plain record (first definition wins, higher score first). */
export function flattenSets(
  sets: readonly NvSet[],
  ruleOk: RulePredicate = (s) => s.rule === undefined,
  into: Record<string, string> = {},
): Record<string, string> {
  const ordered = [...sets].sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  for (const set of ordered) {
    if (!ruleOk(set)) continue;
    for (const p of set.pairs) {
      if (p.value === undefined) continue;
      if (!(p.name in into)) into[p.name] = p.value;
    }
  }
  return into;
}
