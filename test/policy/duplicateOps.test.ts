/**
 * Recurring ops that share name and interval (e.g. "40s" and "P40S") are a
 * configuration error: Pacemaker schedules none of them (intervals case).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';

test('intervals: duplicate monitor intervals are not scheduled; summary and graph match', () => {
  const row = loadCases().find((c) => c.name === 'intervals');
  assert.ok(row, 'case intervals exists');
  const r = runCase(row);
  assert.equal(r.error, undefined, r.error);
  assert.ok(r.summary, 'summary matches');
  assert.ok(r.graph, `graph matches ${JSON.stringify(r.diff)?.slice(0, 400)}`);
  assert.doesNotMatch(r.summaryText ?? '', /rsc3\s+monitor=40000/);
});
