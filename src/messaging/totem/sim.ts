/**
 * A simulated Totem network: several pure state machines in one process on a
 * virtual clock, with seeded loss, partitions and crashes. Tests and the
 * simulator drive the real protocol through it.
 * @module
 */
import { VirtualClock, type TimerHandle } from '../../util/clock.js';
import { SeededRng } from '../../util/rng.js';
import type { TotemTimers } from './config.js';
import type { ProcId, TotemFrame, TotemRing } from './frames.js';
import { createTotem, step } from './srp.js';
import type { TotemDelivery, TotemEvent, TotemState, TotemTimerName } from './state.js';

/** Options of {@link TotemSim}. */
export interface TotemSimOptions {
  /** Node ids. */
  nodes: readonly ProcId[];
  /** Seed of loss and delay choices. Default 1. */
  seed?: number;
  /** Probability a frame is lost. Default 0. */
  loss?: number;
  /** One-way delay range in ms. Default 1–3. */
  delayMinMs?: number;
  delayMaxMs?: number;
  /** Timer overrides. */
  timers?: Partial<TotemTimers>;
}

/** What one simulated processor observed. */
export interface SimRecord {
  deliveries: TotemDelivery[];
  views: { ring: TotemRing; members: ProcId[] }[];
}

/** Runs N Totem state machines over a lossy simulated network. */
export class TotemSim {
  readonly clock = new VirtualClock(0);
  readonly states = new Map<ProcId, TotemState>();
  readonly records = new Map<ProcId, SimRecord>();
  readonly rng: SeededRng;
  loss: number;
  /** Frames put on the simulated wire. */
  framesSent = 0;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly crashed = new Set<ProcId>();
  private groups: Map<ProcId, number> | undefined;
  private readonly delayMin: number;
  private readonly delayMax: number;

  constructor(private readonly opts: TotemSimOptions) {
    this.rng = new SeededRng(opts.seed ?? 1);
    this.loss = opts.loss ?? 0;
    this.delayMin = opts.delayMinMs ?? 1;
    this.delayMax = opts.delayMaxMs ?? 3;
    for (const n of opts.nodes) {
      this.states.set(n, createTotem(n, opts.nodes, opts.timers));
      this.records.set(n, { deliveries: [], views: [] });
    }
  }

  /** Starts every processor. */
  start(): void {
    for (const n of this.opts.nodes) this.input(n, { type: 'start' });
  }

  /** Queues an application broadcast at `node`. */
  broadcast(node: ProcId, payload: string): void {
    this.input(node, { type: 'broadcast', payload });
  }

  /** Stops a processor dead: no more frames, timers or deliveries. */
  crash(node: ProcId): void {
    this.crashed.add(node);
  }

  /** Splits the network; nodes not named are in group 0. */
  partition(...sides: ProcId[][]): void {
    this.groups = new Map();
    sides.forEach((side, i) => side.forEach(n => this.groups!.set(n, i + 1)));
  }

  /** Removes any partition. */
  heal(): void {
    this.groups = undefined;
  }

  /** Runs virtual time forward. */
  run(ms: number): void {
    this.clock.advance(ms);
  }

  /** Runs until `pred` holds or `maxMs` passes; returns whether it held. */
  runUntil(pred: () => boolean, maxMs: number, stepMs = 10): boolean {
    for (let t = 0; t < maxMs; t += stepMs) {
      if (pred()) return true;
      this.clock.advance(stepMs);
    }
    return pred();
  }

  /** The last view a processor installed. */
  lastView(node: ProcId): { ring: TotemRing; members: ProcId[] } | undefined {
    const v = this.records.get(node)!.views;
    return v[v.length - 1];
  }

  private reach(a: ProcId, b: ProcId): boolean {
    if (this.crashed.has(a) || this.crashed.has(b)) return false;
    return !this.groups || (this.groups.get(a) ?? 0) === (this.groups.get(b) ?? 0);
  }

  private input(node: ProcId, ev: TotemEvent): void {
    if (this.crashed.has(node)) return;
    const st = this.states.get(node)!;
    const [, outs] = step(st, ev, this.clock.now());
    const rec = this.records.get(node)!;
    for (const o of outs) {
      switch (o.type) {
        case 'send':
          this.transmit(node, o.to, o.frame);
          break;
        case 'deliver':
          rec.deliveries.push(o.msg);
          break;
        case 'view':
          rec.views.push({ ring: o.ring, members: [...o.members] });
          break;
        case 'setTimer':
          this.setTimer(node, o.name, o.ms);
          break;
        case 'cancelTimer':
          this.timers.get(`${node}:${o.name}`)?.cancel();
          this.timers.delete(`${node}:${o.name}`);
          break;
      }
    }
  }

  private setTimer(node: ProcId, name: TotemTimerName, ms: number): void {
    const key = `${node}:${name}`;
    this.timers.get(key)?.cancel();
    this.timers.set(key, this.clock.setTimeout(() => {
      this.timers.delete(key);
      this.input(node, { type: 'timer', name });
    }, ms));
  }

  private transmit(from: ProcId, to: ProcId, frame: TotemFrame): void {
    this.framesSent++;
    if (!this.states.has(to) || !this.reach(from, to) || this.rng.chance(this.loss)) return;
    const d = this.rng.int(this.delayMin, this.delayMax);
    // Frames are copied as a real wire would, so no state is shared.
    const copy = JSON.parse(JSON.stringify(frame)) as TotemFrame;
    this.clock.setTimeout(() => {
      if (this.reach(from, to)) this.input(to, { type: 'frame', from, frame: copy });
    }, d);
  }
}
