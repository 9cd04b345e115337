/**
 * The two things the policy benchmark times: quorate's scheduler in-process
 * (parse and schedule timed apart) and a process per run of crm_simulate or of
 * quorate's own CLI, the way users run them.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseCib } from '../src/cib/parse.js';
import { formatGraphXml, schedule } from '../src/policy/index.js';
import { resolveNow } from '../src/cli/simulate.js';

/** One in-process quorate run. */
export interface QuorateRun {
  readonly parseMs: number;
  readonly scheduleMs: number;
  /** Synapses in the transition graph (comparable to crm_simulate's -G output). */
  readonly synapses?: number;
  /** Why it failed (parse error or exception), if it did. */
  readonly error?: string;
}

/** Big CIBs go past parseCib's default safety limits; the benchmark raises them. */
const BENCH_LIMITS = { maxDocumentChars: 1_500_000_000, maxElements: 50_000_000 };

/** Parses and schedules `xml` at `now` (or, if undefined, the CIB's or `-t` date as crm_simulate resolves it). */
export function runQuorate(xml: string, now?: number, dateTime?: string, countSynapses = true): QuorateRun {
  const t0 = performance.now();
  const cib = parseCib(xml, { limits: BENCH_LIMITS });
  const parseMs = performance.now() - t0;
  if (!cib.ok) return { parseMs, scheduleMs: NaN, error: `parse: ${cib.val.message}` };
  let at = now;
  if (at === undefined) {
    const r = resolveNow(cib.val, dateTime, Math.floor(Date.now() / 1000));
    if (!r.ok) return { parseMs, scheduleMs: NaN, error: r.error.message };
    at = r.now;
  }
  const t1 = performance.now();
  try {
    const result = schedule(cib.val, { now: at });
    const scheduleMs = performance.now() - t1;
    return countSynapses ? { parseMs, scheduleMs, synapses: countSynapseTags(formatGraphXml(result)) } : { parseMs, scheduleMs };
  } catch (e) {
    const err = e as Error;
    const where = (err.stack ?? '').split('\n').find((l) => l.includes('/dist/src/'))?.trim() ?? '';
    return { parseMs, scheduleMs: NaN, error: `${err.name}: ${err.message}${where ? ` (${where})` : ''}` };
  }
}

/** Reads a file and runs quorate on it. */
export function runQuorateFile(file: string, dateTime?: string): QuorateRun {
  return runQuorate(readFileSync(file, 'utf8'), undefined, dateTime);
}

/** One run of an external process. */
export interface ProcessRun {
  readonly ms: number;
  readonly timedOut: boolean;
  readonly error?: string;
  readonly synapses?: number;
}

/** The `<synapse>` count of a transition graph's XML. */
export function countSynapseTags(xml: string): number {
  return (xml.match(/<synapse[\s>]/g) ?? []).length;
}

function runProcess(cmd: string, args: readonly string[], timeoutMs: number, graphFile?: string): ProcessRun {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { ms, timedOut: true };
  if (r.signal === 'SIGKILL' && ms >= timeoutMs) return { ms, timedOut: true };
  if (r.error !== undefined) return { ms, timedOut: false, error: r.error.message };
  if (r.status !== 0) return { ms, timedOut: false, error: `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n')[0] ?? ''}` };
  let synapses: number | undefined;
  if (graphFile !== undefined) {
    try { synapses = countSynapseTags(readFileSync(graphFile, 'utf8')); } catch { synapses = undefined; }
  }
  return synapses === undefined ? { ms, timedOut: false } : { ms, timedOut: false, synapses };
}

/** `crm_simulate -x FILE -s -Q -G GRAPH [extra]`: schedules, prints scores, no status or execution. */
export function runCrmSimulate(file: string, extraArgs: readonly string[], timeoutMs: number, graphFile = '/dev/null'): ProcessRun {
  return runProcess('crm_simulate', ['-x', file, '-s', '-Q', '-G', graphFile, ...extraArgs], timeoutMs, graphFile === '/dev/null' ? undefined : graphFile);
}

const QUORATE_BIN = fileURLToPath(new URL('../../bin/quorate.js', import.meta.url));

/** The same run through quorate's crm_simulate-compatible CLI, one Node process per run. */
export function runQuorateCli(file: string, extraArgs: readonly string[], timeoutMs: number): ProcessRun {
  return runProcess(process.execPath, [QUORATE_BIN, 'simulate', '-x', file, '-s', '-Q', '-G', '/dev/null', ...extraArgs], timeoutMs);
}

/** Is crm_simulate on the PATH? */
export function haveCrmSimulate(): boolean {
  const r = spawnSync('crm_simulate', ['--version'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}
