/**
 * Stonith devices: a real `fence_*` agent or an in-process function, plus the
 * pcmk_* parameters that say which nodes a device can fence and how.
 * @module
 */
import path from 'node:path';
import type { Clock } from '../util/clock.js';
import type { Rng } from '../util/rng.js';
import { Ok, Err, type Result } from '../util/result.js';
import { isSimpleName } from '../agents/agent.js';
import { parseDurationMs } from '../agents/metadata.js';
import { fenceError, type FenceError } from './errors.js';
import { parseHostList, parseHostMap } from './hostMap.js';
import { fenceAgentMetadata, parseListOutput, runFenceAgent, type FenceAgentRun } from './agentDriver.js';

/** Fencing actions a target can receive. */
export type FenceAction = 'reboot' | 'off' | 'on';

/** How a device decides whether it can fence a node (pcmk_host_check). */
export type HostCheck = 'static-list' | 'dynamic-list' | 'status' | 'none';

/** Context passed to a function device's fence call. */
export interface FunctionFenceContext {
  /** The plug (port) the host map gives for the target, else the target name. */
  readonly plug: string;
  readonly timeoutMs: number;
}

/** An in-process fence device. */
export interface FunctionDeviceSpec {
  /** Nodes it can fence (a static list). */
  readonly hosts?: readonly string[];
  /** Nodes (plugs) it can fence, asked when needed (a dynamic list). */
  readonly list?: () => readonly string[] | Promise<readonly string[]>;
  /** Fences a node: resolve (or return true) for success; false or throwing is failure. */
  readonly fence: (target: string, action: FenceAction, ctx: FunctionFenceContext) => void | boolean | Promise<void | boolean>;
  /** Checks the device works; same return conventions as fence. */
  readonly monitor?: () => void | boolean | Promise<void | boolean>;
}

/** Where and how device actions run (supplied by the fencer). */
export interface DeviceRunContext {
  /** Times function devices (the cluster clock). */
  readonly clock: Clock;
  /** Times agent processes (real time). */
  readonly processClock: Clock;
  /** Directory of fence_* programs. */
  readonly agentDir: string;
  readonly killGraceMs?: number;
}

/** Result of one device action. */
export interface DeviceActionResult {
  readonly ok: boolean;
  readonly timedOut: boolean;
  /** Agent exit code (status: 0 on, 2 off). */
  readonly rc?: number;
  readonly output?: string;
  readonly durationMs: number;
}

// Parameters that configure the fencer, not the agent.
const FENCER_PARAM = /^(pcmk_|priority$|provides$|stonith-timeout$)/;

/** A fence device description, registered with a {@link Fencer}. */
export class StonithDevice {
  readonly id: string;
  readonly kind: 'agent' | 'function';
  /** The fence agent program name (agent devices). */
  readonly agent: string | undefined;
  /** Agent parameters and pcmk_* fencer parameters. */
  readonly params: Readonly<Record<string, string>>;
  private readonly spec: FunctionDeviceSpec | undefined;

  private constructor(id: string, kind: 'agent' | 'function', agent: string | undefined,
    params: Readonly<Record<string, string>>, spec: FunctionDeviceSpec | undefined) {
    this.id = id;
    this.kind = kind;
    this.agent = agent;
    this.params = params;
    this.spec = spec;
  }

  /** A device driven by a real fence agent, e.g. `StonithDevice.agent('f1', 'fence_ipmilan', { ip: '…' })`. */
  static agent(id: string, agent: string, params: Readonly<Record<string, string>> = {}): StonithDevice {
    return new StonithDevice(id, 'agent', agent, { ...params }, undefined);
  }

  /** An in-process device: `StonithDevice.function('f', { hosts: ['n1'], fence: async t => … })`. */
  static function(id: string, spec: FunctionDeviceSpec, params: Readonly<Record<string, string>> = {}): StonithDevice {
    const p: Record<string, string> = { ...params };
    if (spec.hosts && p['pcmk_host_list'] === undefined) p['pcmk_host_list'] = spec.hosts.join(' ');
    return new StonithDevice(id, 'function', undefined, p, spec);
  }

  /** Checks the id, agent name, parameters and host map. */
  validate(): Result<void, FenceError> {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/.test(this.id)) {
      return Err(fenceError('QUORATE_ERR_BAD_DEVICE', `stonith device id ${JSON.stringify(this.id)} is not a valid id`));
    }
    if (this.kind === 'agent' && (!this.agent || !isSimpleName(this.agent) || !this.agent.startsWith('fence_'))) {
      return Err(fenceError('QUORATE_ERR_BAD_DEVICE', `device ${this.id}: agent ${JSON.stringify(this.agent)} is not a fence_* program name`));
    }
    for (const [k, v] of Object.entries(this.params)) {
      if (!/^[A-Za-z0-9_][A-Za-z0-9_-]*$/.test(k) || /[\n\r\0]/.test(v)) {
        return Err(fenceError('QUORATE_ERR_BAD_DEVICE', `device ${this.id}: parameter ${JSON.stringify(k)} has an invalid name or value`));
      }
    }
    const check = this.params['pcmk_host_check'];
    if (check !== undefined && !['static-list', 'dynamic-list', 'status', 'none'].includes(check)) {
      return Err(fenceError('QUORATE_ERR_BAD_DEVICE', `device ${this.id}: pcmk_host_check ${JSON.stringify(check)} is not static-list, dynamic-list, status or none`));
    }
    const map = parseHostMap(this.params['pcmk_host_map'], this.id);
    if (map.err) return map;
    return Ok(undefined);
  }

  /** Nodes named in pcmk_host_list. */
  hostList(): string[] {
    return parseHostList(this.params['pcmk_host_list']);
  }

  /** pcmk_host_map as node → plug (empty if unset or invalid; validate() reports that). */
  hostMap(): Map<string, string> {
    const m = parseHostMap(this.params['pcmk_host_map'], this.id);
    return m.ok ? m.val : new Map();
  }

  /** The plug the agent is told for `target`: from pcmk_host_map, else the node name. */
  plugFor(target: string): string {
    return this.hostMap().get(target) ?? target;
  }

  /** Device priority (higher is tried first), from the `priority` parameter. */
  priority(): number {
    const n = Number(this.params['priority'] ?? 0);
    return Number.isFinite(n) ? n : 0;
  }

  /** Timeout for an action: pcmk_<action>_timeout, else `fallbackMs`. */
  timeoutFor(action: string, fallbackMs: number): number {
    return parseDurationMs(this.params[`pcmk_${action}_timeout`]) ?? fallbackMs;
  }

  /** How many times to retry a failed action: pcmk_<action>_retries (default 2, as Pacemaker). */
  retriesFor(action: string): number {
    const n = Number(this.params[`pcmk_${action}_retries`] ?? 2);
    return Number.isInteger(n) && n >= 0 ? n : 2;
  }

  /**
   * Delay before this device fences `target`: pcmk_delay_base (a duration, or a
   * per-node map "n1:2s;n2:0") plus, with pcmk_delay_max, a random part so that
   * the total lies between base and max. Used to avoid fence races in two-node clusters.
   */
  delayMs(target: string, rng: Rng): number {
    const baseText = this.params['pcmk_delay_base'];
    let base = 0;
    if (baseText !== undefined) {
      if (/[:=]/.test(baseText)) {
        const m = parseHostMap(baseText, this.id);
        base = (m.ok ? parseDurationMs(m.val.get(target)) : undefined) ?? 0;
      } else {
        base = parseDurationMs(baseText) ?? 0;
      }
    }
    const max = parseDurationMs(this.params['pcmk_delay_max']) ?? 0;
    if (max > base) return base + rng.int(0, max - base);
    return base;
  }

  /** The agent's action for a fencer action (pcmk_<action>_action overrides, e.g. reboot → off). */
  agentAction(action: string): string {
    return this.params[`pcmk_${action}_action`] ?? action;
  }

  /** Path of the agent program. */
  agentFile(ctx: DeviceRunContext): string {
    return path.join(ctx.agentDir, this.agent ?? '');
  }

  /**
   * The effective pcmk_host_check: as configured, else Pacemaker's default —
   * static-list if a host list or map is set, else dynamic-list if the agent
   * supports `list`, else status if it supports `status`, else none.
   */
  async hostCheck(ctx: DeviceRunContext): Promise<HostCheck> {
    const explicit = this.params['pcmk_host_check'] as HostCheck | undefined;
    if (explicit) return explicit;
    if (this.params['pcmk_host_list'] || this.params['pcmk_host_map']) return 'static-list';
    if (this.kind === 'function') return this.spec?.list ? 'dynamic-list' : 'none';
    const md = await fenceAgentMetadata(this.agentFile(ctx), ctx.processClock);
    const actions = new Set(md?.actions.map(a => a.name) ?? []);
    if (actions.has('list')) return 'dynamic-list';
    if (actions.has('status')) return 'status';
    return 'none';
  }

  /** The nodes (plugs) the device reports with `list`; an error result if it cannot. */
  async list(ctx: DeviceRunContext, timeoutMs: number): Promise<Result<string[], FenceError>> {
    if (this.kind === 'function') {
      if (!this.spec?.list) return Err(fenceError('QUORATE_ERR_BAD_DEVICE', `device ${this.id} has no list function`));
      try {
        return Ok([...(await this.spec.list())]);
      } catch (e) {
        return Err(fenceError('QUORATE_ERR_BAD_DEVICE', `device ${this.id} list failed: ${(e as Error).message}`));
      }
    }
    const r = await this.runAgent('list', undefined, undefined, timeoutMs, ctx);
    if (!r.ok) return Err(fenceError('QUORATE_ERR_BAD_DEVICE', `device ${this.id} list failed: ${r.output ?? 'no output'}`));
    return Ok(parseListOutput(r.output ?? ''));
  }

  /**
   * Runs one action once: reboot/off/on against `target`, or status/monitor.
   * Never rejects.
   */
  async run(action: string, target: string | undefined, timeoutMs: number, ctx: DeviceRunContext): Promise<DeviceActionResult> {
    if (this.kind === 'function') return this.runFunction(action, target, timeoutMs, ctx);
    return this.runAgent(this.agentAction(action), target, target === undefined ? undefined : this.plugFor(target), timeoutMs, ctx);
  }

  private async runAgent(action: string, target: string | undefined, plug: string | undefined, timeoutMs: number,
    ctx: DeviceRunContext): Promise<DeviceActionResult> {
    const file = this.agentFile(ctx);
    const args: Record<string, string> = { action };
    for (const [k, v] of Object.entries(this.params)) if (!FENCER_PARAM.test(k)) args[k] = v;
    if (target !== undefined) {
      args['nodename'] = target;
      const hostArg = await this.hostArgument(ctx);
      if (hostArg !== 'none' && plug !== undefined) args[hostArg] = plug;
    }
    const r: FenceAgentRun = await runFenceAgent(file, args, timeoutMs, ctx.processClock, ctx.killGraceMs);
    const output = (r.stdout + r.stderr).trim();
    return {
      ok: !r.timedOut && r.exitCode === 0,
      timedOut: r.timedOut,
      ...(r.exitCode !== undefined ? { rc: r.exitCode } : {}),
      ...(output ? { output: action === 'list' ? r.stdout : output } : {}),
      durationMs: r.durationMs,
    };
  }

  /** pcmk_host_argument, else `plug` or `port` if the agent takes one, else none. */
  private async hostArgument(ctx: DeviceRunContext): Promise<string> {
    const explicit = this.params['pcmk_host_argument'];
    if (explicit) return explicit;
    const md = await fenceAgentMetadata(this.agentFile(ctx), ctx.processClock);
    const names = new Set(md?.parameters.map(p => p.name) ?? []);
    if (names.has('plug')) return 'plug';
    if (names.has('port')) return 'port';
    return 'none';
  }

  private runFunction(action: string, target: string | undefined, timeoutMs: number, ctx: DeviceRunContext): Promise<DeviceActionResult> {
    const spec = this.spec!;
    const started = ctx.clock.now();
    let call: () => void | boolean | Promise<void | boolean>;
    if (action === 'reboot' || action === 'off' || action === 'on') {
      if (target === undefined) return Promise.resolve({ ok: false, timedOut: false, output: `${action} needs a target`, durationMs: 0 });
      call = () => spec.fence(target, action, { plug: this.plugFor(target), timeoutMs });
    } else if (action === 'monitor' || action === 'status') {
      call = spec.monitor ?? (() => true);
    } else {
      return Promise.resolve({ ok: false, timedOut: false, output: `action ${action} is not supported`, durationMs: 0 });
    }
    return new Promise(resolve => {
      let done = false;
      const settle = (r: Omit<DeviceActionResult, 'durationMs'>): void => {
        if (done) return;
        done = true;
        timer.cancel();
        resolve({ ...r, durationMs: ctx.clock.now() - started });
      };
      const timer = ctx.clock.setTimeout(() => settle({ ok: false, timedOut: true, output: `timed out after ${timeoutMs} ms` }), timeoutMs);
      const ok = (v: void | boolean): void => settle(v === false ? { ok: false, timedOut: false, output: 'device reported failure' } : { ok: true, timedOut: false });
      const fail = (e: unknown): void => settle({ ok: false, timedOut: false, output: e instanceof Error ? e.message : String(e) });
      try {
        Promise.resolve(call()).then(ok, fail);
      } catch (e) {
        fail(e);
      }
    });
  }
}
