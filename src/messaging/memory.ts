/**
 * The in-process network: every node's endpoint in one process, on a virtual
 * clock, with faults injected from one seed. Tests and simulations use it; it
 * is also the embedded default transport.
 *
 * Membership is decided by a simulated membership service that sees the true
 * topology (which nodes run, which can reach which) but only acts after a
 * detection delay: `tokenTimeoutMs` after a failure (crash, partition), as a
 * lost Totem token would be noticed, and `joinTimeoutMs` after a join, leave
 * or heal. Each connected component of running nodes then gets a new ring.
 * Everything else — ordering, retransmission, the flush on view change — is a
 * real protocol over the lossy wire (see {@link MemoryEndpoint}).
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import { VirtualClock, type TimerHandle } from '../util/clock.js';
import { SeededRng } from '../util/rng.js';
import { logger } from '../util/log.js';
import type { JsonValue, MembershipView, Network, RingId } from './transport.js';
import { createFrameCodec, type FrameCodec } from './frame.js';
import { ReplayWindow } from './replayWindow.js';
import { MemoryEndpoint, type EndpointHost } from './MemoryEndpoint.js';
import type { MemoryFrame } from './memoryFrames.js';
import { MemoryWire, type WireStats } from './wire.js';

const log = logger('messaging:memory');

/** Options of {@link memoryNetwork}. */
export interface MemoryNetworkOptions {
  /** Seed of every random choice (faults, delays). Default 1. */
  seed?: number;
  /** The clock to run on. Default: a new `VirtualClock` at 0. */
  clock?: VirtualClock;
  /** Failure detection delay (Totem's token timeout). Default 1000 ms. */
  tokenTimeoutMs?: number;
  /** Delay before joins, leaves and merges form a new ring. Default 100 ms. */
  joinTimeoutMs?: number;
  /** Protocol heartbeat and retransmission period. Default 20 ms. */
  tickMs?: number;
  /** Largest payload, in JSON characters. Default 1 MiB. */
  maxPayloadChars?: number;
  /**
   * Cluster key: when set, every frame crosses the wire encoded by the
   * authenticated frame codec (HMAC, replay window), and damaged or replayed
   * frames are refused and counted in `stats.rejected`. Must be a valid key
   * (16–4096 bytes; see `validateAuthKey`): an invalid one throws RangeError.
   */
  authKey?: Uint8Array;
  /** With `authKey`: also encrypt frame bodies (AES-256-GCM). */
  encrypt?: boolean;
}

/** Events of the memory network, for simulations and invariant checkers. */
export interface MemoryNetworkEvents {
  /** The membership service formed a new ring for `members` (before they install it). */
  reconfigure: (ringId: RingId, members: readonly string[]) => void;
  /** A node crashed: its endpoint went silent and lost its state. */
  crash: (node: string) => void;
  /** A crashed node came back with a fresh endpoint run. */
  restart: (node: string) => void;
}

/** A memory network: endpoints plus fault injection and virtual time control. */
export class MemoryNetwork extends EventEmitter<MemoryNetworkEvents> implements Network {
  readonly clock: VirtualClock;
  /** The seed every fault decision derives from (print it to replay a run). */
  readonly seed: number;
  readonly tokenTimeoutMs: number;
  readonly joinTimeoutMs: number;
  private readonly endpoints = new Map<string, MemoryEndpoint>();
  private readonly crashed = new Set<string>();
  private readonly wire: MemoryWire<MemoryFrame | Buffer>;
  private readonly codec: FrameCodec | undefined;
  private readonly sendSeq = new Map<string, { epoch: number; seq: number }>();
  private readonly windows = new Map<string, ReplayWindow>();
  private readonly host: EndpointHost;
  /** Partition group of each named node; undefined when the network is whole. */
  private groups: Map<string, number> | undefined;
  private ringSeq = 0;
  private incarnations = 0;
  private membershipTimer: { handle: TimerHandle; dueMs: number } | undefined;

  constructor(opts: MemoryNetworkOptions = {}) {
    super();
    this.clock = opts.clock ?? new VirtualClock();
    this.seed = opts.seed ?? 1;
    this.tokenTimeoutMs = opts.tokenTimeoutMs ?? 1000;
    this.joinTimeoutMs = opts.joinTimeoutMs ?? 100;
    const rng = new SeededRng(this.seed);
    if (opts.authKey) {
      // 64 MiB: recovery frames carry whole logs.
      const c = createFrameCodec({ key: opts.authKey, encrypt: opts.encrypt ?? false, maxFrameBytes: 64 << 20 });
      if (c.err) throw new RangeError(`memoryNetwork: ${c.val.message}`);
      this.codec = c.val;
    }
    this.wire = new MemoryWire<MemoryFrame | Buffer>(
      this.clock,
      rng.fork(),
      (from, to) => this.canReach(from, to),
      (from, to, frame) => this.arrive(from, to, frame),
      (frame, r) => {
        if (!Buffer.isBuffer(frame)) return undefined;
        const copy = Buffer.from(frame);
        copy[r.int(0, copy.length - 1)] ^= 1 << r.int(0, 7);
        return copy;
      },
    );
    const net = this;
    this.host = {
      clock: this.clock,
      tickMs: opts.tickMs ?? 20,
      maxPayloadChars: opts.maxPayloadChars ?? 1 << 20,
      transmit: (from, to, frame, retransmit) => this.wire.transmit(from, to, this.seal(from, frame), retransmit),
      endpointStarted: node => { log('%s started', node); net.topologyChanged('join'); },
      endpointStopped: node => { log('%s stopped', node); net.topologyChanged('join'); },
      nextIncarnation: () => ++net.incarnations,
      countDelivery: () => { net.wire.stats.messagesDelivered++; },
      isCrashed: node => net.crashed.has(node),
    };
  }

  endpoint(node: string): MemoryEndpoint {
    let ep = this.endpoints.get(node);
    if (!ep) this.endpoints.set(node, (ep = new MemoryEndpoint(node, this.host)));
    return ep;
  }

  /** Wire and protocol counters. */
  get stats(): Readonly<WireStats> {
    return { ...this.wire.stats };
  }

  /**
   * Advances virtual time by `ms` in steps of `stepMs`, yielding to the event
   * loop between steps so asynchronous code in nodes makes progress.
   */
  async runFor(ms: number, stepMs = 5): Promise<void> {
    const step = Math.max(1, stepMs);
    let left = Math.max(0, ms);
    while (left > 0) {
      const d = Math.min(step, left);
      this.clock.advance(d);
      left -= d;
      await new Promise<void>(resolve => setImmediate(resolve));
    }
  }

  /** Advances time until `pred()` holds or `maxMs` passed; returns whether it held. */
  async runUntil(pred: () => boolean, maxMs: number, stepMs = 5): Promise<boolean> {
    for (let t = 0; t < maxMs; t += stepMs) {
      if (pred()) return true;
      await this.runFor(stepMs, stepMs);
    }
    return pred();
  }

  /** Encodes a frame with the codec when the network is authenticated. */
  private seal(from: string, frame: MemoryFrame): MemoryFrame | Buffer {
    if (!this.codec) return frame;
    const epoch = this.endpoints.get(from)?.incarnation ?? 0;
    let s = this.sendSeq.get(from);
    if (!s || s.epoch !== epoch) this.sendSeq.set(from, (s = { epoch, seq: 0 }));
    const r = this.codec.encode(
      { type: 1, sender: from, epoch, seq: ++s.seq, timestampMs: this.clock.now() },
      frame as unknown as JsonValue,
    );
    // Frames are built by the protocol from bounded payloads: failure is a bug.
    if (r.err) throw new Error(`memory network cannot encode a frame: ${r.val.message}`);
    return r.val;
  }

  private arrive(from: string, to: string, frame: MemoryFrame | Buffer): void {
    const ep = this.endpoints.get(to);
    if (!ep) return;
    if (!Buffer.isBuffer(frame)) {
      ep.receive(from, frame);
      return;
    }
    let w = this.windows.get(to);
    if (!w) this.windows.set(to, (w = new ReplayWindow()));
    const d = this.codec!.decode(frame, w);
    if (d.err || d.val.header.sender !== from) {
      this.wire.stats.rejected++;
      log('%s refused a frame from %s: %s', to, from, d.err ? d.val.code : 'sender mismatch');
      return;
    }
    ep.receive(from, d.val.body as unknown as MemoryFrame);
  }

  // ---- faults ----

  /** The node's process dies: its endpoint goes silent and loses all state. */
  crash(node: string): void {
    const ep = this.endpoint(node);
    if (this.crashed.has(node)) return;
    this.crashed.add(node);
    ep.halt();
    this.emit('crash', node);
    this.topologyChanged('failure');
  }

  /** A crashed node boots again and rejoins with a fresh endpoint run. */
  restart(node: string): void {
    if (!this.crashed.delete(node)) return;
    this.endpoint(node).boot();
    this.emit('restart', node);
    this.topologyChanged('join');
  }

  /** True when `node` is crashed (and not restarted). */
  isCrashed(node: string): boolean {
    return this.crashed.has(node);
  }

  /**
   * Splits the network: nodes in the same group reach each other, nothing
   * crosses groups. A node named in no group is isolated on its own.
   */
  partition(groups: readonly (readonly string[])[]): void {
    this.groups = new Map();
    groups.forEach((g, i) => g.forEach(n => this.groups!.set(n, i)));
    this.topologyChanged('failure');
  }

  /** Removes every partition. */
  heal(): void {
    this.groups = undefined;
    this.topologyChanged('join');
  }

  /** Each frame is lost with probability `p`. */
  loss(p: number): void {
    this.wire.faults.loss = clampProbability(p);
  }

  /** One-way delay drawn uniformly from [minMs, maxMs]. */
  delay(minMs: number, maxMs: number): void {
    const lo = Math.max(0, Math.floor(minMs));
    this.wire.faults.delayMinMs = lo;
    this.wire.faults.delayMaxMs = Math.max(lo, Math.floor(maxMs));
  }

  /** Each frame is delivered twice with probability `p`. */
  duplicate(p: number): void {
    this.wire.faults.duplicate = clampProbability(p);
  }

  /**
   * Each frame arrives with one flipped bit with probability `p`. With an
   * `authKey` the codec refuses it (counted in `stats.rejected`); without one
   * it is dropped, as a link checksum would.
   */
  corrupt(p: number): void {
    this.wire.faults.corrupt = clampProbability(p);
  }

  /** Each frame is held back (overtaken by later ones) with probability `p`. */
  reorder(p: number): void {
    this.wire.faults.reorder = clampProbability(p);
  }

  // ---- membership service ----

  /** Whether a frame can pass between two nodes right now. */
  canReach(from: string, to: string): boolean {
    if (!this.endpoints.get(from)?.running || !this.endpoints.get(to)?.running) return false;
    if (!this.groups) return true;
    const a = this.groups.get(from);
    const b = this.groups.get(to);
    return a !== undefined && a === b;
  }

  private topologyChanged(kind: 'failure' | 'join'): void {
    const delay = kind === 'failure' ? this.tokenTimeoutMs : this.joinTimeoutMs;
    // Never detect a failure sooner than its timeout, even if a join is pending.
    const dueMs = Math.max(this.membershipTimer?.dueMs ?? 0, this.clock.now() + delay);
    this.membershipTimer?.handle.cancel();
    const handle = this.clock.setTimeout(() => {
      this.membershipTimer = undefined;
      this.formRings();
    }, dueMs - this.clock.now());
    this.membershipTimer = { handle, dueMs };
  }

  /** Gives every connected component of running nodes a ring, unless it has one already. */
  private formRings(): void {
    const running = [...this.endpoints.values()].filter(e => e.running).map(e => e.node).sort();
    const seen = new Set<string>();
    for (const start of running) {
      if (seen.has(start)) continue;
      const comp = running.filter(n => n === start || this.canReach(start, n));
      comp.forEach(n => seen.add(n));
      if (this.settled(comp)) continue;
      const ringId: RingId = { rep: comp[0]!, seq: ++this.ringSeq };
      log('new ring %s/%d: %o', ringId.rep, ringId.seq, comp);
      this.emit('reconfigure', ringId, comp);
      for (const n of comp) this.endpoints.get(n)!.reconfigure(ringId, comp);
    }
  }

  /** True when all of `comp` is in (or already forming) one ring of exactly `comp`. */
  private settled(comp: readonly string[]): boolean {
    let target: { ringId: RingId; members: readonly string[] } | undefined;
    for (const n of comp) {
      const t = this.endpoints.get(n)!.membershipTarget();
      if (!t || t.members.length !== comp.length || t.members.some((m, i) => m !== comp[i])) return false;
      if (target && (target.ringId.seq !== t.ringId.seq || target.ringId.rep !== t.ringId.rep)) return false;
      target = t;
    }
    return true;
  }
}

/** Creates a memory network. */
export function memoryNetwork(opts: MemoryNetworkOptions = {}): MemoryNetwork {
  return new MemoryNetwork(opts);
}

function clampProbability(p: number): number {
  return Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0;
}

/** Renders a view for traces: `rep/seq[a,b,c]`. */
export function viewString(v: MembershipView): string {
  return `${v.ringId.rep}/${v.ringId.seq}[${v.members.join(',')}]`;
}
