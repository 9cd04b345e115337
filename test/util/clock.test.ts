import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/util/clock.js';
import { SeededRng } from '../../src/util/rng.js';

test('virtual clock fires timers in due order, ties by creation', () => {
  const c = new VirtualClock(1000);
  const seen: string[] = [];
  c.setTimeout(() => seen.push('b'), 20);
  c.setTimeout(() => seen.push('a'), 10);
  c.setTimeout(() => seen.push('c'), 20);
  const h = c.setTimeout(() => seen.push('x'), 15);
  h.cancel();
  c.advance(15);
  assert.deepEqual(seen, ['a']);
  assert.equal(c.now(), 1015);
  c.advance(10);
  assert.deepEqual(seen, ['a', 'b', 'c']);
});

test('timers set by timers fire within the same advance window', () => {
  const c = new VirtualClock();
  const at: number[] = [];
  c.setTimeout(() => { at.push(c.now()); c.setTimeout(() => at.push(c.now()), 5); }, 5);
  c.advance(10);
  assert.deepEqual(at, [5, 10]);
});

test('seeded rng replays and differs by seed', () => {
  const a = new SeededRng(42), b = new SeededRng(42), c = new SeededRng(43);
  const sa = Array.from({ length: 5 }, () => a.next());
  const sb = Array.from({ length: 5 }, () => b.next());
  const sc = Array.from({ length: 5 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  for (const v of sa) assert.ok(v >= 0 && v < 1);
  const r = new SeededRng(7);
  for (let i = 0; i < 100; i++) { const n = r.int(3, 5); assert.ok(n >= 3 && n <= 5); }
});
