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
import type { Cib, CibVersion, LrmResource } from '../cib/types.js';
import type { JsonValue, MembershipView, MessageEvent, Transport } from '../messaging/transport.js';
import { ringIdString } from '../messaging/transport.js';
import type { LocalExecutor } from '../agents/executor.js';
import { OpStatus } from '../agents/codes.js';
import { Fencer } from '../fencing/fencer.js';
import { applyCibOps, compareCibVersions, emptyCib, touchesConfiguration, type CibOp, type LrmAgentRef } from './cibOps.js';
import type { LrmUpdate } from './lrmHistory.js';
import { LocalExecution } from './localExecution.js';
import { syncFencerDevices } from './fencerSync.js';
import { asClusterMessage, type ClusterMessage, type FenceHistoryEntry, type CibCause } from './messages.js';
import { clusterError, type ClusterError } from './errors.js';
import type { ClusterEvents, ResourceEvent } from './events.js';
import { AgentRegistry } from './registry.js';
import { Controller } from './controller.js';
import { quorumFor, simpleMajority } from '../quorum/votequorum.js';
import type { QuorumTracker } from '../quorum/QuorumTracker.js';
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
  /**
   * Quorum from votequorum (corosync.conf's quorum section) instead of a
   * simple majority of the configured nodes: fed every new member set.
   */
  readonly quorum?: QuorumTracker;
}

interface PendingRequest {
  readonly id: string;
  readonly ops: readonly CibOp[];
  readonly resolve: (r: Result<void, ClusterError>) => void;
}


/** A cluster member. */
export class Node extends EventEmitter<ClusterEvents> {
  readonly name: string;
  readonly clock: Clock;
  readonly registry: AgentRegistry;
  /** Runs graph actions here and keeps this node's own history. */
  readonly local: LocalExecution;
  readonly fencer: Fencer;
  /** @internal */ readonly transport: Transport;
  private cibReplica: Cib;
  /** Version of the last update applied while this node's partition had quorum. */
  private quorateVersion: CibVersion;
  private currentView: MembershipView | undefined;
  private dcName: string | undefined;
  private isSynced = false;
  private joins = new Map<string, Extract<ClusterMessage, { t: 'join' }>>();
  /** The history as sent with this view's join (what the DC writes at sync). */
  private joinLrm: LrmResource[] = [];
  private fenceLog: FenceHistoryEntry[] = [];
  private controller: Controller | undefined;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly deviceSigs = new Map<string, string>();
  private reqSeq = 0;
  private transitionSeq = 0;
  private quorate: boolean | undefined;
  private running = false;
  /** When this incarnation started (fence records of this node after it mean it was fenced while running). */
  private startedAt = 0;
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
    this.fencer = new Fencer({
      node: this.name, clock: this.clock,
      ...(opts.processClock ? { processClock: opts.processClock } : {}),
      ...(opts.fenceAgentDir !== undefined ? { agentDir: opts.fenceAgentDir } : {}),
    });
    this.local = new LocalExecution({
      name: this.name, clock: this.clock, registry: this.registry, fencer: this.fencer,
      executor: {
        ...(opts.processClock ? { processClock: opts.processClock } : {}),
        ...(opts.ocfRoot !== undefined ? { ocfRoot: opts.ocfRoot } : {}),
        ...(opts.ocfEnv !== undefined ? { ocfEnv: opts.ocfEnv } : {}),
      },
      report: (key, update, rc, opStatus, output) => this.reply(key, update, rc, opStatus, output),
      isRunning: () => this.running,
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Joins the network. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.startedAt = this.clock.now();
    this.transport.on('view', this.onView);
    this.transport.on('message', this.onMessage);
    await this.transport.start();
  }

  /**
   * Leaves the cluster cleanly: asks the DC to move this node's resources
   * away (the `shutdown` node attribute), waits until the DC lets it go, then
   * stops. On a virtual clock, keep the network running while awaiting.
   * Gives up waiting after `timeoutMs` of cluster time and stops anyway.
   */
  async shutdown(opts: { timeoutMs?: number } = {}): Promise<Result<void, ClusterError>> {
    if (!this.running) return Ok(undefined);
    const asked = await this.request([{ op: 'transient', node: this.name, name: 'shutdown', value: String(Math.max(1, Math.floor(this.clock.now() / 1000))) }]);
    if (asked.err) return asked;
    const released = await new Promise<boolean>(resolve => {
      const deadline = this.clock.now() + (opts.timeoutMs ?? 120_000);
      const check = (): void => {
        const st = this.cibReplica.status.nodes.find(n => (n.uname ?? n.id) === this.name);
        if (!this.running || st?.expected === 'down') return resolve(true);
        if (this.clock.now() >= deadline) return resolve(false);
        this.clock.setTimeout(check, 50);
      };
      check();
    });
    await this.stop();
    return released ? Ok(undefined)
      : Err(clusterError('QUORATE_ERR_TIMEOUT', `node ${this.name} was not released by the DC within ${opts.timeoutMs ?? 120_000} ms; stopped anyway`));
  }

  /** Leaves at once: cancels recurring operations and leaves the membership (the others will fence it if it ran resources). */
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
    this.local.executor.cancelAll();
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
    return this.local.realWork;
  }

  /** The local executor (resource operations on this node). */
  get executor(): LocalExecutor {
    return this.local.executor;
  }

  /** Counts `p` as real (wall-clock) work while it runs, when agent fence devices may run it. @internal */
  trackReal<T>(p: Promise<T>): Promise<T> {
    if (!this.fencer.devices().some(d => d.kind === 'agent')) return p;
    return this.local.countReal(p);
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
    this.joinLrm = this.local.snapshot();
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
      case 'exec': return from === this.dcName ? void this.local.run(msg.key, msg.targetRc, msg.action) : undefined;
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
    let fencedWhileAway: FenceHistoryEntry | undefined;
    for (const m of v.members) {
      for (const e of this.joins.get(m)!.fenceHistory) {
        if (seen.has(fenceKey(e))) continue;
        seen.add(fenceKey(e));
        this.fenceLog.push(e);
        if (e.target === this.name && e.state === 'success' && e.completedAt >= this.startedAt) fencedWhileAway = e;
      }
    }
    this.fenceLog.sort((a, b) => a.completedAt - b.completedAt);
    if (fencedWhileAway && this.running) {
      // Fenced while cut off (the notice never reached us): we hold no valid state and must
      // not act on this view, least of all as its DC. pacemaker-controld exits the same way.
      log('%s: the history of this view says we were fenced (%s by %s)', this.name, fencedWhileAway.action, fencedWhileAway.executioner);
      this.opts.onFenced?.(fencedWhileAway.action);
      return;
    }
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
    let needed = quorumFor(configured.size);
    let q = simpleMajority(members.length, configured.size);
    const tracker = this.opts.quorum;
    if (tracker) {
      // Only new member sets are news to votequorum (tie-breaking remembers the previous view).
      if (tracker.status.members.join() !== [...members].sort().join()) tracker.view(members);
      needed = tracker.status.quorum;
      q = tracker.status.quorate;
    }
    if (q !== this.quorate) {
      this.quorate = q;
      this.emit('quorum:changed', { quorate: q, members: [...members], needed });
    }
  }

  private persist(): void {
    this.opts.storage?.save({ cib: this.cibReplica, quorateVersion: this.quorateVersion });
  }

  /** Votes a view needs for quorum (votequorum's, else a simple majority of configured nodes). */
  quorumNeeded(): number {
    if (this.opts.quorum) return this.opts.quorum.status.quorum;
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
      if (op.op === 'lrm-erase' && op.node === this.name) this.local.erase(op.rsc);
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
    for (const r of this.local.snapshot()) {
      const b = before.get(r.id);
      if (b && JSON.stringify(b.ops) === JSON.stringify(r.ops)) continue;
      const remove = (b?.ops ?? []).map(o => o.id).filter(id => !r.ops.some(o => o.id === id));
      const rsc: LrmAgentRef = { id: r.id, class: r.class ?? 'ocf', type: r.type ?? '', ...(r.provider !== undefined ? { provider: r.provider } : {}) };
      this.reply('', { rsc, records: r.ops, remove, failed: false }, 0, OpStatus.DONE);
    }
    this.joinLrm = this.local.snapshot();
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

  private syncFencer(): void {
    syncFencerDevices(this.fencer, this.registry, this.cibReplica, this.deviceSigs, msg => log('%s: %s', this.name, msg));
  }

  // ---------------------------------------------------------------- results

  private reply(key: string, update: LrmUpdate, rc: number, opStatus: number, output?: string): void {
    if (!this.running || this.dcName === undefined) return;
    const msg: ClusterMessage = { t: 'result', key, update, rc, opStatus, ...(output !== undefined ? { output: output.slice(0, 2000) } : {}) };
    this.sendTo(this.dcName, msg);
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
    return this.local.snapshot();
  }
}

function compareVersions(a: CibVersion, b: CibVersion): number {
  return (a.adminEpoch - b.adminEpoch) || (a.epoch - b.epoch) || (a.numUpdates - b.numUpdates);
}

function fenceKey(e: FenceHistoryEntry): string {
  return `${e.target}|${e.action}|${e.executioner}|${e.completedAt}|${e.state}`;
}
