/**
 * Benchmark part (b): generated CIBs of growing size, quorate against
 * crm_simulate where crm_simulate finishes in reasonable time, quorate alone
 * beyond, and how quorate's time grows with size.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateCloneCib, generatePrimitiveCib, type GeneratedCib } from './generate.js';
import { haveCrmSimulate, runCrmSimulate, runQuorate, type ProcessRun, type QuorateRun } from './runners.js';
import { fitExponent, formatTable, ms, ratio } from './table.js';

/** One size to measure. */
export interface ScalePoint {
  readonly label: string;
  /** The size the growth fit uses (primitives, or clone instances). */
  readonly size: number;
  readonly series: 'primitives' | 'clones';
  readonly make: () => GeneratedCib;
  /** Also run crm_simulate on it. */
  readonly crm: boolean;
}

/** Options of {@link benchScale}. */
export interface ScaleBenchOptions {
  readonly points: readonly ScalePoint[];
  readonly crmTimeoutMs: number;
  readonly log: (line: string) => void;
  /** Progress lines (one per finished point), so a crash late still leaves figures. */
  readonly progress: (line: string) => void;
  /** The size whose schedule time has a target, and the target. */
  readonly target?: { readonly label: string; readonly ms: number };
}

/** The default points: primitives at 32 nodes, and clone-heavy CIBs. */
export function scalePoints(mode: 'quick' | 'default' | 'full'): ScalePoint[] {
  const prim = (n: number, crm: boolean): ScalePoint => ({
    label: `32 nodes × ${n} primitives`, size: n, series: 'primitives', crm,
    make: () => generatePrimitiveCib({ nodes: 32, primitives: n, seed: n }),
  });
  const clones = (c: number, p: number, crm: boolean): ScalePoint => ({
    label: `32 nodes × ${c} clones + ${p} promotable`, size: (c + p) * 32, series: 'clones', crm,
    make: () => generateCloneCib({ nodes: 32, clones: c, promotable: p, seed: c }),
  });
  if (mode === 'quick') return [prim(50, true), prim(100, true), prim(400, false), clones(20, 5, true)];
  const pts = [prim(100, true), prim(200, true), prim(400, true), prim(1000, false), prim(2000, false)];
  pts.push(clones(50, 12, true), clones(100, 25, true), clones(200, 50, true));
  if (mode === 'full') pts.push(prim(4000, false));
  pts.push(prim(10_000, false)); // last: the biggest, so an out-of-memory leaves every other figure printed
  return pts;
}

interface Measured {
  readonly p: ScalePoint;
  readonly mb: number;
  readonly ops: number;
  readonly genMs: number;
  readonly q: QuorateRun;
  readonly crm?: ProcessRun;
}

/** Runs part (b) and prints its table and growth figures. */
export function benchScale(o: ScaleBenchOptions): void {
  const dir = mkdtempSync(join(tmpdir(), 'quorate-bench-'));
  const crmAvailable = haveCrmSimulate();
  const rows: Measured[] = [];
  try {
    for (const p of o.points) {
      const t0 = performance.now();
      const g = p.make();
      const genMs = performance.now() - t0;
      // Small CIBs: best of three; big ones once (each run parses tens of MB).
      const reps = g.xml.length < 10_000_000 ? 3 : 1;
      let q = runQuorate(g.xml, g.now);
      for (let k = 1; k < reps && q.error === undefined; k++) {
        const r = runQuorate(g.xml, g.now);
        if (r.error === undefined && r.parseMs + r.scheduleMs < q.parseMs + q.scheduleMs) q = { ...r, synapses: q.synapses ?? r.synapses };
      }
      let crm: ProcessRun | undefined;
      if (p.crm && crmAvailable) {
        const file = join(dir, 'cib.xml'), graph = join(dir, 'graph.xml');
        writeFileSync(file, g.xml);
        crm = runCrmSimulate(file, [], o.crmTimeoutMs, graph);
        rmSync(graph, { force: true });
      }
      const m: Measured = { p, mb: g.xml.length / 1e6, ops: g.counts.ops, genMs, q, ...(crm ? { crm } : {}) };
      rows.push(m);
      o.progress(`  ${p.label}: quorate ${q.error ?? `${ms(q.parseMs)} parse + ${ms(q.scheduleMs)} schedule`}` +
        (crm ? `; crm_simulate ${crmCell(crm)}` : ''));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  o.log(`\n== (b) Generated CIBs (seeded; one lost node each; crm_simulate timeout ${ms(o.crmTimeoutMs)}) ==`);
  o.log(formatTable(
    ['CIB', 'XML', 'history ops', 'quorate parse', 'quorate schedule', 'quorate total', 'crm_simulate', 'crm / quorate total', 'synapses quorate / crm'],
    rows.map((r) => {
      const total = r.q.error === undefined ? r.q.parseMs + r.q.scheduleMs : undefined;
      const crmMs = r.crm && !r.crm.timedOut && r.crm.error === undefined ? r.crm.ms : undefined;
      return [
        r.p.label, `${r.mb.toFixed(1)} MB`, String(r.ops), ms(r.q.parseMs),
        r.q.error !== undefined ? 'FAILED' : ms(r.q.scheduleMs), ms(total),
        r.crm ? crmCell(r.crm) : r.p.crm ? 'n/a' : '(not run)', ratio(crmMs, total),
        `${r.q.synapses ?? '-'} / ${r.crm?.synapses ?? '-'}`,
      ];
    }),
  ));
  for (const r of rows) if (r.q.error !== undefined) o.log(`quorate failed on ${r.p.label}: ${r.q.error}`);
  for (const series of ['primitives', 'clones'] as const) growth(rows.filter((r) => r.p.series === series && r.q.error === undefined), series, o.log);
  if (o.target) {
    const r = rows.find((x) => x.p.label === o.target!.label);
    if (r && r.q.error === undefined) {
      const met = r.q.scheduleMs < o.target.ms;
      o.log(`Target: schedule ${r.p.label} in under ${ms(o.target.ms)}: ${met ? 'met' : 'NOT met'} (${ms(r.q.scheduleMs)}; with parsing ${ms(r.q.parseMs + r.q.scheduleMs)})`);
    }
  }
}

function crmCell(r: ProcessRun): string {
  if (r.timedOut) return 'timeout';
  if (r.error !== undefined) return `error (${r.error.slice(0, 40)})`;
  return ms(r.ms);
}

/** Per-doubling ratios between consecutive sizes and the fitted exponent, for schedule and parse+schedule. */
function growth(rows: readonly Measured[], series: string, log: (l: string) => void): void {
  if (rows.length < 2) return;
  const perDoubling = (a: number, b: number, na: number, nb: number): string => (Math.pow(b / a, 1 / Math.log2(nb / na))).toFixed(2);
  const steps = rows.slice(1).map((r, i) => {
    const a = rows[i]!;
    return `${a.p.size}→${r.p.size}: ×${perDoubling(a.q.scheduleMs, r.q.scheduleMs, a.p.size, r.p.size)} schedule, ` +
      `×${perDoubling(a.q.parseMs + a.q.scheduleMs, r.q.parseMs + r.q.scheduleMs, a.p.size, r.p.size)} total`;
  });
  const kS = fitExponent(rows.map((r) => ({ n: r.p.size, t: r.q.scheduleMs })));
  const kT = fitExponent(rows.map((r) => ({ n: r.p.size, t: r.q.parseMs + r.q.scheduleMs })));
  log(`quorate growth over ${series} (time ratio per doubling of size): ${steps.join('; ')}`);
  log(`  fitted t ∝ n^k: k = ${kS.toFixed(2)} (schedule), ${kT.toFixed(2)} (parse+schedule)`);
  const crm = rows.filter((r) => r.crm && !r.crm.timedOut && r.crm.error === undefined);
  if (crm.length >= 2) log(`  crm_simulate over the same ${series}: k = ${fitExponent(crm.map((r) => ({ n: r.p.size, t: r.crm!.ms }))).toFixed(2)}`);
}
