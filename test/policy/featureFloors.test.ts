import { test } from 'node:test';
import { assertFeatureFloors, type FeatureFloors } from './cases.js';

/**
 * Matches reached per feature of Pacemaker's scheduler suite: [summary, graph by
 * meaning, scores]. One table for every feature, so the whole suite is scheduled once.
 * Raise these as the engine improves (from docs/conformance.md); a drop is a regression.
 */
const FLOOR: FeatureFloors = {
  'agents-not-installed': [0, 0, 0], // tier 2, 1 cases
  'base-score': [1, 1, 1], // tier 1, 1 cases
  'bundles': [13, 13, 6], // tier 3, 25 cases
  'clones': [30, 30, 28], // tier 1, 30 cases
  'clones-basic': [10, 10, 10], // tier 1, 10 cases
  'colocation': [18, 19, 16], // tier 1, 19 cases
  'colocation-basic': [9, 9, 9], // tier 1, 9 cases
  'defaults': [3, 3, 3], // tier 1, 3 cases
  'discovery-shutdown-lock': [2, 2, 4], // tier 2, 4 cases
  'groups': [18, 18, 17], // tier 1, 18 cases
  'guest-nodes': [9, 8, 11], // tier 3, 14 cases
  'history': [1, 1, 1], // tier 2, 1 cases
  'interleave': [6, 6, 6], // tier 1, 6 cases
  'managed-maintenance': [8, 8, 8], // tier 1, 8 cases
  'migration': [38, 37, 37], // tier 2, 42 cases
  'monitors': [2, 2, 2], // tier 1, 2 cases
  'multiple-active': [1, 1, 1], // tier 1, 1 cases
  'node-attributes': [8, 8, 8], // tier 1, 8 cases
  'node-health': [12, 12, 12], // tier 2, 12 cases
  'node-maintenance': [3, 2, 3], // tier 2, 3 cases
  'node-recovery-fencing': [12, 11, 12], // tier 1, 12 cases
  'notifications': [6, 6, 5], // tier 2, 6 cases
  'ocf-degraded': [1, 1, 1], // tier 2, 1 cases
  'one-or-more-ordering': [13, 13, 14], // tier 2, 14 cases
  'op-intervals': [1, 1, 1], // tier 2, 1 cases
  'ordering': [16, 16, 16], // tier 1, 16 cases
  'orphans': [3, 3, 3], // tier 1, 3 cases
  'params-digests': [11, 10, 12], // tier 2, 12 cases
  'placement-strategy': [2, 2, 2], // tier 2, 2 cases
  'primitives': [8, 8, 8], // tier 1, 8 cases
  'promotable': [41, 42, 37], // tier 1, 44 cases
  'quorum': [10, 10, 10], // tier 1, 10 cases
  'regressions': [44, 46, 51], // tier 2, 55 cases
  'remote-nodes': [13, 13, 18], // tier 3, 19 cases
  'resource-recovery': [16, 16, 16], // tier 1, 16 cases
  'resource-sets': [3, 3, 3], // tier 2, 3 cases
  'rules-dates': [7, 7, 9], // tier 2, 10 cases
  'rules-expressions': [14, 14, 14], // tier 2, 14 cases
  'stop-all': [1, 1, 0], // tier 1, 1 cases
  'stopped-monitors': [17, 17, 15], // tier 2, 17 cases
  'target-role': [2, 2, 2], // tier 1, 2 cases
  'templates': [19, 19, 19], // tier 3, 19 cases
  'tickets': [16, 16, 16], // tier 3, 16 cases
  'tickets-clones': [16, 16, 16], // tier 3, 16 cases
  'tickets-groups': [23, 23, 23], // tier 3, 23 cases
  'tickets-promotable': [19, 19, 19], // tier 3, 19 cases
  'tickets-sets': [14, 14, 14], // tier 3, 14 cases
  'unfencing': [1, 1, 3], // tier 2, 3 cases
  'unlisted': [0, 0, 0], // tier 3, 2 cases (bundle-order-partial's expected output is from an older Pacemaker)
  'utilization': [1, 1, 1], // tier 2, 1 cases
  'utilization-colocated': [3, 3, 3], // tier 2, 3 cases
  'utilization-order': [2, 2, 4], // tier 2, 4 cases
};

test('every feature of the scheduler suite: no crash, and matches at least the recorded floor', () => {
  assertFeatureFloors(FLOOR);
});
