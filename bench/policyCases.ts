/**
 * Benchmark part (a): Pacemaker 2.1.5's scheduler regression cases, quorate
 * in-process and through its CLI against crm_simulate, one process per case.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { haveCrmSimulate, runCrmSimulate, runQuorate, runQuorateCli } from './runners.js';
import { evenSample, formatTable, ms, ratio, stats } from './table.js';

/** Options of {@link benchCases}. */
export interface CaseBenchOptions {
  readonly dir: string;
  /** How many cases, evenly spread over the list; undefined = all. */
  readonly sample?: number;
  /** How many cases also run through crm_simulate (a process each); undefined = all. */
  readonly processSample?: number;
  /** How many of those also run through quorate's CLI (Node start-up dominates; a sample is enough). */
  readonly cliSample?: number;
  readonly log: (line: string) => void;
}

interface CaseRow { readonly name: string; readonly extra: string[] }

function readCases(dir: string): CaseRow[] {
  return readFileSync(join(dir, 'cases.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => {
    const f = l.split('\t');
    const extra = (f[5] ?? '').trim();
    return { name: f[0] ?? '', extra: extra === '' ? [] : extra.split(/\s+/) };
  }).filter((c) => c.name !== '');
}

function dateArg(extra: readonly string[]): string | undefined {
  const i = extra.indexOf('-t');
  return i >= 0 ? extra[i + 1] : undefined;
}

/** Runs part (a) and prints its table. */
export function benchCases(o: CaseBenchOptions): void {
  const all = readCases(o.dir);
  const cases = evenSample(all, o.sample);
  const xmls = cases.map((c) => readFileSync(join(o.dir, 'xml', `${c.name}.xml`), 'utf8'));
  o.log(`\n== (a) Scheduler regression cases: ${cases.length} of ${all.length}${cases.length < all.length ? ' (evenly sampled; --full for all)' : ''} ==`);

  // Cold: every case once in one fresh process, as a conformance run does.
  const failures: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < cases.length; i++) {
    const r = runQuorate(xmls[i]!, undefined, dateArg(cases[i]!.extra), false);
    if (r.error !== undefined) failures.push(`${cases[i]!.name}: ${r.error}`);
  }
  const coldMs = performance.now() - t0;

  // Warm: per-case figures, best of three (the JIT has seen every code path once).
  const parse: number[] = [], sched: number[] = [], total: number[] = [];
  const warm = new Map<string, number>();
  for (let i = 0; i < cases.length; i++) {
    let best: { p: number; s: number } | undefined;
    for (let k = 0; k < 3; k++) {
      const r = runQuorate(xmls[i]!, undefined, dateArg(cases[i]!.extra), false);
      if (r.error !== undefined) break;
      if (best === undefined || r.parseMs + r.scheduleMs < best.p + best.s) best = { p: r.parseMs, s: r.scheduleMs };
    }
    if (best === undefined) continue;
    parse.push(best.p); sched.push(best.s); total.push(best.p + best.s);
    warm.set(cases[i]!.name, best.p + best.s);
  }

  // One process per case, as users run them.
  const crm = haveCrmSimulate();
  const procCases = evenSample(cases, o.processSample);
  const cliCases = new Set(evenSample(procCases, o.cliSample));
  const crmMs: number[] = [], cliMs: number[] = [];
  const crmFail: string[] = [], cliFail: string[] = [];
  for (const c of procCases) {
    const file = join(o.dir, 'xml', `${c.name}.xml`);
    if (crm) {
      const r = runCrmSimulate(file, c.extra, 60_000);
      if (r.timedOut || r.error !== undefined) crmFail.push(`${c.name}: ${r.timedOut ? 'timeout' : r.error}`);
      else crmMs.push(r.ms);
    }
    if (!cliCases.has(c)) continue;
    const q = runQuorateCli(file, c.extra, 60_000);
    if (!q.timedOut && q.error === undefined) cliMs.push(q.ms);
    else cliFail.push(`${c.name}: ${q.timedOut ? 'timeout' : q.error}`);
  }

  const sp = stats(parse), ss = stats(sched), st = stats(total), sc = stats(crmMs), sq = stats(cliMs);
  o.log(formatTable(
    ['per case', 'quorate parse', 'quorate schedule', 'quorate parse+schedule', 'quorate CLI process', 'crm_simulate process', 'crm_simulate / quorate in-process'],
    [
      ['median', ms(sp.median), ms(ss.median), ms(st.median), ms(sq.median), ms(sc.median), ratio(sc.median, st.median)],
      ['p90', ms(sp.p90), ms(ss.p90), ms(st.p90), ms(sq.p90), ms(sc.p90), ratio(sc.p90, st.p90)],
      ['max', ms(sp.max), ms(ss.max), ms(st.max), ms(sq.max), ms(sc.max), ratio(sc.max, st.max)],
      [`sum (${st.n} / ${sq.n} / ${sc.n} cases)`, ms(sp.sum), ms(ss.sum), ms(st.sum), ms(sq.sum), ms(sc.sum), '-'],
    ],
  ));
  o.log(`All ${cases.length} cases in one Node process, cold (parse+schedule, JIT warming up): ${ms(coldMs)}` +
    (sc.n > 0 ? `; crm_simulate, a process per case, ${sc.n} cases: ${ms(sc.sum)} (≈ ${ms((sc.sum / sc.n) * cases.length)} for all ${cases.length})` : ''));
  const slow = [...warm].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([n, t]) => `${n} ${ms(t)}`).join(', ');
  if (slow !== '') o.log(`Slowest for quorate: ${slow}`);
  if (!crm) o.log('crm_simulate not found: its columns are empty.');
  if (failures.length > 0) {
    o.log(`quorate failed on ${failures.length} case(s):`);
    for (const f of failures.slice(0, 20)) o.log(`  ${f}`);
    if (failures.length > 20) o.log(`  … and ${failures.length - 20} more`);
  }
  if (crmFail.length > 0) o.log(`crm_simulate failed on: ${crmFail.join('; ')}`);
  if (cliFail.length > 0) o.log(`quorate CLI failed on: ${cliFail.join('; ')}`);
}
