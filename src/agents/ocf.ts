/**
 * OCF resource agents: `<ocfRoot>/resource.d/<provider>/<type> <action>`,
 * configured through OCF_RESKEY_* environment variables.
 * @module
 */
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../util/clock.js';
import { SystemClock } from '../util/clock.js';
import { Ok, Err, type Result } from '../util/result.js';
import { logger } from '../util/log.js';
import { OcfExitCode, OpStatus } from './codes.js';
import { isSimpleName, validateCall, type AgentCall, type AgentConfigError, type OpResult, type ResourceAgent } from './agent.js';
import { parseAgentMetadata, type AgentMetadata } from './metadata.js';
import { runProgram, type SpawnOutcome } from './spawn.js';

const log = logger('agents:ocf');

/** Where Debian (and most distributions) install OCF agents. */
export const DEFAULT_OCF_ROOT = '/usr/lib/ocf';

/** A conservative PATH for agents; they call many system tools. */
export const AGENT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** How to find and run one OCF agent. */
export interface OcfAgentOptions {
  /** Provider, e.g. `heartbeat`, `pacemaker`. */
  readonly provider: string;
  /** Agent type, e.g. `Dummy`, `IPaddr2`. */
  readonly type: string;
  /** OCF root (default `/usr/lib/ocf`); tests point it at a temp dir. */
  readonly ocfRoot?: string;
  /** Measures timeouts (default: the system clock). */
  readonly clock?: Clock;
  /** Time between SIGTERM and SIGKILL after a timeout (default 2000 ms). */
  readonly killGraceMs?: number;
  /** Extra environment for every action (e.g. HA_RSCTMP in tests). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Builds the environment Pacemaker's executor gives an OCF agent. */
export function ocfEnvironment(opts: { ocfRoot: string; provider: string; type: string }, call: AgentCall, action: string,
  extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: AGENT_PATH,
    ...extra,
    OCF_ROOT: opts.ocfRoot,
    OCF_FUNCTIONS_DIR: path.join(opts.ocfRoot, 'lib', 'heartbeat'),
    OCF_RA_VERSION_MAJOR: '1',
    OCF_RA_VERSION_MINOR: '1',
    OCF_RESOURCE_INSTANCE: call.resourceId,
    OCF_RESOURCE_TYPE: opts.type,
    OCF_RESOURCE_PROVIDER: opts.provider,
    __OCF_ACTION: action,
  };
  for (const [k, v] of Object.entries(call.params)) env[`OCF_RESKEY_${k}`] = v;
  for (const [k, v] of Object.entries(call.meta)) env[`OCF_RESKEY_CRM_meta_${k.replace(/-/g, '_')}`] = v;
  env['OCF_RESKEY_CRM_meta_timeout'] = String(call.timeoutMs);
  env['OCF_RESKEY_CRM_meta_interval'] = String(call.interval ?? 0);
  return env;
}

/**
 * Turns a finished process into an {@link OpResult}: exit code as rc, a
 * timeout as status TIMEOUT, a missing program as NOT_INSTALLED.
 */
export function outcomeToResult(o: SpawnOutcome, generic: number = OcfExitCode.ERR_GENERIC): OpResult {
  const output = (o.stdout + o.stderr).trim();
  const base = { durationMs: o.durationMs, ...(output ? { output } : {}) };
  if (o.timedOut) return { ...base, rc: generic, status: OpStatus.TIMEOUT };
  if (o.spawnError === 'ENOENT') return { ...base, rc: OcfExitCode.NOT_INSTALLED, status: OpStatus.NOT_INSTALLED };
  if (o.spawnError === 'EACCES') return { ...base, rc: OcfExitCode.ERR_PERM, status: OpStatus.ERROR };
  if (o.spawnError !== undefined) return { ...base, rc: generic, status: OpStatus.ERROR, output: `cannot execute: ${o.spawnError}` };
  if (o.exitCode === undefined) return { ...base, rc: generic, status: OpStatus.ERROR, output: `killed by ${o.signal ?? 'signal'}${output ? `: ${output}` : ''}` };
  return { ...base, rc: o.exitCode, status: OpStatus.DONE };
}

/** An OCF resource agent run as a child process. */
export class OcfAgent implements ResourceAgent {
  readonly provider: string;
  readonly type: string;
  readonly ocfRoot: string;
  /** Absolute path of the agent script. */
  readonly file: string;
  private readonly clock: Clock;
  private readonly killGraceMs: number | undefined;
  private readonly env: Readonly<Record<string, string>>;
  private meta: Promise<AgentMetadata | undefined> | undefined;

  private constructor(opts: OcfAgentOptions) {
    this.provider = opts.provider;
    this.type = opts.type;
    this.ocfRoot = opts.ocfRoot ?? DEFAULT_OCF_ROOT;
    this.file = path.join(this.ocfRoot, 'resource.d', this.provider, this.type);
    this.clock = opts.clock ?? new SystemClock();
    this.killGraceMs = opts.killGraceMs;
    this.env = opts.env ?? {};
  }

  /** Creates an agent; provider and type must be plain names (no paths). */
  static create(opts: OcfAgentOptions): Result<OcfAgent, AgentConfigError> {
    for (const [what, name] of [['provider', opts.provider], ['type', opts.type]] as const) {
      if (!isSimpleName(name)) {
        return Err({ code: 'QUORATE_ERR_BAD_AGENT_NAME', message: `OCF ${what} ${JSON.stringify(name)} is not a plain name` });
      }
    }
    return Ok(new OcfAgent(opts));
  }

  /** True when the agent script exists and is executable. */
  async installed(): Promise<boolean> {
    try {
      await access(this.file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  /** Runs any OCF action by name (start, stop, monitor, migrate_to, validate-all, …). */
  async run(action: string, call: AgentCall): Promise<OpResult> {
    const bad = validateCall(call);
    if (bad) return { rc: OcfExitCode.ERR_ARGS, status: OpStatus.INVALID, output: bad.message, durationMs: 0 };
    if (!(await this.installed())) {
      return { rc: OcfExitCode.NOT_INSTALLED, status: OpStatus.NOT_INSTALLED, output: `${this.file} is not installed`, durationMs: 0 };
    }
    log('%s %s (%s:%s:%s)', call.resourceId, action, 'ocf', this.provider, this.type);
    const outcome = await runProgram({
      file: this.file,
      args: [action],
      env: ocfEnvironment(this, call, action, this.env),
      timeoutMs: call.timeoutMs,
      ...(this.killGraceMs !== undefined ? { killGraceMs: this.killGraceMs } : {}),
    }, this.clock);
    const result = outcomeToResult(outcome);
    log('%s %s -> rc=%d status=%d in %d ms', call.resourceId, action, result.rc, result.status, result.durationMs);
    return result;
  }

  start = (call: AgentCall): Promise<OpResult> => this.run('start', call);
  stop = (call: AgentCall): Promise<OpResult> => this.run('stop', call);
  monitor = (call: AgentCall): Promise<OpResult> => this.run('monitor', call);
  promote = (call: AgentCall): Promise<OpResult> => this.run('promote', call);
  demote = (call: AgentCall): Promise<OpResult> => this.run('demote', call);
  notify = (call: AgentCall): Promise<OpResult> => this.run('notify', call);
  migrateTo = (call: AgentCall): Promise<OpResult> => this.run('migrate_to', call);
  migrateFrom = (call: AgentCall): Promise<OpResult> => this.run('migrate_from', call);
  reload = (call: AgentCall): Promise<OpResult> => this.run('reload', call);

  /** Runs `meta-data` once and caches the parsed result (undefined if it fails). */
  metadata = (): Promise<AgentMetadata | undefined> => {
    this.meta ??= this.loadMetadata();
    return this.meta;
  };

  private async loadMetadata(): Promise<AgentMetadata | undefined> {
    if (!(await this.installed())) return undefined;
    const call: AgentCall = { resourceId: this.type, params: {}, meta: {}, timeoutMs: 10_000 };
    const o = await runProgram({ file: this.file, args: ['meta-data'], env: ocfEnvironment(this, call, 'meta-data', this.env), timeoutMs: call.timeoutMs }, this.clock);
    if (o.exitCode !== OcfExitCode.OK) return undefined;
    const parsed = parseAgentMetadata(o.stdout);
    if (parsed.err) log('%s meta-data: %s', this.file, parsed.val.message);
    return parsed.ok ? parsed.val : undefined;
  }
}
