import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';

/**
 * Matches reached per feature on tier-1 cases without clones (summary, graph by
 * meaning, scores). Raise these as the engine improves; a drop is a regression.
 */
const FLOOR: Record<string, [summary: number, graph: number, scores: number]> = {
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
  const got: Record<string, [number, number, number]> = {};
  const crashes: string[] = [];
  for (const c of loadCases()) {
    if (c.tier !== 1 || !(c.feature in FLOOR)) continue;
    const r = runCase(c);
    if (r.error) crashes.push(`${c.name}: ${r.error.split('\n')[0]}`);
    const g = (got[c.feature] ??= [0, 0, 0]);
    if (r.summary) g[0]++;
    if (r.graph) g[1]++;
    if (r.scores) g[2]++;
  }
  assert.deepEqual(crashes, []);
  for (const [f, floor] of Object.entries(FLOOR)) {
    const g = got[f] ?? [0, 0, 0];
    assert.ok(g[0] >= floor[0] && g[1] >= floor[1] && g[2] >= floor[2], `${f}: got ${g.join('/')}, floor ${floor.join('/')}`);
  }
});
