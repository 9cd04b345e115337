/**
 * Small helpers to flatten name/value sets for unpacking. Sets are merged in
 * descending score order; the first set that names a key wins, as Pacemaker's
 * `pe__unpack_dataset_nvpairs` does. Sets guarded by a rule are evaluated by
 * the optional `ruleOk` predicate (defaults to: skip sets whose rule we cannot
 * evaluate, i.e. treat them as not matching).
 * @module
 */
import type { Cib, NvSet } from '../types.js';
import { evaluateRule, type RuleContext } from '../rules.js';
import { indexCib } from '../nvsets.js';

/** Resource agent a set is evaluated for (rsc_expression in rsc_defaults / meta rules). */
export interface RuleResource {
  readonly class?: string;
  readonly provider?: string;
  readonly type?: string;
}

/** Decides whether a set's rule matches; undefined rule always matches. */
export type RulePredicate = (set: NvSet, rsc?: RuleResource) => boolean;

/**
 * The real rule evaluation (src/cib/rules.ts) as a {@link RulePredicate}:
 * date expressions against `now` (epoch seconds), rsc_expression against the
 * resource given, `id-ref` rules resolved in the CIB.
 */
export function cibRulePredicate(cib: Cib, now: number): RulePredicate {
  const rulesById = indexCib(cib).rules;
  return (set, rsc) => {
    if (set.rule === undefined) return true;
    const ctx: RuleContext = rsc
      ? { now, rulesById, rscClass: rsc.class, rscProvider: rsc.provider, rscType: rsc.type }
      : { now, rulesById };
    return evaluateRule(set.rule, ctx);
  };
}

/** Merges sets into a plain record (first definition wins, higher score first). */
export function flattenSets(
  sets: readonly NvSet[],
  ruleOk: RulePredicate = (s) => s.rule === undefined,
  into: Record<string, string> = {},
  rsc?: RuleResource,
): Record<string, string> {
  const ordered = [...sets].sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  for (const set of ordered) {
    if (!ruleOk(set, rsc)) continue;
    for (const p of set.pairs) {
      if (p.value === undefined) continue;
      if (!(p.name in into)) into[p.name] = p.value;
    }
  }
  return into;
}
