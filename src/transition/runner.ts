/**
 * Runs a transition graph: starts each action once its inputs completed,
 * hands resource operations, fencing and cluster events to a
 * {@link GraphExecutor}, completes pseudo actions at once, times actions out,
 * and stops starting actions after a failure or {@link TransitionRunner.abort}.
 * The graph-state rules live in ./graphState.ts; this is the thin side.
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { Clock, TimerHandle } from '../util/clock.js';
import { parseInterval } from '../cib/values.js';
import { logger } from '../util/log.js';
import type { GraphAction, TransitionGraph } from '../policy/graph.js';
import {
  abortRun, initialRunState, markResult, markRunning, readyActions, runCounts, runEnd,
  type GraphRunState, type TransitionEnd,
} from './graphState.js';
import { formatTransitionKey } from './keys.js';

const log = logger('transition');

/** What executing one action produced. */
export interface ActionOutcome {
  /** True when the action did what the graph expected (rc = target rc). */
  readonly ok: boolean;
  /** Why it failed, for logs and events. */
  readonly detail?: string;
  readonly timedOut?: boolean;
}

/** What the executor is told besides the action. */
export interface ActionContext {
  readonly transitionId: number;
  /** `action:transition:target-rc:uuid`, to be stored with the result. */
  readonly transitionKey: string;
  /** The rc that counts as success. */
  readonly targetRc: number;
  /** How long the runner waits before it counts the action as timed out. */
  readonly timeoutMs: number;
}

/** Carries out actions: the cluster runtime plugs in messages to nodes and the fencer; simulations plug in fakes. */
export interface GraphExecutor {
  /** An rsc_op: run an operation on the target node's executor. */
  resource(action: GraphAction, ctx: ActionContext): Promise<ActionOutcome>;
  /** A stonith crm_event. */
  fence(action: GraphAction, ctx: ActionContext): Promise<ActionOutcome>;
  /** Any other crm_event (do_shutdown, clear_failcount, lrm_refresh, …). */
  cluster(action: GraphAction, ctx: ActionContext): Promise<ActionOutcome>;
}

/** Events of a {@link TransitionRunner}. */
export interface TransitionRunnerEvents {
  'action:started': (action: GraphAction, ctx: ActionContext) => void;
  'action:completed': (action: GraphAction, outcome: ActionOutcome) => void;
  aborted: (reason: string) => void;
}

/** How a run ended. */
export interface TransitionResult {
  readonly transitionId: number;
  readonly end: TransitionEnd;
  readonly reason?: string;
  readonly done: number;
  readonly failed: number;
  /** Actions never started. */
  readonly skipped: number;
}

/** Options of a {@link TransitionRunner}. */
export interface TransitionRunnerOptions {
  readonly clock: Clock;
  /** Distinguishes this controller run in transition keys. */
  readonly uuid: string;
  /** Extra wait on top of an action's own timeout (default: the graph's cluster-delay). */
  readonly clusterDelayMs?: number;
}

/** Target rc of an action, from CRM_meta_op_target_rc (default 0). */
export function targetRcOf(a: GraphAction): number {
  const v = a.attributes['CRM_meta_op_target_rc'];
  const n = v === undefined ? 0 : Number(v);
  return Number.isInteger(n) ? n : 0;
}

/** CRM_meta_* durations are plain milliseconds; graph settings use Pacemaker intervals ("60s"). */
function msOf(text: string | undefined, dflt: number, bareIsMs = false): number {
  if (text === undefined) return dflt;
  if (bareIsMs && /^\d+$/.test(text)) return Number(text);
  const r = parseInterval(text);
  return r.ok ? r.val : dflt;
}

/** Runs one graph once. Create a new runner for each graph. */
export class TransitionRunner extends EventEmitter<TransitionRunnerEvents> {
  readonly graph: TransitionGraph;
  private state: GraphRunState;
  private readonly opts: TransitionRunnerOptions;
  private readonly timers = new Map<number, TimerHandle>();
  private finished: ((r: TransitionResult) => void) | undefined;
  private result: TransitionResult | undefined;
  private readonly promise: Promise<TransitionResult>;
  private started = false;

  constructor(graph: TransitionGraph, private readonly executor: GraphExecutor, opts: TransitionRunnerOptions) {
    super();
    this.graph = graph;
    this.opts = opts;
    this.state = initialRunState(graph);
    this.promise = new Promise(resolve => { this.finished = resolve; });
  }

  /** The transition number (from the graph settings). */
  get transitionId(): number {
    return this.graph.settings.transitionId;
  }

  /** True once the run ended. */
  get isFinished(): boolean {
    return this.result !== undefined;
  }

  /** Current pure state (for status and tests). */
  get runState(): GraphRunState {
    return this.state;
  }

  /** Starts the run; resolves when it ended (never rejects). Idempotent. */
  run(): Promise<TransitionResult> {
    if (!this.started) {
      this.started = true;
      this.pump();
    }
    return this.promise;
  }

  /** Stops starting new actions; the run ends when in-flight ones finished. */
  abort(reason: string): void {
    if (this.result) return;
    const wasAborted = this.state.abortReason !== undefined;
    this.state = abortRun(this.state, reason);
    if (!wasAborted) {
      log('transition %d aborted: %s', this.transitionId, reason);
      this.emit('aborted', reason);
    }
    if (this.started) this.pump();
  }

  private pump(): void {
    if (this.result) return;
    for (;;) {
      const ready = readyActions(this.state, this.graph.settings.batchLimit);
      if (ready.length === 0) break;
      this.state = markRunning(this.state, ready.map(a => a.id));
      for (const a of ready) this.dispatch(a);
    }
    const end = runEnd(this.state);
    if (end === undefined) return;
    const c = runCounts(this.state);
    this.result = {
      transitionId: this.transitionId, end,
      ...(this.state.abortReason !== undefined ? { reason: this.state.abortReason } : {}),
      done: c.done, failed: c.failed, skipped: c.waiting,
    };
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.finished?.(this.result);
  }

  private dispatch(a: GraphAction): void {
    const targetRc = targetRcOf(a);
    const clusterDelay = this.opts.clusterDelayMs ?? msOf(this.graph.settings.clusterDelay, 60_000);
    const timeoutMs = a.operation === 'stonith'
      ? msOf(this.graph.settings.stonithTimeout, 60_000) + clusterDelay
      : msOf(a.attributes['CRM_meta_timeout'], 20_000, true) + clusterDelay;
    const ctx: ActionContext = {
      transitionId: this.transitionId,
      transitionKey: formatTransitionKey({ actionId: a.id, transitionId: this.transitionId, targetRc, uuid: this.opts.uuid }),
      targetRc,
      timeoutMs,
    };
    this.emit('action:started', a, ctx);
    if (a.kind === 'pseudo_event') {
      this.complete(a, { ok: true });
      return;
    }
    this.timers.set(a.id, this.opts.clock.setTimeout(() => {
      this.complete(a, { ok: false, timedOut: true, detail: `${a.key} timed out after ${timeoutMs} ms` });
    }, timeoutMs));
    let p: Promise<ActionOutcome>;
    try {
      p = a.kind === 'rsc_op' ? this.executor.resource(a, ctx)
        : a.operation === 'stonith' ? this.executor.fence(a, ctx)
        : this.executor.cluster(a, ctx);
    } catch (e) {
      p = Promise.resolve({ ok: false, detail: (e as Error).message });
    }
    p.then(o => this.complete(a, o), e => this.complete(a, { ok: false, detail: String(e) }));
  }

  private complete(a: GraphAction, o: ActionOutcome): void {
    if (this.state.status.get(a.id) !== 'running') return;
    this.timers.get(a.id)?.cancel();
    this.timers.delete(a.id);
    const wasAborted = this.state.abortReason !== undefined;
    this.state = markResult(this.state, a.id, o.ok, o.ok ? undefined : `${a.key} failed${o.detail ? `: ${o.detail}` : ''}`);
    this.emit('action:completed', a, o);
    if (!wasAborted && this.state.abortReason !== undefined) this.emit('aborted', this.state.abortReason);
    this.pump();
  }
}
