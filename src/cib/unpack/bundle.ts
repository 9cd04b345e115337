/**
 * Bundles: the implicit resources Pacemaker creates for each replica
 * (lib/pengine/bundle.c, pe__unpack_bundle): an IPaddr2 `NAME-ip-ADDR` when
 * the network has ip-range-start, the container `NAME-docker-N` (or podman,
 * rkt), and — when the bundle holds a primitive and has a usable network — a
 * remote connection `NAME-N` that makes the guest node `NAME-N`, and an
 * instance `prim:N` of the implicit clone `NAME-clone` that runs on it.
 * @module
 */
import type { Bundle, Clone, Primitive } from '../types.js';
import type { BundleReplica, UnpackedResource } from './types.js';
import { addCloneInstance, newResource, type TreeContext } from './tree.js';

function intAttr(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : dflt;
}

/** Next IPv4/IPv6 address (last group incremented with carry), as Pacemaker's next_ip. */
export function nextIp(addr: string): string | undefined {
  if (addr.includes(':')) {
    const parts = addr.split(':');
    const last = Number.parseInt(parts[parts.length - 1] ?? '', 16);
    if (!Number.isFinite(last) || last >= 0xffff) return undefined;
    parts[parts.length - 1] = (last + 1).toString(16);
    return parts.join(':');
  }
  const o = addr.split('.').map((x) => Number.parseInt(x, 10));
  if (o.length !== 4 || o.some((x) => !Number.isFinite(x))) return undefined;
  for (let i = 3; i >= 0; i--) {
    if (o[i]! < 255) { o[i]! += 1; return o.join('.'); }
    if (i === 0) return undefined;
    o[i] = 0;
  }
  return undefined;
}

/** Implicit primitives carry the recurring monitor Pacemaker gives them (60s; remote connections 30s). */
function implicitPrimitive(id: string, provider: string, type: string, monitor = '60s', timeout?: string): Primitive {
  const op: Primitive['ops'][number] = { id: `${id}-monitor-${monitor}`, name: 'monitor', interval: monitor, ...(timeout ? { timeout } : {}), meta: [], instance: [] };
  return { kind: 'primitive', id, class: 'ocf', provider, type, meta: [], instance: [], utilization: [], ops: [op] };
}

/** Builds a bundle with its replicas' implicit resources; guest node names are in `replicas[].nodeName`. */
export function buildBundle(ctx: TreeContext, b: Bundle, meta: Record<string, string>, mm: boolean): UnpackedResource {
  const rt = b.runtime.attrs;
  const promotedMax = intAttr(rt['promoted-max'] ?? rt['masters'], 0);
  const replicas = Math.max(0, intAttr(rt['replicas'], Math.max(promotedMax, 1)));
  let perHost = Math.max(1, intAttr(rt['replicas-per-host'], 1));
  const net = b.network?.attrs ?? {};
  const ipStart = net['ip-range-start'];
  const controlPort = net['control-port'];
  // A primitive can be managed only through a reachable remote connection.
  const validNetwork = ipStart !== undefined || controlPort !== undefined;
  if (ipStart === undefined && controlPort !== undefined) perHost = 1;
  const unique = perHost > 1;
  const bundle = newResource({
    id: b.id, baseId: b.id, variant: 'bundle', config: b, meta, params: {}, unique,
  }, mm);
  bundle.bundle = { image: rt['image'] ?? '', replicas, replicasPerHost: perHost, runtime: b.runtime.type };

  // The implicit clone of the inner primitive.
  let clone: UnpackedResource | undefined;
  if (b.primitive && validNetwork) {
    const cloneCfg: Clone = { kind: 'clone', id: `${b.id}-${promotedMax > 0 ? 'master' : 'clone'}`, legacyMaster: false, meta: [], instance: [], child: b.primitive };
    const cmeta: Record<string, string> = { ...meta };
    cmeta['ordered'] = 'true';
    cmeta['clone-max'] = String(replicas);
    cmeta['clone-node-max'] = String(perHost);
    cmeta['globally-unique'] = unique ? 'true' : 'false';
    if (promotedMax > 0) { cmeta['promotable'] = 'true'; cmeta['promoted-max'] = String(promotedMax); }
    // The bundled primitive's notify and interleave are the implicit clone's.
    const own: Record<string, string | undefined> = Object.fromEntries(b.primitive.meta.flatMap((s) => s.pairs).map((p) => [p.name, p.value]));
    for (const k of ['notify', 'interleave']) if (cmeta[k] === undefined && own[k] !== undefined) cmeta[k] = own[k];
    clone = newResource({
      id: cloneCfg.id, baseId: cloneCfg.id, variant: 'clone', config: cloneCfg, parent: bundle, meta: cmeta, params: {},
      promotable: promotedMax > 0, unique,
    }, mm);
    clone.cloneMax = replicas;
    clone.cloneNodeMax = perHost;
    clone.internal = true;
    for (let i = 0; i < replicas; i++) addCloneInstance(ctx, clone, mm);
  }

  const kid = (p: Primitive, extraMeta: Record<string, string> = {}): UnpackedResource => {
    const r = newResource({
      id: p.id, baseId: p.id, variant: 'primitive', config: p, parent: bundle,
      meta: { ...meta, ...extraMeta }, params: {}, class: p.class, provider: p.provider, type: p.type, ops: p.ops,
    }, mm);
    return r;
  };

  const reps: BundleReplica[] = [];
  let ip: string | undefined = ipStart;
  for (let i = 0; i < replicas; i++) {
    const ipAddr = ip;
    if (ip !== undefined) ip = nextIp(ip);
    const ipRsc = ipAddr !== undefined ? kid(implicitPrimitive(`${b.id}-ip-${ipAddr}`, 'heartbeat', 'IPaddr2')) : undefined;
    const container = kid(implicitPrimitive(`${b.id}-${b.runtime.type}-${i}`, 'heartbeat', b.runtime.type));
    const child = clone?.children[i];
    let remote: UnpackedResource | undefined;
    let nodeName: string | undefined;
    if (child) {
      nodeName = `${b.id}-${i}`;
      remote = kid(implicitPrimitive(nodeName, 'pacemaker', 'remote', '30s', '30s'), { container: container.id, 'internal-rsc': 'true' });
      remote.container = container.id;
      remote.remoteNode = nodeName;
      remote.internal = true;
    }
    if (ipRsc) bundle.children.push(ipRsc);
    bundle.children.push(container);
    if (remote) bundle.children.push(remote);
    reps.push({ offset: i, ipAddr, ip: ipRsc, container, remote, child, nodeName });
  }
  if (clone) bundle.children.push(clone);
  bundle.replicas = reps;
  return bundle;
}

/** True when a clone is a bundle's implicit clone. */
export function isBundled(r: UnpackedResource): boolean {
  return r.parent?.variant === 'bundle';
}

/** The replica of a bundle whose guest node is `node`. */
export function replicaOnNode(bundle: UnpackedResource, node: string): BundleReplica | undefined {
  return bundle.replicas?.find((r) => r.nodeName === node);
}
