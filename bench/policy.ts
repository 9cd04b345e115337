/**
 * The policy-engine benchmark: (a) Pacemaker's regression cases and (b) generated
 * CIBs of growing size, quorate side by side with crm_simulate 2.1.5.
 * @module
 */
import { benchCases } from './policyCases.js';
import { benchScale, scalePoints } from './policyScale.js';
import { CASES_DIR } from '../scripts/paths.js';

/** Options of {@link runPolicyBench}. */
export interface PolicyBenchOptions {
  /** A small, fast run. */
  readonly quick?: boolean;
  /** Every regression case (not a sample) and an extra scale point. */
  readonly full?: boolean;
  /** Where the regression cases live. */
  readonly casesDir?: string;
  /** crm_simulate gets this long per run before it is reported as "timeout". */
  readonly crmTimeoutMs?: number;
  readonly log?: (line: string) => void;
  readonly progress?: (line: string) => void;
}

/** Runs the policy benchmark and prints its tables. */
export function runPolicyBench(o: PolicyBenchOptions = {}): void {
  const log = o.log ?? ((l: string) => console.log(l));
  const progress = o.progress ?? ((l: string) => process.stderr.write(`${l}\n`));
  const mode = o.full ? 'full' : o.quick ? 'quick' : 'default';
  log(`Policy engine benchmark (${mode}; Node ${process.version})`);
  benchCases({
    dir: o.casesDir ?? CASES_DIR,
    sample: mode === 'full' ? undefined : mode === 'quick' ? 15 : 60,
    processSample: mode === 'full' ? undefined : mode === 'quick' ? 10 : 60,
    cliSample: mode === 'quick' ? 5 : 60,
    log,
  });
  benchScale({
    points: scalePoints(mode),
    crmTimeoutMs: o.crmTimeoutMs ?? 120_000,
    log, progress,
    ...(mode === 'quick' ? {} : { target: { label: '32 nodes × 2000 primitives', ms: 1000 } }),
  });
}
