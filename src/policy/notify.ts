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
import { actionNode, addNotifyVars, collectNotifyLists } from './notifyVars.js';

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
  const meta = (type: string, keyType: string, op: string): Record<string, string> => ({
    CRM_meta_notify_type: type, CRM_meta_notify_operation: task, CRM_meta_notify_key_type: keyType, CRM_meta_notify_key_operation: op,
  });
  let pre: Act | undefined, preDone: Act | undefined, post: Act | undefined, postDone: Act | undefined;
  if (action) {
    pre = pseudo(ctx, c, notifyKey(c.id, 'pre', action.task), 'notify', action.optional, true, meta('pre', 'pre', action.task));
    preDone = pseudo(ctx, c, notifyKey(c.id, 'confirmed-pre', action.task), 'notified', action.optional, true, meta('pre', 'confirmed-pre', action.task));
    order(ctx, pre, preDone, {});
    order(ctx, preDone, action, {});
  }
  if (complete) {
    post = pseudo(ctx, c, notifyKey(c.id, 'post', complete.task), 'notify', complete.optional, complete.runnable, meta('post', 'post', complete.task));
    postDone = pseudo(ctx, c, notifyKey(c.id, 'confirmed-post', complete.task), 'notified', complete.optional, complete.runnable, meta('post', 'confirmed-post', complete.task));
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

function notifyAction(ctx: Ctx, p: PRsc, node: string, op: Act, confirm: Act | undefined, n: NotifyData, type: string, vars: Record<string, string>): Act | undefined {
  const nd = ctx.nodes.get(node);
  if (!nd || !nd.u.online || !op.runnable) return undefined;
  const key = notifyKey(p.id, type, n.task);
  const existing = p.actions.find((a) => a.key === key && a.node === node);
  if (existing) {
    // Another notification of the same instance and task (after fencing) made it: it keeps its data but follows both.
    addNotifyVars(existing, vars);
    order(ctx, op, existing, {});
    order(ctx, existing, confirm, {});
    return existing;
  }
  const hist = historyName(ctx, p);
  const a: Act = {
    seq: ctx.seq++, rsc: p, task: 'notify', intervalMs: 0, key, node, kind: 'rsc_op', optional: op.optional, runnable: true,
    attrs: { ...op.attrs, CRM_meta_on_node: nd.name, CRM_meta_on_node_uuid: nd.uuid, ...p.u.params },
    ...(hist ? { graphKey: notifyKey(hist, type, n.task) } : {}),
  };
  addNotifyVars(a, vars);
  p.actions.push(a);
  ctx.actions.push(a);
  order(ctx, op, a, {});
  order(ctx, a, confirm, {});
  return a;
}

function postNotify(ctx: Ctx, p: PRsc, node: string, n: NotifyData, vars: Record<string, string>): void {
  if (n.post) notifyAction(ctx, p, node, n.post, n.postDone, n, 'post', vars);
  if (!n.postDone) return;
  for (const mon of p.actions) if (mon.task === 'monitor' && mon.intervalMs > 0) order(ctx, n.postDone, mon, {});
}

function instanceNotifications(ctx: Ctx, p: PRsc, n: NotifyData, vars: Record<string, string>): void {
  const task = n.task;
  const running = p.u.runningOn;
  if (running.length > 0 && p.u.role !== 'Stopped' && (task === 'stop' || task === 'demote')) {
    const stop = p.actions.find((a) => a.task === 'stop' && !a.probe);
    for (const node of running) {
      const nd = ctx.nodes.get(node);
      if (stop && stop.kind === 'pseudo_event' && nd && nd.u.unclean) continue;
      if (n.pre) notifyAction(ctx, p, node, n.pre, n.preDone, n, 'pre', vars);
      if (task === 'demote' || !stop || stop.optional) postNotify(ctx, p, node, n, vars);
    }
  }
  if (p.assigned !== null && (task === 'start' || task === 'promote')) {
    const start = p.actions.find((a) => a.task === 'start' && !a.probe);
    if ((task !== 'start' || !start || start.optional) && n.pre) notifyAction(ctx, p, p.assigned, n.pre, n.preDone, n, 'pre', vars);
    postNotify(ctx, p, p.assigned, n, vars);
  }
}

const NOTIFIED_TASKS = ['start', 'stop', 'promote', 'demote'];

/**
 * A stop implied by fencing gets a second post-stop notification that follows the
 * fencing itself (pcmk__order_notifs_after_fencing): the surviving instances hear
 * of the stop as soon as the node is gone, which breaks the loop of a dependent's
 * stop waiting for the clone's post notification that waits for the fencing.
 */
function notifyAfterFencing(ctx: Ctx, c: PRsc, prims: PRsc[]): void {
  for (const p of prims) {
    const stop = p.actions.find((a) => a.task === 'stop' && a.kind === 'pseudo_event' && !a.probe);
    const node = stop ? actionNode(stop) : undefined;
    if (!stop || node === undefined || stop.optional) continue;
    const fence = ctx.actions.find((a) => a.task === 'stonith' && a.fenceTarget === node);
    if (!fence) continue;
    const name = historyName(ctx, p) ?? p.id;
    const meta = (keyType: string): Record<string, string> => ({
      CRM_meta_notify_type: 'post', CRM_meta_notify_operation: 'stop', CRM_meta_notify_key_type: keyType, CRM_meta_notify_key_operation: fence.task,
    });
    const post = pseudo(ctx, p, notifyKey(p.id, 'post', fence.task), 'notify', fence.optional, fence.runnable, meta('post'));
    post.graphKey = notifyKey(name, 'post', 'stop');
    const postDone = pseudo(ctx, p, notifyKey(p.id, 'confirmed-post', fence.task), 'notified', fence.optional, fence.runnable, meta('confirmed-post'));
    postDone.graphKey = `${name}_notified_0`;
    order(ctx, fence, post, { impliesThen: true });
    order(ctx, post, postDone, { impliesThen: true });
    const n: NotifyData = { task: 'stop', post, postDone };
    const vars = { CRM_meta_notify_stop_resource: p.id, CRM_meta_notify_stop_uname: node };
    for (const q of prims) {
      for (const a of q.actions) if (!a.optional && actionNode(a) !== undefined && !a.probe && NOTIFIED_TASKS.includes(a.task)) addNotifyVars(a, vars);
    }
    for (const q of prims) instanceNotifications(ctx, q, n, vars);
  }
}

/**
 * Creates every instance's notify operations of notify=true clones, once the
 * orderings have settled which actions happen (pe__create_notifications): for
 * each notified task in turn, the lists are collected, the notifications become
 * required when an instance does that task, the instances' own actions of the
 * four tasks carry the lists, and each instance is notified.
 */
export function createNotifications(ctx: Ctx): void {
  for (const c of ctx.top) {
    const list = NOTIFY.get(c);
    if (!list) continue;
    const prims = c.children.flatMap(primitivesOf);
    notifyAfterFencing(ctx, c, prims);
    for (const n of list) {
      const lists = collectNotifyLists(ctx, c);
      const doing = (lists as unknown as Record<string, unknown[]>)[n.task] ?? [];
      if (doing.length > 0) for (const a of [n.pre, n.preDone, n.post, n.postDone]) if (a) a.optional = false;
      for (const p of prims) {
        for (const a of p.actions) if (!a.optional && actionNode(a) !== undefined && !a.probe && NOTIFIED_TASKS.includes(a.task)) addNotifyVars(a, lists.vars);
      }
      if (n.task !== 'stop' && doing.length === 0) continue;
      for (const p of prims) instanceNotifications(ctx, p, n, lists.vars);
    }
  }
}
