/**
 * Measures the policy engine on the Pacemaker regression cases: per case, whether
 * the summary, graph (by meaning) and scores match.
 * @module
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { parseCib } from '../../src/cib/parse.js';
import { unpackCluster, executionDate } from '../../src/cib/unpack/unpack.js';
import { currentStatus } from '../../src/cli/simulate.js';
import { sameText } from '../../src/cli/compare.js';
import { scheduleUnpacked } from '../../src/policy/schedule.js';
import { formatSummary, parseGraphXml, compareGraphs, type GraphDiff } from '../../src/policy/index.js';

import { CASES_DIR } from '../../scripts/paths.js';
export { CASES_DIR };

export interface CaseRow { name: string; feature: string; tier: number; extra: string }

export function loadCases(): CaseRow[] {
  const rows = readFileSync(join(CASES_DIR, 'cases.tsv'), 'utf8').trim().split('\n').slice(1);
  return rows.map((l) => { const f = l.split('\t'); return { name: f[0]!, feature: f[2]!, tier: Number(f[3]), extra: f[5] ?? '' }; });
}


export interface CaseResult { name: string; summary: boolean; graph: boolean; scores: boolean; error?: string; diff?: GraphDiff; summaryText?: string; scoresText?: string[] }

function nowFor(extra: string, fallback: number): number {
  const m = /-t\s+(\S+)/.exec(extra);
  if (!m) return fallback;
  const t = Date.parse(m[1]!);
  return Number.isFinite(t) ? Math.floor(t / 1000) : fallback;
}

export function runCase(c: CaseRow): CaseResult {
  const name = c.name;
  try {
    const xml = readFileSync(join(CASES_DIR, 'xml', `${name}.xml`), 'utf8');
    const cib = parseCib(xml);
    if (cib.err) return { name, summary: false, graph: false, scores: false, error: cib.val.message };
    const base = executionDate(cib.val) ?? 1700000000;
    const now = nowFor(c.extra, base);
    const cl = unpackCluster(cib.val, { now });
    const res = scheduleUnpacked(cl);
    const summaryText = currentStatus(cib.val, base) + '\n' + formatSummary(cib.val, res, { now: base });
    const expSum = readFileSync(join(CASES_DIR, 'summary', `${name}.summary`), 'utf8');
    const summary = sameText(summaryText, expSum);
    const expPath = join(CASES_DIR, 'exp', `${name}.exp`);
    let graph = false, diff: GraphDiff | undefined;
    if (existsSync(expPath)) {
      const e = parseGraphXml(readFileSync(expPath, 'utf8'));
      if (e.ok) { diff = compareGraphs(res.graph, e.val); graph = diff.equal; }
    }
    const expScores = readFileSync(join(CASES_DIR, 'scores', `${name}.scores`), 'utf8').split('\n').filter((l) => l.trim());
    const scores = expScores.join('\n') === res.scores.join('\n');
    return { name, summary, graph, scores, ...(diff ? { diff } : {}), summaryText, scoresText: res.scores };
  } catch (e) {
    return { name, summary: false, graph: false, scores: false, error: String((e as Error).stack ?? e) };
  }
}

/** Per-feature floors: [summary, graph by meaning, scores] matches a feature must keep. */
export type FeatureFloors = Record<string, [summary: number, graph: number, scores: number]>;

/**
 * Runs every case of the features in `floors` and asserts none crashes and each
 * feature still reaches its recorded matches (a drop is a regression).
 */
export function assertFeatureFloors(floors: FeatureFloors): void {
  const got: Record<string, [number, number, number]> = {};
  const crashes: string[] = [];
  for (const c of loadCases()) {
    if (!(c.feature in floors)) continue;
    const r = runCase(c);
    if (r.error) crashes.push(`${c.name}: ${r.error.split('\n')[0]}`);
    const g = (got[c.feature] ??= [0, 0, 0]);
    if (r.summary) g[0]++;
    if (r.graph) g[1]++;
    if (r.scores) g[2]++;
  }
  assert.deepEqual(crashes, []);
  for (const [f, floor] of Object.entries(floors)) {
    const g = got[f] ?? [0, 0, 0];
    assert.ok(g[0] >= floor[0] && g[1] >= floor[1] && g[2] >= floor[2], `${f}: got ${g.join('/')}, floor ${floor.join('/')}`);
  }
}

/** Asserts that a case matches Pacemaker 2.1.5 in summary, graph (by meaning) and scores. */
export function assertCaseMatches(c: CaseRow): void {
  const r = runCase(c);
  assert.equal(r.error, undefined);
  assert.ok(r.summary, `summary differs:\n${r.summaryText ?? ''}`);
  assert.ok(r.graph, `graph differs: ${JSON.stringify(r.diff)?.slice(0, 2000)}`);
  assert.ok(r.scores, 'scores differ');
}
