/**
 * The controller of the DC (Pacemaker's pacemaker-controld in its DC role):
 * writes membership and each member's history into the CIB after a view
 * change, records operation results and failcounts, and on every relevant
 * change runs `schedule` and hands the graph to a {@link TransitionRunner}.
 * A change that is not the running graph's own result aborts the graph; a
 * new one is computed once in-flight actions finished.
 * @module
 */
import type { TimerHandle } from '../util/clock.js';
import { logger } from '../util/log.js';
import { isFalse, parseInterval } from '../cib/values.js';
import { schedule } from '../policy/index.js';
import type { GraphAction, TransitionGraph } from '../policy/graph.js';
import { TransitionRunner, type ActionContext, type ActionOutcome, type GraphExecutor } from '../transition/runner.js';
import { OpStatus } from '../agents/codes.js';
import type { FenceAction } from '../fencing/device.js';
import { getFromSets, type CibOp } from './cibOps.js';
import type { CibCause, ClusterMessage, FenceHistoryEntry } from './messages.js';
import type { Node } from './Node.js';

const log = logger('cluster:controller');

/** Wait after an aborted transition before scheduling again (virtual ms). */
const ABORT_BACKOFF_MS = 200;
/** Longest wait between retries of a failing graph. */
const MAX_BACKOFF_MS = 5000;
/** Wait after a failed fencing attempt before trying again. */
const FENCE_RETRY_MS = 2000;
/** Wait after the scheduler threw (a bug) before trying again. */
const SCHEDULER_ERROR_BACKOFF_MS = 5000;

type JoinMsg = Extract<ClusterMessage, { t: 'join' }>;
type ResultMsg = Extract<ClusterMessage, { t: 'result' }>;

interface InFlight {
  readonly action: GraphAction;
  readonly targetRc: number;
  readonly resolve: (o: ActionOutcome) => void;
  /** Filled when the result arrives, used when its CIB write is delivered. */
  outcome?: ActionOutcome;
}

/** Runs on the DC while its view lasts. */
export class Controller implements GraphExecutor {
  private readonly node: Node;
  private readonly joins: ReadonlyMap<string, JoinMsg>;
  private readonly uuid: string;
  private runner: TransitionRunner | undefined;
  private timer: { handle: TimerHandle; dueMs: number } | undefined;
  private readonly inflight = new Map<string, InFlight>();
  private stopped = false;
  private membershipWritten = false;
  private lastGraphEmpty = false;
  private needSchedule = false;
  private fenceFailedAt = Number.NEGATIVE_INFINITY;
  /** Periodic re-check while idle (not counted as pending work). */
  private recheck: TimerHandle | undefined;
  /** Aborted transitions with failed actions since the last complete one. */
  private failedRuns = 0;
  /** Number of graphs run (for tests and status). */
  transitions = 0;
  /** The last graph scheduled (empty when converged). */
  lastGraph: TransitionGraph | undefined;
  /** The last scheduler exception, if it threw. */
  lastSchedulerError: string | undefined;

  constructor(node: Node, joins: ReadonlyMap<string, JoinMsg>) {
    this.node = node;
    this.joins = joins;
    this.uuid = `${node.name}-${node.clock.now()}`;
  }

  /** Nothing running, nothing pending, and the last schedule asked for nothing. */
  get idle(): boolean {
    return !this.stopped && this.membershipWritten && !this.runner && !this.timer && this.inflight.size === 0 && this.lastGraphEmpty;
  }

  /** True once membership and history were written in this view. */
  get ready(): boolean {
    return this.membershipWritten;
  }

  /** The running transition's runner, if any. */
  get current(): TransitionRunner | undefined {
    return this.runner;
  }

  /** Writes membership, node states and every member's history. */
  start(): void {
    const cib = this.node.cib;
    const members = this.node.view?.members ?? [];
    const ops: CibOp[] = [];
    for (const m of members) {
      ops.push({ op: 'ensure-node', node: m });
      ops.push({ op: 'node-state', node: m, inCcm: 'true', crmd: 'online', join: 'member', expected: 'member' });
      ops.push({ op: 'lrm-replace-node', node: m, lrm: this.joins.get(m)?.lrm ?? [] });
    }
    for (const st of cib.status.nodes) {
      const name = st.uname ?? st.id;
      if (members.includes(name)) continue;
      if (st.inCcm === 'true' || st.crmd === 'online') {
        // Lost without saying goodbye: offline but still expected up, so unclean until fenced.
        ops.push({ op: 'node-state', node: name, inCcm: 'false', crmd: 'offline' });
        ops.push({ op: 'transient-clear', node: name, prefixes: [''] });
      }
    }
    ops.push({ op: 'cib-attrs', dcUuid: this.node.name, haveQuorum: this.node.hasQuorum });
    this.node.broadcastCib(ops, 'membership');
  }

  /** The view ended or the node stopped: abandon everything. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.handle.cancel();
    this.timer = undefined;
    this.recheck?.cancel();
    this.runner?.abort('DC lost its view');
    for (const f of this.inflight.values()) f.resolve({ ok: false, detail: 'DC lost its view' });
    this.inflight.clear();
  }

  // ---------------------------------------------------------------- inputs

  /** An admin request from a member. */
  onRequest(_from: string, id: string, ops: readonly CibOp[]): void {
    if (this.stopped) return;
    this.node.broadcastCib(ops, 'admin', { acks: [id] });
  }

  /** An operation result from a member's executor. */
  onResult(from: string, msg: ResultMsg): void {
    if (this.stopped) return;
    const u = msg.update;
    const ops: CibOp[] = [{ op: 'lrm-op', node: from, rsc: u.rsc, records: u.records, remove: u.remove }];
    const rec = u.records[0];
    const probe = rec !== undefined && rec.operation === 'monitor' && rec.interval === 0;
    if (u.failed && rec && !probe) ops.push(...this.failcountOps(from, u.rsc.id, rec.operation, rec.interval));
    const f = this.inflight.get(msg.key);
    if (f && !f.outcome) {
      const ok = msg.opStatus === OpStatus.DONE && msg.rc === f.targetRc;
      f.outcome = ok ? { ok } : {
        ok, timedOut: msg.opStatus === OpStatus.TIMEOUT,
        detail: `rc=${msg.rc} op-status=${msg.opStatus}${msg.output ? ` (${msg.output.split('\n').filter(Boolean).pop()})` : ''}`,
      };
      // shutdown-lock: the stop's history keeps the lock, so the resource waits for this node.
      if (f.outcome.ok && f.action.operation === 'stop' && f.action.shutdownLock !== undefined) {
        ops.push({ op: 'lrm-lock', node: from, rsc: u.rsc.id, time: f.action.shutdownLock });
      }
    }
    this.node.broadcastCib(ops, 'result', { key: msg.key });
  }

  private failcountOps(node: string, rsc: string, op: string, intervalMs: number): CibOp[] {
    const cib = this.node.cib;
    const st = cib.status.nodes.find(n => (n.uname ?? n.id) === node);
    const name = `fail-count-${rsc}#${op}_${intervalMs}`;
    const cur = st ? Number(getFromSets(st.transient, name) ?? 0) : 0;
    const fatal = op === 'start' && !isFalse(getFromSets(cib.configuration.crmConfig, 'start-failure-is-fatal'));
    const next = fatal || cur >= 1_000_000 || !Number.isFinite(cur) ? 'INFINITY' : String(cur + 1);
    return [
      { op: 'transient', node, name, value: next },
      { op: 'transient', node, name: `last-failure-${rsc}#${op}_${intervalMs}`, value: String(Math.floor(this.node.clock.now() / 1000)) },
    ];
  }

  /** A CIB batch was delivered (on the DC too, in stream order). */
  onApplied(msg: Extract<ClusterMessage, { t: 'cib' }>): void {
    if (this.stopped) return;
    if (msg.cause === 'membership') {
      this.membershipWritten = true;
      this.requestSchedule('membership changed');
      return;
    }
    if (msg.key !== undefined) {
      const f = this.inflight.get(msg.key);
      if (f && f.outcome) {
        this.inflight.delete(msg.key);
        f.resolve(f.outcome);
        if (!this.runner) this.requestSchedule('result');
        return;
      }
    }
    this.requestSchedule(`${msg.cause} update`);
  }

  // ---------------------------------------------------------------- scheduling

  private requestSchedule(reason: string, delayMs = 0): void {
    if (this.stopped || !this.membershipWritten) return;
    this.lastGraphEmpty = false;
    if (this.runner) {
      this.needSchedule = true;
      this.runner.abort(reason);
      return;
    }
    const due = this.node.clock.now() + delayMs;
    if (this.timer && this.timer.dueMs >= due) {
      if (this.timer.dueMs === due) return;
      this.timer.handle.cancel();
    } else if (this.timer) return;
    this.timer = { dueMs: due, handle: this.node.clock.setTimeout(() => { this.timer = undefined; this.runSchedule(); }, delayMs) };
  }

  private runSchedule(): void {
    if (this.stopped) return;
    let graph: TransitionGraph;
    try {
      graph = schedule(this.node.cib, { now: Math.floor(this.node.clock.now() / 1000) }).graph;
      this.lastSchedulerError = undefined;
    } catch (e) {
      this.lastSchedulerError = e instanceof Error ? `${e.message}` : String(e);
      log('%s: scheduler failed: %s', this.node.name, this.lastSchedulerError);
      this.requestSchedule('scheduler error', SCHEDULER_ERROR_BACKOFF_MS);
      return;
    }
    this.lastGraph = graph;
    if (graph.actions.length === 0) {
      this.lastGraphEmpty = true;
      this.armRecheck();
      return;
    }
    const id = this.node.nextTransitionId();
    const g: TransitionGraph = { ...graph, settings: { ...graph.settings, transitionId: id } };
    const runner = new TransitionRunner(g, this, { clock: this.node.clock, uuid: this.uuid });
    this.runner = runner;
    this.transitions++;
    this.needSchedule = false;
    log('%s: transition %d with %d actions', this.node.name, id, g.actions.length);
    this.node.emit('transition:started', { id, actions: g.actions.length });
    void runner.run().then(r => {
      if (this.runner !== runner) return;
      this.runner = undefined;
      if (this.stopped) return;
      if (r.end === 'complete') {
        this.failedRuns = 0;
        this.node.emit('transition:completed', { id, actions: g.actions.length, done: r.done, failed: r.failed });
        // A graph of pseudo actions only changed nothing: scheduling again would give the same graph.
        if (g.actions.every(a => a.kind === 'pseudo_event') && !this.needSchedule) {
          this.lastGraphEmpty = true;
          return;
        }
        this.requestSchedule('transition complete');
      } else {
        this.node.emit('transition:aborted', { id, actions: g.actions.length, done: r.done, failed: r.failed, ...(r.reason !== undefined ? { reason: r.reason } : {}) });
        const sinceFenceFail = this.node.clock.now() - this.fenceFailedAt;
        // A graph that keeps failing is retried ever more slowly (up to 5 s), not in a tight loop.
        if (r.failed > 0) this.failedRuns++;
        const backoff = Math.min(MAX_BACKOFF_MS, ABORT_BACKOFF_MS * 2 ** Math.max(0, this.failedRuns - 1));
        const delay = this.needSchedule && r.failed === 0 ? 0 : sinceFenceFail < FENCE_RETRY_MS ? FENCE_RETRY_MS : backoff;
        this.requestSchedule('transition aborted', delay);
      }
    });
  }

  /**
   * Time alone changes some decisions (failure-timeout expiry, date rules), so
   * an idle DC schedules again every cluster-recheck-interval (default 15 min).
   */
  private armRecheck(): void {
    this.recheck?.cancel();
    const text = getFromSets(this.node.cib.configuration.crmConfig, 'cluster-recheck-interval');
    const parsed = text === undefined ? undefined : parseInterval(text);
    const ms = parsed?.ok ? parsed.val : 15 * 60_000;
    if (ms <= 0) return;
    this.recheck = this.node.clock.setTimeout(() => {
      this.recheck = undefined;
      if (this.lastGraphEmpty) this.requestSchedule('cluster-recheck-interval');
    }, ms);
  }

  // ---------------------------------------------------------------- GraphExecutor

  /** Sends an operation to the target node; completes when its result is in the CIB. */
  resource(a: GraphAction, ctx: ActionContext): Promise<ActionOutcome> {
    if (a.operation === 'clear_failcount') return this.clearFailcount(a, ctx);
    const target = a.node?.name;
    if (!target || !(this.node.view?.members ?? []).includes(target)) {
      return Promise.resolve({ ok: false, detail: `node ${target ?? '?'} is not a member` });
    }
    return new Promise(resolve => {
      this.inflight.set(ctx.transitionKey, { action: a, targetRc: ctx.targetRc, resolve });
      this.node.sendTo(target, { t: 'exec', key: ctx.transitionKey, targetRc: ctx.targetRc, action: a });
    });
  }

  /** Fences the target with this node's fencer; completes when the node's new state is in the CIB. */
  async fence(a: GraphAction, ctx: ActionContext): Promise<ActionOutcome> {
    const target = a.attributes['CRM_meta_on_node'] ?? a.node?.name;
    const action = (a.attributes['CRM_meta_stonith_action'] ?? 'reboot') as FenceAction;
    if (!target) return { ok: false, detail: 'fencing action without a target' };
    if (target === this.node.name) return { ok: false, detail: `the DC (${target}) cannot fence itself` };
    const r = await this.node.trackReal(this.node.fencer.fence(target, { action, origin: this.node.name }));
    if (this.stopped) return { ok: false, detail: 'DC lost its view' };
    const now = this.node.clock.now();
    const entry: FenceHistoryEntry = r.ok
      ? { target, action, state: 'success', devices: r.val.devices, executioner: this.node.name, origin: this.node.name, completedAt: now }
      : { target, action, state: 'failed', devices: [], executioner: this.node.name, origin: this.node.name, completedAt: now, error: `${r.val.code}: ${r.val.message}` };
    this.node.broadcastFenced(entry);
    if (!r.ok) {
      this.fenceFailedAt = now;
      return { ok: false, detail: r.val.message };
    }
    return this.completeOnWrite(a, ctx, [
      { op: 'node-state', node: target, inCcm: 'false', crmd: 'offline', join: 'down', expected: 'down' },
      { op: 'lrm-erase', node: target },
      { op: 'transient-clear', node: target, prefixes: [''] },
    ], 'fencing');
  }

  /**
   * Cluster events: clear_failcount is written here; do_shutdown records that
   * the node may now leave (expected down), so its departure is clean, not a
   * failure to fence; refresh needs nothing more.
   */
  cluster(a: GraphAction, ctx: ActionContext): Promise<ActionOutcome> {
    if (a.operation === 'clear_failcount') return this.clearFailcount(a, ctx);
    const node = a.node?.name;
    // An expired shutdown lock: the resource's history there is deleted in the CIB alone.
    if (a.operation === 'lrm_delete' && node && a.resource) return this.completeOnWrite(a, ctx, [{ op: 'lrm-erase', node, rsc: a.resource.id }], 'result');
    if (a.operation === 'do_shutdown' && node) return this.completeOnWrite(a, ctx, [{ op: 'node-state', node, join: 'down', expected: 'down' }], 'result');
    return Promise.resolve({ ok: true });
  }

  private clearFailcount(a: GraphAction, ctx: ActionContext): Promise<ActionOutcome> {
    const node = a.node?.name;
    const rsc = a.resource?.id;
    if (!node || !rsc) return Promise.resolve({ ok: true });
    return this.completeOnWrite(a, ctx, [{ op: 'transient-clear', node, prefixes: [`fail-count-${rsc}#`, `last-failure-${rsc}#`] }], 'failcount');
  }

  /** Writes `ops` to the CIB; the action succeeds once they are in (the write carries its key). */
  private completeOnWrite(a: GraphAction, ctx: ActionContext, ops: CibOp[], cause: CibCause): Promise<ActionOutcome> {
    return new Promise(resolve => {
      this.inflight.set(ctx.transitionKey, { action: a, targetRc: 0, resolve, outcome: { ok: true } });
      this.node.broadcastCib(ops, cause, { key: ctx.transitionKey });
    });
  }
}
