/**
 * shutdown-lock (Pacemaker Explained, cluster options): with it set, a resource
 * active on a node that shuts down cleanly stays locked to that node (banned
 * everywhere else) until it starts there again after the node rejoins, or the
 * lock outlives `shutdown-lock-limit` (the unpacker drops expired locks). Only
 * primitives and groups lock: never stonith devices, remote connections, clone
 * or bundle instances.
 * @module
 */
import { isTrue } from '../cib/values.js';
import { recordedShutdownLock } from '../cib/unpack/shutdownLock.js';
import { INFINITY, primitivesOf, type Act, type Ctx, type PRsc, type ShutdownLock } from './model.js';
import { opMeta } from './actions.js';
import { applyToTree } from './location.js';

/** The lock of one primitive: recorded in its history, or taken now as its node shuts down. */
function lockOf(ctx: Ctx, p: PRsc): ShutdownLock | undefined {
  if (p.u.class === 'stonith' || p.u.remoteNode !== undefined) return undefined;
  if (p.u.lockNode !== undefined) return { node: p.u.lockNode, time: p.u.lockTime ?? 0 };
  if (p.u.runningOn.length !== 1) return undefined;
  const n = ctx.nodes.get(p.u.runningOn[0]!);
  if (!n || !n.u.shutdown || n.u.unclean || !n.u.online) return undefined;
  const time = Number.parseInt(n.u.attributes['shutdown'] ?? '', 10);
  return { node: n.name, time: Number.isFinite(time) ? time : 0 };
}

/** Stage (with the other location scores): bans each locked resource from every other node. */
export function applyShutdownLocks(ctx: Ctx): void {
  if (!isTrue(ctx.cluster.options.raw['shutdown-lock'])) return;
  for (const top of ctx.top) {
    if (top.variant !== 'primitive' && top.variant !== 'group') continue;
    const members = primitivesOf(top);
    let lock: ShutdownLock | undefined;
    for (const p of members) if ((lock = lockOf(ctx, p)) !== undefined) break;
    if (lock === undefined) continue;
    for (const p of members) p.shutdownLock = lock;
    for (const n of ctx.nodeList) if (n.name !== lock.node) applyToTree(top, n.name, -INFINITY);
  }
}

/**
 * Stage (while the status is unpacked): the history of a lock that outlived
 * `shutdown-lock-limit` is deleted from the CIB (an lrm_delete event in cib
 * mode), so the lock is gone for good.
 */
export function clearExpiredLocks(ctx: Ctx): void {
  for (const st of ctx.cluster.cib.status.nodes) {
    const n = ctx.nodes.get(st.uname ?? st.id);
    if (!n) continue;
    for (const lr of st.lrm ?? []) {
      if (recordedShutdownLock(ctx.cluster.options.raw, lr, ctx.cluster.now)?.expired !== true) continue;
      const p = ctx.byId.get(lr.id);
      if (!p || p.variant !== 'primitive') continue;
      const a: Act = {
        seq: ctx.seq++, rsc: p, task: 'lrm_delete', intervalMs: 0, key: `${p.id}_lrm_delete_0`, node: n.name,
        kind: 'crm_event', optional: false, runnable: true,
        attrs: { CRM_meta_on_node: n.name, CRM_meta_on_node_uuid: n.uuid, CRM_meta_timeout: opMeta(ctx, p, 'delete', 0, false)['CRM_meta_timeout'] ?? '20000' },
      };
      p.actions.push(a);
      ctx.actions.push(a);
    }
  }
}
