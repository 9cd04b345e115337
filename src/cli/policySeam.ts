/**
 * The seam between the CLI / conformance runner and the policy engine. The
 * policy engine (src/policy) is loaded at run time so that these tools work,
 * printing only the sections they can, before or without it.
 * Expected exports of `src/policy/index.js`:
 * - `schedule(cib, { now }) -> result` (a TransitionGraph plus scores)
 * - `formatSummary(cib, result, opts) -> string` — crm_simulate's sections after
 *   "Current cluster status" (Transition Summary, Executing, Revised status)
 * - `formatGraphXml(result) -> string` — `<transition_graph>` XML
 * - `formatScores(result) -> string[]` — allocation/promotion score lines
 * @module
 */
import type { Cib } from '../cib/types.js';

/** What the CLI needs from the policy engine. All optional until it exists. */
export interface PolicyEngine {
  schedule?: (cib: Cib, opts: { now: number }) => unknown;
  formatSummary?: (cib: Cib, result: unknown, opts: { now: number }) => string;
  formatGraphXml?: (result: unknown) => string;
  formatGraphDot?: (result: unknown) => string;
  formatScores?: (result: unknown) => string[];
}

/** Loads the policy engine if it is built; an empty object otherwise. */
export async function loadPolicy(): Promise<PolicyEngine> {
  const path = '../policy/index.js';
  try {
    const m = (await import(path)) as Record<string, unknown>;
    const pick = <K extends keyof PolicyEngine>(k: K): PolicyEngine[K] =>
      typeof m[k] === 'function' ? (m[k] as PolicyEngine[K]) : undefined;
    return {
      schedule: pick('schedule'), formatSummary: pick('formatSummary'), formatGraphXml: pick('formatGraphXml'),
      formatGraphDot: pick('formatGraphDot'), formatScores: pick('formatScores'),
    };
  } catch {
    return {};
  }
}
