/**
 * container-attribute-target=host: promotion scores of bundled instances are read
 * from the node hosting the replica's container (Pacemaker 2.1.5 notifs-for-unrunnable).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';

test('bundled promotion scores come from the container host (notifs-for-unrunnable)', () => {
  const res = runCase(loadCases().find((c) => c.name === 'notifs-for-unrunnable')!);
  // master-redis is 1000 on controller-2, which hosts redis-bundle-2's container.
  assert.ok(res.scoresText?.includes('redis:2 promotion score on redis-bundle-2: 1000'), (res.scoresText ?? []).filter((l) => l.includes('promotion')).join('\n'));
  assert.ok(res.scoresText?.includes('galera:1 promotion score on galera-bundle-1: 100'));
  assert.deepEqual([res.summary, res.graph], [true, true]);
});

test('nested-remote-recovery matches Pacemaker', () => {
  const res = runCase(loadCases().find((c) => c.name === 'nested-remote-recovery')!);
  assert.deepEqual([res.summary, res.graph], [true, true]);
});
