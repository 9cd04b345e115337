import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttrExpression, DateExpression, Expression, Rule } from '../../src/cib/types.js';
import { INFINITY } from '../../src/cib/types.js';
import {
  compareAttr, compareVersions, dateSpecMatches, evaluateRule, evaluateRuleResult, evaluateRuleWithNextChange,
  parseSpecRange, ruleScore, type RuleContext,
} from '../../src/cib/rules.js';

const utc = (y: number, m: number, d: number, h = 0, mi = 0, s = 0): number => Date.UTC(y, m - 1, d, h, mi, s) / 1000;

let n = 0;
function rule(expressions: Expression[], extra: Partial<Rule> = {}): Rule {
  return { kind: 'rule', id: `r${++n}`, booleanOp: 'and', expressions, ...extra };
}
function attr(attribute: string, operation: AttrExpression['operation'], value?: string, more: Partial<AttrExpression> = {}): AttrExpression {
  return { kind: 'expression', id: `e${++n}`, attribute, operation, ...(value === undefined ? {} : { value }), ...more };
}
function date(more: Partial<DateExpression>): DateExpression {
  return { kind: 'date_expression', id: `d${++n}`, operation: 'in_range', ...more };
}

test('attribute comparisons: every operation and type (table)', () => {
  type Row = [string | undefined, string | undefined, AttrExpression['type'], AttrExpression['operation'], boolean];
  const rows: Row[] = [
    // The scheduler regression cases rule-dbl-* / rule-int-* (node value, rule value).
    ['10.4', '3.4', undefined, 'gt', true], // rule-dbl-as-auto-number-match
    ['3.4', '3.6', 'integer', 'eq', true], // rule-dbl-as-integer-match: both read as 3
    ['3.4', '4.6', 'integer', 'eq', false], // rule-dbl-as-integer-no-match
    ['3.4', '3.4', 'number', 'eq', true], // rule-dbl-as-number-match
    ['3.4', '3.6', 'number', 'eq', false], // rule-dbl-as-number-no-match
    ['as2.0', 'as10.0', 'number', 'gt', true], // rule-dbl-parse-fail-default-str-match
    ['10', '3', undefined, 'gt', true], // rule-int-as-auto-integer-match
    ['3', '10', undefined, 'gt', false], // rule-int-as-auto-integer-no-match
    ['3', '3', 'number', 'eq', true], // rule-int-as-number-match
    ['3', '3.6', 'number', 'eq', false], // rule-int-as-number-no-match
    ['as2', 'as10', 'integer', 'gt', true], // rule-int-parse-fail-default-str-match
    ['as10', 'as2', 'integer', 'gt', false], // rule-int-parse-fail-default-str-no-match
    // string: case-insensitive (strcasecmp), eq is the default type for eq/ne
    ['Foo', 'foo', undefined, 'eq', true],
    ['foo', 'bar', undefined, 'ne', true],
    ['abc', 'abd', 'string', 'lt', true],
    ['abc', 'abc', 'string', 'lte', true],
    ['abd', 'abc', 'string', 'gte', true],
    ['10', '9', 'string', 'gt', false], // string order: "10" < "9"
    ['10', '9', undefined, 'gt', true], // default integer for gt
    ['10', '9.5', undefined, 'gt', true], // a '.' makes it number
    ['1e3', '999', 'number', 'gt', true],
    ['-5', '3', 'integer', 'lt', true],
    ['5', '5', 'integer', 'lte', true],
    ['5', '5', 'integer', 'gte', true],
    ['5', '5', 'integer', 'lt', false],
    ['5', '5', 'integer', 'ne', false],
    // version: dotted numeric, missing chunks are 0
    ['1.10', '1.9', 'version', 'gt', true],
    ['1.10', '1.9', 'number', 'gt', false],
    ['2.0', '2', 'version', 'eq', true],
    ['2.1.5', '2.1.10', 'version', 'lt', true],
    // missing sides
    [undefined, '1', undefined, 'eq', false],
    [undefined, '1', undefined, 'ne', true],
    [undefined, undefined, undefined, 'eq', true],
    ['1', undefined, undefined, 'ne', true],
    [undefined, '1', undefined, 'lt', false],
    ['1', undefined, undefined, 'gt', false],
    // defined / not_defined ignore the value
    ['x', undefined, undefined, 'defined', true],
    [undefined, undefined, undefined, 'defined', false],
    [undefined, 'x', undefined, 'not_defined', true],
    ['x', undefined, undefined, 'not_defined', false],
  ];
  for (const [actual, expected, type, op, want] of rows) {
    assert.equal(compareAttr(actual, expected, type, op), want, `${actual} ${op} ${expected} as ${type ?? 'default'}`);
  }
  assert.equal(compareVersions('1.2.3', '1.2.3.0'), 0);
  assert.equal(compareVersions('3.0', '2.99'), 1);
});

test('attribute expressions need node attributes; value-source param/meta; %N expansion', () => {
  const node = { '#uname': 'n1', ram: '2048', target: '2048', site: 'a' };
  assert.equal(evaluateRule(rule([attr('ram', 'gte', '1024')]), { nodeAttrs: node }), true);
  assert.equal(evaluateRule(rule([attr('ram', 'gte', '4096')]), { nodeAttrs: new Map(Object.entries(node)) }), false);
  // No node: even not_defined fails, as in Pacemaker.
  assert.equal(evaluateRule(rule([attr('nothing', 'not_defined')]), {}), false);
  assert.equal(evaluateRule(rule([attr('nothing', 'not_defined')]), { nodeAttrs: node }), true);
  assert.equal(evaluateRule(rule([attr('#uname', 'eq', 'n1')]), { nodeAttrs: node }), true);
  const byParam = attr('ram', 'eq', 'wanted', { valueSource: 'param' });
  assert.equal(evaluateRule(rule([byParam]), { nodeAttrs: node, params: { wanted: '2048' } }), true);
  assert.equal(evaluateRule(rule([byParam]), { nodeAttrs: node, params: { wanted: '1' } }), false);
  const byMeta = attr('site', 'eq', 'loc', { valueSource: 'meta' });
  assert.equal(evaluateRule(rule([byMeta]), { nodeAttrs: node, meta: new Map([['loc', 'a']]) }), true);
  // Submatches of an rsc-pattern expand in the attribute name.
  assert.equal(evaluateRule(rule([attr('%1', 'eq', '2048')]), { nodeAttrs: node, reMatches: ['ram-x', 'ram'] }), true);
});

test('#role expressions follow pe__eval_role_expr', () => {
  const r = (op: AttrExpression['operation'], v?: string): Rule => rule([attr('#role', op, v)]);
  const nodeAttrs = {};
  assert.equal(evaluateRule(r('eq', 'Promoted'), { nodeAttrs, role: 'Promoted' }), true);
  assert.equal(evaluateRule(r('eq', 'Master'), { nodeAttrs, role: 'Promoted' }), true);
  assert.equal(evaluateRule(r('eq', 'Promoted'), { nodeAttrs }), false);
  assert.equal(evaluateRule(r('ne', 'Promoted'), { role: 'Unpromoted' }), true);
  assert.equal(evaluateRule(r('ne', 'Promoted'), { role: 'Started' }), false);
  assert.equal(evaluateRule(r('defined'), { role: 'Slave' }), true);
  assert.equal(evaluateRule(r('defined'), { role: 'Started' }), false);
  assert.equal(evaluateRule(r('not_defined'), { role: 'Started' }), true);
});

test('boolean-op, empty rules, nested rules', () => {
  const yes = attr('a', 'defined');
  const no = attr('b', 'defined');
  const ctx: RuleContext = { nodeAttrs: { a: '1' } };
  assert.equal(evaluateRule(rule([yes, no]), ctx), false);
  assert.equal(evaluateRule(rule([yes, no], { booleanOp: 'or' }), ctx), true);
  assert.equal(evaluateRule(rule([no, no], { booleanOp: 'or' }), ctx), false);
  // Pacemaker: an empty "and" rule passes, an empty "or" rule fails.
  assert.equal(evaluateRule(rule([]), ctx), true);
  assert.equal(evaluateRule(rule([], { booleanOp: 'or' }), ctx), false);
  const nested = rule([yes, rule([no, yes], { booleanOp: 'or' })]);
  assert.equal(evaluateRule(nested, ctx), true);
  assert.equal(evaluateRule(rule([yes, rule([no])]), ctx), false);
});

test('id-ref rules: resolved through rulesById or the inlined body; dangling refs fail with an error', () => {
  const target = rule([attr('a', 'eq', '1')], { id: 'shared' });
  const ref: Rule = { kind: 'rule', id: 'shared', idRef: 'shared', booleanOp: 'and', expressions: [] };
  const ctx: RuleContext = { nodeAttrs: { a: '1' }, rulesById: new Map([['shared', target]]) };
  assert.equal(evaluateRule(ref, ctx), true);
  assert.equal(evaluateRule(ref, { nodeAttrs: { a: '2' }, rulesById: ctx.rulesById }), false);
  const inlined: Rule = { ...ref, expressions: target.expressions };
  assert.equal(evaluateRule(inlined, { nodeAttrs: { a: '1' } }), true);
  const dangling: Rule = { kind: 'rule', id: 'x', idRef: 'missing', booleanOp: 'and', expressions: [] };
  assert.equal(evaluateRule(dangling, { nodeAttrs: {} }), false);
  const r = evaluateRuleResult(rule([dangling], { booleanOp: 'or' }), { nodeAttrs: {}, rulesById: new Map() });
  assert.ok(r.err);
  assert.equal(r.val.code, 'QUORATE_ERR_DANGLING_REF');
  assert.match(r.val.message, /missing/);
  const ok = evaluateRuleResult(target, ctx);
  assert.ok(ok.ok);
  assert.equal(ok.val.passed, true);
});

test('date expressions: in_range (inclusive, with end or duration), gt, lt, bad dates', () => {
  const at = (e: DateExpression, now: number): boolean => evaluateRule(rule([e]), { now });
  const range = date({ start: '2019-09-23 18:00:00 -05:00', end: '2019-09-23 21:00:00 -05:00' });
  assert.equal(at(range, utc(2019, 9, 23, 17)), false); // noon local
  assert.equal(at(range, utc(2019, 9, 23, 23)), true); // start itself
  assert.equal(at(range, utc(2019, 9, 24, 2)), true); // end itself
  assert.equal(at(range, utc(2019, 9, 24, 2, 0, 1)), false);
  const withDuration = date({ start: '2005-01-31', duration: { months: '1', hours: '12' } });
  assert.equal(at(withDuration, utc(2005, 2, 28, 12)), true);
  assert.equal(at(withDuration, utc(2005, 2, 28, 12, 0, 1)), false);
  // A duration field that is not an integer is skipped (Pacemaker's update_field).
  const sloppy = date({ start: '2005-01-01', duration: { months: 'x', hours: '2h' } });
  assert.equal(at(sloppy, utc(2005, 1, 1, 2)), true);
  assert.equal(at(sloppy, utc(2005, 1, 1, 2, 0, 1)), false);
  const onlyEnd = date({ end: '2005-01-01' });
  assert.equal(at(onlyEnd, utc(1990, 1, 1)), true);
  assert.equal(at(onlyEnd, utc(2005, 1, 2)), false);
  assert.equal(at(date({}), utc(2005, 1, 1)), false); // in_range needs start or end
  assert.equal(at(date({ operation: 'gt', start: '2005-01-01' }), utc(2005, 1, 1)), false);
  assert.equal(at(date({ operation: 'gt', start: '2005-01-01' }), utc(2005, 1, 1, 0, 0, 1)), true);
  assert.equal(at(date({ operation: 'lt', end: '2005-01-01' }), utc(2004, 12, 31, 23, 59, 59)), true);
  assert.equal(at(date({ operation: 'lt', end: '2005-01-01' }), utc(2005, 1, 1)), false);
  assert.equal(at(date({ operation: 'gt', end: '2005-01-01' }), utc(2006, 1, 1)), false); // gt needs start
  // A date that does not parse counts as absent.
  assert.equal(at(date({ start: 'garbage', end: '2005-01-01' }), utc(2000, 1, 1)), true);
  // No "now": date expressions fail.
  assert.equal(evaluateRule(rule([range]), {}), false);
});

test('date_spec: single values, ranges, open ranges, weeks, moon; malformed fields fail', () => {
  const t = utc(2005, 1, 20, 12, 30); // Thursday, ISO 2005-W03-4, yearday 20
  const rows: [Record<string, string>, boolean][] = [
    [{ hours: '12' }, true], // scheduler case date-2 (-t 2005-020T12:30)
    [{ hours: '9-16', weekdays: '1-5' }, true],
    [{ hours: '9-16', weekdays: '6-7' }, false],
    [{ hours: '13-' }, false],
    [{ hours: '-12' }, true],
    [{ hours: '12-' }, true],
    [{ minutes: '30', seconds: '0' }, true],
    [{ monthdays: '1-19' }, false],
    [{ months: '1', years: '2005' }, true],
    [{ yeardays: '20' }, true],
    [{ weeks: '3', weekyears: '2005', weekdays: '4' }, true],
    [{ weeks: '4' }, false],
    [{ moon: '3' }, true],
    [{ moon: '4' }, false],
    [{}, true],
    [{ weekdays: '1,2' }, false], // multiple ranges are not allowed
    [{ hours: 'noon' }, false],
    [{ hours: '' }, false],
    [{ hours: '12-x' }, true], // Pacemaker keeps the low bound it read: "12-"
    [{ hours: '13-x' }, false],
  ];
  for (const [spec, want] of rows) {
    assert.equal(dateSpecMatches(spec, t), want, JSON.stringify(spec));
    assert.equal(evaluateRule(rule([date({ operation: 'date_spec', dateSpec: spec })]), { now: t }), want);
  }
  // Scheduler case date-3: 11:30 fails hours=12.
  assert.equal(dateSpecMatches({ hours: '12' }, utc(2005, 1, 20, 11, 30)), false);
  // Fields are read in the given offset.
  assert.equal(dateSpecMatches({ hours: '7' }, t, -5 * 3600), true);
  assert.deepEqual(parseSpecRange('9-16'), { low: 9, high: 16, bad: false });
  assert.deepEqual(parseSpecRange('5'), { low: 5, high: 5, bad: false });
  assert.deepEqual(parseSpecRange('-3'), { low: -1, high: 3, bad: false });
  assert.deepEqual(parseSpecRange('7-'), { low: 7, high: -1, bad: false });
  assert.equal(parseSpecRange('1,2').bad, true);
});

test('next change of date-based rules (for cluster-recheck)', () => {
  const now = utc(2019, 9, 23, 17); // noon at -05:00, as scheduler case nvpair-date-rules-1
  const r1 = evaluateRuleWithNextChange(rule([date({ operation: 'lt', end: '2019-09-23 12:30:00 -05:00' })]), { now });
  assert.deepEqual(r1, { passed: true, nextChangeS: utc(2019, 9, 23, 17, 30) });
  const r2 = evaluateRuleWithNextChange(rule([date({ start: '2019-09-23 18:00:00 -05:00', end: '2019-09-23 21:00:00 -05:00' })]), { now });
  assert.deepEqual(r2, { passed: false, nextChangeS: utc(2019, 9, 23, 23) });
  const r3 = evaluateRuleWithNextChange(rule([date({ start: '2019-09-23 11:00:00 -05:00', end: '2019-09-23 13:00:00 -05:00' })]), { now });
  assert.deepEqual(r3, { passed: true, nextChangeS: utc(2019, 9, 23, 18, 0, 1) });
  const r4 = evaluateRuleWithNextChange(rule([date({ operation: 'gt', start: '2019-09-23 15:00:00 -05:00' })]), { now });
  assert.deepEqual(r4, { passed: false, nextChangeS: utc(2019, 9, 23, 20, 0, 1) });
  // date_spec reads fields at utcOffsetS (17:00 UTC is 12:00 at -05:00) and gives no next change.
  const spec = rule([date({ operation: 'date_spec', dateSpec: { hours: '12' } })]);
  assert.deepEqual(evaluateRuleWithNextChange(spec, { now, utcOffsetS: -5 * 3600 }), { passed: true });
  assert.deepEqual(evaluateRuleWithNextChange(spec, { now }), { passed: false });
});

test('rsc_expression and op_expression', () => {
  const rsc = (cls?: string, provider?: string, type?: string): Expression => ({
    kind: 'rsc_expression', id: `x${++n}`,
    ...(cls === undefined ? {} : { class: cls }), ...(provider === undefined ? {} : { provider }), ...(type === undefined ? {} : { type }),
  });
  const ipaddr: RuleContext = { rscClass: 'ocf', rscProvider: 'heartbeat', rscType: 'IPaddr2' };
  assert.equal(evaluateRule(rule([rsc('ocf', 'heartbeat', 'IPaddr2')]), ipaddr), true);
  assert.equal(evaluateRule(rule([rsc('ocf', 'heartbeat')]), ipaddr), true);
  assert.equal(evaluateRule(rule([rsc('ocf', 'pacemaker')]), ipaddr), false);
  assert.equal(evaluateRule(rule([rsc(undefined, 'heartbeat', 'IPaddr2')]), ipaddr), true);
  assert.equal(evaluateRule(rule([rsc('stonith')]), { rscClass: 'stonith', rscProvider: undefined, rscType: 'fence_xvm' }), true);
  // Provider must match exactly: no provider in the expression only matches provider-less agents.
  assert.equal(evaluateRule(rule([rsc('ocf', undefined, 'IPaddr2')]), ipaddr), false);
  // No resource in the context: fails.
  assert.equal(evaluateRule(rule([rsc('ocf')]), {}), false);

  const op = (name: string, interval?: string): Expression => ({ kind: 'op_expression', id: `o${++n}`, name, ...(interval === undefined ? {} : { interval }) });
  const mon10: RuleContext = { opName: 'monitor', opIntervalMs: 10_000 };
  assert.equal(evaluateRule(rule([op('monitor', '10s')]), mon10), true);
  assert.equal(evaluateRule(rule([op('monitor', '10000ms')]), mon10), true);
  assert.equal(evaluateRule(rule([op('monitor', 'PT10S')]), mon10), true);
  assert.equal(evaluateRule(rule([op('monitor', '20s')]), mon10), false);
  assert.equal(evaluateRule(rule([op('monitor')]), mon10), true);
  assert.equal(evaluateRule(rule([op('start')]), mon10), false);
  assert.equal(evaluateRule(rule([op('monitor')]), {}), false);
  // Both, as in scheduler case op-defaults-2.
  assert.equal(evaluateRule(rule([rsc('ocf', 'heartbeat', 'IPaddr2'), op('monitor', '10s')]), { ...ipaddr, ...mon10 }), true);
});

test('ruleScore: score, score-attribute, failing rules', () => {
  const node = { '#uname': 'n1', pingd: '300', weird: 'abc', trailing: '12abc', huge: '5000000' };
  assert.equal(ruleScore(rule([attr('#uname', 'eq', 'n1')], { score: -INFINITY }), { nodeAttrs: node }), -INFINITY);
  assert.equal(ruleScore(rule([attr('#uname', 'eq', 'n2')], { score: 100 }), { nodeAttrs: node }), undefined);
  assert.equal(ruleScore(rule([attr('pingd', 'defined')], { scoreAttribute: 'pingd' }), { nodeAttrs: node }), 300);
  // Pacemaker 2.1 get_node_score: a node without the score attribute gets -INFINITY.
  assert.equal(ruleScore(rule([], { scoreAttribute: 'missing' }), { nodeAttrs: node }), -INFINITY);
  assert.equal(ruleScore(rule([], { scoreAttribute: 'weird' }), { nodeAttrs: node }), 0);
  assert.equal(ruleScore(rule([], { scoreAttribute: 'trailing' }), { nodeAttrs: node }), 12);
  assert.equal(ruleScore(rule([], { scoreAttribute: 'huge' }), { nodeAttrs: node }), INFINITY);
  assert.equal(ruleScore(rule([]), { nodeAttrs: node }), 0);
  assert.equal(ruleScore(rule([], { scoreAttribute: 'pingd' }), { nodeAttrs: { pingd: 'INFINITY' } }), INFINITY);
});
