/**
 * Pacemaker date/time arithmetic (lib/common/iso8601.c), as pure functions.
 *
 * Instants are epoch seconds (UTC). A parsed date keeps the UTC offset it was
 * written with, because date_spec fields (hour, weekday, …) are read in that offset.
 * Accepted forms, as `crm_simulate -t` and `<date_expression start/end>` take them
 * (Pacemaker's `parse_date`): calendar `2005-02-01` / `20050201`, ordinal
 * `2005-020`, week `2005-W05-2`, or `epoch`; then optionally `T` or a space and a
 * time `12[:00[:00]]` / `1200[00]` (24:00:00 is midnight next day); then
 * optionally (after optional blanks) `Z` or `±hh[[:]mm]`. A time alone (`T12:00`,
 * `12:00`) takes its date from `today`.
 * Differences, on purpose: a date without an offset is read as UTC unless
 * `defaultOffsetS` says otherwise (Pacemaker uses the host's local zone; a pure
 * library cannot), and an offset written right after the time without a blank
 * (`12:00+02:00`) is honoured (Pacemaker silently ignores it).
 * @module
 */
import { Ok, Err, type Result } from '../util/result.js';
import type { QuorateErrorShape } from '../util/result.js';
import type { DateSpec } from './types.js';

/** A date or duration string that does not parse. */
export interface DateError extends QuorateErrorShape {
  readonly code: 'QUORATE_ERR_BAD_DATE';
  /** The offending input. */
  readonly input: string;
}

function dateError(input: string, why: string): DateError {
  const shown = input.length > 60 ? `${input.slice(0, 60)}…` : input;
  return { code: 'QUORATE_ERR_BAD_DATE', input, message: `"${shown}": ${why}` };
}

/** An instant plus the UTC offset it was written in. */
export interface ZonedTime {
  /** Seconds since 1970-01-01T00:00:00Z. */
  readonly epochS: number;
  /** Offset from UTC in seconds (east positive); calendar fields are read in it. */
  readonly offsetS: number;
}

/** Options for {@link parseDateTime}. */
export interface ParseDateOptions {
  /** Offset to assume when the string has none (default 0 = UTC). */
  readonly defaultOffsetS?: number;
  /** "Today" for time-only strings (`T12:00`, `12:00:00`); without it they are errors. */
  readonly today?: number;
}

/**
 * A duration as Pacemaker keeps it: years and months stay calendar units (so
 * adding a month to Jan 31 lands on Feb 28/29), weeks fold into days, hours and
 * minutes into seconds.
 */
export interface Duration {
  readonly years: number;
  readonly months: number;
  readonly days: number;
  readonly seconds: number;
}

/** Calendar fields of an instant, as date_spec reads them. */
export interface CalendarFields {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly monthday: number;
  /** 1..366 */
  readonly yearday: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** ISO week number 1..53. */
  readonly week: number;
  /** ISO week-numbering year (may differ from `year` near Jan 1). */
  readonly weekyear: number;
  /** Moon phase 0..7 as Pacemaker computes it (0 = new, 4 = full). */
  readonly moon: number;
}

const DAY_S = 86_400;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** True for Gregorian leap years. */
export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in month `m` (1..12) of year `y`. */
export function daysInMonth(m: number, y: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1]!;
}

/** Days in year `y`. */
export function daysInYear(y: number): number {
  return isLeapYear(y) ? 366 : 365;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): { y: number; m: number; d: number } {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

/** ISO weekday (1 = Mon) of a day number since the epoch (1970-01-01 was a Thursday). */
function weekdayOfDays(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

/** Number of ISO weeks (52 or 53) in week-year `y`. */
export function isoWeeksInYear(y: number): number {
  const jan1 = weekdayOfDays(daysFromCivil(y, 1, 1));
  return jan1 === 4 || (jan1 === 3 && isLeapYear(y)) ? 53 : 52;
}

/** Epoch seconds of a UTC calendar date-time. */
export function epochFromCalendar(y: number, m: number, d: number, h = 0, mi = 0, s = 0): number {
  return daysFromCivil(y, m, d) * DAY_S + h * 3600 + mi * 60 + s;
}

/** Calendar fields of `epochS` seen at UTC offset `offsetS` (default UTC). */
export function calendarFields(epochS: number, offsetS = 0): CalendarFields {
  const local = Math.floor(epochS) + offsetS;
  const days = Math.floor(local / DAY_S);
  const sod = local - days * DAY_S;
  const { y, m, d } = civilFromDays(days);
  const yearday = days - daysFromCivil(y, 1, 1) + 1;
  const weekday = weekdayOfDays(days);
  // ISO week: the week containing this day's Thursday decides the week-year.
  const thursday = days - weekday + 4;
  const weekyear = civilFromDays(thursday).y;
  const week = Math.floor((thursday - daysFromCivil(weekyear, 1, 1)) / 7) + 1;
  return {
    year: y, month: m, monthday: d, yearday,
    hour: Math.floor(sod / 3600), minute: Math.floor((sod % 3600) / 60), second: sod % 60,
    weekday, week, weekyear, moon: moonPhase(y, yearday),
  };
}

/**
 * Pacemaker's `phase_of_the_moon` (from BSD pom): 0..7 from the year's golden
 * number and the day of the year.
 */
export function moonPhase(year: number, yearday: number): number {
  const goldn = (year % 19) + 1;
  let epact = (11 * goldn + 18) % 30;
  if ((epact === 25 && goldn > 11) || epact === 24) epact++;
  return ((((yearday + epact) * 6 + 11) % 177) / 22 | 0) & 7;
}

// Pacemaker reads week dates only with dashes and the day (sscanf "%d-W%d-%d"),
// ordinal dates only with a dash ("%d-%d"); compact forms exist for calendar dates.
const DATE_WEEK = /^(\d{4})-W(\d{1,2})-(\d)/;
const DATE_CAL = /^(\d{4})-(\d{1,2})-(\d{1,2})/;
const DATE_CAL_COMPACT = /^(\d{4})(\d{2})(\d{2})(?!\d)/;
const DATE_ORD = /^(\d{4})-(\d{1,3})(?![\d-])/;
const EPOCH = /^epoch(?=$|[\s/])/i;
const TIME = /^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?/;
const OFFSET = /^\s*(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Day number since epoch of a date part, or an error message. */
function parseDatePart(s: string): { days: number; rest: string } | string {
  let m = DATE_WEEK.exec(s);
  if (m) {
    const y = Number(m[1]);
    const w = Number(m[2]);
    const wd = Number(m[3]);
    if (w < 1 || w > isoWeeksInYear(y)) return `week ${w} does not exist in ${y}`;
    if (wd < 1 || wd > 7) return `day ${wd} of the week is out of range (1-7)`;
    // Week 1 is the week holding Jan 4.
    const jan4 = daysFromCivil(y, 1, 4);
    const week1Monday = jan4 - (weekdayOfDays(jan4) - 1);
    return { days: week1Monday + (w - 1) * 7 + (wd - 1), rest: s.slice(m[0].length) };
  }
  m = DATE_CAL.exec(s) ?? DATE_CAL_COMPACT.exec(s);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    if (mo < 1 || mo > 12) return `month ${mo} is out of range`;
    if (d < 1 || d > daysInMonth(mo, y)) return `day ${d} does not exist in ${y}-${String(mo).padStart(2, '0')}`;
    return { days: daysFromCivil(y, mo, d), rest: s.slice(m[0].length) };
  }
  m = DATE_ORD.exec(s);
  if (m) {
    const y = Number(m[1]);
    const yd = Number(m[2]);
    if (yd < 1 || yd > daysInYear(y)) return `day-of-year ${yd} does not exist in ${y}`;
    return { days: daysFromCivil(y, 1, 1) + yd - 1, rest: s.slice(m[0].length) };
  }
  return 'not an ISO 8601 date (YYYY-MM-DD, YYYY-DDD or YYYY-Www-D)';
}

/** Seconds into the day and offset of a time part (`12:00:00+02:00`). */
function parseTimePart(s: string, defaultOffsetS: number): { sod: number; offsetS: number } | string {
  const m = TIME.exec(s);
  if (!m) return 'not a time of day (hh:mm[:ss])';
  const h = Number(m[1]);
  const mi = m[2] === undefined ? 0 : Number(m[2]);
  const sec = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 24 || (h === 24 && (mi !== 0 || sec !== 0))) return `hour ${h} is out of range`;
  if (mi > 59) return `minute ${mi} is out of range`;
  if (sec > 59) return `second ${sec} is out of range`;
  const rest = s.slice(m[0].length);
  let offsetS = defaultOffsetS;
  if (rest.trim() !== '') {
    const o = OFFSET.exec(rest);
    if (!o) return `unexpected "${rest.trim()}" after the time`;
    if (o[1] === undefined) {
      const oh = Number(o[3]);
      const om = o[4] === undefined ? 0 : Number(o[4]);
      if (oh > 23 || om > 59) return `UTC offset ${rest.trim()} is out of range`;
      offsetS = (o[2] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
    } else {
      offsetS = 0;
    }
  }
  return { sod: h * 3600 + mi * 60 + sec, offsetS };
}

/**
 * Parses a Pacemaker/ISO 8601 date-time (see module doc), keeping its UTC offset.
 * Errors name the input and why (month out of range, trailing text, …).
 */
export function parseZonedDateTime(input: string, opts: ParseDateOptions = {}): Result<ZonedTime, DateError> {
  const s = input.trim();
  const defaultOffsetS = opts.defaultOffsetS ?? 0;
  if (s === '') return Err(dateError(input, 'empty date'));
  // Time only: Pacemaker infers today's date.
  if (s.startsWith('T') || /^\d{2}:/.test(s)) {
    if (opts.today === undefined) return Err(dateError(input, 'a time without a date needs "today"'));
    const t = parseTimePart(s.startsWith('T') ? s.slice(1) : s, defaultOffsetS);
    if (typeof t === 'string') return Err(dateError(input, t));
    const todayDays = Math.floor((opts.today + t.offsetS) / DAY_S);
    return Ok({ epochS: todayDays * DAY_S + t.sod - t.offsetS, offsetS: t.offsetS });
  }
  // Pacemaker's "epoch" keyword: 1970-01-01 00:00:00 UTC.
  if (EPOCH.test(s)) return Ok({ epochS: 0, offsetS: 0 });
  const d = parseDatePart(s);
  if (typeof d === 'string') return Err(dateError(input, d));
  let sod = 0;
  let offsetS = defaultOffsetS;
  if (d.rest !== '') {
    if (d.rest[0] !== 'T' && d.rest[0] !== ' ') return Err(dateError(input, `unexpected "${d.rest}" after the date`));
    const t = parseTimePart(d.rest.slice(1).trimStart(), defaultOffsetS);
    if (typeof t === 'string') return Err(dateError(input, t));
    sod = t.sod;
    offsetS = t.offsetS;
  }
  return Ok({ epochS: d.days * DAY_S + sod - offsetS, offsetS });
}

/** Parses a Pacemaker/ISO 8601 date-time into epoch seconds (see module doc). */
export function parseDateTime(input: string, opts: ParseDateOptions = {}): Result<number, DateError> {
  return parseZonedDateTime(input, opts).map((z) => z.epochS);
}

/**
 * Parses an ISO 8601 duration as Pacemaker's `crm_time_parse_duration` does:
 * `P` then integers with units Y, M (months; minutes after `T`), W, D, H, S, in
 * any order (`P1Y2M3DT4H5M6S`, `PT1M`, `P2W`, `P1H`); values may be negative; the
 * text ends at a blank or `/` (the rest is ignored, as in a period).
 */
export function parseDuration(input: string): Result<Duration, DateError> {
  const s = input.trim();
  if (s[0] !== 'P') return Err(dateError(input, 'an ISO 8601 duration starts with "P"'));
  if (s.length === 1 || /\s/.test(s[1]!)) return Err(dateError(input, 'nothing follows "P"'));
  let years = 0, months = 0, days = 0, seconds = 0;
  let isTime = false;
  let i = 1;
  while (i < s.length && s[i] !== '/' && !/\s/.test(s[i]!)) {
    if (s[i] === 'T') { isTime = true; i++; continue; }
    const m = /^([+-]?)(\d{1,10})/.exec(s.slice(i));
    if (!m) return Err(dateError(input, `no integer at "${s.slice(i)}"`));
    const n = (m[1] === '-' ? -1 : 1) * Number(m[2]);
    i += m[0].length;
    switch (s[i]) {
      case 'Y': years = n; break;
      case 'M': if (isTime) seconds += n * 60; else months = n; break;
      case 'W': days += n * 7; break;
      case 'D': days += n; break;
      case 'H': seconds += n * 3600; break;
      case 'S': seconds += n; break;
      case undefined: return Err(dateError(input, `no unit after ${n}`));
      default: return Err(dateError(input, `"${s[i]!}" is not a duration unit (Y M W D H S)`));
    }
    i++;
  }
  return Ok({ years, months, days, seconds });
}

const SPEC_INT = /^\s*[+-]?\d+\s*$/;

/**
 * A `<duration>` element's fields (years, months, weeks, days, hours, minutes,
 * seconds; integers) as a {@link Duration}. Absent fields are 0. `days` is read
 * from `extra.days` too, since the DateSpec model has no such field.
 */
export function durationFromSpec(spec: DateSpec): Result<Duration, DateError> {
  const fields = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;
  const v: Record<string, number> = {};
  for (const f of fields) {
    // DateSpec has no `days` field (date_spec has none); a parsed <duration days>
    // lands in `extra`.
    const raw = f === 'days'
      ? (spec as { days?: string }).days ?? spec.extra?.['days']
      : spec[f];
    if (raw === undefined) { v[f] = 0; continue; }
    if (!SPEC_INT.test(raw)) return Err(dateError(raw, `duration field ${f} is not an integer`));
    v[f] = Number(raw);
  }
  return Ok({
    years: v['years']!, months: v['months']!, days: v['weeks']! * 7 + v['days']!,
    seconds: v['hours']! * 3600 + v['minutes']! * 60 + v['seconds']!,
  });
}

/**
 * Adds a duration as Pacemaker's `crm_time_add` does, in the calendar of `offsetS`:
 * years keep the day of the year, months keep the day of the month (clamped to the
 * target month's length), then days and seconds are added exactly.
 */
export function addDuration(epochS: number, dur: Duration, offsetS = 0): number {
  const local = epochS + offsetS;
  const days = Math.floor(local / DAY_S);
  const sod = local - days * DAY_S;
  let { y } = civilFromDays(days);
  let yd = days - daysFromCivil(y, 1, 1) + 1;
  if (dur.years !== 0) {
    y += dur.years;
    yd = Math.min(yd, daysInYear(y));
  }
  // Gregorian view of (y, yd), then month arithmetic with day clamping.
  const g = civilFromDays(daysFromCivil(y, 1, 1) + yd - 1);
  let mo = g.m - 1 + dur.months;
  const yy = g.y + Math.floor(mo / 12);
  mo = ((mo % 12) + 12) % 12 + 1;
  const d = Math.min(g.d, daysInMonth(mo, yy));
  const newDays = daysFromCivil(yy, mo, d) + dur.days;
  return newDays * DAY_S + sod + dur.seconds - offsetS;
}

/**
 * A `<duration>` as Pacemaker's `pe_parse_xml_duration` reads it: each field's
 * leading integer (trailing text ignored); fields that do not start with one are
 * skipped rather than rejected.
 */
export function durationFromSpecLenient(spec: DateSpec): Duration {
  const get = (f: 'years' | 'months' | 'weeks' | 'days' | 'hours' | 'minutes' | 'seconds'): number => {
    const raw = f === 'days' ? (spec as { days?: string }).days ?? spec.extra?.['days'] : spec[f];
    const m = raw === undefined ? null : /^\s*[+-]?\d+/.exec(raw);
    return m ? Number(m[0]) : 0;
  };
  return {
    years: get('years'), months: get('months'), days: get('weeks') * 7 + get('days'),
    seconds: get('hours') * 3600 + get('minutes') * 60 + get('seconds'),
  };
}

/** Total seconds of a duration taken from `epochS` (calendar-aware). */
export function durationSeconds(dur: Duration, fromEpochS = 0): number {
  return addDuration(fromEpochS, dur) - fromEpochS;
}

/**
 * Formats an instant as crm_time_as_string with date, time and zone does:
 * `2019-09-23 17:00:00Z`, or `… +02:00` for a non-zero offset.
 */
export function formatDateTime(epochS: number, offsetS = 0): string {
  const f = calendarFields(epochS, offsetS);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  let zone = 'Z';
  if (offsetS !== 0) {
    const a = Math.abs(offsetS);
    zone = ` ${offsetS < 0 ? '-' : '+'}${p(Math.floor(a / 3600))}:${p(Math.floor((a % 3600) / 60))}`;
  }
  return `${p(f.year, 4)}-${p(f.month)}-${p(f.monthday)} ${p(f.hour)}:${p(f.minute)}:${p(f.second)}${zone}`;
}
