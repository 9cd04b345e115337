/**
 * Clone-heavy benchmark CIBs: anonymous clones of ocf:heartbeat:Dummy running on
 * every node and promotable clones of ocf:pacemaker:Stateful with one promoted
 * instance each (master-* promotion scores in the transient attributes), plus
 * interleaved order/colocation chains between clones and one lost node.
 * @module
 */
import { SeededRng } from '../src/util/rng.js';
import {
  DUMMY, FENCE, History, MONITOR_MS, STATEFUL, TIMEOUT_MS, attrs, cibFrame, fenceDevice, lrmResource,
  metaAttrs, nodeState, primitiveOps,
} from './cibXml.js';
import { BASE_TIME, type GeneratedCib } from './generate.js';

/** Options of {@link generateCloneCib}. */
export interface CloneCibOptions {
  readonly nodes: number;
  /** Anonymous clones (one instance per node). */
  readonly clones: number;
  /** Promotable clones (promoted-max 1). */
  readonly promotable: number;
  readonly seed?: number;
  /** Mark the last node lost (unclean). Default true. */
  readonly lostNode?: boolean;
}

const PROMOTED_MS = 10_000;
const UNPROMOTED_MS = 11_000;

/** Generates a clone-heavy CIB. */
export function generateCloneCib(o: CloneCibOptions): GeneratedCib {
  if (o.nodes < 1 || o.clones < 0 || o.promotable < 0) throw new RangeError('generateCloneCib: bad sizes');
  const rng = new SeededRng(o.seed ?? 1);
  const nodes = Array.from({ length: o.nodes }, (_, i) => `node${i + 1}`);
  const lost = (o.lostNode ?? true) && o.nodes >= 2 ? nodes[nodes.length - 1] : undefined;
  const fence = fenceDevice(nodes);
  const cons: string[] = [];
  const banned = new Map<string, string>(); // primitive id → node it may not run on
  let resources = fence.xml;

  for (let i = 1; i <= o.clones; i++) {
    const prim = `cd${i}`, clone = `cl${i}`;
    resources += `<clone id="${clone}">${metaAttrs(clone, { interleave: 'true' })}` +
      `<primitive id="${prim}" class="ocf" provider="heartbeat" type="Dummy">${primitiveOps(prim)}</primitive></clone>`;
    const free = i > 1 ? rng.int(1, i - 1) : 0;
    if (free > 0 && !banned.has(`cd${free}`) && rng.chance(0.2)) {
      const first = `cl${free}`;
      cons.push(`<rsc_order${attrs({ id: `ord-${first}-then-${clone}`, first, then: clone, kind: 'Mandatory' })}/>`);
      cons.push(`<rsc_colocation${attrs({ id: `col-${clone}-with-${first}`, rsc: clone, 'with-rsc': first, score: 'INFINITY' })}/>`);
    } else if (nodes.length > 2 && rng.chance(0.1)) {
      // A ban only on clones outside colocation chains, so no dependent loses its node.
      const ban = nodes[rng.int(0, nodes.length - 2)]!;
      banned.set(prim, ban);
      cons.push(`<rsc_location${attrs({ id: `loc-${clone}-avoids-${ban}`, rsc: clone, node: ban, score: '-INFINITY' })}/>`);
    }
  }
  const promotedOn = new Map<string, string>();
  for (let i = 1; i <= o.promotable; i++) {
    const prim = `st${i}`, clone = `ms${i}`;
    const roleOps = `<op id="${prim}-monitor-promoted" name="monitor" interval="10s" role="Promoted" timeout="20s"/>` +
      `<op id="${prim}-monitor-unpromoted" name="monitor" interval="11s" role="Unpromoted" timeout="20s"/>`;
    resources += `<clone id="${clone}">${metaAttrs(clone, { promotable: 'true', 'promoted-max': '1', interleave: 'true' })}` +
      `<primitive id="${prim}" class="ocf" provider="pacemaker" type="Stateful"><operations>${roleOps}` +
      `<op id="${prim}-start-0" name="start" interval="0s" timeout="20s"/><op id="${prim}-stop-0" name="stop" interval="0s" timeout="20s"/>` +
      `<op id="${prim}-promote-0" name="promote" interval="0s" timeout="20s"/><op id="${prim}-demote-0" name="demote" interval="0s" timeout="20s"/>` +
      `</operations></primitive></clone>`;
    promotedOn.set(prim, nodes[(i - 1) % nodes.length]!);
    if (o.clones > 0 && rng.chance(0.2)) {
      const first = `cl${rng.int(1, o.clones)}`;
      if (!banned.has(`cd${first.slice(2)}`)) {
        cons.push(`<rsc_order${attrs({ id: `ord-${first}-then-${clone}`, first, then: clone, kind: 'Mandatory' })}/>`);
      }
    }
  }

  const hist = new History(rng, BASE_TIME);
  const empty = {};
  let ops = 0;
  const states = nodes.map((node, ni) => {
    const lrm: string[] = [];
    let t = BASE_TIME + ni;
    const op = (rsc: string, id: string, name: string, intervalMs: number, rc: number, params = empty): string => {
      ops++;
      return hist.op({ id, rsc, node, op: name, intervalMs, rc, timeoutMs: TIMEOUT_MS, params, time: t++ });
    };
    lrm.push(lrmResource('fence-all', FENCE, node === nodes[0]
      ? [op('fence-all', 'fence-all_last_0', 'start', 0, 0, fence.params), op('fence-all', 'fence-all_monitor_60000', 'monitor', 60_000, 0, fence.params)]
      : [op('fence-all', 'fence-all_last_0', 'monitor', 0, 7, fence.params)]));
    for (let i = 1; i <= o.clones; i++) {
      const prim = `cd${i}`;
      lrm.push(lrmResource(prim, DUMMY, banned.get(prim) === node
        ? [op(prim, `${prim}_last_0`, 'monitor', 0, 7)]
        : [op(prim, `${prim}_last_0`, 'start', 0, 0), op(prim, `${prim}_monitor_${MONITOR_MS}`, 'monitor', MONITOR_MS, 0)]));
    }
    let transient = '';
    for (let i = 1; i <= o.promotable; i++) {
      const prim = `st${i}`;
      const promoted = promotedOn.get(prim) === node;
      lrm.push(lrmResource(prim, STATEFUL, promoted
        ? [op(prim, `${prim}_last_0`, 'promote', 0, 0), op(prim, `${prim}_monitor_${PROMOTED_MS}`, 'monitor', PROMOTED_MS, 8)]
        : [op(prim, `${prim}_last_0`, 'start', 0, 0), op(prim, `${prim}_monitor_${UNPROMOTED_MS}`, 'monitor', UNPROMOTED_MS, 0)]));
      transient += `<nvpair id="status-${ni + 1}-master-${prim}" name="master-${prim}" value="${promoted ? 10 : 5}"/>`;
    }
    const ta = transient === '' ? '' : `<transient_attributes id="${ni + 1}"><instance_attributes id="status-${ni + 1}">${transient}</instance_attributes></transient_attributes>`;
    return nodeState(String(ni + 1), node, node === lost ? 'lost' : 'online', lrm, ta);
  });

  const placement = new Map<string, string>([...promotedOn]);
  const xml = cibFrame({ nodeNames: nodes, resources, constraints: cons.join(''), status: states.join(''), epoch: 200 });
  return {
    xml, now: BASE_TIME + ops + 3600, nodes, lostNode: lost, placement,
    counts: { primitives: o.clones + o.promotable, groups: 0, constraints: cons.length, ops },
  };
}
