/**
 * The cluster facade: every member of a cluster running in this process (the
 * embedded default on the memory network), or — through {@link Cluster.join}
 * — the one member an app runs. Configuration, status, admin calls and
 * events go through the nodes' own protocol; nothing here bypasses the DC.
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { Clock } from '../util/clock.js';
import { VirtualClock } from '../util/clock.js';
import { Ok, Err, type Result } from '../util/result.js';
import { logger } from '../util/log.js';
import type { Network, Transport } from '../messaging/transport.js';
import { MemoryNetwork } from '../messaging/memory.js';
import { serialiseCib } from '../cib/serialise.js';
import type { Cib } from '../cib/types.js';
import type { ConfigBuilder } from '../api/configure.js';
import { cleanupOps, clearOps, configureOps, loadCibOps, moveOps, propertyOps, standbyOps } from './admin.js';
import type { CibOp } from './cibOps.js';
import { clusterError, type ClusterError } from './errors.js';
import { CLUSTER_EVENT_NAMES, type ClusterEvents } from './events.js';
import { AgentRegistry } from './registry.js';
import { Node, type NodeOptions } from './Node.js';
import { nodeStatus, type ClusterStatus } from './status.js';
import { MachineDirs } from './machine.js';
import { MemoryCibStorage } from './storage.js';

const log = logger('cluster');

/** Options of {@link Cluster.create}. */
export interface ClusterCreateOptions {
  /** Cluster name. */
  readonly name: string;
  /** Member node names. */
  readonly nodes: readonly string[];
  /** The network the members run on (e.g. `memoryNetwork()`). */
  readonly transport: Network;
  /** Cluster clock (default: the network's). */
  readonly clock?: Clock;
  /**
   * A directory for simulated machines: each node gets `<dir>/<node>` as
   * HA_RSCTMP/HA_VARRUN, killed and cleared when the node is fenced or crashes.
   */
  readonly machineDir?: string;
  /** Extra OCF environment per node. */
  readonly nodeEnv?: (node: string) => Readonly<Record<string, string>>;
  readonly ocfRoot?: string;
  readonly fenceAgentDir?: string;
  /**
   * After a successful `reboot` fencing of an in-process node, it is powered
   * off and boots again after this long (cluster clock ms; default 5000).
   * Negative: it stays off.
   */
  readonly rebootDelayMs?: number;
  /** Called when a simulated machine loses power or boots. */
  readonly onPower?: (node: string, on: boolean) => void;
}

/** Options of {@link Cluster.join}. */
export interface ClusterJoinOptions extends Omit<NodeOptions, 'transport'> {
  /** Cluster name. */
  readonly name: string;
  /** This member's endpoint (memory, UDP or TCP transport). */
  readonly transport: Transport;
}

/** Options of {@link Cluster.settle}. */
export interface SettleOptions {
  /** Give up after this long (cluster clock ms; default 60000). */
  readonly timeoutMs?: number;
  /** How long everything must stay quiet (default: long enough to notice a failure). */
  readonly quietMs?: number;
}

/** Virtual ms per simulation step. */
const STEP_MS = 5;
/** Real ms virtual time waits for agent processes before it moves on anyway. */
const REAL_WAIT_CAP_MS = 300;

/** An in-process cluster. */
export class Cluster extends EventEmitter<ClusterEvents> {
  readonly name: string;
  readonly network: Network;
  readonly clock: Clock;
  /** Function agents and devices shared by this process's nodes. */
  readonly registry = new AgentRegistry();
  private readonly members = new Map<string, Node>();
  /** Each simulated machine's disk: its CIB survives crashes. */
  private readonly disks = new Map<string, MemoryCibStorage>();
  private readonly opts: ClusterCreateOptions;
  private readonly machines: MachineDirs | undefined;
  private realWaitSince: number | undefined;
  private readonly up = new Set<string>();
  private quorate: boolean | undefined;
  private lastDc: string | undefined;
  private stopped = false;

  private constructor(opts: ClusterCreateOptions) {
    super();
    this.opts = opts;
    this.name = opts.name;
    this.network = opts.transport;
    this.clock = opts.clock ?? opts.transport.clock;
    this.machines = opts.machineDir !== undefined ? new MachineDirs(opts.machineDir) : undefined;
  }

  /** Starts every member and waits (bounded) until they formed a cluster with a DC. */
  static async create(opts: ClusterCreateOptions): Promise<Cluster> {
    const c = new Cluster(opts);
    const net = opts.transport;
    if (net instanceof MemoryNetwork) {
      net.on('crash', n => {
        if (!c.members.has(n)) return;
        c.members.get(n)!.halt();
        c.machines?.powerOff(n);
        c.opts.onPower?.(n, false);
      });
      net.on('restart', n => { if (c.members.has(n)) void c.boot(n); });
    }
    for (const n of opts.nodes) await c.boot(n);
    await c.driveUntil(() => c.formed(), 30_000);
    return c;
  }

  /**
   * Runs one member in this process (an app that is one node of a cluster):
   * returns the started {@link Node}. Its events, CIB replica and admin
   * requests work like the facade's; register function agents with
   * `node.registry` before configuring them.
   */
  static async join(opts: ClusterJoinOptions): Promise<Node> {
    const node = new Node(opts);
    await node.start();
    return node;
  }

  private async boot(name: string): Promise<void> {
    if (this.stopped) return;
    this.machines?.dir(name);
    this.opts.onPower?.(name, true);
    const env = { ...(this.machines?.env(name) ?? {}), ...(this.opts.nodeEnv?.(name) ?? {}) };
    const node = new Node({
      transport: this.network.endpoint(name),
      clock: this.clock,
      registry: this.registry,
      nodes: this.opts.nodes,
      storage: this.disk(name),
      ocfEnv: env,
      ...(this.opts.ocfRoot !== undefined ? { ocfRoot: this.opts.ocfRoot } : {}),
      ...(this.opts.fenceAgentDir !== undefined ? { fenceAgentDir: this.opts.fenceAgentDir } : {}),
    });
    this.members.get(name)?.halt();
    this.members.set(name, node);
    for (const ev of CLUSTER_EVENT_NAMES) {
      node.on(ev, ((e: never) => {
        // Each member sees every event; the facade speaks for the DC.
        if (this.members.get(name) === node && node.isDc && this.fresh(ev, e)) (this.emit as (n: string, e: unknown) => boolean)(ev, e);
      }) as never);
    }
    node.on('node:fenced', e => { if (this.members.get(name) === node && node.isDc) this.powerCycle(e.node, e.action); });
    await node.start();
  }

  private disk(name: string): MemoryCibStorage {
    let d = this.disks.get(name);
    if (!d) this.disks.set(name, (d = new MemoryCibStorage()));
    return d;
  }

  /**
   * Drops events the facade already reported: a new DC reports every member
   * as joining and its first quorum computation, which are not news.
   */
  private fresh(ev: string, e: unknown): boolean {
    if (ev === 'node:up' || ev === 'node:down') {
      const n = (e as { node: string }).node;
      if ((ev === 'node:up') === this.up.has(n)) return false;
      if (ev === 'node:up') this.up.add(n);
      else this.up.delete(n);
    } else if (ev === 'quorum:changed') {
      const q = (e as { quorate: boolean }).quorate;
      if (q === this.quorate) return false;
      this.quorate = q;
    } else if (ev === 'dc:elected') {
      const n = (e as { node: string }).node;
      if (n === this.lastDc) return false;
      this.lastDc = n;
    }
    return true;
  }

  /** A fenced in-process machine really loses power (and, for reboot, boots again). */
  private powerCycle(target: string, action: string): void {
    const net = this.network;
    if (!(net instanceof MemoryNetwork) || !this.members.has(target)) return;
    const delay = this.opts.rebootDelayMs ?? 5000;
    this.clock.setTimeout(() => {
      if (!net.isCrashed(target)) {
        log('%s: powered off by fencing', target);
        net.crash(target);
      }
      if (action === 'reboot' && delay >= 0) this.clock.setTimeout(() => net.restart(target), delay);
    }, 0);
  }

  /** The member `name` (undefined for unknown names). */
  node(name: string): Node | undefined {
    return this.members.get(name);
  }

  /** Names of the members. */
  get nodeNames(): string[] {
    return [...this.members.keys()];
  }

  /** The node whose view speaks for the cluster: the DC of the largest partition. */
  private lead(): Node | undefined {
    let best: Node | undefined;
    for (const n of this.members.values()) {
      if (!n.isRunning || !n.synced || !n.isDc) continue;
      if (!best || (n.view?.members.length ?? 0) > (best.view?.members.length ?? 0)) best = n;
    }
    if (best) return best;
    return [...this.members.values()].find(n => n.isRunning && n.synced) ?? [...this.members.values()].find(n => n.isRunning);
  }

  private formed(): boolean {
    const lead = this.lead();
    return lead !== undefined && lead.isDc && lead.dcController?.ready === true;
  }

  // ---------------------------------------------------------------- time

  /** Agent processes running on any member. */
  private realWork(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.isRunning) n += m.realWorkInFlight;
    return n;
  }

  /** One step: virtual time waits (a bounded while) for agent processes running in real time. */
  private async step(ms: number): Promise<void> {
    const net = this.network;
    if (!(net instanceof MemoryNetwork) || !(this.clock instanceof VirtualClock)) {
      await new Promise(r => setTimeout(r, ms));
      return;
    }
    if (this.realWork() > 0) {
      const now = Date.now();
      this.realWaitSince ??= now;
      if (now - this.realWaitSince < REAL_WAIT_CAP_MS) {
        await new Promise(r => setTimeout(r, 1));
        return;
      }
      await new Promise(r => setTimeout(r, 1));
      await net.runFor(1, 1);
      return;
    }
    this.realWaitSince = undefined;
    await net.runFor(ms, ms);
  }

  /** Lets the cluster run for `ms` of cluster time. */
  async runFor(ms: number): Promise<void> {
    const end = this.clock.now() + ms;
    while (this.clock.now() < end) await this.step(Math.min(STEP_MS, end - this.clock.now()));
  }

  /** Runs until `pred` holds or `timeoutMs` of cluster time passed; returns whether it held. */
  async driveUntil(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    const end = this.clock.now() + timeoutMs;
    while (!pred()) {
      if (this.clock.now() >= end) return false;
      await this.step(STEP_MS);
    }
    return true;
  }

  /** Runs the cluster until `p` settles (bounded). */
  private async drive<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<Result<T, ClusterError>> {
    let done = false;
    let value: T | undefined;
    void p.then(v => { done = true; value = v; });
    const ok = await this.driveUntil(() => done, timeoutMs);
    if (!ok) return Err(clusterError('QUORATE_ERR_TIMEOUT', `${what} was not acknowledged within ${timeoutMs} ms`));
    return Ok(value as T);
  }

  /** True when every running member is synced and idle and no agent process runs. */
  private quiet(): boolean {
    if (this.realWork() > 0) return false;
    let any = false;
    for (const n of this.members.values()) {
      if (!n.isRunning) continue;
      any = true;
      if (!n.idle) return false;
    }
    return any;
  }

  /** Why the cluster is not quiet (for timeout messages). */
  private busyReason(): string {
    const parts: string[] = [];
    if (this.realWork() > 0) parts.push(`${this.realWork()} agent process(es) running`);
    for (const n of this.members.values()) {
      if (!n.isRunning || n.idle) continue;
      if (!n.synced) parts.push(`${n.name} not synced`);
      else if (n.isDc) {
        const c = n.dcController;
        parts.push(`DC ${n.name} ${c?.current ? `running transition ${c.current.transitionId}` : c?.lastSchedulerError ? `scheduler error: ${c.lastSchedulerError}` : 'busy'}`);
      } else parts.push(`${n.name} waiting for an acknowledgement`);
    }
    return parts.join('; ') || 'no running node';
  }

  /**
   * Runs until nothing is pending — every member synced, the DC's last
   * schedule empty, no transition or request in flight — and stays so for
   * `quietMs`. Resolves with the status, or a timeout error saying what was busy.
   */
  async settle(opts: SettleOptions = {}): Promise<Result<ClusterStatus, ClusterError>> {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const net = this.network;
    const quietMs = opts.quietMs ?? (net instanceof MemoryNetwork ? net.tokenTimeoutMs + net.joinTimeoutMs + 100 : 100);
    const start = this.clock.now();
    let since: number | undefined;
    for (;;) {
      if (this.quiet()) {
        since ??= this.clock.now();
        if (this.clock.now() - since >= quietMs) return Ok(this.status());
      } else since = undefined;
      if (this.clock.now() - start >= timeoutMs) {
        return Err(clusterError('QUORATE_ERR_TIMEOUT', `cluster did not settle within ${timeoutMs} ms: ${this.busyReason()}`));
      }
      await this.step(STEP_MS);
    }
  }

  // ---------------------------------------------------------------- configuration

  private async write(ops: readonly CibOp[], what: string): Promise<Result<void, ClusterError>> {
    const lead = this.lead();
    if (!lead) return Err(clusterError('QUORATE_ERR_NO_DC', `no running member to ${what}`));
    const r = await this.drive(lead.request(ops), 30_000, what);
    if (r.err) return r;
    return r.val;
  }

  private async writeOps(ops: Result<CibOp[], ClusterError>, what: string): Promise<Result<void, ClusterError>> {
    if (ops.err) return ops;
    return this.write(ops.val, what);
  }

  private leadCib(): Cib | undefined {
    return this.lead()?.cib;
  }

  /**
   * Adds or replaces resources, constraints, fence devices and properties.
   * Invalid configuration is refused with a typed error and nothing is written.
   */
  async configure(fn: (c: ConfigBuilder) => ConfigBuilder | void): Promise<Result<void, ClusterError>> {
    const cib = this.leadCib();
    if (!cib) return Err(clusterError('QUORATE_ERR_NO_DC', 'no running member to configure'));
    return this.writeOps(configureOps(cib, this.registry, fn), 'configure');
  }

  /** Replaces the configuration with the one in a CIB XML document (its status section is ignored). */
  async loadCib(xml: string): Promise<Result<void, ClusterError>> {
    return this.writeOps(loadCibOps(xml, [...this.members.keys()]), 'load CIB');
  }

  /** The CIB (configuration and status) as Pacemaker XML. */
  cibXml(): string {
    const cib = this.leadCib();
    return cib ? serialiseCib(cib) : '';
  }

  /** A typed snapshot: nodes, DC, quorum, resources, failcounts, fencing history. */
  status(): ClusterStatus {
    const lead = this.lead();
    if (!lead) {
      return { name: this.name, quorum: false, version: { adminEpoch: 0, epoch: 0, numUpdates: 0 }, nodes: [], resources: [], failcounts: [], fenceHistory: [], text: 'no running node\n' };
    }
    return nodeStatus(this.name, lead);
  }

  // ---------------------------------------------------------------- admin

  private withCib(fn: (cib: Cib) => Result<CibOp[], ClusterError>): Result<CibOp[], ClusterError> {
    const cib = this.leadCib();
    return cib ? fn(cib) : Err(clusterError('QUORATE_ERR_NO_DC', 'no running member'));
  }

  /** Puts a node in (or out of) standby: its resources move away. */
  async standby(node: string, on: boolean): Promise<Result<void, ClusterError>> {
    return this.writeOps(this.withCib(c => standbyOps(c, node, on)), `standby ${node}`);
  }

  /** Moves a resource to a node (a cli-prefer location constraint, as crm_resource --move). */
  async move(rsc: string, node: string): Promise<Result<void, ClusterError>> {
    return this.writeOps(this.withCib(c => moveOps(c, rsc, node)), `move ${rsc}`);
  }

  /** Removes the constraints `move` (and bans) added for a resource. */
  async clear(rsc: string): Promise<Result<void, ClusterError>> {
    return this.writeOps(this.withCib(c => clearOps(c, rsc)), `clear ${rsc}`);
  }

  /** Forgets a resource's failures and history everywhere, so it is probed and placed afresh. */
  async cleanup(rsc: string): Promise<Result<void, ClusterError>> {
    return this.writeOps(this.withCib(c => cleanupOps(c, rsc)), `cleanup ${rsc}`);
  }

  /** Sets (or with null removes) a cluster property. */
  async setProperty(name: string, value: string | null): Promise<Result<void, ClusterError>> {
    return this.writeOps(propertyOps(name, value), `set ${name}`);
  }

  /** Shuts one member down cleanly: its resources move away first, then it leaves (and is not fenced). */
  async shutdown(node: string, opts: { timeoutMs?: number } = {}): Promise<Result<void, ClusterError>> {
    const n = this.members.get(node);
    if (!n) return Err(clusterError('QUORATE_ERR_UNKNOWN_NODE', `node ${JSON.stringify(node)} is not a member`, node));
    const r = await this.drive(n.shutdown(opts), (opts.timeoutMs ?? 120_000) + 1000, `shutdown of ${node}`);
    if (r.err) return r;
    return r.val;
  }

  /** Stops every member (they leave at once). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const n of this.members.values()) await n.stop();
  }
}
