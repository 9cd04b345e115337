import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';
import { utilizationValue } from '../../src/policy/utilization.js';

/** Summary / graph (by meaning) / scores matches reached per feature; a drop is a regression. */
const FLOOR: Record<string, [summary: number, graph: number, scores: number]> = {
  utilization: [1, 1, 1],
  'placement-strategy': [2, 2, 2],
  'utilization-order': [2, 2, 4],
  'utilization-colocated': [3, 3, 3],
};

test('utilization and placement-strategy cases reach their recorded matches', () => {
  const got: Record<string, [number, number, number]> = {};
  const crashes: string[] = [];
  for (const c of loadCases()) {
    if (!(c.feature in FLOOR)) continue;
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

test('load_stopped pseudo actions order stops before starts on the same node only', () => {
  const c = loadCases().find((x) => x.name === 'utilization-order1');
  assert.ok(c);
  const r = runCase(c);
  assert.equal(r.graph, true);
  assert.equal(r.diff?.equal, true);
});

test('utilization values: integers, anything else 0', () => {
  assert.equal(utilizationValue('1024'), 1024);
  assert.equal(utilizationValue('12abc'), 12);
  assert.equal(utilizationValue('none'), 0);
  assert.equal(utilizationValue(undefined), 0);
});
