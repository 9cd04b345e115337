/**
 * `quorate simulate`: crm_simulate-compatible. Prints the current cluster
 * status; the policy sections (transition summary, graph, scores) come from
 * the policy engine through {@link PolicyEngine} when it is available.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCibWithWarnings } from '../cib/parse.js';
import type { CibWarning } from '../cib/errors.js';
import { serialiseCib } from '../cib/serialise.js';
import { unpackCluster, executionDate } from '../cib/unpack/unpack.js';
import { formatPreamble, formatStatus } from '../cib/format/status.js';
import { parseDateTime } from '../cib/dates.js';
import type { Cib } from '../cib/types.js';
import type { PolicyEngine } from './policySeam.js';

/** Options of a simulate run (crm_simulate's flags). */
export interface SimulateOptions {
  readonly xmlFile?: string;
  readonly simulate: boolean;
  readonly showScores: boolean;
  readonly quiet: boolean;
  readonly graphFile?: string;
  readonly dotFile?: string;
  readonly outputFile?: string;
  readonly dateTime?: string;
}

/** A CLI failure: message for stderr and an exit code. */
export interface CliFailure {
  readonly code: string;
  readonly message: string;
  readonly exitCode: number;
}

/** Result of a run: text for stdout (and notices for stderr), or a failure. */
export type RunResult = { ok: true; stdout: string; stderr: string } | { ok: false; error: CliFailure };

/**
 * The CIB warnings crm_simulate prints on stderr, one per line. Pacemaker logs
 * configuration problems (unknown references, bad values) rather than printing
 * them; only schema notices reach the terminal.
 */
export function stderrWarnings(warnings: readonly CibWarning[]): string {
  return warnings.filter((w) => w.code === 'QUORATE_WARN_VALIDATION_DISABLED').map((w) => `${w.message}\n`).join('');
}

/** Loads and parses a CIB file, naming what is wrong when it cannot. */
export function loadCib(file: string): { ok: true; cib: Cib; warnings: readonly CibWarning[] } | { ok: false; error: CliFailure } {
  let xml: string;
  try {
    xml = readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { ok: false, error: { code: 'QUORATE_ERR_CLI_INPUT', message: `cannot read ${file}: ${why}`, exitCode: 2 } };
  }
  const r = parseCibWithWarnings(xml);
  if (r.err) return { ok: false, error: { code: r.val.code, message: `${file}: ${r.val.message}`, exitCode: 2 } };
  return { ok: true, cib: r.val.cib, warnings: r.val.warnings };
}

/** Resolves "now" (epoch seconds): -t, else the CIB's execution-date, else the given wall clock. */
export function resolveNow(cib: Cib, dateTime: string | undefined, wallClockS: number): { ok: true; now: number } | { ok: false; error: CliFailure } {
  if (dateTime !== undefined) {
    const r = parseDateTime(dateTime);
    if (r.err) return { ok: false, error: { code: 'QUORATE_ERR_CLI_USAGE', message: `invalid date/time for -t: ${dateTime}`, exitCode: 2 } };
    return { ok: true, now: Math.floor(r.val) };
  }
  return { ok: true, now: executionDate(cib) ?? wallClockS };
}

/**
 * The "Current cluster status" section text for a CIB, preceded by what
 * crm_simulate prints before it (execution date, maintenance banner, counts).
 * `dateTimeGiven`: "now" came from -t (so the CIB's execution-date is not announced).
 */
export function currentStatus(cib: Cib, now: number, dateTimeGiven = false): string {
  const u = unpackCluster(cib, { now });
  const pre = formatPreamble(u, { usedExecutionDate: !dateTimeGiven && executionDate(cib) !== undefined });
  return [...pre, 'Current cluster status:', ...formatStatus(u), ''].join('\n');
}

/** Runs a simulation and returns what crm_simulate would print. */
export function runSimulate(o: SimulateOptions, policy: PolicyEngine, wallClockS: number): RunResult {
  if (!o.xmlFile) return { ok: false, error: { code: 'QUORATE_ERR_CLI_USAGE', message: 'simulate: an input file is required (-x FILE)', exitCode: 2 } };
  const loaded = loadCib(o.xmlFile);
  if (!loaded.ok) return loaded;
  const cib = loaded.cib;
  const nowR = resolveNow(cib, o.dateTime, wallClockS);
  if (!nowR.ok) return nowR;
  const now = nowR.now;
  const parts: string[] = [];
  if (!o.quiet) parts.push(currentStatus(cib, now, o.dateTime !== undefined));
  const wantsPolicy = o.simulate || o.showScores || o.graphFile !== undefined || o.dotFile !== undefined
    || (o.outputFile !== undefined && o.simulate);
  let output: Cib = cib;
  if (wantsPolicy) {
    const result = policy.schedule(cib, { now });
    if (o.showScores) parts.push(['Allocation scores:', ...policy.formatScores(result)].join('\n'));
    if (o.simulate) parts.push(policy.formatSummary(cib, result, { now }));
    if (o.graphFile) writeFileSync(o.graphFile, policy.formatGraphXml(result));
    if (o.dotFile) writeFileSync(o.dotFile, policy.formatGraphDot(result));
    // As crm_simulate -O: with -S, the CIB after the simulated transition.
    if (o.simulate) output = policy.applyGraphToCib(cib, result.graph);
  }
  if (o.outputFile) writeFileSync(o.outputFile, serialiseCib(output));
  return { ok: true, stdout: parts.join('\n'), stderr: stderrWarnings(loaded.warnings) };
}

