/**
 * The CRM_meta_notify_* variables of clone notifications: who is active,
 * inactive, promoted, unpromoted, and which instances start, stop, promote or
 * demote in this transition. Resource agents read them (as OCF_RESKEY_CRM_meta_*)
 * in their notify action, so they are part of what the graph tells the cluster
 * (Pacemaker's collect_resource_data / add_notif_keys).
 * @module
 */
import { primitivesOf, type Act, type Ctx, type PRsc } from './model.js';

/** One (instance, node) entry of a notification list. */
interface Entry {
  readonly rsc: string;
  /** Node name, absent for inactive instances. */
  readonly node?: string;
  /** Node uuid: Pacemaker sorts entries of one instance by it. */
  readonly uuid?: string;
}

/** The notification lists of one clone, as the agent sees them. */
export interface NotifyLists {
  readonly start: Entry[];
  readonly stop: Entry[];
  readonly promote: Entry[];
  readonly demote: Entry[];
  /** The CRM_meta_notify_* lists (names already prefixed). */
  readonly vars: Record<string, string>;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted, one entry per instance, space separated; " " when empty. */
function words(list: Entry[], withNodes: boolean): { rscs: string; nodes: string } {
  const sorted = [...list].sort((a, b) => cmp(a.rsc, b.rsc) || cmp(a.uuid ?? '', b.uuid ?? ''));
  const rscs: string[] = [], nodes: string[] = [];
  let last: string | undefined;
  for (const e of sorted) {
    if (withNodes && e.node === undefined) continue;
    if (e.rsc === last) continue;
    last = e.rsc;
    rscs.push(e.rsc);
    if (withNodes && e.node !== undefined) nodes.push(e.node);
  }
  return { rscs: rscs.length > 0 ? rscs.join(' ') : ' ', nodes: nodes.length > 0 ? nodes.join(' ') : ' ' };
}

/** Pacemaker's node name order (case-insensitive, digits compared as numbers). */
function nodeNameCmp(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }) || cmp(a, b);
}

/**
 * The node an instance action is for: a stop or demote implied by fencing is a
 * pseudo action without a node here, but it is for the node it was active on.
 */
export function actionNode(a: Act): string | undefined {
  if (a.node !== undefined) return a.node;
  if (a.kind === 'pseudo_event' && (a.task === 'stop' || a.task === 'demote')) return a.rsc?.u.runningOn[0];
  return undefined;
}

const TASKS = ['start', 'stop', 'promote', 'demote'] as const;

/** Collects the lists of clone `c` from its instances' current roles and required, runnable actions. */
export function collectNotifyLists(ctx: Ctx, c: PRsc): NotifyLists {
  const lists: Record<(typeof TASKS)[number], Entry[]> = { start: [], stop: [], promote: [], demote: [] };
  const active: Entry[] = [], inactive: Entry[] = [], promoted: Entry[] = [], unpromoted: Entry[] = [];
  const entry = (rsc: string, node: string | undefined): Entry => {
    const nd = node !== undefined ? ctx.nodes.get(node) : undefined;
    return node !== undefined ? { rsc, node, uuid: nd?.uuid ?? node } : { rsc };
  };
  const promotable = c.u.promotable === true;
  for (const p of c.children.flatMap(primitivesOf)) {
    const e = entry(p.id, p.u.runningOn[0]);
    // A running instance of a promotable clone that is not promoted is unpromoted.
    const role = promotable && p.u.role === 'Started' ? 'Unpromoted' : p.u.role;
    switch (role) {
      case 'Stopped': inactive.push(e); break;
      case 'Started': active.push(e); break;
      case 'Unpromoted': unpromoted.push(e); active.push(e); break;
      case 'Promoted': promoted.push(e); active.push(e); break;
      default: break;
    }
    for (const a of p.actions) {
      const node = actionNode(a);
      if (a.optional || node === undefined || a.probe) continue;
      const task = a.task as (typeof TASKS)[number];
      if (!TASKS.includes(task)) continue;
      const unclean = ctx.nodes.get(node)?.u.unclean === true;
      if (!(task === 'stop' && unclean) && !a.runnable) continue;
      lists[task].push(entry(p.id, node));
    }
  }
  const vars: Record<string, string> = {};
  const put = (name: string, list: Entry[], withNodes = true): void => {
    const w = words(list, withNodes);
    vars[`CRM_meta_notify_${name}_resource`] = w.rscs;
    if (withNodes) vars[`CRM_meta_notify_${name}_uname`] = w.nodes;
  };
  for (const t of TASKS) put(t, lists[t]);
  put('active', active);
  put('unpromoted', unpromoted);
  put('slave', unpromoted);
  put('promoted', promoted);
  put('master', promoted);
  put('inactive', inactive, false);
  const available = [...c.allowed.keys()].sort(nodeNameCmp);
  vars['CRM_meta_notify_available_uname'] = available.length > 0 ? available.join(' ') : ' ';
  const all = ctx.nodeList.map((n) => n.name).sort(nodeNameCmp);
  vars['CRM_meta_notify_all_uname'] = all.length > 0 ? all.join(' ') : ' ';
  return { ...lists, vars };
}

/** Adds `vars` to an action's attributes, keeping any it already has. */
export function addNotifyVars(a: Act, vars: Record<string, string>): void {
  for (const [k, v] of Object.entries(vars)) if (!(k in a.attrs)) a.attrs[k] = v;
}
