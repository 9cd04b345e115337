import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';
import { utilizationValue } from '../../src/policy/utilization.js';

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
