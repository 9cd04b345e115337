/**
 * Conformance against Pacemaker 2.1.5's scheduler regression cases
 * (../shared/pacemaker-scheduler). Runs every case in one process; a case
 * that throws is failed and never stops the run. Compares the whole summary,
 * each summary section, the graph (text and semantics), and scores, then
 * writes docs/conformance.md and prints totals.
 * @module
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCib, resolveNow, currentStatus, stderrWarnings } from '../src/cli/simulate.js';
import { loadPolicy, type PolicyEngine } from '../src/cli/policySeam.js';
import type { ScheduleResult } from '../src/policy/index.js';
import { sameText, splitSections } from '../src/cli/compare.js';
import { CASES_DIR } from './paths.js';

const DATA = CASES_DIR;
const SECTIONS = ['Current cluster status', 'Transition Summary', 'Executing Cluster Transition', 'Revised Cluster Status'] as const;
type Check = 'summary' | (typeof SECTIONS)[number] | 'graph text' | 'graph semantics' | 'scores' | 'stderr';
const CHECKS: Check[] = ['summary', ...SECTIONS, 'graph text', 'graph semantics', 'scores', 'stderr'];

interface CaseRow { name: string; feature: string; tier: string; description: string; extra: string }
interface CaseResult { row: CaseRow; pass: Partial<Record<Check, boolean>>; error?: string }

function readCases(): CaseRow[] {
  const lines = readFileSync(join(DATA, 'cases.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [name = '', , feature = '', tier = '', description = '', extra = ''] = l.split('\t');
    return { name, feature, tier, description, extra };
  });
}

function normaliseExp(s: string): string {
  return s.replace(/\s+crm_feature_set="[^"]*"/g, '').replace(/\s+batch-limit="[^"]*"/g, '');
}

async function graphSemantics(actualXml: string, expectedXml: string): Promise<boolean> {
  const path = '../src/policy/compare.js';
  const m = (await import(path)) as {
    parseGraphXml: (x: string) => { ok: boolean; val: unknown };
    compareGraphs: (a: unknown, b: unknown) => { equal?: boolean; missing?: unknown[]; extra?: unknown[] };
  };
  const a = m.parseGraphXml(actualXml), e = m.parseGraphXml(expectedXml);
  if (!a.ok || !e.ok) return false;
  const d = m.compareGraphs(a.val, e.val) as Record<string, unknown>;
  if (typeof d['equal'] === 'boolean') return d['equal'];
  return Object.values(d).every((v) => !Array.isArray(v) || v.length === 0);
}

function argDate(extra: string): string | undefined {
  const m = /-t\s+(\S+)/.exec(extra);
  return m?.[1];
}

async function runCase(row: CaseRow, policy: PolicyEngine): Promise<CaseResult> {
  const res: CaseResult = { row, pass: {} };
  try {
    const loaded = loadCib(join(DATA, 'xml', `${row.name}.xml`));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const cib = loaded.cib;
    const wall = Math.floor(Date.now() / 1000);
    const nowR = resolveNow(cib, undefined, wall);
    if (!nowR.ok) throw new Error(nowR.error.message);
    const expected = readFileSync(join(DATA, 'summary', `${row.name}.summary`), 'utf8');
    const expSections = splitSections(expected);
    let actual = currentStatus(cib, nowR.now);
    res.pass['Current cluster status'] = sameText(currentStatusBody(actual), expSections.get('Current cluster status') ?? '');
    const result: ScheduleResult = policy.schedule(cib, { now: nowR.now });
    actual += '\n' + policy.formatSummary(cib, result, { now: nowR.now });
    const actSections = splitSections(actual);
    for (const s of SECTIONS.slice(1)) {
      const a = actSections.get(s);
      res.pass[s] = a !== undefined && sameText(a, expSections.get(s) ?? '');
    }
    res.pass.summary = sameText(actual, expected);
    // Graph and scores: the dated run passes extra args (-t).
    const dt = argDate(row.extra);
    let gResult = result;
    if (dt !== undefined) {
      const n2 = resolveNow(cib, dt, wall);
      if (n2.ok) gResult = policy.schedule(cib, { now: n2.now });
    }
    const expGraphFile = join(DATA, 'exp', `${row.name}.exp`);
    if (existsSync(expGraphFile)) {
      const g = policy.formatGraphXml(gResult);
      const eg = readFileSync(expGraphFile, 'utf8');
      res.pass['graph text'] = sameText(normaliseExp(g), normaliseExp(eg));
      res.pass['graph semantics'] = await graphSemantics(g, eg).catch(() => false);
    }
    const expScores = join(DATA, 'scores', `${row.name}.scores`);
    if (existsSync(expScores)) {
      const lines = [...policy.formatScores(gResult)].sort();
      const el = readFileSync(expScores, 'utf8').split('\n').filter((l) => l.trim()).sort();
      res.pass.scores = sameText(lines.join('\n'), el.join('\n'));
    }
    const expStderr = join(DATA, 'stderr', `${row.name}.stderr`);
    const wantStderr = existsSync(expStderr) ? readFileSync(expStderr, 'utf8') : '';
    res.pass.stderr = sameText(stderrWarnings(loaded.warnings), wantStderr);
  } catch (e) {
    res.error = (e as Error).message.split('\n')[0];
    for (const c of CHECKS) res.pass[c] = false;
  }
  return res;
}

function currentStatusBody(s: string): string {
  return splitSections(s).get('Current cluster status') ?? '';
}

function pct(n: number, d: number): string {
  return d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`;
}

/** Runs all cases and writes docs/conformance.md. */
export async function runConformance(): Promise<CaseResult[]> {
  const policy = await loadPolicy();
  const rows = readCases();
  const results: CaseResult[] = [];
  for (const row of rows) results.push(await runCase(row, policy));
  return results;
}

function report(results: CaseResult[]): string {
  const total = results.length;
  const count = (c: Check, rs = results): number => rs.filter((r) => r.pass[c] === true).length;
  const out: string[] = ['# Conformance', '', `Pacemaker 2.1.5 scheduler regression cases: ${total}.`,
    'Regenerate with `npm run build && npm run conformance`.', '', '## Totals', '', '| check | passed | rate |', '|---|---|---|'];
  for (const c of CHECKS) out.push(`| ${c} | ${count(c)} | ${pct(count(c), total)} |`);
  out.push('', '## By feature and tier', '', '| feature | tier | cases | status | summary | graph semantics | scores |', '|---|---|---|---|---|---|---|');
  const groups = new Map<string, CaseResult[]>();
  for (const r of results) {
    const k = `${r.row.feature}\t${r.row.tier}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const [k, rs] of [...groups.entries()].sort()) {
    const [f, t] = k.split('\t');
    out.push(`| ${f} | ${t} | ${rs.length} | ${count('Current cluster status', rs)} | ${count('summary', rs)} | ${count('graph semantics', rs)} | ${count('scores', rs)} |`);
  }
  out.push('', '## Failing cases', '', 'Cases whose summary does not match (failed checks in brackets).', '');
  for (const r of results) {
    if (r.pass.summary) continue;
    const failed = CHECKS.filter((c) => r.pass[c] !== true);
    out.push(`- ${r.row.name} [${failed.join(', ')}]${r.error ? ` — error: ${r.error}` : ''}`);
  }
  return out.join('\n') + '\n';
}

const results = await runConformance();
// `--out FILE` writes the report elsewhere (parallel work trees keep docs/ untouched).
const outArg = process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length);
writeFileSync(outArg ?? new URL('../../docs/conformance.md', import.meta.url), report(results));
for (const c of CHECKS) {
  const n = results.filter((r) => r.pass[c] === true).length;
  console.log(`${c.padEnd(30)} ${String(n).padStart(4)} / ${results.length}  ${pct(n, results.length)}`);
}
