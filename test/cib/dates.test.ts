import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDuration, calendarFields, durationFromSpec, formatDateTime, isoWeeksInYear, moonPhase, parseDateTime,
  parseDuration, parseZonedDateTime,
} from '../../src/cib/dates.js';

const utc = (y: number, m: number, d: number, h = 0, mi = 0, s = 0): number => Date.UTC(y, m - 1, d, h, mi, s) / 1000;

test('parses the date forms crm_simulate -t and date_expression accept', () => {
  const cases: [string, number][] = [
    ['2005-020', utc(2005, 1, 20)],
    ['2005-02-01', utc(2005, 2, 1)],
    ['20050201', utc(2005, 2, 1)],
    ['2005-W05-2', utc(2005, 2, 1)],
    ['2005-W5-2', utc(2005, 2, 1)],
    ['epoch', 0],
    ['2005-20', utc(2005, 1, 20)],
    ['2009-W53-7', utc(2010, 1, 3)],
    ['2008-W01-1', utc(2007, 12, 31)],
    ['2005-020T12:30', utc(2005, 1, 20, 12, 30)],
    ['2005-020T11:30:15', utc(2005, 1, 20, 11, 30, 15)],
    ['2005-01-20 00:30:00 +01:00', utc(2005, 1, 19, 23, 30)],
    ['2019-09-23 18:00:00 -05:00', utc(2019, 9, 23, 23)],
    ['2019-09-23T17:00:00Z', utc(2019, 9, 23, 17)],
    ['2019-09-23T170000+0200', utc(2019, 9, 23, 15)],
    ['2004-366', utc(2004, 12, 31)],
    ['2004-02-29T24:00:00', utc(2004, 3, 1)],
    ['  2005-02-01  ', utc(2005, 2, 1)],
  ];
  for (const [s, want] of cases) {
    const r = parseDateTime(s);
    assert.ok(r.ok, `${s}: ${r.ok ? '' : r.val.message}`);
    assert.equal(r.val, want, s);
  }
});

test('keeps the written offset and honours defaultOffsetS', () => {
  const z = parseZonedDateTime('2019-09-23 18:00:00 -05:00');
  assert.ok(z.ok);
  assert.equal(z.val.offsetS, -5 * 3600);
  const d = parseDateTime('2019-09-23 18:00:00', { defaultOffsetS: 3600 });
  assert.ok(d.ok);
  assert.equal(d.val, utc(2019, 9, 23, 17));
});

test('time-only strings need "today"', () => {
  assert.ok(parseDateTime('T12:00').err);
  const r = parseDateTime('T12:00', { today: utc(2020, 5, 5, 3) });
  assert.ok(r.ok);
  assert.equal(r.val, utc(2020, 5, 5, 12));
  const r2 = parseDateTime('08:15:00', { today: utc(2020, 5, 5, 23) });
  assert.ok(r2.ok);
  assert.equal(r2.val, utc(2020, 5, 5, 8, 15));
});

test('rejects bad dates with a typed error naming the input', () => {
  for (const s of ['', 'yesterday', '2005-13-01', '2005-02-29', '2005-366', '2005-W54-1', '2005-W53-1', '2005-W05',
    '2005-W05-8', '2005W052', '2005020',
    '2005-02-01T25:00', '2005-02-01T12:60', '2005-02-01Tnoon', '2005-02-01 12:00 +25:00', '2005-02-01X']) {
    const r = parseDateTime(s);
    assert.ok(r.err, `${s} should fail`);
    assert.equal(r.val.code, 'QUORATE_ERR_BAD_DATE');
    assert.equal(r.val.input, s);
  }
});

test('calendar fields: weekday, ISO week, week-year, yearday', () => {
  const f = calendarFields(utc(2005, 1, 1, 13, 14, 15));
  assert.deepEqual(
    [f.year, f.month, f.monthday, f.yearday, f.hour, f.minute, f.second, f.weekday, f.week, f.weekyear],
    [2005, 1, 1, 1, 13, 14, 15, 6, 53, 2004],
  );
  const g = calendarFields(utc(2007, 12, 31));
  assert.deepEqual([g.weekday, g.week, g.weekyear, g.yearday], [1, 1, 2008, 365]);
  const h = calendarFields(utc(2004, 12, 31));
  assert.equal(h.yearday, 366);
  // Offset shifts the local fields.
  const k = calendarFields(utc(2019, 9, 23, 23), -5 * 3600);
  assert.deepEqual([k.monthday, k.hour], [23, 18]);
  assert.equal(isoWeeksInYear(2004), 53);
  assert.equal(isoWeeksInYear(2005), 52);
  assert.equal(isoWeeksInYear(2009), 53);
});

test('moon phase follows Pacemaker phase_of_the_moon', () => {
  // 2019: golden number 6, epact 24 -> 25; Sep 14 is yearday 257: ((257+25)*6+11)%177/22 = 5.
  assert.equal(moonPhase(2019, 257), 5);
  assert.equal(calendarFields(utc(2019, 9, 14)).moon, 5);
  // 2005: golden number 11, epact 139%30 = 19; yearday 20: ((39*6)+11)%177 = 68 -> 3.
  assert.equal(calendarFields(utc(2005, 1, 20)).moon, 3);
  for (let d = 1; d <= 366; d++) {
    const m = moonPhase(2024, d);
    assert.ok(m >= 0 && m <= 7);
  }
});

test('durations: ISO strings and <duration> fields', () => {
  const cases: [string, { years: number; months: number; days: number; seconds: number }][] = [
    ['P1Y2M3DT4H5M6S', { years: 1, months: 2, days: 3, seconds: 4 * 3600 + 5 * 60 + 6 }],
    ['PT1M', { years: 0, months: 0, days: 0, seconds: 60 }],
    ['P2W', { years: 0, months: 0, days: 14, seconds: 0 }],
    ['P1M', { years: 0, months: 1, days: 0, seconds: 0 }],
    ['PT36H', { years: 0, months: 0, days: 0, seconds: 36 * 3600 }],
    // Pacemaker is lenient: units in any order, H/S without T, signs, a trailing period part.
    ['P1H', { years: 0, months: 0, days: 0, seconds: 3600 }],
    ['P1DT2H3M', { years: 0, months: 0, days: 1, seconds: 7380 }],
    ['P-1D', { years: 0, months: 0, days: -1, seconds: 0 }],
    ['P1M/2005-01-01', { years: 0, months: 1, days: 0, seconds: 0 }],
    ['PT', { years: 0, months: 0, days: 0, seconds: 0 }],
  ];
  for (const [s, want] of cases) {
    const r = parseDuration(s);
    assert.ok(r.ok, s);
    assert.deepEqual(r.val, want, s);
  }
  for (const bad of ['P', 'P ', '1M', 'P1', 'P1X', 'PXD', 'P1.5D', '']) {
    const r = parseDuration(bad);
    assert.ok(r.err, bad);
    assert.equal(r.val.code, 'QUORATE_ERR_BAD_DATE');
  }
  const d = durationFromSpec({ years: '1', months: '19', weeks: '2', extra: { days: '1' }, hours: '3', minutes: '4', seconds: '5' });
  assert.ok(d.ok);
  assert.deepEqual(d.val, { years: 1, months: 19, days: 15, seconds: 3 * 3600 + 4 * 60 + 5 });
  assert.ok(durationFromSpec({ months: 'x' }).err);
});

test('adding durations uses Pacemaker month/year arithmetic', () => {
  const add = (from: number, s: string): number => {
    const d = parseDuration(s);
    assert.ok(d.ok);
    return addDuration(from, d.val);
  };
  assert.equal(add(utc(2005, 1, 31), 'P1M'), utc(2005, 2, 28));
  assert.equal(add(utc(2004, 1, 31), 'P1M'), utc(2004, 2, 29));
  assert.equal(add(utc(2005, 1, 31, 10), 'P13M'), utc(2006, 2, 28, 10));
  // A year keeps the day of the year: Feb 29 2004 (day 60) -> day 60 of 2005 = Mar 1.
  assert.equal(add(utc(2004, 2, 29), 'P1Y'), utc(2005, 3, 1));
  assert.equal(add(utc(2005, 12, 31, 23), 'PT2H'), utc(2006, 1, 1, 1));
  assert.equal(add(utc(2005, 1, 1), 'P2W'), utc(2005, 1, 15));
  // Calendar arithmetic happens in the given offset: Mar 1 03:00 UTC is Feb 28 22:00 at
  // UTC-5, a month later is Mar 28 22:00 there (in UTC it would be Apr 1).
  const one = { years: 0, months: 1, days: 0, seconds: 0 };
  assert.equal(addDuration(utc(2005, 3, 1, 3), one, -5 * 3600), utc(2005, 3, 29, 3));
  assert.equal(addDuration(utc(2005, 3, 1, 3), one), utc(2005, 4, 1, 3));
});

test('formats like crm_time_as_string', () => {
  assert.equal(formatDateTime(utc(2019, 9, 23, 17)), '2019-09-23 17:00:00Z');
  assert.equal(formatDateTime(utc(2019, 9, 23, 23), -5 * 3600), '2019-09-23 18:00:00 -05:00');
});
