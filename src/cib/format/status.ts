/**
 * crm_mon-style status text, as `crm_simulate -S` 2.1.5 prints its
 * "Current cluster status:" section (Pacemaker's pe_output.c, native.c,
 * group.c, clone.c text formatters).
 * @module
 */
import type { UnpackedCluster, UnpackedNode, UnpackedResource, Role } from '../unpack/types.js';
import { compareNames } from '../unpack/nodes.js';
import { ROLE_ORDER, topOf } from '../unpack/tree.js';

/** Formats the node list and full resource list (without the section title). */
export function formatStatus(c: UnpackedCluster): string[] {
  const out: string[] = ['  * Node List:'];
  out.push(...nodeList(c));
  out.push('');
  out.push('  * Full List of Resources:');
  const lines: string[] = [];
  for (const r of c.resources) {
    if (r.internal) continue;
    if (r.orphan && r.runningOn.length === 0) continue;
    // pcmk__rsc_filtered_by_node: active, yet running on no listed node (unmanaged on offline nodes only).
    if (r.variant !== 'primitive' && isActive(c, r) && r.runningOn.length === 0) continue;
    lines.push(...resourceLines(c, r, '    '));
  }
  if (lines.length === 0) lines.push('    * No resources');
  out.push(...lines);
  return out;
}

/** Options of {@link formatPreamble}. */
export interface PreambleOptions {
  /** "Now" came from the CIB's execution-date (no -t given): say so, as crm_simulate does. */
  readonly usedExecutionDate?: boolean;
}

/** Formats epoch seconds as crm_simulate prints dates ("2016-04-28 11:50:29Z"). */
export function formatUtc(epochS: number): string {
  const d = new Date(epochS * 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}Z`;
}

/**
 * Resource instance counts as Pacemaker's pe__count_common / pe__count_bundle
 * make them: every primitive (clone instances and bundle internals included),
 * except orphans that are stopped.
 */
export function countInstances(c: UnpackedCluster): { instances: number; disabled: number; blocked: number } {
  let instances = 0, disabled = 0, blocked = 0;
  const visit = (r: UnpackedResource): void => {
    if (r.children.length > 0) { r.children.forEach(visit); return; }
    if (r.variant !== 'primitive') return;
    if (r.orphan && ROLE_ORDER[r.role] <= ROLE_ORDER.Stopped) return;
    instances++;
    const tr = r.meta['target-role']?.toLowerCase();
    if (tr === 'stopped' || ((tr === 'slave' || tr === 'unpromoted') && topOf(r).promotable)) disabled++;
    if (r.blocked) blocked++;
  };
  c.resources.forEach(visit);
  return { instances, disabled, blocked };
}

/** What crm_simulate prints before "Current cluster status:" (execution date, maintenance banner, counts). */
export function formatPreamble(c: UnpackedCluster, o: PreambleOptions = {}): string[] {
  const out: string[] = [];
  if (c.cib.validateWith === 'none') {
    out.push('Schema validation of configuration is disabled (enabling is encouraged and prevents common misconfigurations)');
  }
  if (o.usedExecutionDate) out.push(`Using the original execution date of: ${formatUtc(c.now)}`);
  if (c.options.maintenanceMode) {
    out.push('', '              *** Resource management is DISABLED ***', '  The cluster will not attempt to start, stop or recover services', '');
  }
  const n = countInstances(c);
  if (n.disabled > 0 || n.blocked > 0) {
    out.push(`${n.disabled} of ${n.instances} resource instances DISABLED and ${n.blocked} BLOCKED from further action due to failure`);
  }
  if (out.length > 0) out.push('');
  return out;
}

/** The whole "Current cluster status:" section. */
export function formatCurrentStatus(c: UnpackedCluster): string {
  return ['Current cluster status:', ...formatStatus(c), ''].join('\n');
}

function nodeList(c: UnpackedCluster): string[] {
  const out: string[] = [];
  const online: string[] = [], offline: string[] = [], ronline: string[] = [], roffline: string[] = [], gonline: string[] = [];
  for (const n of c.nodes) {
    const health = nodeHealth(c, n);
    if (n.unclean || n.pending || (n.standbyOnFail && n.online) || n.standby || n.maintenance || health <= 0) {
      const kind = n.kind === 'guest' ? 'GuestNode' : n.kind === 'remote' ? 'RemoteNode' : 'Node';
      const h = health < 0 ? ' (health is RED)' : health === 0 ? ' (health is YELLOW)' : '';
      out.push(`    * ${kind} ${n.name}: ${nodeMode(c, n)}${h}`);
    } else if (n.online) {
      (n.kind === 'guest' ? gonline : n.kind === 'remote' ? ronline : online).push(n.name);
    } else if (n.kind === 'remote') roffline.push(n.name);
    else if (n.kind === 'member') offline.push(n.name);
  }
  if (online.length) out.push(`    * Online: [ ${online.join(' ')} ]`);
  if (offline.length) out.push(`    * OFFLINE: [ ${offline.join(' ')} ]`);
  if (ronline.length) out.push(`    * RemoteOnline: [ ${ronline.join(' ')} ]`);
  if (roffline.length) out.push(`    * RemoteOFFLINE: [ ${roffline.join(' ')} ]`);
  if (gonline.length) out.push(`    * GuestOnline: [ ${gonline.join(' ')} ]`);
  return out;
}

function nodeMode(c: UnpackedCluster, n: UnpackedNode): string {
  if (n.unclean) return n.online ? 'UNCLEAN (online)' : n.pending ? 'UNCLEAN (pending)' : 'UNCLEAN (offline)';
  if (n.pending) return 'pending';
  if (n.standbyOnFail && n.online) return 'standby (on-fail)';
  if (n.standby) {
    if (!n.online) return 'OFFLINE (standby)';
    return n.activeResourceCount > 0 ? 'standby (with active resources)' : 'standby';
  }
  if (n.maintenance) return n.online ? 'maintenance' : 'OFFLINE (maintenance)';
  void c;
  return n.online ? 'online' : 'OFFLINE';
}

function displayRole(r: UnpackedResource): Role {
  const top = topOf(r);
  if (r.role === 'Started' && top.promotable) return 'Unpromoted';
  return r.role === 'Unknown' ? 'Stopped' : r.role;
}

const PENDING_STATE: Record<string, string> = {
  start: 'Starting', stop: 'Stopping', migrate_to: 'Migrating', migrate_from: 'Migrating', promote: 'Promoting', demote: 'Demoting',
};
const PENDING_ACTION: Record<string, string> = { monitor: 'Monitoring', notify: 'Notifying', probe: 'Checking' };

/**
 * One primitive's line text (without the bullet). `nodeOverride` replaces the
 * node Pacemaker would pick (bundles print the container's node).
 */
export function primitiveText(c: UnpackedCluster, r: UnpackedResource, name: string, withNode: boolean, nodeOverride?: string | null): string {
  const prov = r.class === 'ocf' || r.provider ? `:${r.provider ?? ''}` : '';
  let s = `${name}\t(${r.class ?? 'unknown'}${r.class === 'ocf' || r.provider ? prov : ''}:${r.type ?? 'unknown'}):\t`;
  const multiple = r.runningOn.length > 1;
  let nodeName: string | undefined = nodeOverride !== undefined ? (nodeOverride ?? undefined) : (r.runningOn[0] ?? r.pendingNode);
  if (nodeName === undefined && r.lockNode !== undefined) nodeName = r.lockNode;
  if (!withNode || multiple) nodeName = undefined;
  if (r.orphan) s += ' ORPHANED';
  const role = displayRole(r);
  if (r.failed) {
    s += ' FAILED';
    if (ROLE_ORDER[role] > ROLE_ORDER.Unpromoted) s += ` ${role}`;
  } else {
    s += ` ${(r.pendingTask && PENDING_STATE[r.pendingTask]) || role}`;
  }
  if (nodeName) s += ` ${nodeName}`;
  const flags: string[] = [];
  const node = nodeName ? c.nodes.find((n) => n.name === nodeName) : undefined;
  if (node && !node.online && node.unclean) flags.push('UNCLEAN');
  if (nodeName !== undefined && nodeName === r.lockNode) flags.push('LOCKED');
  if (r.pendingTask && PENDING_ACTION[r.pendingTask]) flags.push(PENDING_ACTION[r.pendingTask]!);
  const tr = r.meta['target-role']?.toLowerCase();
  if (tr === 'stopped') flags.push('disabled');
  else if ((tr === 'slave' || tr === 'unpromoted') && topPromotable(r)) flags.push(`target-role:${r.meta['target-role']}`);
  if (r.blocked) flags.push('blocked');
  else if (r.maintenance && !c.options.maintenanceMode) flags.push('maintenance');
  else if (!r.managed) flags.push('unmanaged');
  if (r.failureIgnored) flags.push('failure ignored');
  if (flags.length) s += ` (${flags.join(', ')})`;
  if (multiple) {
    const desc = r.config.description;
    if (desc) s += ` (${desc})`;
    s += ` [ ${r.runningOn.join(' ')} ]`;
  }
  return s;
}

function topPromotable(r: UnpackedResource): boolean {
  return topOf(r).promotable;
}

/**
 * Pacemaker's native_active: running on a node that is unclean or online —
 * an offline (but clean) node, such as a guest being recovered, does not count
 * for a managed resource.
 */
function primitiveActive(c: UnpackedCluster, r: UnpackedResource, all: boolean): boolean {
  const on = r.runningOn.map((n) => {
    const node = c.nodes.find((x) => x.name === n);
    return !node || node.unclean || node.online || !r.managed;
  });
  return all ? on.length > 0 && on.every(Boolean) : on.some(Boolean);
}

function isActive(c: UnpackedCluster, r: UnpackedResource): boolean {
  if (r.variant === 'primitive') return primitiveActive(c, r, false);
  return r.children.some((x) => isActive(c, x));
}

function allActive(c: UnpackedCluster, r: UnpackedResource): boolean {
  if (r.variant === 'primitive') return primitiveActive(c, r, false);
  return r.children.every((x) => allActive(c, x));
}

function anyRec(r: UnpackedResource, f: (x: UnpackedResource) => boolean): boolean {
  return f(r) || r.children.some((c) => anyRec(c, f));
}

function resourceLines(c: UnpackedCluster, r: UnpackedResource, indent: string): string[] {
  switch (r.variant) {
    case 'primitive': return [`${indent}* ${primitiveText(c, r, printableId(r), true)}`];
    case 'group': return groupLines(c, r, indent, printableId(r));
    case 'clone': return cloneLines(c, r, indent);
    case 'bundle': return bundleLines(c, r, indent);
  }
}

function groupLines(c: UnpackedCluster, g: UnpackedResource, indent: string, name: string): string[] {
  const flags: string[] = [];
  if (!g.managed) flags.push('unmanaged');
  if (g.meta['target-role']?.toLowerCase() === 'stopped') flags.push('disabled');
  const head = `${indent}* Resource Group: ${name}${flags.length ? ` (${flags.join(', ')})` : ''}:`;
  const out = [head];
  for (const ch of g.children) out.push(...resourceLines(c, ch, indent + '  '));
  return out;
}

function cloneLines(c: UnpackedCluster, cl: UnpackedResource, indent: string): string[] {
  const flags: string[] = [];
  if (cl.promotable) flags.push('promotable');
  if (cl.unique) flags.push('unique');
  if (!cl.managed) flags.push('unmanaged');
  if (cl.meta['target-role']?.toLowerCase() === 'stopped') flags.push('disabled');
  const childId = (cl.config as { child: { id: string } }).child.id;
  const out = [`${indent}* Clone Set: ${cl.id} [${childId}]${flags.length ? ` (${flags.join(', ')})` : ''}:`];
  const inner = indent + '  ';
  const promoted: string[] = [], started: string[] = [];
  const stoppedIds: string[] = [];
  for (const ch of cl.children) {
    let full = false;
    const partial = isActive(c, ch);
    if (cl.unique) {
      if (partial || !cl.orphan) full = !(ch.orphan && !partial);
    } else if (ch.pendingTask && ch.pendingTask !== 'probe' && anyPending(ch)) {
      full = true;
    } else if (!partial) {
      if (!ch.orphan) stoppedIds.push(ch.id);
    } else if (anyRec(ch, (x) => x.orphan) || anyRec(ch, (x) => !x.managed) || anyRec(ch, (x) => x.failed)) {
      full = true;
    } else if (allActive(c, ch)) {
      const locs = new Set<string>();
      for (const x of walkAll(ch)) if (x.variant === 'primitive') for (const n of x.runningOn) locs.add(n);
      if (locs.size === 1) {
        const loc = [...locs][0]!;
        const node = c.nodes.find((n) => n.name === loc);
        if (node && !node.online && node.unclean) full = true;
        else if (ROLE_ORDER[ch.role] > ROLE_ORDER.Unpromoted) promoted.push(loc);
        else started.push(loc);
      } else full = true;
    } else full = true;
    if (full) out.push(...instanceLines(c, ch, inner));
  }
  let active = 0;
  const sortN = (a: string[]): string[] => [...a].sort(compareNames);
  if (promoted.length) { out.push(`${inner}* Promoted: [ ${sortN(promoted).join(' ')} ]`); active += promoted.length; }
  if (started.length) {
    const label = cl.promotable
      ? (['slave', 'unpromoted'].includes(cl.meta['target-role']?.toLowerCase() ?? '') ? 'Unpromoted (target-role)' : 'Unpromoted')
      : 'Started';
    out.push(`${inner}* ${label}: [ ${sortN(started).join(' ')} ]`);
    active += started.length;
  }
  // The configured role is the clone's target-role, else its first instance's (the primitive's own).
  const disabled = (cl.meta['target-role'] ?? cl.children[0]?.meta['target-role'])?.toLowerCase() === 'stopped';
  let stoppedMap: Map<string, string[]> | undefined;
  if (stoppedIds.length) stoppedMap = new Map([['Stopped', stoppedIds]]);
  if (!cl.unique && (cl.cloneMax ?? 0) > active) {
    stoppedMap = new Map();
    // Bundle guest nodes are banned (-INFINITY) for every resource but their replica's.
    const allowed = c.options.symmetricCluster ? c.nodes.filter((n) => !isBundleNode(c, n) && !n.fromStatus).map((n) => n.name) : knownOn(cl);
    const running = new Set(cl.runningOn);
    for (const n of sortN(allowed)) {
      if (running.has(n)) continue;
      const probe = failedProbe(cl, n);
      const state = probe !== undefined ? `Stopped (${probe})` : disabled ? 'Stopped (disabled)' : 'Stopped';
      const l = stoppedMap.get(state) ?? [];
      l.push(n);
      stoppedMap.set(state, l);
    }
  }
  if (stoppedMap) {
    for (const state of [...stoppedMap.keys()].sort()) {
      const nodes = stoppedMap.get(state)!;
      if (nodes.length) out.push(`${inner}* ${state}: [ ${nodes.join(' ')} ]`);
    }
  }
  return out;
}

function knownOn(cl: UnpackedResource): string[] {
  const s = new Set<string>();
  for (const x of walkAll(cl)) for (const n of x.knownOn) s.add(n);
  return [...s];
}

const EXIT_TEXT: Record<number, string> = {
  1: 'error', 2: 'invalid parameter', 3: 'unimplemented feature', 4: 'insufficient privileges',
  5: 'not installed', 6: 'not configured', 7: 'not running', 8: 'promoted', 9: 'promoted (failed)',
};

function failedProbe(cl: UnpackedResource, node: string): string | undefined {
  for (const x of walkAll(cl)) {
    const h = x.history[node];
    if (!h) continue;
    for (const op of h.ops) {
      if (op.operation === 'monitor' && op.interval === 0 && (op.rcCode === 5 || op.opStatus === 7)) return EXIT_TEXT[op.rcCode] ?? 'error';
    }
  }
  return undefined;
}

function anyPending(r: UnpackedResource): boolean {
  return r.pendingTask !== undefined;
}

function* walkAll(r: UnpackedResource): Generator<UnpackedResource> {
  yield r;
  for (const c of r.children) yield* walkAll(c);
}

function instanceLines(c: UnpackedCluster, r: UnpackedResource, indent: string): string[] {
  if (r.variant === 'group') return groupLines(c, r, indent, printableId(r));
  return [`${indent}* ${primitiveText(c, r, printableId(r), true)}`];
}

/** Pacemaker's rsc_printable_id: anonymous clone instances print their base id. */
function printableId(r: UnpackedResource): string {
  return r.variant === 'primitive' && r.instance !== undefined && !r.unique ? r.baseId : r.id;
}

/** Pacemaker's pe__bundle_text without implicit resources: one line per replica. */
function bundleLines(c: UnpackedCluster, b: UnpackedResource, indent: string): string[] {
  const info = b.bundle;
  const reps = b.replicas ?? [];
  const flag = b.maintenance && !c.options.maintenanceMode ? ' (maintenance)' : !b.managed ? ' (unmanaged)' : '';
  const desc = b.config.description;
  const head = `${indent}* Container bundle${(info?.replicas ?? 0) > 1 ? ' set' : ''}: ${b.id} [${info?.image ?? ''}]`
    + `${b.unique ? ' (unique)' : ''}${desc ? ` (${desc})` : ''}${flag}:`;
  const out = [head];
  for (const rep of reps) {
    const rsc = rep.child ?? rep.container;
    let name = (rep.remote ?? rep.container).id;
    if (rep.ipAddr) name += ` (${rep.ipAddr})`;
    out.push(`${indent}  * ${primitiveText(c, rsc, name, true, rep.container.runningOn[0] ?? null)}`);
  }
  return out;
}

function isBundleNode(c: UnpackedCluster, n: UnpackedNode): boolean {
  const conn = n.connectionResource ? c.byId.get(n.connectionResource) : undefined;
  return conn?.parent?.variant === 'bundle';
}

/**
 * Pacemaker's pe__node_health: 1 healthy, 0 yellow, -1 red, from the node's
 * `#health*` attributes; always healthy when node-health-strategy is none.
 */
export function nodeHealth(c: UnpackedCluster, n: UnpackedNode): number {
  const strategy = c.options.raw['node-health-strategy'] ?? 'none';
  if (strategy === 'none') return 1;
  let rc = 1;
  for (const [k, v] of Object.entries(n.attributes)) {
    if (!k.startsWith('#health')) continue;
    const val = v.toLowerCase();
    if (val === 'red') return -1;
    if (val === 'yellow') rc = Math.min(rc, 0);
  }
  return rc;
}
