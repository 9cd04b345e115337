/**
 * The fencer of one node (Pacemaker's pacemaker-fenced): knows the registered
 * devices and the fencing topology, picks the devices that can fence a target,
 * runs them level by level, and keeps a fence history.
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { Clock } from '../util/clock.js';
import { SeededRng, type Rng } from '../util/rng.js';
import { SystemClock } from '../util/clock.js';
import { Ok, Err, type Result } from '../util/result.js';
import { logger } from '../util/log.js';
import { fenceError, type FenceAttempt, type FenceError } from './errors.js';
import { StonithDevice, type DeviceActionResult, type DeviceRunContext, type FenceAction } from './device.js';
import { DEFAULT_FENCE_AGENT_DIR } from './agentDriver.js';
import { levelsFor, validateTopology, type FencingLevel } from './topology.js';

const log = logger('fencing');

/** Options of a {@link Fencer}. */
export interface FencerOptions {
  /** This node's name (recorded as the executioner). */
  readonly node: string;
  /** Cluster clock: history timestamps, function device timeouts, list cache. */
  readonly clock?: Clock;
  /** Clock for fence agent processes (default: the system clock). */
  readonly processClock?: Clock;
  /** Directory of fence_* programs (default /usr/sbin). */
  readonly agentDir?: string;
  /** stonith-timeout: default timeout of a device action (default 60 s). */
  readonly defaultTimeoutMs?: number;
  /** stonith-action: what fence() does when not told (default reboot). */
  readonly stonithAction?: FenceAction;
  /** How long a dynamic `list` result is reused (default 60 s, as Pacemaker). */
  readonly listCacheMs?: number;
  readonly killGraceMs?: number;
  /** How many history entries are kept (default 500). */
  readonly historyLimit?: number;
  /** Random source for pcmk_delay_max (default: a SeededRng seeded with 1). */
  readonly rng?: Rng;
}

/** A request to fence a node. */
export interface FenceOptions {
  /** reboot, off or on (default: stonith-action). */
  readonly action?: FenceAction;
  /** Who asked (a node name or client id), recorded in history. */
  readonly origin?: string;
  /** Overrides stonith-timeout for each device action. */
  readonly timeoutMs?: number;
}

/** One fencing operation in the history. */
export interface FenceRecord {
  /** Increasing id of the operation on this fencer. */
  readonly id: number;
  readonly target: string;
  readonly action: FenceAction;
  readonly state: 'success' | 'failed';
  /** Devices that fenced the target (on success) — the whole level if it had several. */
  readonly devices: readonly string[];
  /** The topology level that succeeded (0 without topology). */
  readonly level: number;
  readonly origin: string;
  /** Node whose fencer executed it. */
  readonly executioner: string;
  readonly requestedAt: number;
  readonly completedAt: number;
  readonly attempts: readonly FenceAttempt[];
  readonly error?: FenceError;
}

/** Events of a {@link Fencer}. */
export interface FencerEvents {
  'fence:started': (e: { id: number; target: string; action: FenceAction; origin: string }) => void;
  'fence:attempt': (e: FenceAttempt & { id: number; target: string }) => void;
  'fence:completed': (rec: FenceRecord) => void;
  'fence:failed': (rec: FenceRecord) => void;
  'device:registered': (id: string) => void;
  'device:unregistered': (id: string) => void;
}

interface PlanStep {
  readonly level: number;
  readonly devices: readonly string[];
}

/** Runs fencing on one node. */
export class Fencer extends EventEmitter<FencerEvents> {
  readonly node: string;
  private readonly clock: Clock;
  private readonly ctx: DeviceRunContext;
  private readonly opts: FencerOptions;
  private readonly devs = new Map<string, StonithDevice>();
  private topology: FencingLevel[] = [];
  private readonly listCache = new Map<string, { at: number; plugs: string[] }>();
  private readonly inFlight = new Map<string, Promise<Result<FenceRecord, FenceError>>>();
  private readonly hist: FenceRecord[] = [];
  private nextId = 1;
  private readonly rng: Rng;

  constructor(opts: FencerOptions) {
    super();
    this.rng = opts.rng ?? new SeededRng(1);
    this.node = opts.node;
    this.opts = opts;
    this.clock = opts.clock ?? new SystemClock();
    this.ctx = {
      clock: this.clock,
      processClock: opts.processClock ?? new SystemClock(),
      agentDir: opts.agentDir ?? DEFAULT_FENCE_AGENT_DIR,
      ...(opts.killGraceMs !== undefined ? { killGraceMs: opts.killGraceMs } : {}),
    };
  }

  /** Adds (or replaces) a device after validating it. */
  register(device: StonithDevice): Result<void, FenceError> {
    const v = device.validate();
    if (v.err) return v;
    this.devs.set(device.id, device);
    this.listCache.delete(device.id);
    this.emit('device:registered', device.id);
    return Ok(undefined);
  }

  /** Removes a device; false if it was not registered. */
  unregister(id: string): boolean {
    const had = this.devs.delete(id);
    this.listCache.delete(id);
    if (had) this.emit('device:unregistered', id);
    return had;
  }

  /** The registered devices. */
  devices(): StonithDevice[] {
    return [...this.devs.values()];
  }

  /** The registered device with this id. */
  device(id: string): StonithDevice | undefined {
    return this.devs.get(id);
  }

  /** Replaces the fencing topology. */
  setTopology(levels: readonly FencingLevel[]): Result<void, FenceError> {
    const v = validateTopology(levels);
    if (v.err) return v;
    this.topology = v.val;
    return Ok(undefined);
  }

  /** The fencing history, oldest first (optionally only for one target). */
  history(target?: string): FenceRecord[] {
    return target === undefined ? [...this.hist] : this.hist.filter(r => r.target === target);
  }

  /** Runs a device's monitor (or status) action. */
  async monitorDevice(id: string, timeoutMs?: number): Promise<DeviceActionResult> {
    const d = this.devs.get(id);
    if (!d) return { ok: false, timedOut: false, output: `device ${id} is not registered`, durationMs: 0 };
    return d.run('monitor', undefined, d.timeoutFor('monitor', timeoutMs ?? this.defaultTimeout()), this.ctx);
  }

  /** Whether `device` can fence `target`, honouring pcmk_host_check/list/map. */
  async canFence(device: StonithDevice, target: string): Promise<boolean> {
    const check = await device.hostCheck(this.ctx);
    switch (check) {
      case 'none':
        return true;
      case 'static-list':
        return device.hostList().includes(target) || device.hostMap().has(target);
      case 'dynamic-list': {
        const plugs = await this.dynamicList(device);
        return plugs !== undefined && plugs.includes(device.plugFor(target));
      }
      case 'status': {
        const r = await device.run('status', target, device.timeoutFor('status', this.defaultTimeout()), this.ctx);
        // Fence agents answer status with 0 (on) or 2 (off) when they know the plug.
        return !r.timedOut && (r.rc === 0 || r.rc === 2);
      }
    }
  }

  /** The registered devices able to fence `target`, highest priority first. */
  async devicesFor(target: string): Promise<StonithDevice[]> {
    const out: StonithDevice[] = [];
    for (const d of this.devs.values()) if (await this.canFence(d, target)) out.push(d);
    // Stable sort keeps registration order among equal priorities.
    return out.sort((a, b) => b.priority() - a.priority());
  }

  /**
   * Fences `target`. Uses its topology levels if it has any (level 1 first; all
   * devices of a level must succeed), else each capable device in turn.
   * Concurrent requests for the same target and action share one operation.
   */
  fence(target: string, options: FenceOptions = {}): Promise<Result<FenceRecord, FenceError>> {
    const action = options.action ?? this.opts.stonithAction ?? 'reboot';
    const key = `${target}\u0000${action}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const p = this.runFence(target, action, options).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  private defaultTimeout(): number {
    return this.opts.defaultTimeoutMs ?? 60_000;
  }

  private async dynamicList(device: StonithDevice): Promise<string[] | undefined> {
    const cached = this.listCache.get(device.id);
    if (cached && this.clock.now() - cached.at < (this.opts.listCacheMs ?? 60_000)) return cached.plugs;
    const r = await device.list(this.ctx, device.timeoutFor('list', this.defaultTimeout()));
    if (r.err) {
      log('%s: %s', this.node, r.val.message);
      return undefined;
    }
    this.listCache.set(device.id, { at: this.clock.now(), plugs: r.val });
    return r.val;
  }

  private async runFence(target: string, action: FenceAction, options: FenceOptions): Promise<Result<FenceRecord, FenceError>> {
    const id = this.nextId++;
    const origin = options.origin ?? this.node;
    const requestedAt = this.clock.now();
    const attempts: FenceAttempt[] = [];
    this.emit('fence:started', { id, target, action, origin });
    log('%s: fencing %s (%s) for %s', this.node, target, action, origin);

    const levels = levelsFor(this.topology, target);
    let plan: PlanStep[];
    if (levels.length > 0) {
      plan = levels.map(l => ({ level: l.index, devices: l.devices }));
    } else {
      const capable = await this.devicesFor(target);
      plan = capable.map(d => ({ level: 0, devices: [d.id] }));
    }
    const finish = (state: 'success' | 'failed', step: PlanStep | undefined, error?: FenceError): Result<FenceRecord, FenceError> => {
      const rec: FenceRecord = {
        id, target, action, state, devices: state === 'success' && step ? [...step.devices] : [], level: step?.level ?? 0,
        origin, executioner: this.node, requestedAt, completedAt: this.clock.now(), attempts: [...attempts],
        ...(error ? { error } : {}),
      };
      this.hist.push(rec);
      const limit = this.opts.historyLimit ?? 500;
      if (this.hist.length > limit) this.hist.splice(0, this.hist.length - limit);
      if (state === 'success') {
        this.emit('fence:completed', rec);
        return Ok(rec);
      }
      this.emit('fence:failed', rec);
      return Err(error!);
    };
    if (plan.length === 0) {
      return finish('failed', undefined, fenceError('QUORATE_ERR_NO_FENCE_DEVICE', `no device can fence ${target}`, { target, attempts: [] }));
    }
    for (const step of plan) {
      if (await this.runStep(id, step, target, action, options, attempts)) return finish('success', step);
    }
    const allTimedOut = attempts.length > 0 && attempts.every(a => a.timedOut);
    const tried = plan.map(s => (s.level ? `level ${s.level} (${s.devices.join(', ')})` : s.devices[0])).join('; ');
    return finish('failed', undefined, allTimedOut
      ? fenceError('QUORATE_ERR_FENCE_TIMEOUT', `fencing ${target} (${action}) timed out on ${tried}`, { target, attempts })
      : fenceError('QUORATE_ERR_FENCE_FAILED', `fencing ${target} (${action}) failed on ${tried}`, { target, attempts }));
  }

  /** Runs one level (or one device); true when every device in it succeeded. */
  private async runStep(id: number, step: PlanStep, target: string, action: FenceAction, options: FenceOptions,
    attempts: FenceAttempt[]): Promise<boolean> {
    const devices: StonithDevice[] = [];
    for (const devId of step.devices) {
      const d = this.devs.get(devId);
      const problem = !d ? `device ${devId} is not registered`
        : step.level > 0 && !(await this.canFence(d, target)) ? `device ${devId} cannot fence ${target}` : undefined;
      if (problem) {
        this.record(id, target, attempts, { device: devId, action, level: step.level, ok: false, timedOut: false, output: problem, durationMs: 0 });
        return false;
      }
      devices.push(d!);
    }
    // A reboot through several devices (e.g. redundant power supplies) must turn
    // all of them off before any comes back on, as Pacemaker does.
    if (action === 'reboot' && devices.length > 1) {
      for (const d of devices) if (!(await this.runDevice(id, d, 'off', step.level, target, options, attempts))) return false;
      for (const d of devices) await this.runDevice(id, d, 'on', step.level, target, options, attempts);
      return true;
    }
    for (const d of devices) if (!(await this.runDevice(id, d, action, step.level, target, options, attempts))) return false;
    return true;
  }

  private async runDevice(id: number, d: StonithDevice, action: FenceAction, level: number, target: string,
    options: FenceOptions, attempts: FenceAttempt[]): Promise<boolean> {
    const timeoutMs = options.timeoutMs ?? d.timeoutFor(action, this.defaultTimeout());
    // Powering a node on is never delayed: the delay exists to lose fence races.
    const delay = action === 'on' ? 0 : d.delayMs(target, this.rng);
    if (delay > 0) {
      log('%s: delaying %s of %s via %s by %d ms', this.node, action, target, d.id, delay);
      await new Promise<void>(resolve => this.clock.setTimeout(resolve, delay));
    }
    const tries = 1 + d.retriesFor(action);
    for (let i = 0; i < tries; i++) {
      const r = await d.run(action, target, timeoutMs, this.ctx);
      this.record(id, target, attempts, {
        device: d.id, action, level, ok: r.ok, timedOut: r.timedOut, durationMs: r.durationMs,
        ...(r.output !== undefined ? { output: r.output } : {}),
      });
      if (r.ok) return true;
      // A timed-out device has used its time; retrying it would overrun the fencing timeout.
      if (r.timedOut) return false;
    }
    return false;
  }

  private record(id: number, target: string, attempts: FenceAttempt[], a: FenceAttempt): void {
    attempts.push(a);
    log('%s: %s %s via %s (level %d): %s', this.node, a.action, target, a.device, a.level, a.ok ? 'ok' : a.output ?? 'failed');
    this.emit('fence:attempt', { ...a, id, target });
  }
}
