/**
 * The seam between the CLI / conformance runner and the policy engine: the
 * engine is loaded on first use, so commands that do not schedule (status,
 * admin) start without it.
 * @module
 */
import type * as Policy from '../policy/index.js';

/** What the CLI needs from the policy engine. */
export type PolicyEngine = Pick<
  typeof Policy,
  'schedule' | 'formatSummary' | 'formatGraphXml' | 'formatGraphDot' | 'formatScores' | 'applyGraphToCib'
>;

/** Loads the policy engine. */
export async function loadPolicy(): Promise<PolicyEngine> {
  return import('../policy/index.js');
}
