import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addScores, isFalse, isTrue, parseBoolean, parseInterval, parseIsoDuration, parseScore, scoreToString,
} from '../../src/cib/values.js';
import { INFINITY } from '../../src/cib/types.js';
import { isPacemakerDate } from '../../src/cib/parseDate.js';

test('parseScore: integers, infinities, clamping', () => {
  assert.equal(parseScore('0').unwrap(), 0);
  assert.equal(parseScore('-250').unwrap(), -250);
  assert.equal(parseScore('+7').unwrap(), 7);
  assert.equal(parseScore(' 42 ').unwrap(), 42);
  assert.equal(parseScore('INFINITY').unwrap(), INFINITY);
  assert.equal(parseScore('+INFINITY').unwrap(), INFINITY);
  assert.equal(parseScore('-INFINITY').unwrap(), -INFINITY);
  assert.equal(parseScore('5000000').unwrap(), INFINITY);
  assert.equal(parseScore('-99999999999').unwrap(), -INFINITY);
});

test('parseScore: rejects words, fractions and health colours', () => {
  for (const s of ['', 'lots', '1.5', '1e3', '-INF', 'infinity', '-Infinity', 'red', 'yellow', 'green', '10abc', '--1']) {
    assert.ok(parseScore(s).err, s);
  }
});

test('addScores follows Pacemaker: -INFINITY dominates, then INFINITY, else clamped sum', () => {
  assert.equal(addScores(-INFINITY, INFINITY), -INFINITY);
  assert.equal(addScores(INFINITY, -INFINITY), -INFINITY);
  assert.equal(addScores(INFINITY, -500), INFINITY);
  assert.equal(addScores(-INFINITY, 500), -INFINITY);
  assert.equal(addScores(300, -100), 200);
  assert.equal(addScores(999_999, 5), INFINITY);
  assert.equal(addScores(-999_999, -5), -INFINITY);
});

test('scoreToString writes infinities by name', () => {
  assert.equal(scoreToString(INFINITY), 'INFINITY');
  assert.equal(scoreToString(2 * INFINITY), 'INFINITY');
  assert.equal(scoreToString(-INFINITY), '-INFINITY');
  assert.equal(scoreToString(-12), '-12');
  assert.equal(parseScore(scoreToString(-INFINITY)).unwrap(), -INFINITY);
});

test('parseInterval: crm_get_msec units', () => {
  const cases: [string, number][] = [
    ['0', 0], ['10', 10_000], ['10s', 10_000], ['10sec', 10_000], ['1500ms', 1500], ['1500msec', 1500],
    ['2000us', 2], ['5m', 300_000], ['5min', 300_000], ['2h', 7_200_000], ['2hr', 7_200_000], ['1.5s', 1000],
    [' 30 s ', 30_000], ['10S', 10_000], ['PT1M', 60_000], ['P1D', 86_400_000], ['PT1H30M', 5_400_000],
    ['P10S', 10_000], ['P1W', 604_800_000],
  ];
  for (const [s, ms] of cases) assert.equal(parseInterval(s).unwrap(), ms, s);
});

test('parseInterval: rejects bad values', () => {
  for (const s of ['', 'abc', '-5s', '10 parsecs', 'PT1X', 'P', 's10', '10d']) assert.ok(parseInterval(s).err, s);
  assert.ok(parseIsoDuration('P1Y2M').ok);
  assert.equal(parseIsoDuration('P1M').unwrap(), 30 * 86_400_000);
  assert.equal(parseIsoDuration('PT1M').unwrap(), 60_000);
});

test('isTrue / isFalse / parseBoolean', () => {
  for (const s of ['true', 'TRUE', 'on', 'Yes', 'y', '1']) assert.ok(isTrue(s) && !isFalse(s), s);
  for (const s of ['false', 'Off', 'no', 'N', '0']) assert.ok(isFalse(s) && !isTrue(s), s);
  for (const s of ['', 'maybe', '2']) assert.ok(!isTrue(s) && !isFalse(s) && parseBoolean(s).err, s);
  assert.equal(isTrue(undefined), false);
  assert.equal(parseBoolean('yes').unwrap(), true);
});

test('isPacemakerDate accepts Pacemaker forms and rejects impossible dates', () => {
  for (const s of ['2005-001', '2019-09-20 15:10:52 +00:00', '2019-09-23 18:00:00 -05:00', '2020-02-29', '2009-W01-1',
    '20190920', '2019-09-20T15:10Z', '2019-09-20 24:00:00']) assert.ok(isPacemakerDate(s), s);
  for (const s of ['', 'tomorrow', '2019-13-01', '2021-02-29', '2019-000', '2019-366', '2019-09-20 25:00', '2019-09-20 10:00 +bad']) {
    assert.ok(!isPacemakerDate(s), s);
  }
});
