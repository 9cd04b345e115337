/**
 * The digest the simulated executor records with an operation result: crm_simulate
 * -S (pcmk__create_history_xml → append_digest) hashes the graph action's own
 * parameters, filtered as for any digest (pcmk__filter_op_for_digest: CRM_meta_*
 * dropped, CRM_meta_timeout kept for recurring ops). It records no restart or
 * secure digest (those come from agent metadata, which the simulator never reads).
 * @module
 */
import { digestParams, paramsDigest } from './digests.js';

/** op-digest of a graph action with these attributes and interval (ms). */
export function executedOpDigest(attributes: Readonly<Record<string, string>>, intervalMs: number): string {
  const params = digestParams(attributes, {}, 0, 0);
  const timeout = attributes['CRM_meta_timeout'];
  // Only a timeout the action carried is hashed back in (a missing one is not invented).
  if (intervalMs > 0 && timeout !== undefined) params['CRM_meta_timeout'] = timeout;
  return paramsDigest(params);
}
