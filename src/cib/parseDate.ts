/**
 * Syntax check of the date forms Pacemaker's `crm_time_new` accepts, used to reject
 * bad `start`/`end` values of a `<date_expression>` while parsing. Evaluating dates
 * is the rules module's job; this only decides "would Pacemaker read this".
 * @module
 */

const DATE_PART = /^(\d{4})(?:-(\d{2})-(\d{2})|-(\d{3})|-W(\d{2})-(\d)|(\d{2})(\d{2}))$/;
const TIME_PART = /^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?$/;
const OFFSET = /^(?:Z|[+-]\d{2}(?::?\d{2})?)$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * True when `s` is a date Pacemaker reads: `YYYY-MM-DD`, `YYYY-DDD` (ordinal),
 * `YYYY-Www-D` (ISO week) or `YYYYMMDD`, optionally followed by a space or `T` and
 * `HH[:MM[:SS]]`, optionally followed by `Z` or an offset `±HH[:MM]`.
 */
export function isPacemakerDate(s: string): boolean {
  const t = s.trim();
  if (t === '') return false;
  const m = /^(\S+?)(?:[ T](.+))?$/.exec(t);
  if (!m) return false;
  const date = DATE_PART.exec(m[1]!);
  if (!date) return false;
  const year = Number(date[1]);
  if (date[2] !== undefined || date[7] !== undefined) {
    const month = Number(date[2] ?? date[7]);
    const day = Number(date[3] ?? date[8]);
    if (month < 1 || month > 12 || day < 1) return false;
    if (day > DAYS_IN_MONTH[month - 1]! || (month === 2 && day === 29 && !isLeap(year))) return false;
  } else if (date[4] !== undefined) {
    const yday = Number(date[4]);
    if (yday < 1 || yday > (isLeap(year) ? 366 : 365)) return false;
  } else {
    const week = Number(date[5]);
    const wday = Number(date[6]);
    if (week < 1 || week > 53 || wday < 1 || wday > 7) return false;
  }
  if (m[2] === undefined) return true;
  return isTimeWithOffset(m[2].trim());
}

function isTimeWithOffset(s: string): boolean {
  const m = /^([0-9:.,]+)\s*(.*)$/.exec(s);
  if (!m) return false;
  const time = TIME_PART.exec(m[1]!);
  if (!time) return false;
  const h = Number(time[1]);
  const min = time[2] === undefined ? 0 : Number(time[2]);
  const sec = time[3] === undefined ? 0 : Number(time[3]);
  // 24:00:00 is ISO 8601's end of day; Pacemaker accepts it.
  if (h > 24 || min > 59 || sec > 60 || (h === 24 && (min > 0 || sec > 0))) return false;
  const off = m[2]!.trim();
  return off === '' || OFFSET.test(off);
}
