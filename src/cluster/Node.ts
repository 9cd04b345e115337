/**
 * One cluster member: the same code on every machine. It needs only a
 * {@link Transport} endpoint and a {@link Clock}. It keeps a CIB replica
 * (applying the DC's update batches in the transport's total order), runs a
 * local executor and a fencer, elects the DC (lowest member name of the
 * view), and — when it is the DC — runs the {@link Controller}.
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { Clock } from '../util/clock.js';
import { SystemClock } from '../util/clock.js';
import { Ok, Err, type Result } from '../util/result.js';
import { logger } from '../util/log.js';
import type { Cib, CibVersion, LrmResource, Primitive } from '../cib/types.js';
import { parseInterval } from '../cib/values.js';
import { flattenSets } from '../cib/unpack/nvs.js';
import type { GraphAction } from '../policy/graph.js';
import type { JsonValue, MembershipView, MessageEvent, Transport } from '../messaging/transport.js';
import { ringIdString } from '../messaging/transport.js';
import { LocalExecutor, type OpRecord, type ResourceSpec } from '../agents/executor.js';
import { OcfExitCode, OpStatus } from '../agents/codes.js';
import type { AgentAction, AgentCall, OpResult, ResourceAgent } from '../agents/agent.js';
import { Fencer } from '../fencing/fencer.js';
import { StonithDevice } from '../fencing/device.js';
import { applyCibOps, compareCibVersions, emptyCib, touchesConfiguration, type CibOp, type LrmAgentRef } from './cibOps.js';
import { LrmHistory, type LrmUpdate } from './lrmHistory.js';
import { asClusterMessage, type ClusterMessage, type FenceHistoryEntry, type CibCause } from './messages.js';
import { clusterError, type ClusterError } from './errors.js';
import { CLUSTER_EVENT_NAMES, type ClusterEvents, type ResourceEvent } from './events.js';
import { AgentRegistry } from './registry.js';
import { Controller } from './controller.js';
import { quorumFor, simpleMajority } from '../quorum/votequorum.js';
import type { CibStorage } from './storage.js';
import { serialiseCib } from '../cib/serialise.js';
import type { ConfigBuilder } from '../api/configure.js';
import { cleanupOps, clearOps, configureOps, loadCibOps, moveOps, propertyOps, standbyOps } from './admin.js';
import { nodeStatus, type ClusterStatus } from './status.js';

const log = logger('cluster:node');

/** Options of a {@link Node}. */
export interface NodeOptions {
  /** This node's endpoint; its `node` is the node name. */
  readonly transport: Transport;
  /** Cluster clock (default: the system clock). */
  readonly clock?: Clock;
  /** Function agents and function fence devices (shared by the nodes of one process). */
  readonly registry?: AgentRegistry;
  /** Nodes of a new cluster, written into the initial CIB (default: this node). */
  readonly nodes?: readonly string[];
  /** Clock for agent processes (default: the system clock; they run in real time). */
  readonly processClock?: Clock;
  readonly ocfRoot?: string;
  /** Environment for OCF agents on this node (e.g. HA_RSCTMP: per-machine state). */
  readonly ocfEnv?: Readonly<Record<string, string>>;
  /** Directory of fence_* programs. */
  readonly fenceAgentDir?: string;
  /** Durable CIB copy: loaded at start, saved on every change. */
  readonly storage?: CibStorage;
  /** Called when this node learns it was fenced while still running. */
  readonly onFenced?: (action: string) => void;
}

interface PendingRequest {
  readonly id: string;
  readonly ops: readonly CibOp[];
  readonly resolve: (r: Result<void, ClusterError>) => void;
}

interface ExecContext {
  readonly ref: LrmAgentRef;
  readonly transitionKey: string;
  readonly targetRc: number;
  readonly params: Readonly<Record<string, string>>;
}

/** A cluster member. */
export class Node extends EventEmitter<ClusterEvents> {
  readonly name: string;
  readonly clock: Clock;
  readonly registry: AgentRegistry;
  readonly executor: LocalExecutor;
  readonly fencer: Fencer;
  /** @internal */ readonly transport: Transport;
  private cibReplica: Cib;
  /** Version of the last update applied while this node's partition had quorum. */
  private quorateVersion: CibVersion;
  private currentView: MembershipView | undefined;
  private dcName: string | undefined;
  private isSynced = false;
  private joins = new Map<string, Extract<ClusterMessage, { t: 'join' }>>();
  private readonly history: LrmHistory;
  /** The history as sent with this view's join (what the DC writes at sync). */
  private joinLrm: LrmResource[] = [];
  private fenceLog: FenceHistoryEntry[] = [];
  private controller: Controller | undefined;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly execCtx = new Map<string, ExecContext>();
  private deviceSigs = new Map<string, string>();
  private reqSeq = 0;
  private transitionSeq = 0;
  private quorate: boolean | undefined;
  private running = false;
  private realOps = 0;
  private readonly opts: NodeOptions;
  private readonly onView = (v: MembershipView): void => this.handleView(v);
  private readonly onMessage = (m: MessageEvent): void => this.handleMessage(m);

  constructor(opts: NodeOptions) {
    super();
    this.opts = opts;
    this.name = opts.transport.node;
    this.transport = opts.transport;
    this.clock = opts.clock ?? new SystemClock();
    this.registry = opts.registry ?? new AgentRegistry();
    const stored = opts.storage?.load();
    this.cibReplica = stored?.cib ?? emptyCib(opts.nodes ?? [this.name]);
    this.quorateVersion = stored?.quorateVersion ?? { adminEpoch: 0, epoch: 0, numUpdates: 0 };
    this.history = new LrmHistory(this.name);
    this.executor = new LocalExecutor({
      node: this.name, clock: this.clock,
      ...(opts.processClock ? { processClock: opts.processClock } : {}),
      ...(opts.ocfRoot !== undefined ? { ocfRoot: opts.ocfRoot } : {}),
      ...(opts.ocfEnv !== undefined ? { ocfEnv: opts.ocfEnv } : {}),
    });
    this.fencer = new Fencer({
      node: this.name, clock: this.clock,
      ...(opts.processClock ? { processClock: opts.processClock } : {}),
      ...(opts.fenceAgentDir !== undefined ? { agentDir: opts.fenceAgentDir } : {}),
    });
    this.executor.on('op:completed', rec => this.onRecurringChange(rec));
  }

  // ---------------------------------------------------------------- lifecycle

  /** Joins the network. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.transport.on('view', this.onView);
    this.transport.on('message', this.onMessage);
    await this.transport.start();
  }

  /** Leaves gracefully: cancels recurring operations and leaves the membership. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.halt();
    await this.transport.stop();
  }

  /**
   * The process died (simulated crash): all state is dropped, nothing more is
   * sent. Operations already running in agents finish unseen.
   */
  halt(): void {
    if (!this.running) return;
    this.running = false;
    this.transport.off('view', this.onView);
    this.transport.off('message', this.onMessage);
    this.controller?.stop();
    this.controller = undefined;
    this.executor.cancelAll();
    this.isSynced = false;
    for (const p of this.pending.values()) p.resolve(Err(clusterError('QUORATE_ERR_NOT_RUNNING', `node ${this.name} stopped before the update was acknowledged`)));
    this.pending.clear();
  }

  // ---------------------------------------------------------------- state

  /** True while the node runs. */
  get isRunning(): boolean {
    return this.running;
  }

  /** The CIB replica (identical on every synced member of a view). */
  get cib(): Cib {
    return this.cibReplica;
  }

  /** The installed membership view. */
  get view(): MembershipView | undefined {
    return this.currentView;
  }

  /** The DC of this node's view (lowest member name). */
  get dc(): string | undefined {
    return this.dcName;
  }

  /** True when this node is the DC. */
  get isDc(): boolean {
    return this.running && this.dcName === this.name;
  }

  /** True once the replica was synced in the current view. */
  get synced(): boolean {
    return this.isSynced;
  }

  /** Quorum as this node last computed it. */
  get hasQuorum(): boolean {
    return this.quorate ?? false;
  }

  /** Replicated fencing history, oldest first. */
  get fenceHistory(): readonly FenceHistoryEntry[] {
    return this.fenceLog;
  }

  /** Agent processes (OCF, LSB, fence agents) running now: virtual time should wait for them. */
  get realWorkInFlight(): number {
    return this.realOps;
  }

  private countReal<T>(p: Promise<T>): Promise<T> {
    this.realOps++;
    return p.finally(() => { this.realOps--; });
  }

  /** Counts `p` as real (wall-clock) work while it runs, when agent fence devices may run it. @internal */
  trackReal<T>(p: Promise<T>): Promise<T> {
    if (!this.fencer.devices().some(d => d.kind === 'agent')) return p;
    this.realOps++;
    return p.finally(() => { this.realOps--; });
  }

  /** The controller, when this node is the synced DC. @internal */
  get dcController(): Controller | undefined {
    return this.controller;
  }

  /** True when the DC has nothing to do: no transition, no pending schedule, no unanswered request. */
  get idle(): boolean {
    if (!this.running) return true;
    if (!this.isSynced) return false;
    if (this.pending.size > 0) return false;
    if (this.isDc) return this.controller?.idle ?? false;
    return true;
  }

  // ---------------------------------------------------------------- requests

  /**
   * Asks the DC to apply CIB ops; resolves once the update is delivered back
   * here in the total order (so every surviving member has it). Re-sent to
   * the new DC after a view change.
   */
  request(ops: readonly CibOp[]): Promise<Result<void, ClusterError>> {
    if (!this.running) return Promise.resolve(Err(clusterError('QUORATE_ERR_NOT_RUNNING', `node ${this.name} is not running`)));
    const id = `${this.name}:${this.clock.now()}:${++this.reqSeq}`;
    return new Promise(resolve => {
      const p: PendingRequest = { id, ops, resolve };
      this.pending.set(id, p);
      this.sendRequest(p);
    });
  }

  private sendRequest(p: PendingRequest): void {
    if (!this.isSynced || this.dcName === undefined) return;
    if (this.dcName === this.name) this.controller?.onRequest(this.name, p.id, p.ops);
    else this.transport.send(this.dcName, { t: 'request', id: p.id, ops: p.ops } as unknown as JsonValue);
  }

  /** Broadcasts a batch of CIB ops (DC only). @internal */
  broadcastCib(ops: readonly CibOp[], cause: CibCause, extra: { acks?: readonly string[]; key?: string } = {}): void {
    if (!this.isDc) return;
    const msg: ClusterMessage = { t: 'cib', ops, acks: extra.acks ?? [], cause, ...(extra.key !== undefined ? { key: extra.key } : {}) };
    const r = this.transport.broadcast(msg as unknown as JsonValue);
    if (r.err) log('%s: broadcast failed: %s', this.name, r.val.message);
  }

  /** Sends a protocol message to a member, locally when it is this node. @internal */
  sendTo(to: string, msg: ClusterMessage): void {
    if (to === this.name) {
      queueMicrotask(() => { if (this.running) this.dispatch(this.name, msg); });
      return;
    }
    const r = this.transport.send(to, msg as unknown as JsonValue);
    if (r.err) log('%s: send to %s failed: %s', this.name, to, r.val.message);
  }

  /** Broadcasts a fencing result (DC only). @internal */
  broadcastFenced(entry: FenceHistoryEntry): void {
    this.transport.broadcast({ t: 'fenced', entry } as unknown as JsonValue);
  }

  // ---------------------------------------------------------------- membership and sync

  private handleView(v: MembershipView): void {
    const before = new Set(this.currentView?.members ?? []);
    const after = new Set(v.members);
    this.currentView = v;
    const newDc = v.members[0];
    const dcChanged = newDc !== this.dcName;
    this.dcName = newDc;
    this.controller?.stop();
    this.controller = undefined;
    this.isSynced = false;
    this.joins = new Map();
    log('%s: view %s [%s], dc %s', this.name, ringIdString(v.ringId), v.members.join(','), newDc);
    for (const m of v.members) if (!before.has(m)) this.emit('node:up', { node: m });
    for (const m of before) if (!after.has(m)) this.emit('node:down', { node: m });
    if (dcChanged && newDc !== undefined) this.emit('dc:elected', { node: newDc });
    this.joinLrm = this.history.snapshot();
    const join: ClusterMessage = { t: 'join', ring: v.ringId, cib: this.cibReplica, quorateVersion: this.quorateVersion, lrm: this.joinLrm, fenceHistory: this.fenceLog };
    const r = this.transport.broadcast(join as unknown as JsonValue);
    if (r.err) log('%s: join broadcast failed: %s', this.name, r.val.message);
  }

  private handleMessage(m: MessageEvent): void {
    const msg = asClusterMessage(m.payload);
    if (!msg) return;
    this.dispatch(m.from, msg);
  }

  private dispatch(from: string, msg: ClusterMessage): void {
    switch (msg.t) {
      case 'join': return this.onJoin(from, msg);
      case 'cib': return this.onCib(from, msg);
      case 'request': return this.controller?.onRequest(from, msg.id, msg.ops);
      // Only the DC of our view may ask for operations (a deposed DC's late requests are ignored).
      case 'exec': return from === this.dcName ? void this.runAction(msg.key, msg.targetRc, msg.action) : undefined;
      case 'result': return this.controller?.onResult(from, msg);
      case 'fenced': return this.onFenced(msg.entry);
    }
  }

  private onJoin(from: string, msg: Extract<ClusterMessage, { t: 'join' }>): void {
    const v = this.currentView;
    if (!v || this.isSynced || msg.ring.seq !== v.ringId.seq || msg.ring.rep !== v.ringId.rep) return;
    if (!v.members.includes(from)) return;
    this.joins.set(from, msg);
    if (v.members.every(m => this.joins.has(m))) this.finishSync(v);
  }

  private finishSync(v: MembershipView): void {
    // Every member sees the same joins in the same order, so all pick the same CIB:
    // the one with the latest quorate history, then the newest, then the lowest name.
    let best: Extract<ClusterMessage, { t: 'join' }> | undefined;
    for (const m of v.members) {
      const j = this.joins.get(m)!;
      if (!best) { best = j; continue; }
      const q = compareVersions(j.quorateVersion, best.quorateVersion);
      if (q > 0 || (q === 0 && compareCibVersions(j.cib, best.cib) > 0)) best = j;
    }
    this.cibReplica = best!.cib;
    this.quorateVersion = best!.quorateVersion;
    const seen = new Set(this.fenceLog.map(fenceKey));
    for (const m of v.members) {
      for (const e of this.joins.get(m)!.fenceHistory) {
        if (!seen.has(fenceKey(e))) { seen.add(fenceKey(e)); this.fenceLog.push(e); }
      }
    }
    this.fenceLog.sort((a, b) => a.completedAt - b.completedAt);
    this.isSynced = true;
    this.syncFencer();
    this.updateQuorum(v.members);
    if (this.quorate) this.quorateVersion = this.cibReplica.version;
    this.persist();
    if (this.dcName === this.name) {
      this.controller = new Controller(this, this.joins);
      this.controller.start();
    }
    for (const p of this.pending.values()) this.sendRequest(p);
  }

  private updateQuorum(members: readonly string[]): void {
    const configured = new Set(this.cibReplica.configuration.nodes.map(n => n.uname));
    for (const m of members) configured.add(m);
    const needed = quorumFor(configured.size);
    const q = simpleMajority(members.length, configured.size);
    if (q !== this.quorate) {
      this.quorate = q;
      this.emit('quorum:changed', { quorate: q, members: [...members], needed });
    }
  }

  private persist(): void {
    this.opts.storage?.save({ cib: this.cibReplica, quorateVersion: this.quorateVersion });
  }

  /** Votes a view needs for quorum (simple majority of configured nodes). */
  quorumNeeded(): number {
    const configured = new Set(this.cibReplica.configuration.nodes.map(n => n.uname));
    for (const m of this.currentView?.members ?? []) configured.add(m);
    return quorumFor(configured.size);
  }

  /** Numbers this node's transitions (deterministic per node, across DC terms). @internal */
  nextTransitionId(): number {
    return ++this.transitionSeq;
  }

  private onCib(from: string, msg: Extract<ClusterMessage, { t: 'cib' }>): void {
    if (!this.isSynced || from !== this.dcName) return;
    this.cibReplica = applyCibOps(this.cibReplica, msg.ops);
    for (const op of msg.ops) {
      if (op.op === 'lrm-erase' && op.node === this.name) {
        this.history.erase(op.rsc);
        if (op.rsc === undefined) this.execCtx.clear();
      }
      if (op.op === 'lrm-op') this.emitResourceEvents(op.node, op.records);
    }
    if (touchesConfiguration(msg.ops)) {
      this.syncFencer();
      if (this.currentView) this.updateQuorum(this.currentView.members);
    }
    if (this.quorate) this.quorateVersion = this.cibReplica.version;
    this.persist();
    for (const id of msg.acks) {
      const p = this.pending.get(id);
      if (p) { this.pending.delete(id); p.resolve(Ok(undefined)); }
    }
    if (msg.cause === 'membership') this.resendSinceJoin();
    this.controller?.onApplied(msg);
  }

  /**
   * Results that finished after this view's join was sent may have reached
   * no controller (the DC had none before the sync): the DC just wrote the
   * join's history, so send what changed since.
   */
  private resendSinceJoin(): void {
    const before = new Map(this.joinLrm.map(r => [r.id, r]));
    for (const r of this.history.snapshot()) {
      const b = before.get(r.id);
      if (b && JSON.stringify(b.ops) === JSON.stringify(r.ops)) continue;
      const remove = (b?.ops ?? []).map(o => o.id).filter(id => !r.ops.some(o => o.id === id));
      const rsc: LrmAgentRef = { id: r.id, class: r.class ?? 'ocf', type: r.type ?? '', ...(r.provider !== undefined ? { provider: r.provider } : {}) };
      this.reply('', { rsc, records: r.ops, remove, failed: false }, 0, OpStatus.DONE);
    }
    this.joinLrm = this.history.snapshot();
  }

  private emitResourceEvents(node: string, records: Extract<CibOp, { op: 'lrm-op' }>['records']): void {
    for (const r of records) {
      const rscId = r.id.replace(/_(last_0|last_failure_0|[a-z_]+_\d+)$/, '');
      const e: ResourceEvent = {
        resource: rscId, node, operation: r.operation, intervalMs: r.interval, rc: r.rcCode, opStatus: r.opStatus, callId: r.callId,
        ...(r.exitReason !== undefined ? { reason: r.exitReason } : {}),
      };
      if (r.id.endsWith('_last_failure_0')) { this.emit('resource:failed', e); continue; }
      if (r.id.endsWith('_last_0') && r.opStatus === OpStatus.DONE && r.rcCode === 0) {
        if (r.operation === 'start' || r.operation === 'migrate_from') this.emit('resource:started', e);
        else if (r.operation === 'stop') this.emit('resource:stopped', e);
        else if (r.operation === 'promote') this.emit('resource:promoted', e);
        else if (r.operation === 'demote') this.emit('resource:demoted', e);
      }
    }
  }

  private onFenced(entry: FenceHistoryEntry): void {
    if (!this.fenceLog.some(e => fenceKey(e) === fenceKey(entry))) this.fenceLog.push(entry);
    if (entry.state === 'success') {
      this.emit('node:fenced', { node: entry.target, action: entry.action, devices: entry.devices, executioner: entry.executioner });
      if (entry.target === this.name && this.running) {
        log('%s: we were fenced (%s)', this.name, entry.action);
        this.opts.onFenced?.(entry.action);
      }
    } else {
      this.emit('fence:failed', { node: entry.target, code: 'QUORATE_ERR_FENCE_FAILED', message: entry.error ?? 'fencing failed' });
    }
  }

  // ---------------------------------------------------------------- fencer devices

  /** Registers the CIB's stonith primitives and fencing topology with the local fencer. */
  private syncFencer(): void {
    const want = new Map<string, Primitive>();
    for (const r of this.cibReplica.configuration.resources) {
      if (r.kind === 'primitive' && r.class === 'stonith') want.set(r.id, r);
      if (r.kind === 'group') for (const c of r.children) if (c.class === 'stonith') want.set(c.id, c);
    }
    for (const id of [...this.deviceSigs.keys()]) {
      if (!want.has(id)) { this.fencer.unregister(id); this.deviceSigs.delete(id); }
    }
    for (const [id, p] of want) {
      const params = flattenSets(p.instance);
      const sig = JSON.stringify([p.type, params]);
      if (this.deviceSigs.get(id) === sig) continue;
      let dev: StonithDevice | undefined;
      if (p.type === 'function') {
        dev = this.registry.device(id);
      } else if (p.type) {
        dev = StonithDevice.agent(id, p.type, params);
      }
      if (!dev) { log('%s: no function fence device %s registered here', this.name, id); continue; }
      const r = this.fencer.register(dev);
      if (r.err) log('%s: device %s: %s', this.name, id, r.val.message);
      else this.deviceSigs.set(id, sig);
    }
    const levels = this.cibReplica.configuration.fencingTopology.map(l => ({
      index: l.index, devices: l.devices,
      ...(l.target !== undefined ? { target: l.target } : {}),
      ...(l.targetPattern !== undefined ? { targetPattern: l.targetPattern } : {}),
    }));
    const t = this.fencer.setTopology(levels);
    if (t.err) log('%s: fencing topology: %s', this.name, t.val.message);
  }

  // ---------------------------------------------------------------- local execution

  private resolveAgent(ref: LrmAgentRef, params: Record<string, string>, meta: Record<string, string>):
    Result<ResourceSpec, { rc: number; status: OpStatus; output: string }> {
    switch (ref.class) {
      case 'ocf':
        return Ok({ class: 'ocf', provider: ref.provider ?? 'heartbeat', type: ref.type, params, meta });
      case 'lsb':
        return Ok({ class: 'lsb', type: ref.type, meta });
      case 'function': {
        const spec = this.registry.agent(ref.type);
        if (!spec) return Err({ rc: OcfExitCode.NOT_INSTALLED, status: OpStatus.NOT_INSTALLED, output: `no function agent ${ref.type} is registered on ${this.name}` });
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
      if (!this.fencer.device(id)) return { rc: OcfExitCode.NOT_CONFIGURED, status: OpStatus.DONE, output: `fence device ${id} is not registered on ${this.name}`, durationMs: 0 };
      const dev = this.fencer.device(id);
      const p = this.fencer.monitorDevice(id, call.timeoutMs);
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

  /** Runs one graph action here and reports the result to the DC. */
  private async runAction(key: string, targetRc: number, a: GraphAction): Promise<void> {
    if (!this.running || !a.resource) return;
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
      this.reply(key, update, 0, OpStatus.DONE);
      return;
    }
    const spec = this.resolveAgent(ref, params, meta);
    let rec: OpRecord;
    if (spec.err) {
      const now = this.clock.now();
      rec = {
        node: this.name, resourceId: ref.id, action: a.operation, intervalMs, operationKey: `${ref.id}_${a.operation}_${intervalMs}`,
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
        const now = this.clock.now();
        rec = {
          node: this.name, resourceId: ref.id, action: a.operation, intervalMs, operationKey: `${ref.id}_${a.operation}_${intervalMs}`,
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
        if (intervalMs > 0) this.execCtx.set(`${ref.id}_${a.operation}_${intervalMs}`, { ref, transitionKey: key, targetRc, params });
        rec = await this.executor.execute({
          resourceId: ref.id, action: a.operation, intervalMs,
          timeoutMs: msOf(meta['timeout'], 20_000),
          ...(intervalMs > 0 ? { expectedRc: targetRc } : {}),
        });
      }
    }
    if (!this.running) return;
    if (a.operation === 'stop' && rec.status === OpStatus.NOT_INSTALLED) {
      // An agent that is not installed cannot have anything running: the stop succeeds (as Pacemaker's executor decides).
      rec = { ...rec, rc: OcfExitCode.OK, status: OpStatus.DONE };
    }
    const update = this.history.record(ref, rec, { transitionKey: key, targetRc, params });
    this.reply(key, update, rec.rc, rec.status, rec.output);
  }

  private reply(key: string, update: LrmUpdate, rc: number, opStatus: number, output?: string): void {
    if (!this.running || this.dcName === undefined) return;
    const msg: ClusterMessage = { t: 'result', key, update, rc, opStatus, ...(output !== undefined ? { output: output.slice(0, 2000) } : {}) };
    this.sendTo(this.dcName, msg);
  }

  /** A recurring monitor changed result: record it and tell the DC. */
  private onRecurringChange(rec: OpRecord): void {
    if (!this.running || !rec.recurring || rec.status === OpStatus.CANCELLED) return;
    const ctx = this.execCtx.get(rec.operationKey);
    if (!ctx) return;
    const update = this.history.record(ctx.ref, rec, { transitionKey: ctx.transitionKey, targetRc: ctx.targetRc, params: ctx.params });
    this.reply(ctx.transitionKey, update, rec.rc, rec.status, rec.output);
  }

  // ---------------------------------------------------------------- admin (one member in an app)

  private async ask(ops: Result<CibOp[], ClusterError>): Promise<Result<void, ClusterError>> {
    if (ops.err) return ops;
    return this.request(ops.val);
  }

  /**
   * Adds or replaces configuration through the DC; resolves once written.
   * Function agents and devices are registered in this node's registry.
   */
  configure(fn: (c: ConfigBuilder) => ConfigBuilder | void): Promise<Result<void, ClusterError>> {
    return this.ask(configureOps(this.cibReplica, this.registry, fn));
  }

  /** Replaces the configuration with a CIB XML document's. */
  loadCib(xml: string): Promise<Result<void, ClusterError>> {
    return this.ask(loadCibOps(xml, this.currentView?.members ?? [this.name]));
  }

  /** The replica as Pacemaker XML. */
  cibXml(): string {
    return serialiseCib(this.cibReplica);
  }

  /** A typed snapshot from this node's replica. */
  status(clusterName = ''): ClusterStatus {
    return nodeStatus(clusterName, this);
  }

  /** Standby on or off for a node. */
  standby(node: string, on: boolean): Promise<Result<void, ClusterError>> {
    return this.ask(standbyOps(this.cibReplica, node, on));
  }

  /** Moves a resource to a node. */
  move(rsc: string, node: string): Promise<Result<void, ClusterError>> {
    return this.ask(moveOps(this.cibReplica, rsc, node));
  }

  /** Removes move/ban constraints of a resource. */
  clear(rsc: string): Promise<Result<void, ClusterError>> {
    return this.ask(clearOps(this.cibReplica, rsc));
  }

  /** Forgets a resource's failures and history. */
  cleanup(rsc: string): Promise<Result<void, ClusterError>> {
    return this.ask(cleanupOps(this.cibReplica, rsc));
  }

  /** Sets or removes a cluster property. */
  setProperty(name: string, value: string | null): Promise<Result<void, ClusterError>> {
    return this.ask(propertyOps(name, value));
  }

  /** The node's own operation history. */
  localHistory(): LrmResource[] {
    return this.history.snapshot();
  }
}

/** CRM_meta_* durations are plain milliseconds; other spellings are Pacemaker intervals. */
function msOf(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (/^\d+$/.test(v)) return Number(v);
  const r = parseInterval(v);
  return r.ok ? r.val : dflt;
}

function compareVersions(a: CibVersion, b: CibVersion): number {
  return (a.adminEpoch - b.adminEpoch) || (a.epoch - b.epoch) || (a.numUpdates - b.numUpdates);
}

function fenceKey(e: FenceHistoryEntry): string {
  return `${e.target}|${e.action}|${e.executioner}|${e.completedAt}|${e.state}`;
}

/** Every event name a node emits (for forwarding). */
export const NODE_EVENTS = CLUSTER_EVENT_NAMES;
