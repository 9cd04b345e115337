/**
 * LSB init scripts (`/etc/init.d/<name> start|stop|status`) as resource agents.
 * `status` exit codes follow the LSB spec and are mapped to OCF codes.
 * @module
 */
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../util/clock.js';
import { SystemClock } from '../util/clock.js';
import { Ok, Err, type Result } from '../util/result.js';
import { OcfExitCode, OpStatus } from './codes.js';
import { isSimpleName, validateCall, type AgentCall, type AgentConfigError, type OpResult, type ResourceAgent } from './agent.js';
import { AGENT_PATH, outcomeToResult } from './ocf.js';
import { runProgram } from './spawn.js';

/** Where init scripts live by default. */
export const DEFAULT_LSB_DIR = '/etc/init.d';

/** How to find and run one init script. */
export interface LsbAgentOptions {
  /** The script name under the LSB directory. */
  readonly name: string;
  /** Directory of init scripts (default `/etc/init.d`). */
  readonly lsbDir?: string;
  readonly clock?: Clock;
  readonly killGraceMs?: number;
}

/**
 * Maps an LSB `status` exit code to OCF: 0 running; 1 (dead, pid file left),
 * 2 (dead, lock file left) and 3 (not running) are "not running"; 4 is unknown.
 */
export function lsbStatusToOcf(code: number): OcfExitCode {
  switch (code) {
    case 0: return OcfExitCode.OK;
    case 1: case 2: case 3: return OcfExitCode.NOT_RUNNING;
    // Pacemaker's private codes for a missing script / no permission.
    case 150: return OcfExitCode.NOT_INSTALLED;
    case 151: return OcfExitCode.ERR_PERM;
    default: return OcfExitCode.ERR_GENERIC;
  }
}

/** Maps an LSB exit code of any other action: 0–7 mean the same as in OCF. */
export function lsbActionToOcf(code: number): OcfExitCode {
  return code >= 0 && code <= 7 ? (code as OcfExitCode) : OcfExitCode.ERR_GENERIC;
}

/** An LSB init script run as a child process. */
export class LsbAgent implements ResourceAgent {
  readonly name: string;
  readonly file: string;
  private readonly clock: Clock;
  private readonly killGraceMs: number | undefined;

  private constructor(opts: LsbAgentOptions) {
    this.name = opts.name;
    this.file = path.join(opts.lsbDir ?? DEFAULT_LSB_DIR, opts.name);
    this.clock = opts.clock ?? new SystemClock();
    this.killGraceMs = opts.killGraceMs;
  }

  /** Creates an agent; the script name must be a plain name (no paths). */
  static create(opts: LsbAgentOptions): Result<LsbAgent, AgentConfigError> {
    if (!isSimpleName(opts.name)) {
      return Err({ code: 'QUORATE_ERR_BAD_AGENT_NAME', message: `LSB script ${JSON.stringify(opts.name)} is not a plain name` });
    }
    return Ok(new LsbAgent(opts));
  }

  private async run(action: 'start' | 'stop' | 'status' | 'restart' | 'force-reload', call: AgentCall): Promise<OpResult> {
    const bad = validateCall(call);
    if (bad) return { rc: OcfExitCode.ERR_ARGS, status: OpStatus.INVALID, output: bad.message, durationMs: 0 };
    try {
      await access(this.file, constants.X_OK);
    } catch {
      return { rc: OcfExitCode.NOT_INSTALLED, status: OpStatus.NOT_INSTALLED, output: `${this.file} is not installed`, durationMs: 0 };
    }
    const o = await runProgram({
      file: this.file,
      args: [action],
      // Init scripts take no parameters; only a sane environment.
      env: { PATH: AGENT_PATH, LANG: 'C' },
      timeoutMs: call.timeoutMs,
      ...(this.killGraceMs !== undefined ? { killGraceMs: this.killGraceMs } : {}),
    }, this.clock);
    const r = outcomeToResult(o);
    if (r.status !== OpStatus.DONE) return r;
    return { ...r, rc: action === 'status' ? lsbStatusToOcf(r.rc) : lsbActionToOcf(r.rc) };
  }

  start = (call: AgentCall): Promise<OpResult> => this.run('start', call);
  stop = (call: AgentCall): Promise<OpResult> => this.run('stop', call);
  monitor = (call: AgentCall): Promise<OpResult> => this.run('status', call);
  reload = (call: AgentCall): Promise<OpResult> => this.run('force-reload', call);
}
