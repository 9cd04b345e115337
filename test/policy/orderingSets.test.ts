import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';
import { relaxedSet } from '../../src/policy/orderingSets.js';

test('one-or-more ordering cases (require-all=false sets) reach their recorded matches', () => {
  const names = ['one-or-more-1', 'one-or-more-3', 'one-or-more-4', 'one-or-more-5', 'one-or-more-7'];
  const byName = new Map(loadCases().map((c) => [c.name, c]));
  const failing: string[] = [];
  for (const n of names) {
    const c = byName.get(n);
    assert.ok(c, n);
    const r = runCase(c);
    if (!(r.summary && r.graph && r.scores)) failing.push(n);
  }
  assert.deepEqual(failing, []);
});

test('one-or-more-ordering feature: at least 12 summaries, 12 graphs, 13 scores', () => {
  let s = 0, g = 0, sc = 0;
  for (const c of loadCases()) {
    if (c.feature !== 'one-or-more-ordering') continue;
    const r = runCase(c);
    if (r.summary) s++;
    if (r.graph) g++;
    if (r.scores) sc++;
  }
  assert.ok(s >= 12 && g >= 12 && sc >= 13, `got ${s}/${g}/${sc}`);
});

test('only starting and promoting sets relax to one-or-more', () => {
  assert.equal(relaxedSet(false, 'start'), true);
  assert.equal(relaxedSet(false, 'promote'), true);
  assert.equal(relaxedSet(false, 'stop'), false);
  assert.equal(relaxedSet(undefined, 'start'), false);
  assert.equal(relaxedSet(true, 'start'), false);
});
