import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evenSample, fitExponent, formatTable, ms, ratio, stats } from '../../bench/table.js';

test('stats: median, nearest-rank p90, max, sum', () => {
  const s = stats([5, 1, 4, 2, 3, 6, 7, 8, 9, 10]);
  assert.equal(s.median, 5.5);
  assert.equal(s.p90, 9);
  assert.equal(s.max, 10);
  assert.equal(s.sum, 55);
  assert.equal(stats([3, 1, 2]).median, 2);
  assert.ok(Number.isNaN(stats([]).median));
});

test('fitExponent recovers the power of a power law', () => {
  const pts = [100, 200, 400, 800].map((n) => ({ n, t: 0.5 * n ** 2 }));
  assert.ok(Math.abs(fitExponent(pts) - 2) < 1e-9);
  assert.ok(Math.abs(fitExponent([100, 1000].map((n) => ({ n, t: 3 * n }))) - 1) < 1e-9);
  assert.ok(Number.isNaN(fitExponent([{ n: 1, t: 1 }])));
});

test('formatting: durations, ratios, aligned tables', () => {
  assert.equal(ms(0.5), '0.50 ms');
  assert.equal(ms(12.34), '12.3 ms');
  assert.equal(ms(4100), '4.10 s');
  assert.equal(ms(undefined), '-');
  assert.equal(ratio(40, 2), '20×');
  assert.equal(ratio(3, 2), '1.5×');
  assert.equal(ratio(undefined, 2), '-');
  const t = formatTable(['a', 'bb'], [['xyz', '1'], ['q', '22']]).split('\n');
  assert.deepEqual(t, ['a    bb', '---  --', 'xyz   1', 'q    22']);
});

test('evenSample spreads picks over the whole list', () => {
  const xs = Array.from({ length: 603 }, (_, i) => i);
  const s = evenSample(xs, 60);
  assert.equal(s.length, 60);
  assert.equal(s[0], 0);
  assert.ok(s[59]! > 580);
  assert.equal(new Set(s).size, 60);
  assert.equal(evenSample(xs, 1000).length, 603);
});
