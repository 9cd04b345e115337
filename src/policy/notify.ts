/**
 * Clone notifications (notify=true): pre/post notify pseudo actions around the
 * clone's start, stop, promote and demote, and, once every ordering has settled,
 * one `notify` operation per instance and node (Pacemaker's
 * pcmk__clone_notif_pseudo_ops and pe__create_notifications).
 * @module
 */
import { primitivesOf, type Act, type Ctx, type PRsc } from './model.js';
import { order } from './actions.js';
import { cloneData, historyName } from './cloneAssign.js';

/** The notification pseudo actions of one clone action. */
interface NotifyData {
  readonly task: string;
  readonly pre?: Act;
  readonly preDone?: Act;
  readonly post?: Act;
  readonly postDone?: Act;
}

const NOTIFY = new WeakMap<PRsc, NotifyData[]>();

function pseudo(ctx: Ctx, c: PRsc, key: string, task: string, optional: boolean, runnable: boolean, meta: Record<string, string>): Act {
  const a: Act = { seq: ctx.seq++, rsc: c, task, intervalMs: 0, key, kind: 'pseudo_event', optional, runnable, attrs: { CRM_meta_timeout: '20000', ...meta } };
  c.actions.push(a);
  ctx.actions.push(a);
  return a;
}

function notifyKey(id: string, type: string, task: string): string {
  return `${id}_${type}_notify_${task}_0`;
}

/** pcmk__clone_notif_pseudo_ops: pre/confirmed-pre before `action`, post/confirmed-post after `complete`. */
function pseudoOps(ctx: Ctx, c: PRsc, task: string, action: Act | undefined, complete: Act | undefined): NotifyData {
  const meta = (type: string): Record<string, string> => ({ CRM_meta_notify_type: type, CRM_meta_notify_operation: task });
  let pre: Act | undefined, preDone: Act | undefined, post: Act | undefined, postDone: Act | undefined;
  if (action) {
    pre = pseudo(ctx, c, notifyKey(c.id, 'pre', action.task), 'notify', action.optional, true, meta('pre'));
    preDone = pseudo(ctx, c, notifyKey(c.id, 'confirmed-pre', action.task), 'notified', action.optional, true, meta('pre'));
    order(ctx, pre, preDone, {});
    order(ctx, preDone, action, {});
  }
  if (complete) {
    post = pseudo(ctx, c, notifyKey(c.id, 'post', complete.task), 'notify', complete.optional, complete.runnable, meta('post'));
    postDone = pseudo(ctx, c, notifyKey(c.id, 'confirmed-post', complete.task), 'notified', complete.optional, complete.runnable, meta('post'));
    order(ctx, complete, post, { impliesThen: true });
    order(ctx, post, postDone, { impliesThen: true });
  }
  if (preDone && post) order(ctx, preDone, post, {});
  return { task, ...(pre ? { pre } : {}), ...(preDone ? { preDone } : {}), ...(post ? { post } : {}), ...(postDone ? { postDone } : {}) };
}

function own(c: PRsc, task: string): Act | undefined {
  return c.actions.find((a) => a.task === task && a.kind === 'pseudo_event');
}

/** Creates a notify=true clone's notification pseudo actions (after its start/stop pseudo actions). */
export function createNotifyPseudoOps(ctx: Ctx, c: PRsc): void {
  if (!cloneData(c).notify) return;
  const list: NotifyData[] = [];
  const start = pseudoOps(ctx, c, 'start', own(c, 'start'), own(c, 'running'));
  const stop = pseudoOps(ctx, c, 'stop', own(c, 'stop'), own(c, 'stopped'));
  if (stop.postDone && start.pre) order(ctx, stop.postDone, start.pre, {});
  list.push(start, stop);
  NOTIFY.set(c, list);
}

/** The promotable clone's promote/demote notifications (after those pseudo actions exist). */
export function createPromoteNotifyPseudoOps(ctx: Ctx, c: PRsc): void {
  const list = NOTIFY.get(c);
  if (!list) return;
  const promote = pseudoOps(ctx, c, 'promote', own(c, 'promote'), own(c, 'promoted'));
  const demote = pseudoOps(ctx, c, 'demote', own(c, 'demote'), own(c, 'demoted'));
  // Stops, starts and demotions are announced and done before promotions; demotions before stops and starts.
  const [start, stop] = list;
  const seq = (a: Act | undefined, b: Act | undefined): void => {
    if (a && b) order(ctx, a, b, {});
  };
  if (promote.pre) {
    seq(stop?.postDone, promote.pre);
    seq(start?.postDone, promote.pre);
    seq(demote.postDone, promote.pre);
    seq(demote.postDone, start?.pre);
    seq(demote.postDone, stop?.pre);
  }
  list.push(promote, demote);
}

/** The confirmed-post notification standing for a notify=true clone's `done` action in orderings. */
export function notifiedEndpoint(c: PRsc, done: string): Act | undefined {
  const list = NOTIFY.get(c);
  if (!list) return undefined;
  return list.find((n) => n.postDone?.key === notifyKey(c.id, 'confirmed-post', done))?.postDone;
}

function notifyAction(ctx: Ctx, p: PRsc, node: string, op: Act, confirm: Act | undefined, n: NotifyData, type: string): Act | undefined {
  const nd = ctx.nodes.get(node);
  if (!nd || !nd.u.online || !op.runnable) return undefined;
  const key = notifyKey(p.id, type, n.task);
  const existing = p.actions.find((a) => a.key === key && a.node === node);
  if (existing) return existing;
  const hist = historyName(ctx, p);
  const a: Act = {
    seq: ctx.seq++, rsc: p, task: 'notify', intervalMs: 0, key, node, kind: 'rsc_op', optional: op.optional, runnable: true,
    attrs: { ...op.attrs, CRM_meta_on_node: nd.name, CRM_meta_on_node_uuid: nd.uuid, ...p.u.params },
    ...(hist ? { graphKey: notifyKey(hist, type, n.task) } : {}),
  };
  p.actions.push(a);
  ctx.actions.push(a);
  order(ctx, op, a, {});
  order(ctx, a, confirm, {});
  return a;
}

function postNotify(ctx: Ctx, p: PRsc, node: string, n: NotifyData): void {
  if (n.post) notifyAction(ctx, p, node, n.post, n.postDone, n, 'post');
  if (!n.postDone) return;
  for (const mon of p.actions) if (mon.task === 'monitor' && mon.intervalMs > 0) order(ctx, n.postDone, mon, {});
}

function instanceNotifications(ctx: Ctx, p: PRsc, n: NotifyData, happening: Set<string>): void {
  const task = n.task;
  if ((task === 'start' || task === 'promote' || task === 'demote') && !happening.has(task)) return;
  const running = p.u.runningOn;
  if (running.length > 0 && (task === 'stop' || task === 'demote')) {
    const stop = p.actions.find((a) => a.task === 'stop' && !a.probe);
    for (const node of running) {
      const nd = ctx.nodes.get(node);
      if (stop && stop.kind === 'pseudo_event' && nd && nd.u.unclean) continue;
      if (n.pre) notifyAction(ctx, p, node, n.pre, n.preDone, n, 'pre');
      if (task === 'demote' || !stop || stop.optional) postNotify(ctx, p, node, n);
    }
  }
  if (p.assigned !== null && (task === 'start' || task === 'promote')) {
    const start = p.actions.find((a) => a.task === 'start' && !a.probe);
    if ((task !== 'start' || !start || start.optional) && n.pre) notifyAction(ctx, p, p.assigned, n.pre, n.preDone, n, 'pre');
    postNotify(ctx, p, p.assigned, n);
  }
}

/**
 * Creates every instance's notify operations of notify=true clones, once the
 * orderings have settled which actions happen (pe__create_notifications).
 */
export function createNotifications(ctx: Ctx): void {
  for (const c of ctx.top) {
    const list = NOTIFY.get(c);
    if (!list) continue;
    const prims = c.children.flatMap(primitivesOf);
    const happening = new Set<string>();
    for (const p of prims) for (const a of p.actions) if (!a.optional && a.node !== undefined && ['start', 'stop', 'promote', 'demote'].includes(a.task)) happening.add(a.task);
    for (const n of list) for (const p of prims) instanceNotifications(ctx, p, n, happening);
  }
}
