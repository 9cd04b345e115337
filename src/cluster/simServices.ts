/**
 * Simulated services for tests, simulations and demos: function agents whose
 * state lives per simulated machine, so a crash or power-off really takes
 * the service down, and checkers for the safety invariants (never active on
 * two machines, never promoted twice).
 * @module
 */
import type { AgentCall } from '../agents/agent.js';
import type { FunctionAgentSpec } from '../agents/function.js';
import { OcfExitCode } from '../agents/codes.js';

/** `rsc:2` → `rsc` (clone instance numbers). */
function baseId(id: string): string {
  return id.replace(/:\d+$/, '');
}

/** How a simulated service misbehaves (per resource). */
export interface ServiceFaults {
  /** Starts fail (rc 1) on these nodes. */
  readonly failStartOn?: readonly string[];
  /** Starts never return (the executor times them out). */
  readonly hangStart?: boolean;
  /** Start throws an exception. */
  readonly throwOnStart?: boolean;
}

/** One safety violation found by {@link SimulatedServices.check}. */
export interface Violation {
  readonly kind: 'active-twice' | 'promoted-twice';
  readonly resource: string;
  readonly nodes: readonly string[];
}

/** Services on simulated machines. */
export class SimulatedServices {
  /** resource → nodes where it is active. */
  private readonly active = new Map<string, Set<string>>();
  private readonly promoted = new Map<string, Set<string>>();
  private readonly faults = new Map<string, ServiceFaults>();
  /** Clones may be active on many machines; only their promotions are limited. */
  private readonly clones = new Map<string, number>();
  /** Violations seen at the moment they happened (checked on every start and promote). */
  readonly violations: Violation[] = [];
  /** Every start/stop/promote/demote done, in order (for timelines and tests). */
  readonly log: { op: string; resource: string; node: string }[] = [];

  /** Sets how a resource misbehaves. */
  setFaults(resource: string, f: ServiceFaults): void {
    this.faults.set(resource, f);
  }

  /** Nodes where the resource is active. */
  nodesOf(resource: string): string[] {
    return [...(this.active.get(resource) ?? [])].sort();
  }

  /** Nodes where the resource is promoted. */
  promotedOn(resource: string): string[] {
    return [...(this.promoted.get(resource) ?? [])].sort();
  }

  /** The service dies on `node` without the cluster being told (a monitor will notice). */
  kill(resource: string, node: string): void {
    this.active.get(resource)?.delete(node);
    this.promoted.get(resource)?.delete(node);
  }

  /** A machine lost power: everything on it stops. */
  powerOff(node: string): void {
    for (const s of this.active.values()) s.delete(node);
    for (const s of this.promoted.values()) s.delete(node);
  }

  /** Safety violations now: a primitive active, or promoted, on more than one machine. */
  check(): Violation[] {
    const out: Violation[] = [];
    for (const [r, s] of this.active) {
      if (s.size > 1 && !this.clones.has(baseId(r))) out.push({ kind: 'active-twice', resource: r, nodes: [...s].sort() });
    }
    const promoted = new Map<string, Set<string>>();
    for (const [r, s] of this.promoted) {
      const all = promoted.get(baseId(r)) ?? new Set<string>();
      for (const n of s) all.add(n);
      promoted.set(baseId(r), all);
    }
    for (const [r, s] of promoted) {
      if (s.size > (this.clones.get(r) ?? 1)) out.push({ kind: 'promoted-twice', resource: r, nodes: [...s].sort() });
    }
    return out;
  }

  /**
   * The function agent of `resource`. Clone instances share the base name
   * (the agent keys state by the resource instance id it is called with).
   */
  agent(resource: string, opts: { clone?: boolean; promotedMax?: number } = {}): FunctionAgentSpec {
    if (opts.clone) this.clones.set(resource, opts.promotedMax ?? 1);
    const where = (c: AgentCall): string => c.meta['on_node'] ?? '?';
    const set = (m: Map<string, Set<string>>, id: string): Set<string> => {
      let s = m.get(id);
      if (!s) m.set(id, (s = new Set()));
      return s;
    };
    return {
      start: c => {
        const f = this.faults.get(resource);
        if (f?.throwOnStart) throw new Error(`${resource} crashed while starting`);
        if (f?.hangStart) return new Promise<never>(() => undefined);
        if (f?.failStartOn?.includes(where(c))) return { rc: OcfExitCode.ERR_GENERIC, output: `${resource} cannot start on ${where(c)}` };
        set(this.active, c.resourceId).add(where(c));
        this.log.push({ op: 'start', resource: c.resourceId, node: where(c) });
        this.violations.push(...this.check());
        return OcfExitCode.OK;
      },
      stop: c => {
        set(this.active, c.resourceId).delete(where(c));
        set(this.promoted, c.resourceId).delete(where(c));
        this.log.push({ op: 'stop', resource: c.resourceId, node: where(c) });
        return OcfExitCode.OK;
      },
      monitor: c => {
        if (!set(this.active, c.resourceId).has(where(c))) return OcfExitCode.NOT_RUNNING;
        return set(this.promoted, c.resourceId).has(where(c)) ? OcfExitCode.RUNNING_PROMOTED : OcfExitCode.OK;
      },
      promote: c => {
        if (!set(this.active, c.resourceId).has(where(c))) return OcfExitCode.NOT_RUNNING;
        set(this.promoted, c.resourceId).add(where(c));
        this.log.push({ op: 'promote', resource: c.resourceId, node: where(c) });
        this.violations.push(...this.check());
        return OcfExitCode.OK;
      },
      demote: c => {
        set(this.promoted, c.resourceId).delete(where(c));
        this.log.push({ op: 'demote', resource: c.resourceId, node: where(c) });
        return OcfExitCode.OK;
      },
    };
  }
}
