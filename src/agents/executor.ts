/**
 * The local executor of one node (Pacemaker's pacemaker-execd): runs operations
 * on registered resources, one at a time per resource, numbers them with
 * increasing call ids, keeps recurring monitors going and reports results as
 * typed events the runtime records as lrm operation history.
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { Clock, TimerHandle } from '../util/clock.js';
import { SystemClock } from '../util/clock.js';
import { Ok, Err, type Result } from '../util/result.js';
import { logger } from '../util/log.js';
import { OcfExitCode, OpStatus } from './codes.js';
import { agentMethod, type AgentCall, type AgentConfigError, type ResourceAgent, type OpResult } from './agent.js';
import { OcfAgent } from './ocf.js';
import { LsbAgent } from './lsb.js';
import { FunctionAgent, type FunctionAgentSpec } from './function.js';
import type { AgentMetadata } from './metadata.js';

const log = logger('agents:executor');

/** How a resource is implemented. `agent` plugs in any {@link ResourceAgent} (e.g. a stonith resource agent). */
export type ResourceSpec =
  | { readonly class: 'ocf'; readonly provider: string; readonly type: string; readonly params?: Readonly<Record<string, string>>; readonly meta?: Readonly<Record<string, string>> }
  | { readonly class: 'lsb'; readonly type: string; readonly meta?: Readonly<Record<string, string>> }
  | { readonly class: 'function'; readonly agent: FunctionAgentSpec; readonly params?: Readonly<Record<string, string>>; readonly meta?: Readonly<Record<string, string>> }
  | { readonly class: 'stonith' | 'agent'; readonly agent: ResourceAgent; readonly params?: Readonly<Record<string, string>>; readonly meta?: Readonly<Record<string, string>> };

/** A request to run one operation. */
export interface OpRequest {
  readonly resourceId: string;
  /** OCF action name: start, stop, monitor, promote, demote, notify, migrate_to, migrate_from, reload. */
  readonly action: string;
  /** Recurring interval for monitors; 0 or absent = one-shot (a probe when action is monitor). */
  readonly intervalMs?: number;
  /** Timeout (default: the executor's defaultTimeoutMs). */
  readonly timeoutMs?: number;
  /** Parameters merged over the registered ones for this operation. */
  readonly params?: Readonly<Record<string, string>>;
  /** Meta attributes merged over the registered ones (notify variables, migrate_target, …). */
  readonly meta?: Readonly<Record<string, string>>;
  /** rc a recurring monitor should return (default 0; 8 for a promoted instance). */
  readonly expectedRc?: number;
}

/** One completed (or cancelled) operation, as it goes into lrm history. */
export interface OpRecord {
  readonly node: string;
  readonly resourceId: string;
  readonly action: string;
  readonly intervalMs: number;
  /** `<rsc>_<action>_<interval>`, Pacemaker's operation key. */
  readonly operationKey: string;
  readonly callId: number;
  readonly rc: number;
  readonly status: OpStatus;
  readonly output?: string;
  /** When it was requested, started and finished (clock ms). */
  readonly requestedAt: number;
  readonly lastRunAt: number;
  readonly finishedAt: number;
  /** When this operation key last changed rc or status. */
  readonly lastRcChangeAt: number;
  readonly execTimeMs: number;
  readonly queueTimeMs: number;
  /** True for the runs of a recurring monitor after its first. */
  readonly recurring: boolean;
}

/** Events of a {@link LocalExecutor}. */
export interface ExecutorEvents {
  /** An operation finished. Recurring monitors report their first run and then only changes, as Pacemaker's executor does. */
  'op:completed': (rec: OpRecord) => void;
  /** A recurring monitor run returned something other than its expected rc (reported on change). */
  'monitor:failed': (rec: OpRecord) => void;
  /** A recurring operation was cancelled. */
  'op:cancelled': (rec: OpRecord) => void;
}

/** Why a resource could not be registered. */
export type ExecutorError = AgentConfigError;

/** Options of a {@link LocalExecutor}. */
export interface LocalExecutorOptions {
  /** This node's name, stamped on records. */
  readonly node: string;
  /** Cluster clock: recurring intervals, timestamps, function agent timeouts. */
  readonly clock?: Clock;
  /** Clock for child-process timeouts (default: the system clock, as processes run in real time). */
  readonly processClock?: Clock;
  readonly ocfRoot?: string;
  readonly lsbDir?: string;
  /** Extra environment for OCF agents. */
  readonly ocfEnv?: Readonly<Record<string, string>>;
  readonly killGraceMs?: number;
  /** Timeout of operations that do not give one (default 20 s, Pacemaker's default). */
  readonly defaultTimeoutMs?: number;
}

interface Registered {
  readonly agent: ResourceAgent;
  readonly params: Readonly<Record<string, string>>;
  readonly meta: Readonly<Record<string, string>>;
  /** Tail of this resource's operation queue. */
  tail: Promise<void>;
}

interface Recurring {
  readonly req: OpRequest;
  readonly callId: number;
  readonly intervalMs: number;
  timer: TimerHandle | undefined;
  cancelled: boolean;
  last: { rc: number; status: OpStatus } | undefined;
}

/** `<rsc>_<action>_<interval>`. */
export function operationKey(resourceId: string, action: string, intervalMs: number): string {
  return `${resourceId}_${action}_${intervalMs}`;
}

/**
 * Runs resource operations on one node.
 *
 * The runtime calls {@link register} for each resource it may run here, then
 * {@link execute} for each graph action; a monitor with `intervalMs > 0` starts
 * a recurring monitor that runs until {@link cancel}led. Every result is also
 * emitted as `op:completed`.
 */
export class LocalExecutor extends EventEmitter<ExecutorEvents> {
  readonly node: string;
  private readonly clock: Clock;
  private readonly processClock: Clock;
  private readonly opts: LocalExecutorOptions;
  private readonly resources = new Map<string, Registered>();
  private readonly recurringOps = new Map<string, Recurring>();
  private readonly lastChange = new Map<string, { rc: number; status: OpStatus; at: number }>();
  private nextCallId = 1;

  constructor(opts: LocalExecutorOptions) {
    super();
    this.node = opts.node;
    this.opts = opts;
    this.clock = opts.clock ?? new SystemClock();
    this.processClock = opts.processClock ?? new SystemClock();
  }

  /** Registers (or re-registers with new parameters) a resource. */
  register(resourceId: string, spec: ResourceSpec): Result<void, ExecutorError> {
    let agent: ResourceAgent;
    switch (spec.class) {
      case 'ocf': {
        const a = OcfAgent.create({
          provider: spec.provider, type: spec.type, clock: this.processClock,
          ...(this.opts.ocfRoot !== undefined ? { ocfRoot: this.opts.ocfRoot } : {}),
          ...(this.opts.ocfEnv !== undefined ? { env: this.opts.ocfEnv } : {}),
          ...(this.opts.killGraceMs !== undefined ? { killGraceMs: this.opts.killGraceMs } : {}),
        });
        if (a.err) return Err(a.val);
        agent = a.val;
        break;
      }
      case 'lsb': {
        const a = LsbAgent.create({
          name: spec.type, clock: this.processClock,
          ...(this.opts.lsbDir !== undefined ? { lsbDir: this.opts.lsbDir } : {}),
          ...(this.opts.killGraceMs !== undefined ? { killGraceMs: this.opts.killGraceMs } : {}),
        });
        if (a.err) return Err(a.val);
        agent = a.val;
        break;
      }
      case 'function':
        agent = new FunctionAgent(spec.agent, this.clock);
        break;
      case 'stonith':
      case 'agent':
        agent = spec.agent;
        break;
    }
    const prev = this.resources.get(resourceId);
    this.resources.set(resourceId, {
      agent,
      params: ('params' in spec ? spec.params : undefined) ?? {},
      meta: spec.meta ?? {},
      tail: prev?.tail ?? Promise.resolve(),
    });
    return Ok(undefined);
  }

  /** Forgets a resource, cancelling its recurring operations. */
  unregister(resourceId: string): boolean {
    for (const [key, r] of this.recurringOps) {
      if (r.req.resourceId === resourceId) this.cancelKey(key, r);
    }
    return this.resources.delete(resourceId);
  }

  /** True when the resource is registered. */
  isRegistered(resourceId: string): boolean {
    return this.resources.has(resourceId);
  }

  /** The agent behind a registered resource (for meta-data queries). */
  agentOf(resourceId: string): ResourceAgent | undefined {
    return this.resources.get(resourceId)?.agent;
  }

  /** The agent's meta-data for a registered resource (undefined if unknown or it has none). */
  async metadata(resourceId: string): Promise<AgentMetadata | undefined> {
    return this.resources.get(resourceId)?.agent.metadata?.();
  }

  /** The recurring operations now active. */
  recurring(): { resourceId: string; action: string; intervalMs: number; callId: number }[] {
    return [...this.recurringOps.values()].map(r => ({
      resourceId: r.req.resourceId, action: r.req.action, intervalMs: r.intervalMs, callId: r.callId,
    }));
  }

  /** Runs a probe: a one-shot monitor that finds out whether the resource is active here. */
  probe(resourceId: string, timeoutMs?: number): Promise<OpRecord> {
    return this.execute({ resourceId, action: 'monitor', intervalMs: 0, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  }

  /**
   * Runs an operation after those already queued for the resource; resolves with
   * its record (never rejects). A monitor with `intervalMs > 0` replaces any
   * recurring monitor with the same key, runs now, and then every interval.
   */
  execute(req: OpRequest): Promise<OpRecord> {
    const intervalMs = req.intervalMs ?? 0;
    const callId = this.nextCallId++;
    if (intervalMs > 0) {
      const key = operationKey(req.resourceId, req.action, intervalMs);
      const old = this.recurringOps.get(key);
      if (old) this.cancelKey(key, old, false);
      const rec: Recurring = { req, callId, intervalMs, timer: undefined, cancelled: false, last: undefined };
      this.recurringOps.set(key, rec);
      return this.runRecurring(key, rec, false);
    }
    return this.enqueue(req, callId, false).then(r => {
      this.emit('op:completed', r);
      return r;
    });
  }

  /** Cancels a recurring operation by (resource, action, interval). False when none was active. */
  cancel(resourceId: string, action: string, intervalMs: number): boolean {
    const key = operationKey(resourceId, action, intervalMs);
    const r = this.recurringOps.get(key);
    if (!r) return false;
    this.cancelKey(key, r);
    return true;
  }

  /** Cancels every recurring operation (node shutdown). Running operations finish. */
  cancelAll(): void {
    for (const [key, r] of [...this.recurringOps]) this.cancelKey(key, r);
  }

  /** Resolves once every operation queued so far on every resource has finished. */
  async idle(): Promise<void> {
    await Promise.all([...this.resources.values()].map(r => r.tail));
  }

  private cancelKey(key: string, r: Recurring, report = true): void {
    r.cancelled = true;
    r.timer?.cancel();
    if (this.recurringOps.get(key) === r) this.recurringOps.delete(key);
    if (!report) return;
    const now = this.clock.now();
    const rec: OpRecord = {
      node: this.node, resourceId: r.req.resourceId, action: r.req.action, intervalMs: r.intervalMs,
      operationKey: key, callId: r.callId, rc: OcfExitCode.OK, status: OpStatus.CANCELLED,
      requestedAt: now, lastRunAt: now, finishedAt: now, lastRcChangeAt: now, execTimeMs: 0, queueTimeMs: 0, recurring: true,
    };
    log('%s: cancelled %s', this.node, key);
    this.emit('op:cancelled', rec);
    this.emit('op:completed', rec);
  }

  private async runRecurring(key: string, r: Recurring, repeat: boolean): Promise<OpRecord> {
    const rec = await this.enqueue(r.req, r.callId, repeat);
    if (r.cancelled) return rec;
    const changed = !r.last || r.last.rc !== rec.rc || r.last.status !== rec.status;
    r.last = { rc: rec.rc, status: rec.status };
    if (changed) {
      this.emit('op:completed', rec);
      const expected = r.req.expectedRc ?? OcfExitCode.OK;
      if (repeat && (rec.status !== OpStatus.DONE || rec.rc !== expected)) {
        log('%s: recurring %s failed rc=%d status=%d', this.node, key, rec.rc, rec.status);
        this.emit('monitor:failed', rec);
      }
    }
    r.timer = this.clock.setTimeout(() => {
      r.timer = undefined;
      if (!r.cancelled) void this.runRecurring(key, r, true);
    }, r.intervalMs);
    return rec;
  }

  private enqueue(req: OpRequest, callId: number, recurring: boolean): Promise<OpRecord> {
    const requestedAt = this.clock.now();
    const intervalMs = req.intervalMs ?? 0;
    const key = operationKey(req.resourceId, req.action, intervalMs);
    const reg = this.resources.get(req.resourceId);
    const base = { node: this.node, resourceId: req.resourceId, action: req.action, intervalMs, operationKey: key, callId, requestedAt, recurring };
    if (!reg) {
      return Promise.resolve(this.finish(base, requestedAt, {
        rc: OcfExitCode.ERR_GENERIC, status: OpStatus.INVALID, output: `resource ${req.resourceId} is not registered on ${this.node}`, durationMs: 0,
      }));
    }
    const result = reg.tail.then(async () => {
      const startedAt = this.clock.now();
      const method = agentMethod(reg.agent, req.action);
      let res: OpResult;
      if (!method) {
        res = { rc: OcfExitCode.UNIMPLEMENTED, status: OpStatus.NOT_SUPPORTED, output: `action ${req.action} is not supported`, durationMs: 0 };
      } else {
        const call: AgentCall = {
          resourceId: req.resourceId,
          params: { ...reg.params, ...req.params },
          meta: { ...reg.meta, ...req.meta },
          timeoutMs: req.timeoutMs ?? this.opts.defaultTimeoutMs ?? 20_000,
          interval: intervalMs,
        };
        try {
          res = await method(call);
        } catch (e) {
          // Agents never should throw; a custom one might.
          res = { rc: OcfExitCode.ERR_GENERIC, status: OpStatus.ERROR, output: e instanceof Error ? e.message : String(e), durationMs: 0 };
        }
      }
      return this.finish(base, startedAt, res);
    });
    reg.tail = result.then(() => undefined);
    return result;
  }

  private finish(base: Omit<OpRecord, 'rc' | 'status' | 'output' | 'lastRunAt' | 'finishedAt' | 'lastRcChangeAt' | 'execTimeMs' | 'queueTimeMs'>,
    startedAt: number, res: OpResult): OpRecord {
    const finishedAt = this.clock.now();
    const prev = this.lastChange.get(base.operationKey);
    let lastRcChangeAt = finishedAt;
    if (prev && prev.rc === res.rc && prev.status === res.status) lastRcChangeAt = prev.at;
    else this.lastChange.set(base.operationKey, { rc: res.rc, status: res.status, at: finishedAt });
    return {
      ...base,
      rc: res.rc,
      status: res.status,
      ...(res.output !== undefined ? { output: res.output } : {}),
      lastRunAt: startedAt,
      finishedAt,
      lastRcChangeAt,
      execTimeMs: Math.max(0, finishedAt - startedAt),
      queueTimeMs: Math.max(0, startedAt - base.requestedAt),
    };
  }
}
