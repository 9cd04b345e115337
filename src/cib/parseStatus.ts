/**
 * `<status>`: node_state entries with lrm operation history and transient attributes,
 * and ticket states.
 * @module
 */
import { ParseContext, boolAttr, compact, extraAttrs, forEachChild } from './parseContext.js';
import { buildNvSet, NVSET_TAGS } from './parseRules.js';
import type { LrmResource, LrmRscOp, NodeState, NvSet, Status, TicketState, XmlNode } from './types.js';

const NODE_STATE_ATTRS = ['id', 'uname', 'in_ccm', 'crmd', 'join', 'expected', 'ha', 'remote_node'];
const OP_ATTRS: Readonly<Record<string, keyof LrmRscOp>> = {
  'id': 'id', 'operation': 'operation', 'operation_key': 'operationKey', 'interval': 'interval',
  'rc-code': 'rcCode', 'op-status': 'opStatus', 'call-id': 'callId', 'last-rc-change': 'lastRcChange',
  'last-run': 'lastRun', 'exec-time': 'execTime', 'queue-time': 'queueTime', 'transition-key': 'transitionKey',
  'transition-magic': 'transitionMagic', 'op-digest': 'opDigest', 'op-restart-digest': 'opRestartDigest',
  'op-secure-digest': 'opSecureDigest', 'op-force-restart': 'opForceRestart', 'op-secure-params': 'opSecureParams',
  'on_node': 'onNode', 'crm_feature_set': 'crmFeatureSet', 'migrate_source': 'migrateSource',
  'migrate_target': 'migrateTarget', 'exit-reason': 'exitReason',
};
const OP_INTS = new Set(['interval', 'rc-code', 'op-status', 'call-id', 'last-rc-change', 'last-run', 'exec-time', 'queue-time']);
const OP_REQUIRED = ['id', 'operation', 'interval', 'rc-code', 'op-status', 'call-id'];
/** OP_ATTRS as pairs and as a set, once: every history entry of every node goes through them. */
const OP_ATTR_PAIRS = Object.entries(OP_ATTRS);
const OP_ATTR_NAMES: ReadonlySet<string> = new Set(Object.keys(OP_ATTRS));

/** Builds `<status>`. */
export function buildStatus(ctx: ParseContext, node: XmlNode | undefined, path: string): Status {
  if (node === undefined) return { nodes: [], tickets: [] };
  const nodes: NodeState[] = [];
  let tickets: TicketState[] = [];
  let ticketsId: string | undefined;
  const other: XmlNode[] = [];
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'node_state') nodes.push(buildNodeState(ctx, c, p));
    else if (c.tag === 'tickets') {
      ticketsId = c.attrs['id'];
      tickets = tickets.concat(buildTickets(ctx, c, p));
    } else other.push(c);
  });
  return compact<Status>({ nodes, tickets, ticketsId, other: other.length > 0 ? other : undefined });
}

function buildNodeState(ctx: ParseContext, node: XmlNode, path: string): NodeState {
  const uname = node.attrs['uname'];
  let id = node.attrs['id'];
  if (id === undefined || id === '') {
    // Pacemaker falls back to the uname to find the node; do the same, but say so.
    if (uname === undefined) ctx.error('QUORATE_ERR_MISSING_ID', path, 'node_state has neither id nor uname');
    else ctx.warn('QUORATE_WARN_IGNORED', path, `node_state has no id; using uname "${uname}"`);
    id = uname ?? '';
  }
  let lrm: LrmResource[] | undefined;
  let lrmId: string | undefined;
  let lrmResourcesId: string | undefined;
  let lrmExtra: Record<string, string> | undefined;
  const transient: NvSet[] = [];
  let transientId: string | undefined;
  const other: XmlNode[] = [];
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'lrm' && lrm === undefined) {
      // Old CIBs carry extra attributes (e.g. uname) on <lrm>; keep them, the history still counts.
      lrmId = c.attrs['id'];
      const { id: _id, ...rest } = c.attrs;
      if (Object.keys(rest).length > 0) lrmExtra = rest;
      lrm = [];
      forEachChild(c, p, (rs, rp) => {
        if (rs.tag !== 'lrm_resources') { ctx.error('QUORATE_ERR_BAD_CIB', rp, `<${rs.tag}> is not allowed in <lrm>`); return; }
        lrmResourcesId = rs.attrs['id'] ?? lrmResourcesId;
        forEachChild(rs, rp, (r, pp) => {
          if (r.tag === 'lrm_resource') lrm!.push(buildLrmResource(ctx, r, pp));
          else ctx.error('QUORATE_ERR_BAD_CIB', pp, `<${r.tag}> is not allowed in <lrm_resources>`);
        });
      });
    } else if (c.tag === 'transient_attributes' && transientId === undefined && transient.length === 0) {
      transientId = c.attrs['id'];
      forEachChild(c, p, (s, sp) => {
        if ((NVSET_TAGS as readonly string[]).includes(s.tag)) transient.push(buildNvSet(ctx, s, sp));
        else ctx.error('QUORATE_ERR_BAD_CIB', sp, `<${s.tag}> is not allowed in <transient_attributes>`);
      });
    } else other.push(c);
  });
  return compact<NodeState>({
    id, uname,
    inCcm: node.attrs['in_ccm'], crmd: node.attrs['crmd'], join: node.attrs['join'],
    expected: node.attrs['expected'], ha: node.attrs['ha'],
    remoteNode: boolAttr(ctx, node, path, 'remote_node'),
    lrm, lrmId, lrmResourcesId, lrmExtra, transient, transientId,
    other: other.length > 0 ? other : undefined,
    extra: extraAttrs(node, NODE_STATE_ATTRS),
  });
}

function buildLrmResource(ctx: ParseContext, node: XmlNode, path: string): LrmResource {
  const id = ctx.requireId(node, path);
  const ops: LrmRscOp[] = [];
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'lrm_rsc_op') ops.push(buildLrmOp(ctx, c, p));
    else ctx.error('QUORATE_ERR_BAD_CIB', p, `<${c.tag}> is not allowed in <lrm_resource>`);
  });
  return compact<LrmResource>({
    id, class: node.attrs['class'], provider: node.attrs['provider'], type: node.attrs['type'],
    container: node.attrs['container'], ops,
    extra: extraAttrs(node, ['id', 'class', 'provider', 'type', 'container']),
  });
}

function buildLrmOp(ctx: ParseContext, node: XmlNode, path: string): LrmRscOp {
  for (const a of OP_REQUIRED) {
    if (node.attrs[a] === undefined) ctx.error(a === 'id' ? 'QUORATE_ERR_MISSING_ID' : 'QUORATE_ERR_BAD_CIB', path, `lrm_rsc_op has no ${a}`);
  }
  const out: Record<string, string | number> = {};
  for (const [attr, field] of OP_ATTR_PAIRS) {
    const v = node.attrs[attr];
    if (v === undefined) continue;
    if (OP_INTS.has(attr)) {
      const n = ctx.int(node, path, attr);
      out[field] = n ?? 0;
    } else out[field] = v;
  }
  const extra = extraAttrs(node, OP_ATTR_NAMES);
  return compact({
    id: '', operation: '', interval: 0, rcCode: 0, opStatus: 0, callId: 0,
    ...out, extra,
  }) as LrmRscOp;
}

function buildTickets(ctx: ParseContext, node: XmlNode, path: string): TicketState[] {
  const out: TicketState[] = [];
  forEachChild(node, path, (c, p) => {
    if (c.tag !== 'ticket_state') { ctx.error('QUORATE_ERR_BAD_CIB', p, `<${c.tag}> is not allowed in <tickets>`); return; }
    out.push(compact<TicketState>({
      id: ctx.requireId(c, p),
      granted: boolAttr(ctx, c, p, 'granted'),
      standby: boolAttr(ctx, c, p, 'standby'),
      lastGranted: c.attrs['last-granted'],
      extra: extraAttrs(c, ['id', 'granted', 'standby', 'last-granted']),
    }));
  });
  return out;
}
