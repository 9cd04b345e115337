/**
 * `rsc_ticket` constraints (multi-site clusters): a resource depending on a
 * ticket that is not granted, or is in standby, may not run (or, with
 * rsc-role=Promoted, may not be promoted). What happens to resources already
 * active when the ticket is lost is the constraint's loss-policy: stop (ban),
 * demote, fence (the nodes running them) or freeze (leave them unmanaged).
 * After Pacemaker 2.1.5's pcmk_sched_tickets.c.
 * @module
 */
import type { Role, UnpackedNode } from '../cib/unpack/types.js';
import type { ResourceSet, TicketConstraint } from '../cib/types.js';
import { INFINITY, type Ctx, type PRsc } from './model.js';
import { expandReference, expandReferences } from './templates.js';

/** The state of a ticket; tickets absent from the status are neither granted nor in standby. */
export interface TicketStatus {
  readonly id: string;
  readonly granted: boolean;
  readonly standby: boolean;
}

type LossPolicy = 'stop' | 'demote' | 'fence' | 'freeze';

/** One resource's dependency on a ticket. */
export interface TicketDependency {
  readonly id: string;
  readonly rsc: PRsc;
  readonly ticket: TicketStatus;
  readonly lossPolicy: LossPolicy;
  /** The role the dependency is for; Unknown = any (rsc-role Started or unset). */
  readonly role: Role;
}

const DEPS = new WeakMap<Ctx, TicketDependency[]>();
const FENCE_WHY = new WeakMap<Ctx, Map<string, string>>();
const FROZEN = new WeakSet<PRsc>();

function parseRole(v: string | undefined): Role {
  if (v === undefined) return 'Unknown';
  if (/^(promoted|master)$/i.test(v)) return 'Promoted';
  if (/^(unpromoted|slave)$/i.test(v)) return 'Unpromoted';
  if (/^stopped$/i.test(v)) return 'Stopped';
  return 'Unknown';
}

function ticketStatus(ctx: Ctx, id: string): TicketStatus {
  const t = ctx.cluster.tickets.get(id);
  return { id, granted: t?.granted ?? false, standby: t?.standby ?? false };
}

function lossPolicyOf(ctx: Ctx, configured: string | undefined, role: Role): LossPolicy {
  const p = configured?.toLowerCase();
  // Fencing a node needs fencing: without it the policy falls back to stop.
  if (p === 'fence') return ctx.stonithEnabled ? 'fence' : 'stop';
  if (p === 'freeze' || p === 'demote' || p === 'stop') return p;
  return role === 'Promoted' ? 'demote' : 'stop';
}

/** -INFINITY on every node the resource may currently use (resource_location with no node). */
function banEverywhere(r: PRsc): void {
  for (const n of r.allowed.keys()) r.allowed.set(n, -INFINITY);
}

/** Marks a node for fencing (it becomes unclean, as pe_fence_node does during unpacking). */
function fenceNode(ctx: Ctx, name: string, why: string): void {
  const n = ctx.nodes.get(name);
  if (!n || n.u.unclean) return;
  const u: UnpackedNode = { ...n.u, unclean: true };
  (n as { u: UnpackedNode }).u = u;
  const reasons = FENCE_WHY.get(ctx) ?? new Map<string, string>();
  reasons.set(name, why);
  FENCE_WHY.set(ctx, reasons);
}

/**
 * Was the resource made unmanaged by a lost ticket (loss-policy=freeze)? Such a
 * resource is not pinned to its node: Pacemaker freezes it while unpacking
 * constraints, after the history pass that pins unmanaged resources.
 */
export function frozenByTicket(r: PRsc): boolean {
  return FROZEN.has(r);
}

/** Why a node is fenced, when a ticket's loss-policy asked for it. */
export function ticketFenceReason(ctx: Ctx, node: string): string | undefined {
  return FENCE_WHY.get(ctx)?.get(node);
}

function roleMatches(r: PRsc, dep: TicketDependency): boolean {
  return dep.role === 'Unknown' || dep.role === r.u.role;
}

/** constraints_for_ticket: bans, fencing or freezing for one resource (recursing to primitives). */
function enforce(ctx: Ctx, r: PRsc, dep: TicketDependency): void {
  const { ticket } = dep;
  if (ticket.granted && !ticket.standby) return;
  if (r.children.length > 0) {
    for (const c of r.children) enforce(ctx, c, dep);
    return;
  }
  const active = r.u.runningOn.length > 0;
  if (!ticket.granted && active) {
    switch (dep.lossPolicy) {
      case 'stop':
        banEverywhere(r);
        break;
      case 'demote':
        // Promotion is refused separately (requirePromotionTickets).
        if (dep.role !== 'Promoted') banEverywhere(r);
        break;
      case 'fence':
        if (!roleMatches(r, dep)) return;
        banEverywhere(r);
        for (const n of r.u.runningOn) fenceNode(ctx, n, 'deadman ticket was lost');
        break;
      case 'freeze':
        if (!roleMatches(r, dep)) return;
        r.managed = false;
        FROZEN.add(r);
        break;
    }
  } else if (dep.role !== 'Promoted' || dep.lossPolicy === 'stop') {
    banEverywhere(r);
  }
}

function addDependency(ctx: Ctx, deps: TicketDependency[], id: string, r: PRsc, c: TicketConstraint, roleText: string | undefined): void {
  const role = parseRole(roleText);
  const dep: TicketDependency = { id, rsc: r, ticket: ticketStatus(ctx, c.ticket), lossPolicy: lossPolicyOf(ctx, c.lossPolicy, role), role };
  deps.push(dep);
  enforce(ctx, r, dep);
}

/** Resources of a ticket constraint's set (templates and tags expanded). */
function setMembers(ctx: Ctx, s: ResourceSet): PRsc[] {
  return expandReferences(ctx, s.resources);
}

/**
 * Unpacks every `rsc_ticket` (configuration order) and applies what each one
 * implies now: node bans, fencing of nodes running resources whose ticket was
 * lost (loss-policy=fence), unmanaged resources (loss-policy=freeze).
 * Runs after location constraints, as Pacemaker unpacks constraints in order
 * but bans with no node only touch the nodes a resource may already use.
 */
export function applyTickets(ctx: Ctx): void {
  const deps: TicketDependency[] = [];
  DEPS.set(ctx, deps);
  for (const c of ctx.cluster.cib.configuration.constraints) {
    if (c.kind !== 'rsc_ticket') continue;
    if (c.sets.length > 0) {
      for (const s of c.sets) for (const r of setMembers(ctx, s)) addDependency(ctx, deps, s.id, r, c, s.role);
      continue;
    }
    if (c.rsc === undefined) continue;
    // A template or tag stands for a set of its members, with rsc-role as the set's role.
    for (const r of expandReference(ctx, c.rsc)) addDependency(ctx, deps, c.id, r, c, c.rscRole);
  }
}

/** The ticket dependencies unpacked by {@link applyTickets}. */
export function ticketDependencies(ctx: Ctx): readonly TicketDependency[] {
  return DEPS.get(ctx) ?? [];
}

/**
 * pcmk__require_promotion_tickets: a promotable clone depending, for the
 * Promoted role, on a ticket that is not granted or is in standby may be
 * promoted nowhere. Returns the promotion node scores to use.
 */
export function requirePromotionTickets(ctx: Ctx, clone: PRsc, scores: Map<string, number>): Map<string, number> {
  const lost = ticketDependencies(ctx).some((d) => d.rsc === clone && d.role === 'Promoted' && (!d.ticket.granted || d.ticket.standby));
  if (!lost) return scores;
  const out = new Map(scores);
  for (const n of out.keys()) out.set(n, -INFINITY);
  return out;
}
