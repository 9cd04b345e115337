import { test } from 'node:test';
import { assertFeatureFloors, type FeatureFloors } from './cases.js';

/**
 * Matches reached per feature on tier-1 cases without clones (summary, graph by
 * meaning, scores). Raise these as the engine improves; a drop is a regression.
 */
const FLOOR: FeatureFloors = {
  primitives: [8, 8, 8],
  groups: [14, 15, 15],
  'colocation-basic': [9, 9, 9],
  orphans: [3, 3, 3],
  'target-role': [2, 2, 2],
  'base-score': [1, 1, 1],
  ordering: [13, 13, 16],
  colocation: [14, 14, 16],
  'node-attributes': [8, 8, 8],
  monitors: [2, 2, 2],
  'resource-recovery': [13, 14, 15],
  quorum: [9, 9, 9],
  'node-recovery-fencing': [12, 11, 12],
  'managed-maintenance': [8, 8, 8],
  defaults: [3, 3, 3],
  'stop-all': [0, 0, 0],
};

test('tier-1 cases without clones: no crash, and per-feature matches at least the recorded floor', () => {
  assertFeatureFloors(FLOOR);
});
