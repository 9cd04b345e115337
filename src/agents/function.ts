/**
 * In-process agents: plain async functions as start/stop/monitor, with the same
 * timeout semantics as external agents (a hung promise becomes a timeout) and
 * exceptions turned into rc 1. Timeouts use the injected clock, so function
 * agents run under virtual time.
 * @module
 */
import type { Clock } from '../util/clock.js';
import { SystemClock } from '../util/clock.js';
import { OcfExitCode, OpStatus } from './codes.js';
import type { AgentCall, OpResult, ResourceAgent } from './agent.js';
import type { AgentMetadata } from './metadata.js';

/** What a function action may return: an exit code, an exit code with output, or nothing (= OK). */
export type FunctionActionReturn = void | number | { rc: number; output?: string };

/** A function implementing one action. */
export type FunctionAction = (call: AgentCall) => FunctionActionReturn | Promise<FunctionActionReturn>;

/** The functions of an in-process agent. */
export interface FunctionAgentSpec {
  start: FunctionAction;
  stop: FunctionAction;
  monitor: FunctionAction;
  promote?: FunctionAction;
  demote?: FunctionAction;
  notify?: FunctionAction;
  migrateTo?: FunctionAction;
  migrateFrom?: FunctionAction;
  reload?: FunctionAction;
  metadata?: AgentMetadata;
}

/**
 * Runs `fn` with a deadline on `clock`. A rejected promise or exception gives
 * rc 1 with the message; a promise still pending at the deadline gives status
 * TIMEOUT (its eventual result is ignored).
 */
export function runWithTimeout(fn: FunctionAction, call: AgentCall, clock: Clock): Promise<OpResult> {
  const started = clock.now();
  return new Promise<OpResult>(resolve => {
    let done = false;
    const settle = (r: Omit<OpResult, 'durationMs'>): void => {
      if (done) return;
      done = true;
      timer.cancel();
      resolve({ ...r, durationMs: clock.now() - started });
    };
    const timer = clock.setTimeout(() => settle({
      rc: OcfExitCode.ERR_GENERIC, status: OpStatus.TIMEOUT, output: `timed out after ${call.timeoutMs} ms`,
    }), call.timeoutMs);
    const fail = (e: unknown): void => settle({
      rc: OcfExitCode.ERR_GENERIC, status: OpStatus.DONE, output: e instanceof Error ? e.message : String(e),
    });
    const ok = (v: FunctionActionReturn): void => {
      if (v === undefined || v === null) settle({ rc: OcfExitCode.OK, status: OpStatus.DONE });
      else if (typeof v === 'number') settle({ rc: v, status: OpStatus.DONE });
      else if (typeof v === 'object' && typeof v.rc === 'number') {
        settle({ rc: v.rc, status: OpStatus.DONE, ...(v.output !== undefined ? { output: v.output } : {}) });
      } else fail(new Error(`agent returned ${JSON.stringify(v)}, not an exit code`));
    };
    try {
      Promise.resolve(fn(call)).then(ok, fail);
    } catch (e) {
      fail(e);
    }
  });
}

/** A {@link ResourceAgent} made of in-process functions. */
export class FunctionAgent implements ResourceAgent {
  private readonly spec: FunctionAgentSpec;
  private readonly clock: Clock;

  constructor(spec: FunctionAgentSpec, clock: Clock = new SystemClock()) {
    this.spec = spec;
    this.clock = clock;
    // Optional actions exist on the agent only if the spec has them.
    if (!spec.promote) delete (this as Partial<ResourceAgent>).promote;
    if (!spec.demote) delete (this as Partial<ResourceAgent>).demote;
    if (!spec.notify) delete (this as Partial<ResourceAgent>).notify;
    if (!spec.migrateTo) delete (this as Partial<ResourceAgent>).migrateTo;
    if (!spec.migrateFrom) delete (this as Partial<ResourceAgent>).migrateFrom;
    if (!spec.reload) delete (this as Partial<ResourceAgent>).reload;
  }

  private call(fn: FunctionAction | undefined, call: AgentCall): Promise<OpResult> {
    if (!fn) return Promise.resolve({ rc: OcfExitCode.UNIMPLEMENTED, status: OpStatus.NOT_SUPPORTED, durationMs: 0 });
    return runWithTimeout(fn, call, this.clock);
  }

  start = (c: AgentCall): Promise<OpResult> => this.call(this.spec.start, c);
  stop = (c: AgentCall): Promise<OpResult> => this.call(this.spec.stop, c);
  monitor = (c: AgentCall): Promise<OpResult> => this.call(this.spec.monitor, c);
  promote = (c: AgentCall): Promise<OpResult> => this.call(this.spec.promote, c);
  demote = (c: AgentCall): Promise<OpResult> => this.call(this.spec.demote, c);
  notify = (c: AgentCall): Promise<OpResult> => this.call(this.spec.notify, c);
  migrateTo = (c: AgentCall): Promise<OpResult> => this.call(this.spec.migrateTo, c);
  migrateFrom = (c: AgentCall): Promise<OpResult> => this.call(this.spec.migrateFrom, c);
  reload = (c: AgentCall): Promise<OpResult> => this.call(this.spec.reload, c);
  metadata = (): Promise<AgentMetadata | undefined> => Promise.resolve(this.spec.metadata);
}
