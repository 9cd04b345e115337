/**
 * Rule evaluation with Pacemaker 2.1 semantics (lib/pengine/rules.c).
 *
 * A rule is a boolean combination (`and` by default, short-circuit) of attribute,
 * date, resource and operation expressions and nested rules. Pacemaker's corner
 * cases kept here on purpose:
 * - an empty `and` rule passes, an empty `or` rule fails;
 * - attribute expressions (including `#uname` etc.) never pass without node
 *   attributes in the context — not even `not_defined`;
 * - `#role` expressions compare the context role; without one they fail;
 * - comparisons default to `integer` for lt/lte/gt/gte (`number` if either side has a
 *   '.'), `string` otherwise; an integer parse keeps the leading digits ("3.6" is 3);
 *   when a side does not parse as the requested type the values compare as strings;
 *   strings compare case-insensitively; eq/ne with a missing side: both missing are
 *   equal, one missing is unequal; lt/gt… with a missing side fail;
 * - date expressions: in_range (the default) is inclusive at both ends and needs a
 *   start or an end (an end may come from start + `<duration>`); gt needs start, lt
 *   needs end; a date that does not parse counts as absent; a `<duration>` field
 *   that is not an integer is skipped; date_spec fields are single values or ranges
 *   "a-b", "a-" or "-b", absent fields are ignored, malformed ones fail;
 * - rsc_expression: class and type match when given; provider must match exactly,
 *   so an expression without provider only matches agents without one;
 * - op_expression: name must match, and interval when given.
 * All functions are pure: "now" comes from the context.
 * @module
 */
import { Ok, Err, type Result } from '../util/result.js';
import type { QuorateErrorShape } from '../util/result.js';
import type { AttrExpression, DateExpression, DateSpec, Expression, OpExpression, Rule, RscExpression, Score } from './types.js';
import { INFINITY } from './types.js';
import { addDuration, calendarFields, durationFromSpecLenient, parseZonedDateTime, type CalendarFields } from './dates.js';
import { clampScore, parseInterval, parseScore } from './values.js';

/** A string map given as a Map or a plain record. */
export type AttrSource = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** Reads `key` from an {@link AttrSource}. */
export function lookupAttr(src: AttrSource | undefined, key: string): string | undefined {
  if (src === undefined) return undefined;
  if (src instanceof Map) return (src as ReadonlyMap<string, string>).get(key);
  return Object.prototype.hasOwnProperty.call(src, key) ? (src as Record<string, string>)[key] : undefined;
}

/** What a rule is evaluated against. Every field is optional; see each for what its absence means. */
export interface RuleContext {
  /** Current time, epoch seconds. Without it every date expression fails. */
  readonly now?: number;
  /** UTC offset (seconds) in which date_spec reads calendar fields; default 0. */
  readonly utcOffsetS?: number;
  /** The node's attributes (including `#uname`, `#id`, `#kind`, `#is_dc`, …). Without them attribute expressions fail. */
  readonly nodeAttrs?: AttrSource;
  /**
   * Resource agent standard/provider/type, for rsc_expression. Resource data counts
   * as given when any of the three keys is present (even with an undefined value);
   * without any, rsc_expression fails.
   */
  readonly rscClass?: string;
  readonly rscProvider?: string;
  readonly rscType?: string;
  /** Operation name and interval (ms), for op_expression. Without a name, op_expression fails. */
  readonly opName?: string;
  readonly opIntervalMs?: number;
  /** Resource parameters and meta-attributes, for `value-source="param"|"meta"`. */
  readonly params?: AttrSource;
  readonly meta?: AttrSource;
  /** Resource role (Stopped, Started, Unpromoted/Slave, Promoted/Master), for `#role`. */
  readonly role?: string;
  /** Rules by id, to resolve `<rule id-ref>`. */
  readonly rulesById?: ReadonlyMap<string, Rule>;
  /** Submatches of a location constraint's rsc-pattern; `%0`..`%9` in attribute names expand to them. */
  readonly reMatches?: readonly string[];
}

/** A problem that stops a rule being evaluated faithfully. */
export interface RuleError extends QuorateErrorShape {
  readonly code: 'QUORATE_ERR_DANGLING_REF' | 'QUORATE_ERR_BAD_RULE';
  /** id of the rule or expression concerned. */
  readonly id: string;
}

/** The outcome of a rule, with when it may next change. */
export interface RuleEvaluation {
  readonly passed: boolean;
  /**
   * Earliest instant (epoch s) after `now` at which a date expression that was
   * evaluated may change value, if known (date_spec does not contribute, as in
   * Pacemaker). Use it to schedule a cluster recheck.
   */
  readonly nextChangeS?: number;
}

interface EvalState {
  nextChange: number | undefined;
  error: RuleError | undefined;
  depth: number;
}

const MAX_DEPTH = 64;

/**
 * Evaluates a rule, reporting a dangling `id-ref` (or id-ref cycle) as an error.
 * A dangling reference inside a rule makes that sub-rule fail, as in Pacemaker;
 * the error is still reported so callers can log it.
 */
export function evaluateRuleResult(rule: Rule, ctx: RuleContext): Result<RuleEvaluation, RuleError> {
  const st: EvalState = { nextChange: undefined, error: undefined, depth: 0 };
  const passed = evalRule(rule, ctx, st);
  if (st.error !== undefined) return Err(st.error);
  return Ok(st.nextChange === undefined ? { passed } : { passed, nextChangeS: st.nextChange });
}

/** Evaluates a rule to a boolean (a dangling id-ref makes its sub-rule fail). */
export function evaluateRule(rule: Rule, ctx: RuleContext): boolean {
  const st: EvalState = { nextChange: undefined, error: undefined, depth: 0 };
  return evalRule(rule, ctx, st);
}

/** Evaluates a rule and returns when its value may next change (see {@link RuleEvaluation}). */
export function evaluateRuleWithNextChange(rule: Rule, ctx: RuleContext): RuleEvaluation {
  const st: EvalState = { nextChange: undefined, error: undefined, depth: 0 };
  const passed = evalRule(rule, ctx, st);
  return st.nextChange === undefined ? { passed } : { passed, nextChangeS: st.nextChange };
}

/**
 * Resolves a rule's `id-ref` through `rulesById` (following chains).
 * Returns undefined when the reference dangles or loops.
 */
export function resolveRuleRef(rule: Rule, rulesById: ReadonlyMap<string, Rule> | undefined): Rule | undefined {
  let r: Rule = rule;
  for (let i = 0; r.idRef !== undefined; i++) {
    if (i >= MAX_DEPTH) return undefined;
    const target = rulesById?.get(r.idRef);
    // The parser inlines the referenced body; use it when the map cannot help.
    if (target === undefined || target === r) return r.expressions.length > 0 ? r : undefined;
    r = target;
  }
  return r;
}

/**
 * The score a location-constraint rule gives a node, or undefined when the rule
 * does not pass. Pacemaker 2.1 (`get_node_score`): `score` when set, else the
 * node attribute named by `score-attribute` — when the node lacks it the score
 * is -INFINITY; a rule with neither scores 0. The attribute value is read with
 * {@link char2score} ("12abc" is 12, "abc" is 0). For resources in bundles with
 * `container-attribute-target=host`, pass the host's attributes.
 */
export function ruleScore(rule: Rule, ctx: RuleContext): Score | undefined {
  const r = resolveRuleRef(rule, ctx.rulesById);
  if (r === undefined || !evaluateRule(r, ctx)) return undefined;
  if (r.score !== undefined) return r.score;
  if (r.scoreAttribute === undefined) return 0;
  const v = lookupAttr(ctx.nodeAttrs, r.scoreAttribute);
  if (v === undefined) return -INFINITY;
  return char2score(v);
}

/**
 * Pacemaker's `char2score` for values read at run time (node attributes): the
 * infinity spellings, else the leading integer (trailing text ignored, none = 0),
 * clamped to ±INFINITY.
 */
export function char2score(v: string): Score {
  const s = parseScore(v);
  if (s.ok) return s.val;
  const m = /^\s*[+-]?\d+/.exec(v);
  return m ? clampScore(Number(m[0])) : 0;
}

function evalRule(rule: Rule, ctx: RuleContext, st: EvalState): boolean {
  if (st.depth >= MAX_DEPTH) {
    st.error ??= { code: 'QUORATE_ERR_BAD_RULE', id: rule.id, message: `rule ${rule.id}: nested too deeply (id-ref cycle?)` };
    return false;
  }
  const r = resolveRuleRef(rule, ctx.rulesById);
  if (r === undefined) {
    st.error ??= {
      code: 'QUORATE_ERR_DANGLING_REF', id: rule.id,
      message: `rule ${rule.id}: id-ref "${rule.idRef ?? ''}" names no rule`,
    };
    return false;
  }
  const isAnd = r.booleanOp !== 'or';
  st.depth++;
  try {
    for (const e of r.expressions) {
      const ok = evalExpression(e, ctx, st);
      if (ok && !isAnd) return true;
      if (!ok && isAnd) return false;
    }
  } finally {
    st.depth--;
  }
  return isAnd;
}

/** Evaluates one expression of a rule (exported for callers that hold a bare expression). */
export function evaluateExpression(e: Expression, ctx: RuleContext): boolean {
  return evalExpression(e, ctx, { nextChange: undefined, error: undefined, depth: 0 });
}

function evalExpression(e: Expression, ctx: RuleContext, st: EvalState): boolean {
  switch (e.kind) {
    case 'rule': return evalRule(e, ctx, st);
    case 'expression': return evalAttrExpression(e, ctx);
    case 'date_expression': return evalDateExpression(e, ctx, st);
    case 'rsc_expression': return evalRscExpression(e, ctx);
    case 'op_expression': return evalOpExpression(e, ctx);
  }
}

// ------------------------------------------------------------ attribute expressions

const ROLE_RANK: Readonly<Record<string, number>> = {
  unknown: 0, stopped: 1, started: 2, unpromoted: 3, slave: 3, promoted: 4, master: 4,
};

function roleRank(role: string | undefined): number {
  return role === undefined ? 0 : ROLE_RANK[role.toLowerCase()] ?? 0;
}

/** Pacemaker's `pe__eval_role_expr`. */
function evalRoleExpression(e: AttrExpression, ctx: RuleContext): boolean {
  const role = roleRank(ctx.role);
  if (role === 0) return false;
  switch (e.operation) {
    case 'defined': return role > ROLE_RANK['started']!;
    case 'not_defined': return role < ROLE_RANK['unpromoted']!;
    case 'eq': return roleRank(e.value) === role;
    // "ne" is only meaningful for promotable roles.
    case 'ne': return role >= ROLE_RANK['unpromoted']! && roleRank(e.value) !== role;
    default: return false;
  }
}

function expandMatches(attr: string, matches: readonly string[] | undefined): string {
  if (matches === undefined || !attr.includes('%')) return attr;
  return attr.replace(/%(\d)/g, (whole, d: string) => matches[Number(d)] ?? '');
}

function evalAttrExpression(e: AttrExpression, ctx: RuleContext): boolean {
  if (e.attribute === '#role') return evalRoleExpression(e, ctx);
  if (ctx.nodeAttrs === undefined) return false;
  let value = e.value;
  if (e.valueSource === 'param' && ctx.params !== undefined) {
    value = value === undefined ? undefined : lookupAttr(ctx.params, value);
  } else if (e.valueSource === 'meta' && ctx.meta !== undefined) {
    value = value === undefined ? undefined : lookupAttr(ctx.meta, value);
  }
  const actual = lookupAttr(ctx.nodeAttrs, expandMatches(e.attribute, ctx.reMatches));
  return compareAttr(actual, value, e.type, e.operation);
}

/**
 * Pacemaker's attribute comparison (`accept_attr_expr`): `actual` is the node's
 * value, `expected` the expression's. Exported for table tests and other callers
 * (e.g. fencing-topology attribute targets).
 */
export function compareAttr(
  actual: string | undefined, expected: string | undefined,
  type: AttrExpression['type'], op: AttrExpression['operation'],
): boolean {
  if (op === 'defined') return actual !== undefined;
  if (op === 'not_defined') return actual === undefined;
  const cmp = compareValues(actual, expected, type, op);
  if (op === 'eq') return cmp === 0;
  if (op === 'ne') return cmp !== 0;
  if (actual === undefined || expected === undefined) return false;
  switch (op) {
    case 'lt': return cmp < 0;
    case 'lte': return cmp <= 0;
    case 'gt': return cmp > 0;
    case 'gte': return cmp >= 0;
  }
  return false;
}

function compareValues(l: string | undefined, r: string | undefined, type: AttrExpression['type'], op: string): number {
  if (l === undefined && r === undefined) return 0;
  if (l === undefined) return -1;
  if (r === undefined) return 1;
  let t = type;
  if (t === undefined) {
    if (op === 'lt' || op === 'lte' || op === 'gt' || op === 'gte') t = l.includes('.') || r.includes('.') ? 'number' : 'integer';
    else t = 'string';
  }
  switch (t) {
    case 'integer': {
      const a = scanInteger(l);
      const b = scanInteger(r);
      if (a === undefined || b === undefined) return compareStrings(l, r);
      return a < b ? -1 : a > b ? 1 : 0;
    }
    case 'number': {
      const a = scanNumber(l);
      const b = scanNumber(r);
      if (a === undefined || b === undefined) return compareStrings(l, r);
      return a < b ? -1 : a > b ? 1 : 0;
    }
    case 'version': return compareVersions(l, r);
    default: return compareStrings(l, r);
  }
}

/** strcasecmp: byte order after ASCII lower-casing. */
function compareStrings(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** strtoll-like: leading blanks, sign, digits; trailing text is ignored; no digits fails. */
function scanInteger(s: string): bigint | undefined {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? BigInt(m[1]!) : undefined;
}

/** strtod-like, but the whole value must be a number (trailing text fails). */
function scanNumber(s: string): number | undefined {
  const t = s.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/**
 * Pacemaker's `compare_version`: dot-separated numeric chunks compared in turn,
 * missing chunks count as 0 ("1.0" equals "1"); returns -1, 0 or 1.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = chunk(pa[i]);
    const y = chunk(pb[i]);
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

function chunk(s: string | undefined): number {
  if (s === undefined) return 0;
  const m = /^\s*[+-]?\d+/.exec(s);
  return m ? Number(m[0]) : 0;
}

// ------------------------------------------------------------ date expressions

function parseDate(s: string | undefined, ctx: RuleContext): { epochS: number; offsetS: number } | undefined {
  if (s === undefined) return undefined;
  const r = parseZonedDateTime(s, ctx.now === undefined ? {} : { today: ctx.now });
  return r.ok ? r.val : undefined;
}

function noteChange(st: EvalState, t: number): void {
  if (st.nextChange === undefined || t < st.nextChange) st.nextChange = t;
}

function evalDateExpression(e: DateExpression, ctx: RuleContext, st: EvalState): boolean {
  const now = ctx.now;
  if (now === undefined) return false;
  const start = parseDate(e.start, ctx);
  let end = parseDate(e.end, ctx)?.epochS;
  if (start !== undefined && end === undefined && e.duration !== undefined) {
    end = addDuration(start.epochS, durationFromSpecLenient(e.duration), start.offsetS);
  }
  switch (e.operation ?? 'in_range') {
    case 'in_range':
      if (start === undefined && end === undefined) return false;
      if (start !== undefined && now < start.epochS) {
        noteChange(st, start.epochS);
        return false;
      }
      if (end !== undefined && now > end) return false;
      if (end !== undefined) noteChange(st, end + 1);
      return true;
    case 'gt':
      if (start === undefined) return false;
      if (now > start.epochS) return true;
      noteChange(st, start.epochS + 1);
      return false;
    case 'lt':
      if (end === undefined) return false;
      if (now < end) {
        noteChange(st, end);
        return true;
      }
      return false;
    case 'date_spec':
      return e.dateSpec !== undefined && dateSpecMatches(e.dateSpec, now, ctx.utcOffsetS ?? 0);
  }
  return false;
}

/**
 * Parses a date_spec field as Pacemaker's `pcmk__parse_ll_range`: "n", "a-b", "a-"
 * or "-b". Missing bounds are -1. `bad` is set for malformed input; like
 * Pacemaker, a malformed field still yields whatever bounds were read before the
 * problem (so "5-x" acts as "5-"), and one with none fails every value.
 */
export function parseSpecRange(v: string): { low: number; high: number; bad: boolean } {
  const lead = /^\s*[+-]?\d+/;
  if (v === '' || v === '-') return { low: -1, high: -1, bad: true };
  if (v.startsWith('-')) {
    const m = lead.exec(v.slice(1));
    if (!m || m[0].length !== v.length - 1) return { low: -1, high: -1, bad: true };
    return { low: -1, high: Number(m[0]), bad: false };
  }
  const m = lead.exec(v);
  if (!m) return { low: -1, high: -1, bad: true };
  const low = Number(m[0]);
  const rest = v.slice(m[0].length);
  if (rest === '') return { low, high: low, bad: false };
  if (rest[0] !== '-') return { low: -1, high: -1, bad: true };
  if (rest.length === 1) return { low, high: -1, bad: false };
  const m2 = lead.exec(rest.slice(1));
  if (!m2 || m2[0].length !== rest.length - 1) return { low, high: -1, bad: true };
  return { low, high: Number(m2[0]), bad: false };
}

/** Pacemaker's `check_one` for one date_spec field value. */
function specFieldHolds(raw: string, v: number): boolean {
  const { low, high } = parseSpecRange(raw);
  if (low === high) return v === low;
  if (low !== -1 && high !== -1) return v >= low && v <= high;
  if (low === -1) return v <= high;
  return v >= low;
}

const SPEC_FIELDS: readonly [Exclude<keyof DateSpec, 'id' | 'extra'>, keyof CalendarFields][] = [
  ['years', 'year'], ['months', 'month'], ['monthdays', 'monthday'],
  ['hours', 'hour'], ['minutes', 'minute'], ['seconds', 'second'],
  ['yeardays', 'yearday'], ['weekyears', 'weekyear'], ['weeks', 'week'], ['weekdays', 'weekday'],
  ['moon', 'moon'],
];

/**
 * Pacemaker's `pe_cron_range_satisfied`: every field present must hold at `nowS`
 * (calendar fields read at `offsetS`); see {@link parseSpecRange} for malformed fields.
 */
export function dateSpecMatches(spec: DateSpec, nowS: number, offsetS = 0): boolean {
  const f = calendarFields(nowS, offsetS);
  for (const [key, field] of SPEC_FIELDS) {
    const raw = spec[key];
    if (raw !== undefined && !specFieldHolds(raw, f[field])) return false;
  }
  return true;
}

// ------------------------------------------------------------ resource / op expressions

function evalRscExpression(e: RscExpression, ctx: RuleContext): boolean {
  // Pacemaker passes resource data (possibly all empty) only where a resource is concerned.
  if (!('rscClass' in ctx || 'rscProvider' in ctx || 'rscType' in ctx)) return false;
  if (e.class !== undefined && e.class !== ctx.rscClass) return false;
  if (e.provider !== ctx.rscProvider) return false;
  if (e.type !== undefined && e.type !== ctx.rscType) return false;
  return true;
}

function evalOpExpression(e: OpExpression, ctx: RuleContext): boolean {
  if (ctx.opName === undefined) return false;
  if (e.interval !== undefined) {
    const ms = parseInterval(e.interval);
    if (!ms.ok || ms.val !== (ctx.opIntervalMs ?? 0)) return false;
  }
  return e.name === ctx.opName;
}
