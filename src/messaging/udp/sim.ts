/**
 * A simulated heartbeat-protocol network: several pure state machines on a
 * virtual clock with seeded loss, partitions and crashes.
 * @module
 */
import { VirtualClock, type TimerHandle } from '../../util/clock.js';
import { SeededRng } from '../../util/rng.js';
import type { HbFrame, HbRing } from './frames.js';
import { createHb, hbConfig, hbStep, type HbConfig, type HbEvent, type HbState } from './protocol.js';

/** What one simulated member observed. */
export interface HbSimRecord {
  deliveries: { ring: HbRing; seq: number; sender: number; payload: string }[];
  views: { ring: HbRing; members: number[] }[];
}

/** Runs N heartbeat-protocol members over a lossy simulated network. */
export class HbSim {
  readonly clock = new VirtualClock(0);
  readonly states = new Map<number, HbState>();
  readonly records = new Map<number, HbSimRecord>();
  readonly rng: SeededRng;
  loss: number;
  /** Drops the frames it returns true for (deterministic fault injection in tests). */
  drop: ((from: number, to: number, frame: HbFrame) => boolean) | undefined;
  /** Extra latency (ms) for each frame (deterministic reordering in tests). */
  delay: ((from: number, to: number, frame: HbFrame) => number) | undefined;
  private readonly ticks = new Map<number, TimerHandle>();
  private readonly crashed = new Set<number>();
  private groups: Map<number, number> | undefined;
  /** Paused members and the events that reached them meanwhile. */
  private readonly paused = new Map<number, HbEvent[]>();

  constructor(readonly nodes: readonly number[], opts: { seed?: number; loss?: number; cfg?: Partial<Omit<HbConfig, 'me' | 'nodes'>> } = {}) {
    this.rng = new SeededRng(opts.seed ?? 1);
    this.loss = opts.loss ?? 0;
    this.drop = undefined;
    this.delay = undefined;
    for (const n of nodes) {
      this.states.set(n, createHb(hbConfig(n, nodes, opts.cfg)));
      this.records.set(n, { deliveries: [], views: [] });
    }
  }

  start(): void {
    for (const n of this.nodes) this.input(n, { type: 'start' });
  }
  broadcast(node: number, payload: string): void {
    this.input(node, { type: 'broadcast', payload });
  }
  crash(node: number): void {
    this.crashed.add(node);
    this.ticks.get(node)?.cancel();
  }
  /**
   * The member is not scheduled for `ms` (a stalled process): frames and its
   * tick wait; then the late tick runs first and the queued frames after it,
   * as in Node's event loop (timers before socket reads).
   */
  pause(node: number, ms: number): void {
    if (this.paused.has(node)) return;
    this.paused.set(node, []);
    this.clock.setTimeout(() => {
      const q = this.paused.get(node) ?? [];
      this.paused.delete(node);
      const heard = [...new Set(q.flatMap(e => (e.type === 'frame' ? [e.from] : [])))];
      if (q.some(e => e.type === 'tick')) this.input(node, { type: 'tick', heard });
      for (const e of q) if (e.type !== 'tick') this.input(node, e);
    }, ms);
  }
  partition(...sides: number[][]): void {
    this.groups = new Map();
    sides.forEach((side, i) => side.forEach(n => this.groups!.set(n, i + 1)));
  }
  heal(): void {
    this.groups = undefined;
  }
  runUntil(pred: () => boolean, maxMs: number, stepMs = 10): boolean {
    for (let t = 0; t < maxMs; t += stepMs) {
      if (pred()) return true;
      this.clock.advance(stepMs);
    }
    return pred();
  }
  lastView(node: number): { ring: HbRing; members: number[] } | undefined {
    const v = this.records.get(node)!.views;
    return v[v.length - 1];
  }

  private reach(a: number, b: number): boolean {
    if (this.crashed.has(a) || this.crashed.has(b)) return false;
    return !this.groups || (this.groups.get(a) ?? 0) === (this.groups.get(b) ?? 0);
  }

  private input(node: number, ev: HbEvent): void {
    if (this.crashed.has(node)) return;
    const backlog = this.paused.get(node);
    if (backlog) {
      backlog.push(ev);
      return;
    }
    const [, outs] = hbStep(this.states.get(node)!, ev, this.clock.now());
    const rec = this.records.get(node)!;
    for (const o of outs) {
      if (o.type === 'send') {
        const dests = o.to === 'all' ? this.nodes.filter(n => n !== node) : typeof o.to === 'number' ? [o.to] : o.to;
        for (const to of dests) this.transmit(node, to, o.frame);
      } else if (o.type === 'deliver') rec.deliveries.push(o.msg);
      else if (o.type === 'view') rec.views.push({ ring: o.ring, members: [...o.members] });
      else {
        this.ticks.get(node)?.cancel();
        this.ticks.set(node, this.clock.setTimeout(() => this.input(node, { type: 'tick' }), o.ms));
      }
    }
  }

  private transmit(from: number, to: number, frame: HbFrame): void {
    if (!this.reach(from, to) || this.drop?.(from, to, frame) || this.rng.chance(this.loss)) return;
    const copy = JSON.parse(JSON.stringify(frame)) as HbFrame;
    const latency = this.rng.int(1, 3) + (this.delay?.(from, to, frame) ?? 0);
    this.clock.setTimeout(() => {
      if (this.reach(from, to)) this.input(to, { type: 'frame', from, frame: copy });
    }, latency);
  }
}
