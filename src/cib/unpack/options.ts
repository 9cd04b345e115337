/**
 * Cluster options (crm_config) with Pacemaker 2.1's defaults.
 * @module
 */
import type { Cib } from '../types.js';
import { isTrue, isFalse } from '../values.js';
import { flattenSets, type RulePredicate } from './nvs.js';
import type { ClusterOptions } from './types.js';

const NO_QUORUM = ['stop', 'freeze', 'ignore', 'demote', 'suicide'] as const;
const PLACEMENT = ['default', 'utilization', 'minimal', 'balanced'] as const;

function pick<T extends string>(v: string | undefined, allowed: readonly T[], dflt: T): T {
  return v !== undefined && (allowed as readonly string[]).includes(v) ? (v as T) : dflt;
}

/** Reads crm_config into {@link ClusterOptions}. */
export function unpackOptions(cib: Cib, ruleOk?: RulePredicate): ClusterOptions {
  const raw = flattenSets(cib.configuration.crmConfig, ruleOk);
  const boolOr = (name: string, dflt: boolean): boolean =>
    raw[name] === undefined ? dflt : dflt ? !isFalse(raw[name]) : isTrue(raw[name]);
  return {
    stonithEnabled: boolOr('stonith-enabled', true),
    symmetricCluster: boolOr('symmetric-cluster', true),
    noQuorumPolicy: pick(raw['no-quorum-policy'], NO_QUORUM, 'stop'),
    maintenanceMode: boolOr('maintenance-mode', false),
    stopOrphanResources: boolOr('stop-orphan-resources', true),
    stopOrphanActions: boolOr('stop-orphan-actions', true),
    startFailureIsFatal: boolOr('start-failure-is-fatal', true),
    placementStrategy: pick(raw['placement-strategy'], PLACEMENT, 'default'),
    concurrentFencing: boolOr('concurrent-fencing', false),
    stonithAction: raw['stonith-action'] ?? 'reboot',
    startupFencing: boolOr('startup-fencing', true),
    raw,
  };
}
