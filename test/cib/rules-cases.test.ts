/**
 * Rules of the Pacemaker scheduler regression cases tagged rules-expressions and
 * rules-dates: every rule evaluates without error, and where the expected output
 * pins it down (allocation scores, recheck-by), the result matches Pacemaker 2.1.5.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { Cib } from '../../src/cib/types.js';
import { parseCib } from '../../src/cib/parse.js';
import { parseDateTime } from '../../src/cib/dates.js';
import { evaluateRuleResult, ruleScore } from '../../src/cib/rules.js';
import { crmConfigProperties, effectiveParams, indexCib, nodeAttributes } from '../../src/cib/nvsets.js';
import { parseScore } from '../../src/cib/values.js';
import { CASES_DIR } from '../../scripts/paths.js';

const DIR = CASES_DIR;

interface Case { name: string; args: string }

function cases(): Case[] {
  const tsv = readFileSync(`${DIR}/cases.tsv`, 'utf8').trim().split('\n').slice(1);
  return tsv
    .map((l) => l.split('\t'))
    .filter((f) => f[2] === 'rules-expressions' || f[2] === 'rules-dates')
    .map((f) => ({ name: f[0]!, args: f[5] ?? '' }));
}

function load(name: string): Cib {
  const r = parseCib(readFileSync(`${DIR}/xml/${name}.xml`, 'utf8'));
  assert.ok(r.ok, `${name}: ${r.ok ? '' : r.val.message}`);
  return r.val;
}

/** "Now" as crm_simulate takes it: -t, else the CIB's execution-date. */
function nowOf(c: Case, cib: Cib): number | undefined {
  const t = /-t\s+(\S+)/.exec(c.args);
  if (t) {
    const r = parseDateTime(t[1]!);
    assert.ok(r.ok, `${c.name}: -t ${t[1]}`);
    return r.val;
  }
  const exec = cib.extra?.['execution-date'];
  return exec === undefined ? undefined : Number(exec);
}

/** Evaluates every rule of a case; returns the earliest next change seen. */
function evaluateAll(c: Case, cib: Cib): number | undefined {
  const now = nowOf(c, cib);
  const idx = indexCib(cib);
  let next: number | undefined;
  const note = (t: number | undefined): void => { if (t !== undefined && (next === undefined || t < next)) next = t; };
  const base = now === undefined ? { rulesById: idx.rules } : { now, rulesById: idx.rules };
  for (const s of idx.sets.values()) {
    if (s.rule === undefined) continue;
    const r = evaluateRuleResult(s.rule, base);
    assert.ok(r.ok, `${c.name}: set ${s.id}: ${r.ok ? '' : r.val.message}`);
    note(r.val.nextChangeS);
  }
  for (const con of cib.configuration.constraints) {
    if (con.kind !== 'rsc_location') continue;
    for (const rule of con.rules) {
      for (const n of cib.configuration.nodes) {
        const r = evaluateRuleResult(rule, { ...base, nodeAttrs: nodeAttributes(cib, n, { ...(now === undefined ? {} : { now }), index: idx }) });
        assert.ok(r.ok, `${c.name}: ${con.id}/${rule.id} on ${n.uname}: ${r.ok ? '' : r.val.message}`);
        note(r.val.nextChangeS);
      }
    }
  }
  return next;
}

test('every rule of the rules-expressions and rules-dates cases evaluates', () => {
  const list = cases();
  assert.ok(list.length >= 20, 'cases.tsv lists the rules cases');
  for (const c of list) {
    if (!existsSync(`${DIR}/xml/${c.name}.xml`)) continue;
    evaluateAll(c, load(c.name));
  }
});

test('recheck-by of date-rule cases matches the earliest next change', () => {
  for (const name of ['location-date-rules-1', 'nvpair-date-rules-1']) {
    const want = /recheck-by="(\d+)"/.exec(readFileSync(`${DIR}/exp/${name}.exp`, 'utf8'));
    assert.ok(want, name);
    assert.equal(evaluateAll({ name, args: '' }, load(name)), Number(want[1]), name);
  }
});

test('location rule scores of the rule-* and location-date cases match Pacemaker allocation scores', () => {
  const names = cases().map((c) => c.name).filter((n) => n.startsWith('rule-') || n === 'location-date-rules-1');
  assert.ok(names.length >= 13);
  for (const name of names) {
    const cib = load(name);
    const now = nowOf({ name, args: '' }, cib);
    const idx = indexCib(cib);
    const scores = readFileSync(`${DIR}/scores/${name}.scores`, 'utf8');
    for (const con of cib.configuration.constraints) {
      if (con.kind !== 'rsc_location' || con.rules.length === 0 || con.rsc === undefined) continue;
      for (const n of cib.configuration.nodes) {
        const nodeAttrs = nodeAttributes(cib, n, { ...(now === undefined ? {} : { now }), index: idx });
        let total = 0;
        for (const rule of con.rules) total += ruleScore(rule, { ...(now === undefined ? {} : { now }), nodeAttrs, rulesById: idx.rules }) ?? 0;
        const line = new RegExp(`pcmk__primitive_assign: ${con.rsc} allocation score on ${n.uname}: (\\S+)`).exec(scores);
        assert.ok(line, `${name}: score line for ${con.rsc} on ${n.uname}`);
        const expected = parseScore(line[1]!);
        assert.ok(expected.ok);
        assert.equal(total, expected.val, `${name}: ${con.rsc} on ${n.uname}`);
      }
    }
  }
});

test('date-1/2/3: date-gated node attributes, parameters and cluster properties match the expected graphs', () => {
  const date1 = load('date-1');
  const now1 = nowOf({ name: 'date-1', args: '-t 2005-020' }, date1)!;
  assert.equal(nodeAttributes(date1, 'node2', { now: now1 }).get('server_group'), 'group3');
  assert.equal(nodeAttributes(date1, 'node2', { now: Date.UTC(2004, 5, 1) / 1000 }).get('server_group'), 'group2');
  const rsc1 = date1.configuration.resources.find((r) => r.id === 'rsc1')!;
  assert.ok(rsc1.kind === 'primitive');
  const iface = (node: string): string | undefined =>
    effectiveParams(rsc1, date1, { now: now1, nodeAttrs: nodeAttributes(date1, node, { now: now1 }) }).get('interface');
  assert.equal(iface('node1'), 'eth1'); // the graph's interface= for node1
  assert.equal(iface('node2'), 'eth2');
  // The graph's cluster-delay: the date_spec hours=12 set (score 2) applies at 12:30 only.
  for (const [name, want] of [['date-2', '10s'], ['date-3', '50s']] as const) {
    const cib = load(name);
    const c = cases().find((x) => x.name === name)!;
    const graph = readFileSync(`${DIR}/exp/${name}.exp`, 'utf8');
    assert.ok(graph.includes(`cluster-delay="${want}"`));
    assert.equal(crmConfigProperties(cib, nowOf(c, cib)).get('cluster-delay'), want, name);
  }
});
