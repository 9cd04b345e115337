/**
 * Pacemaker value syntaxes: scores, intervals and booleans.
 *
 * Pure functions mirroring Pacemaker 2.1's `char2score`, `pcmk__add_scores`,
 * `crm_get_msec`, `crm_parse_interval_spec` and `crm_str_to_boolean`.
 * @module
 */
import { Ok, Err, type Result } from '../util/result.js';
import { INFINITY, type Score } from './types.js';

const INT_RE = /^[+-]?[0-9]+$/;

/**
 * Parses a Pacemaker score: an integer, `INFINITY`, `+INFINITY` or `-INFINITY`.
 * Integers are clamped to ±INFINITY (1,000,000). Node-health colour names
 * (`red`/`yellow`/`green`) are not accepted here: they are only meaningful for
 * node-health strategy options, never in a constraint or set score.
 * Surrounding whitespace is tolerated (Pacemaker's strtoll skips leading blanks).
 */
export function parseScore(s: string): Result<Score, string> {
  const t = s.trim();
  if (t === 'INFINITY' || t === '+INFINITY') return Ok(INFINITY);
  if (t === '-INFINITY') return Ok(-INFINITY);
  // Pacemaker compares the infinity spellings case-sensitively (a lower-case
  // "infinity" silently scores 0 there, and the schema rejects it): refuse it.
  if (!INT_RE.test(t)) return Err(`"${truncate(s)}" is not a score (an integer or [+-]INFINITY)`);
  const n = Number(t);
  return Ok(clampScore(n));
}

/** Clamps a number to [-INFINITY, INFINITY] and truncates it to an integer. */
export function clampScore(n: number): Score {
  if (Number.isNaN(n)) return 0;
  if (n >= INFINITY) return INFINITY;
  if (n <= -INFINITY) return -INFINITY;
  return Math.trunc(n);
}

/**
 * Adds two scores the way Pacemaker does: -INFINITY wins over everything
 * (including +INFINITY), then +INFINITY wins, else the sum is clamped.
 */
export function addScores(a: Score, b: Score): Score {
  if (a <= -INFINITY || b <= -INFINITY) return -INFINITY;
  if (a >= INFINITY || b >= INFINITY) return INFINITY;
  return clampScore(a + b);
}

/** Formats a score as Pacemaker writes it: `INFINITY`, `-INFINITY` or the integer. */
export function scoreToString(n: Score): string {
  if (n >= INFINITY) return 'INFINITY';
  if (n <= -INFINITY) return '-INFINITY';
  return String(Math.trunc(n));
}

const MS_PER_S = 1000;
const MS_PER_MIN = 60 * MS_PER_S;
const MS_PER_H = 60 * MS_PER_MIN;
const MS_PER_D = 24 * MS_PER_H;

/**
 * Parses a time value with `crm_get_msec` semantics into milliseconds.
 * A bare number is seconds; units (case-insensitive, matched by prefix as
 * Pacemaker does) are ms/msec, us/usec, s/sec, m/min, h/hr. Like Pacemaker, the
 * number is read as an integer ("1.5s" is 1 s). Values starting with `P` are
 * ISO 8601 durations (`PT1M`, `P1DT2H`), as `crm_parse_interval_spec` allows.
 */
export function parseInterval(s: string): Result<number, string> {
  const t = s.trim();
  if (t.startsWith('P')) return parseIsoDuration(t);
  const m = /^([0-9.]+)\s*(.*)$/s.exec(t);
  if (!m) return Err(`"${truncate(s)}" is not a time interval`);
  const numText = m[1]!;
  const units = m[2]!.toLowerCase();
  let mult = MS_PER_S;
  let div = 1;
  // Order matters: Pacemaker tests "ms" before "m" and "us" before "s".
  if (units.startsWith('ms') || units.startsWith('msec')) mult = 1;
  else if (units.startsWith('us') || units.startsWith('usec')) { mult = 1; div = 1000; }
  else if (units.startsWith('s')) mult = MS_PER_S;
  else if (units.startsWith('m')) mult = MS_PER_MIN;
  else if (units.startsWith('h')) mult = MS_PER_H;
  else if (units !== '') return Err(`"${truncate(s)}" has unknown time units "${truncate(units)}"`);
  const intMatch = /^[0-9]+/.exec(numText);
  if (!intMatch) return Err(`"${truncate(s)}" is not a time interval`);
  const n = Number(intMatch[0]);
  if (!Number.isSafeInteger(n)) return Err(`"${truncate(s)}" is too large`);
  return Ok(Math.floor((n * mult) / div));
}

/**
 * An interval in milliseconds, 0 when absent or unparsable: for operation
 * intervals, where Pacemaker treats a bad value like no interval at all.
 */
export function intervalOrZero(s: string | undefined): number {
  if (s === undefined) return 0;
  const r = parseInterval(s);
  return r.ok ? r.val : 0;
}

/**
 * Parses an ISO 8601 duration into ms, as leniently as Pacemaker's
 * `crm_time_parse_duration`: `P` then number+unit pairs (Y, M, W, D, H, M, S); `T`
 * only tells minutes from months, so "P10S" is ten seconds.
 */
export function parseIsoDuration(s: string): Result<number, string> {
  const t = s.trim();
  if (!t.startsWith('P') || t.length < 2) return Err(`"${truncate(s)}" is not an ISO 8601 duration`);
  let ms = 0;
  let isTime = false;
  let i = 1;
  while (i < t.length) {
    if (t[i] === 'T') { isTime = true; i++; continue; }
    const m = /^(\d+)([YMWDHS])/.exec(t.slice(i));
    if (!m) return Err(`"${truncate(s)}" is not an ISO 8601 duration`);
    const n = Number(m[1]);
    switch (m[2]) {
      // Pacemaker counts a duration's year as 365 days and a month as 30 days.
      case 'Y': ms += n * 365 * MS_PER_D; break;
      case 'M': ms += isTime ? n * MS_PER_MIN : n * 30 * MS_PER_D; break;
      case 'W': ms += n * 7 * MS_PER_D; break;
      case 'D': ms += n * MS_PER_D; break;
      case 'H': ms += n * MS_PER_H; break;
      default: ms += n * MS_PER_S; break;
    }
    i += m[0].length;
  }
  if (!Number.isSafeInteger(ms)) return Err(`"${truncate(s)}" is too large`);
  return Ok(ms);
}

const TRUE_WORDS = new Set(['true', 'on', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'off', 'no', 'n', '0']);

/** `crm_is_true`: true/on/yes/y/1, case-insensitive. Undefined is false. */
export function isTrue(s: string | undefined): boolean {
  return s !== undefined && TRUE_WORDS.has(s.trim().toLowerCase());
}

/** The explicit false spellings: false/off/no/n/0, case-insensitive. */
export function isFalse(s: string | undefined): boolean {
  return s !== undefined && FALSE_WORDS.has(s.trim().toLowerCase());
}

/** Parses a boolean word; anything that is neither true nor false is an error. */
export function parseBoolean(s: string): Result<boolean, string> {
  if (isTrue(s)) return Ok(true);
  if (isFalse(s)) return Ok(false);
  return Err(`"${truncate(s)}" is not a boolean`);
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
