import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';
import { colourScores, healthStrategy, nodeHealth } from '../../src/policy/health.js';

test('node-health cases: all 12 match (summary, graph by meaning, scores)', () => {
  let s = 0, g = 0, sc = 0;
  const crashes: string[] = [];
  for (const c of loadCases()) {
    if (c.feature !== 'node-health') continue;
    const r = runCase(c);
    if (r.error) crashes.push(c.name);
    if (r.summary) s++;
    if (r.graph) g++;
    if (r.scores) sc++;
  }
  assert.deepEqual(crashes, []);
  assert.deepEqual([s, g, sc], [12, 12, 12]);
});

test('health scores by strategy', () => {
  const attrs = { '#health-ipmi': 'yellow', '#health-disk': 'green', other: 'red' };
  assert.equal(nodeHealth(attrs, colourScores('migrate-on-red', {})), 0);
  assert.equal(nodeHealth(attrs, colourScores('only-green', {})), -1000000);
  assert.equal(nodeHealth(attrs, colourScores('progressive', { 'node-health-yellow': '-100' }), 50), -50);
  assert.equal(nodeHealth({ '#health-x': '-20', '#health-y': '5' }, colourScores('custom', {})), -15);
  assert.equal(healthStrategy('Only-Green'), 'only-green');
  assert.equal(healthStrategy('bogus'), 'none');
});
