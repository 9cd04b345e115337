/**
 * Generators of large, valid Pacemaker CIBs for the policy benchmark: primitives in
 * groups with location, colocation and order constraints, and a status section with
 * the history a running cluster has (starts, recurring monitors, probe results), one
 * node just lost (needs fencing and recovery). Seeded, so a seed replays a CIB exactly.
 * @module
 */
import { SeededRng, type Rng } from '../src/util/rng.js';
import {
  DUMMY, FENCE, History, MONITOR_MS, TIMEOUT_MS, attrs, cibFrame, fenceDevice, instanceAttrs,
  lrmResource, nodeState, primitiveOps, type Agent,
} from './cibXml.js';

export { generateCloneCib, type CloneCibOptions } from './generateClones.js';

/** Options of {@link generatePrimitiveCib}. */
export interface PrimitiveCibOptions {
  readonly nodes: number;
  readonly primitives: number;
  readonly seed?: number;
  /** Share of primitives that live in groups (of 3–5; ~4 on average). Default 0.7. */
  readonly groupShare?: number;
  /** Mark the last node lost (unclean, resources still recorded). Default true. */
  readonly lostNode?: boolean;
  /** Record probe results (rc 7) on the nodes a resource is not on, as a running cluster has. Default true. */
  readonly probeHistory?: boolean;
}

/** A generated CIB and what the benchmark needs to schedule it. */
export interface GeneratedCib {
  readonly xml: string;
  /** A "now" (epoch seconds) an hour after the recorded history. */
  readonly now: number;
  readonly nodes: readonly string[];
  readonly lostNode: string | undefined;
  /** Resource ids (primitive or clone) placed, per node, before the loss. */
  readonly placement: ReadonlyMap<string, string>;
  readonly counts: { readonly primitives: number; readonly groups: number; readonly constraints: number; readonly ops: number };
}

/** Where every history entry's time starts. */
export const BASE_TIME = 1_700_000_000;

/** One placeable unit: a group or a standalone primitive. */
interface Unit { id: string; members: string[]; group: boolean; node: string }

/** Dummy parameters for a primitive: most have none, some a `fake` value (changes the digest). */
function dummyParams(rng: Rng): Record<string, string> {
  return rng.chance(0.3) ? { fake: `v${rng.int(1, 9999)}` } : {};
}

/** Generates a CIB of `nodes` nodes and `primitives` ocf:heartbeat:Dummy primitives. */
export function generatePrimitiveCib(o: PrimitiveCibOptions): GeneratedCib {
  if (o.nodes < 1 || o.primitives < 0) throw new RangeError('generatePrimitiveCib: nodes must be ≥ 1 and primitives ≥ 0');
  const rng = new SeededRng(o.seed ?? 1);
  const groupShare = o.groupShare ?? 0.7;
  const nodes = Array.from({ length: o.nodes }, (_, i) => `node${i + 1}`);
  const lost = (o.lostNode ?? true) && o.nodes >= 2 ? nodes[nodes.length - 1] : undefined;
  const probes = o.probeHistory ?? true;

  // Units: groups of 3–5 and standalone primitives.
  const units: Unit[] = [];
  const params = new Map<string, Record<string, string>>();
  let left = o.primitives, g = 0, s = 0;
  while (left > 0) {
    if (left >= 3 && rng.chance(groupShare)) {
      const size = Math.min(left, rng.int(3, 5));
      g++;
      units.push({ id: `grp${g}`, members: Array.from({ length: size }, (_, k) => `grp${g}-r${k + 1}`), group: true, node: '' });
      left -= size;
    } else {
      s++;
      units.push({ id: `rsc${s}`, members: [`rsc${s}`], group: false, node: '' });
      left--;
    }
  }
  for (const u of units) for (const m of u.members) params.set(m, dummyParams(rng));

  // Placement and constraints consistent with it (so only the lost node causes work).
  const cons: string[] = [];
  const groups: Unit[] = [];
  for (const u of units) {
    const leader = u.group && groups.length > 0 && rng.chance(0.15) ? rng.pick(groups) : undefined;
    if (leader !== undefined) {
      u.node = leader.node;
      cons.push(`<rsc_colocation${attrs({ id: `col-${u.id}-with-${leader.id}`, rsc: u.id, 'with-rsc': leader.id, score: 'INFINITY' })}/>`);
    } else {
      // The first unit always sits on the node that will be lost, so there is recovery work.
      u.node = u === units[0] && lost !== undefined ? lost : rng.pick(nodes);
      if (rng.chance(0.5)) {
        cons.push(`<rsc_location${attrs({ id: `loc-${u.id}-prefers-${u.node}`, rsc: u.id, node: u.node, score: rng.int(10, 60) })}/>`);
      }
    }
    if (nodes.length > 1 && rng.chance(0.2)) {
      const others = nodes.filter((n) => n !== u.node);
      const ban = rng.pick(others);
      cons.push(`<rsc_location${attrs({ id: `loc-${u.id}-avoids-${ban}`, rsc: u.id, node: ban, score: '-INFINITY' })}/>`);
    }
    if (u.group && groups.length > 0 && rng.chance(0.2)) {
      const first = rng.pick(groups);
      const mandatory = rng.chance(0.6);
      cons.push(`<rsc_order${attrs({ id: `ord-${first.id}-then-${u.id}`, first: first.id, then: u.id, kind: mandatory ? 'Mandatory' : 'Optional' })}/>`);
    }
    if (u.group) groups.push(u);
  }

  // Configuration.
  const fence = fenceDevice(nodes);
  const prim = (id: string): string =>
    `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${instanceAttrs(id, params.get(id)!)}${primitiveOps(id)}</primitive>`;
  let resources = fence.xml;
  for (const u of units) resources += u.group ? `<group id="${u.id}">${u.members.map(prim).join('')}</group>` : prim(u.members[0]!);

  // Status: every resource started where placed, probed (not running) elsewhere.
  const hist = new History(rng, BASE_TIME);
  const placement = new Map<string, string>();
  const fenceNode = nodes[0]!;
  placement.set('fence-all', fenceNode);
  for (const u of units) for (const m of u.members) placement.set(m, u.node);
  const all: { id: string; agent: Agent; params: Record<string, string>; monitorMs: number }[] = [
    { id: 'fence-all', agent: FENCE, params: fence.params, monitorMs: 60_000 },
    ...units.flatMap((u) => u.members.map((m) => ({ id: m, agent: DUMMY, params: params.get(m)!, monitorMs: MONITOR_MS }))),
  ];
  let ops = 0;
  const states = nodes.map((node, ni) => {
    const lrm: string[] = [];
    let t = BASE_TIME + ni;
    for (const r of all) {
      const here = placement.get(r.id) === node;
      if (!here && !probes) continue;
      const entries = here
        ? [
            hist.op({ id: `${r.id}_last_0`, rsc: r.id, node, op: 'start', intervalMs: 0, rc: 0, timeoutMs: TIMEOUT_MS, params: r.params, time: t }),
            hist.op({ id: `${r.id}_monitor_${r.monitorMs}`, rsc: r.id, node, op: 'monitor', intervalMs: r.monitorMs, rc: 0, timeoutMs: TIMEOUT_MS, params: r.params, time: t }),
          ]
        : [hist.op({ id: `${r.id}_last_0`, rsc: r.id, node, op: 'monitor', intervalMs: 0, rc: 7, timeoutMs: TIMEOUT_MS, params: r.params, time: t })];
      ops += entries.length;
      t += 1;
      lrm.push(lrmResource(r.id, r.agent, entries));
    }
    return nodeState(String(ni + 1), node, node === lost ? 'lost' : 'online', lrm, '');
  });

  const xml = cibFrame({ nodeNames: nodes, resources, constraints: cons.join(''), status: states.join(''), epoch: 100 });
  return {
    xml, now: BASE_TIME + nodes.length + all.length + 3600, nodes, lostNode: lost, placement,
    counts: { primitives: o.primitives, groups: g, constraints: cons.length, ops },
  };
}
