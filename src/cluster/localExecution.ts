/**
 * A node's local execution (Pacemaker's controller talking to its
 * pacemaker-execd): turns graph actions into executor operations with the
 * right agent, keeps the node's own history, and reports each result —
 * including later changes of recurring monitors. Agent processes are counted
 * as real work so virtual time can wait for them.
 * @module
 */
import type { Clock } from '../util/clock.js';
import { Ok, Err, type Result } from '../util/result.js';
import { parseInterval } from '../cib/values.js';
import type { LrmResource } from '../cib/types.js';
import type { GraphAction } from '../policy/graph.js';
import { LocalExecutor, type LocalExecutorOptions, type OpRecord, type ResourceSpec } from '../agents/executor.js';
import { OcfExitCode, OpStatus } from '../agents/codes.js';
import type { AgentAction, AgentCall, OpResult, ResourceAgent } from '../agents/agent.js';
import type { Fencer } from '../fencing/fencer.js';
import type { LrmAgentRef } from './cibOps.js';
import { LrmHistory, type LrmUpdate } from './lrmHistory.js';
import type { AgentRegistry } from './registry.js';

/** Where results go (the node sends them to the DC). */
export type ResultReport = (key: string, update: LrmUpdate, rc: number, opStatus: number, output?: string) => void;

/** What a {@link LocalExecution} needs from its node. */
export interface LocalExecutionOptions {
  readonly name: string;
  readonly clock: Clock;
  readonly registry: AgentRegistry;
  readonly fencer: Fencer;
  readonly executor: Omit<LocalExecutorOptions, 'node' | 'clock'>;
  readonly report: ResultReport;
  readonly isRunning: () => boolean;
}

interface ExecContext {
  readonly ref: LrmAgentRef;
  readonly transitionKey: string;
  readonly targetRc: number;
  readonly params: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/** Runs graph actions on this node. */
export class LocalExecution {
  readonly executor: LocalExecutor;
  private readonly history: LrmHistory;
  private readonly execCtx = new Map<string, ExecContext>();
  private realOps = 0;

  constructor(private readonly o: LocalExecutionOptions) {
    this.executor = new LocalExecutor({ node: o.name, clock: o.clock, ...o.executor });
    this.history = new LrmHistory(o.name);
    this.executor.on('op:completed', rec => this.onRecurringChange(rec));
  }

  /** Agent processes running now. */
  get realWork(): number {
    return this.realOps;
  }

  /** Counts `p` as real work while it runs. */
  countReal<T>(p: Promise<T>): Promise<T> {
    this.realOps++;
    return p.finally(() => { this.realOps--; });
  }

  /** The node's own history, as lrm_resource entries. */
  snapshot(): LrmResource[] {
    return this.history.snapshot();
  }

  /** Forgets history (one resource, or all). */
  erase(rscId?: string): void {
    this.history.erase(rscId);
    if (rscId === undefined) this.execCtx.clear();
    else for (const k of [...this.execCtx.keys()]) if (this.execCtx.get(k)!.ref.id === rscId) this.execCtx.delete(k);
  }

  private resolveAgent(ref: LrmAgentRef, params: Record<string, string>, meta: Record<string, string>):
    Result<ResourceSpec, { rc: number; status: OpStatus; output: string }> {
    switch (ref.class) {
      case 'ocf':
        return Ok({ class: 'ocf', provider: ref.provider ?? 'heartbeat', type: ref.type, params, meta });
      case 'lsb':
        return Ok({ class: 'lsb', type: ref.type, meta });
      case 'function': {
        const spec = this.o.registry.agent(ref.type);
        if (!spec) return Err({ rc: OcfExitCode.NOT_INSTALLED, status: OpStatus.NOT_INSTALLED, output: `no function agent ${ref.type} is registered on ${this.o.name}` });
        return Ok({ class: 'function', agent: spec, params, meta });
      }
      case 'stonith':
        return Ok({ class: 'stonith', agent: this.stonithAgent(ref.id), params, meta });
      default:
        return Err({ rc: OcfExitCode.NOT_INSTALLED, status: OpStatus.NOT_INSTALLED, output: `resource class ${ref.class} is not supported` });
    }
  }

  /** Wraps an agent that runs processes so each action counts as real work while it runs. */
  private counted(agent: ResourceAgent): ResourceAgent {
    const wrap = (fn: AgentAction | undefined): AgentAction | undefined => fn && (async call => {
      this.realOps++;
      try {
        return await fn(call);
      } finally {
        this.realOps--;
      }
    });
    const out: ResourceAgent = { start: wrap(agent.start)!, stop: wrap(agent.stop)!, monitor: wrap(agent.monitor)! };
    const optional = ['promote', 'demote', 'notify', 'migrateTo', 'migrateFrom', 'reload'] as const;
    for (const k of optional) { const w = wrap(agent[k]); if (w) out[k] = w; }
    if (agent.metadata) out.metadata = agent.metadata;
    return out;
  }

  /** A stonith resource: the device is registered from the CIB on every node; start and monitor check it. */
  private stonithAgent(id: string): ResourceAgent {
    const monitor = async (call: AgentCall): Promise<OpResult> => {
      if (!this.o.fencer.device(id)) return { rc: OcfExitCode.NOT_CONFIGURED, status: OpStatus.DONE, output: `fence device ${id} is not registered on ${this.o.name}`, durationMs: 0 };
      const dev = this.o.fencer.device(id);
      const p = this.o.fencer.monitorDevice(id, call.timeoutMs);
      const r = dev?.kind === 'agent' ? await this.countReal(p) : await p;
      return { rc: r.ok ? OcfExitCode.OK : OcfExitCode.ERR_GENERIC, status: r.timedOut ? OpStatus.TIMEOUT : OpStatus.DONE, durationMs: r.durationMs, ...(r.output !== undefined ? { output: r.output } : {}) };
    };
    let started = false;
    return {
      start: async call => { const r = await monitor(call); started = r.rc === OcfExitCode.OK; return r; },
      stop: async () => { started = false; return { rc: OcfExitCode.OK, status: OpStatus.DONE, durationMs: 0 }; },
      monitor: async call => (call.interval === 0 && !started ? { rc: OcfExitCode.NOT_RUNNING, status: OpStatus.DONE, durationMs: 0 } : monitor(call)),
    };
  }

  /** Runs one graph action here and reports the result. */
  async run(key: string, targetRc: number, a: GraphAction): Promise<void> {
    if (!this.o.isRunning() || !a.resource) return;
    const attrs = a.attributes;
    const params: Record<string, string> = {};
    const meta: Record<string, string> = {};
    for (const [k, v] of Object.entries(attrs)) {
      if (k.startsWith('CRM_meta_')) meta[k.slice('CRM_meta_'.length)] = v;
      else if (!k.includes('#')) params[k] = v;
    }
    const ref: LrmAgentRef = {
      id: a.resource.id, class: a.resource.class, type: a.resource.type,
      ...(a.resource.provider !== undefined ? { provider: a.resource.provider } : {}),
    };
    const intervalMs = msOf(meta['interval'], 0);
    if (a.operation === 'cancel') {
      const task = meta['task'] ?? 'monitor';
      this.executor.cancel(ref.id, task, intervalMs);
      const id = `${ref.id}_${task}_${intervalMs}`;
      this.execCtx.delete(`${ref.id}_${task}_${intervalMs}`);
      const update: LrmUpdate = { rsc: ref, records: [], remove: [id], failed: false };
      this.o.report(key, update, 0, OpStatus.DONE);
      return;
    }
    const spec = this.resolveAgent(ref, params, meta);
    let rec: OpRecord;
    if (spec.err) {
      const now = this.o.clock.now();
      rec = {
        node: this.o.name, resourceId: ref.id, action: a.operation, intervalMs, operationKey: `${ref.id}_${a.operation}_${intervalMs}`,
        callId: 0, rc: spec.val.rc, status: spec.val.status, output: spec.val.output, requestedAt: now, lastRunAt: now, finishedAt: now,
        lastRcChangeAt: now, execTimeMs: 0, queueTimeMs: 0, recurring: false,
      };
    } else {
      let reg = this.executor.register(ref.id, spec.val);
      const real = this.executor.agentOf(ref.id);
      if (reg.ok && real && (ref.class === 'ocf' || ref.class === 'lsb')) {
        // Re-register through a wrapper that counts agent processes (recurring monitors too), so virtual time waits for them.
        reg = this.executor.register(ref.id, { class: 'agent', agent: this.counted(real), params, meta });
      }
      if (reg.err) {
        const now = this.o.clock.now();
        rec = {
          node: this.o.name, resourceId: ref.id, action: a.operation, intervalMs, operationKey: `${ref.id}_${a.operation}_${intervalMs}`,
          callId: 0, rc: OcfExitCode.NOT_CONFIGURED, status: OpStatus.ERROR_FATAL, output: reg.val.message, requestedAt: now, lastRunAt: now,
          finishedAt: now, lastRcChangeAt: now, execTimeMs: 0, queueTimeMs: 0, recurring: false,
        };
      } else {
        if (a.operation === 'stop') {
          // A stop ends the resource's recurring monitors first, as Pacemaker's controller does.
          for (const r of this.executor.recurring()) if (r.resourceId === ref.id) {
            this.execCtx.delete(`${ref.id}_${r.action}_${r.intervalMs}`);
            this.executor.cancel(ref.id, r.action, r.intervalMs);
          }
        }
        if (intervalMs > 0) this.execCtx.set(`${ref.id}_${a.operation}_${intervalMs}`, { ref, transitionKey: key, targetRc, params, timeoutMs: msOf(meta['timeout'], 20_000) });
        rec = await this.executor.execute({
          resourceId: ref.id, action: a.operation, intervalMs,
          timeoutMs: msOf(meta['timeout'], 20_000),
          ...(intervalMs > 0 ? { expectedRc: targetRc } : {}),
        });
      }
    }
    if (!this.o.isRunning()) return;
    if (a.operation === 'stop' && rec.status === OpStatus.NOT_INSTALLED) {
      // An agent that is not installed cannot have anything running: the stop succeeds (as Pacemaker's executor decides).
      rec = { ...rec, rc: OcfExitCode.OK, status: OpStatus.DONE };
    }
    const update = this.history.record(ref, rec, { transitionKey: key, targetRc, params, timeoutMs: msOf(meta['timeout'], 20_000) });
    this.o.report(key, update, rec.rc, rec.status, rec.output);
  }

  /** A recurring monitor changed result: record it and tell the DC. */
  onRecurringChange(rec: OpRecord): void {
    if (!this.o.isRunning() || !rec.recurring || rec.status === OpStatus.CANCELLED) return;
    const ctx = this.execCtx.get(rec.operationKey);
    if (!ctx) return;
    const update = this.history.record(ctx.ref, rec, { transitionKey: ctx.transitionKey, targetRc: ctx.targetRc, params: ctx.params, timeoutMs: ctx.timeoutMs });
    this.o.report(ctx.transitionKey, update, rec.rc, rec.status, rec.output);
  }
}

/** CRM_meta_* durations are plain milliseconds; other spellings are Pacemaker intervals. */
function msOf(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (/^\d+$/.test(v)) return Number(v);
  const r = parseInterval(v);
  return r.ok ? r.val : dflt;
}
