/**
 * Typed {@link Cib} → CIB XML that Pacemaker tools accept.
 *
 * The inverse of `parseCib`: parsing the output gives back a deep-equal model.
 * Resources and templates are written in their original document order; scores
 * as `INFINITY`/`-INFINITY`/integers; booleans as `true`/`false`; `id-ref`s as
 * references (not the bodies the parser copied into them).
 * @module
 */
import { xmlNodeToString } from './serialiseXml.js';
import type {
  Bundle, Cib, Clone, Constraint, DateSpec, Expression, FencingLevel, Group, LrmResource, LrmRscOp, NodeConfig,
  NodeState, NvPair, NvSet, Operation, Primitive, Resource, ResourceSet, Rule, Status, Tag, Template, TicketState, XmlNode,
} from './types.js';
import { scoreToString } from './values.js';

type AttrValue = string | number | boolean | undefined;

/** Builds an element; undefined attribute values are left out, extras are appended. */
function el(tag: string, attrs: Record<string, AttrValue>, children: readonly XmlNode[] = [], extra?: Readonly<Record<string, string>>): XmlNode {
  const a: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    a[k] = typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
  }
  if (extra) for (const [k, v] of Object.entries(extra)) if (!(k in a)) a[k] = v;
  return { tag, attrs: a, children };
}

const score = (s: number | undefined): string | undefined => (s === undefined ? undefined : scoreToString(s));

/** Serialises a whole CIB to XML text (with an XML declaration). */
export function serialiseCib(cib: Cib): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xmlNodeToString(cibToXmlNode(cib))}\n`;
}

/** The CIB as a generic element tree (what {@link serialiseCib} writes). */
export function cibToXmlNode(cib: Cib): XmlNode {
  const c = cib.configuration;
  const config: XmlNode[] = [
    el('crm_config', {}, c.crmConfig.map(nvSetNode)),
    el('nodes', {}, c.nodes.map(nodeConfigNode)),
    el('resources', {}, resourcesInOrder(c.resources, c.templates, c.resourceOrder)),
    el('constraints', {}, c.constraints.map(constraintNode)),
  ];
  if (c.rscDefaults.length > 0) config.push(el('rsc_defaults', {}, c.rscDefaults.map(nvSetNode)));
  if (c.opDefaults.length > 0) config.push(el('op_defaults', {}, c.opDefaults.map(nvSetNode)));
  if (c.fencingTopology.length > 0) config.push(el('fencing-topology', {}, c.fencingTopology.map(fencingLevelNode)));
  if (c.tags.length > 0) config.push(el('tags', {}, c.tags.map(tagNode)));
  config.push(...c.other);
  return el('cib', {
    'validate-with': cib.validateWith,
    epoch: cib.version.epoch,
    num_updates: cib.version.numUpdates,
    admin_epoch: cib.version.adminEpoch,
    'have-quorum': cib.haveQuorum === undefined ? undefined : cib.haveQuorum ? '1' : '0',
    'dc-uuid': cib.dcUuid,
  }, [el('configuration', {}, config), statusNode(cib.status)], cib.extra);
}

function resourcesInOrder(resources: readonly Resource[], templates: readonly Template[], order: readonly string[] | undefined): XmlNode[] {
  const pending = new Map<string, Resource | Template>();
  const rest: (Resource | Template)[] = [];
  for (const r of [...resources, ...templates]) {
    if (pending.has(r.id)) rest.push(r);
    else pending.set(r.id, r);
  }
  const out: XmlNode[] = [];
  for (const id of order ?? []) {
    const r = pending.get(id);
    if (r === undefined) continue;
    pending.delete(id);
    out.push(resourceNode(r));
  }
  for (const r of [...pending.values(), ...rest]) out.push(resourceNode(r));
  return out;
}

/** One resource (or template) as an element tree. */
export function resourceNode(r: Resource | Template): XmlNode {
  switch (r.kind) {
    case 'primitive':
    case 'template': return primitiveNode(r);
    case 'group': return groupNode(r);
    case 'clone': return cloneNode(r);
    case 'bundle': return bundleNode(r);
  }
}

function primitiveNode(p: Primitive | Template): XmlNode {
  const kids: XmlNode[] = [...p.instance.map(nvSetNode), ...p.meta.map(nvSetNode), ...p.utilization.map(nvSetNode)];
  if (p.opsIdRef !== undefined) kids.push(el('operations', { 'id-ref': p.opsIdRef }));
  else if (p.ops.length > 0 || p.opsId !== undefined) kids.push(el('operations', { id: p.opsId }, p.ops.map(opNode)));
  kids.push(...(p.other ?? []));
  return el(p.kind, {
    id: p.id, class: p.class, provider: p.provider, type: p.type,
    template: p.kind === 'primitive' ? p.template : undefined, description: p.description,
  }, kids, p.extra);
}

function opNode(o: Operation): XmlNode {
  if (o.idRef !== undefined) return el('op', { 'id-ref': o.idRef }, [], o.extra);
  return el('op', {
    id: o.id, name: o.name, interval: o.interval, role: o.role, timeout: o.timeout, 'on-fail': o.onFail,
    enabled: o.enabled, requires: o.requires, 'record-pending': o.recordPending, 'start-delay': o.startDelay,
    'interval-origin': o.intervalOrigin, description: o.description,
  }, [...o.instance.map(nvSetNode), ...o.meta.map(nvSetNode)], o.extra);
}

function groupNode(g: Group): XmlNode {
  return el('group', { id: g.id, description: g.description }, [
    ...g.instance.map(nvSetNode), ...g.meta.map(nvSetNode), ...g.children.map(primitiveNode), ...(g.other ?? []),
  ], g.extra);
}

function cloneNode(c: Clone): XmlNode {
  const child = c.child.kind === 'group' ? groupNode(c.child) : primitiveNode(c.child);
  return el(c.legacyMaster ? 'master' : 'clone', { id: c.id, description: c.description }, [
    ...c.instance.map(nvSetNode), ...c.meta.map(nvSetNode), child, ...(c.other ?? []),
  ], c.extra);
}

function bundleNode(b: Bundle): XmlNode {
  const kids: XmlNode[] = [{ tag: b.runtime.type, attrs: b.runtime.attrs, children: [] }];
  if (b.network) {
    kids.push({ tag: 'network', attrs: b.network.attrs, children: b.network.portMappings.map(m => ({ tag: 'port-mapping', attrs: m, children: [] })) });
  }
  if (b.storage) {
    kids.push(el('storage', { id: b.storage.id }, b.storage.mappings.map(m => ({ tag: 'storage-mapping', attrs: m, children: [] }))));
  }
  if (b.primitive) kids.push(primitiveNode(b.primitive));
  kids.push(...b.meta.map(nvSetNode), ...(b.other ?? []));
  return el('bundle', { id: b.id, description: b.description }, kids, b.extra);
}

/** A name/value set as an element tree. */
export function nvSetNode(s: NvSet): XmlNode {
  if (s.idRef !== undefined) return el(s.kind, { 'id-ref': s.idRef }, [], s.extra);
  const kids: XmlNode[] = [];
  if (s.rule) kids.push(ruleNode(s.rule));
  kids.push(...s.pairs.map(nvPairNode));
  return el(s.kind, { id: s.id, score: score(s.score) }, kids, s.extra);
}

function nvPairNode(p: NvPair): XmlNode {
  if (p.idRef !== undefined) {
    // The referring pair's name/value override the target's (Pacemaker's rule), so
    // writing the resolved name back keeps the meaning.
    return el('nvpair', { id: p.id, 'id-ref': p.idRef, name: p.name === '' ? undefined : p.name }, [], p.extra);
  }
  return el('nvpair', { id: p.id, name: p.name, value: p.value }, [], p.extra);
}

/** A rule as an element tree. */
export function ruleNode(r: Rule): XmlNode {
  if (r.idRef !== undefined) return el('rule', { 'id-ref': r.idRef }, [], r.extra);
  return el('rule', {
    id: r.id, score: score(r.score), 'score-attribute': r.scoreAttribute, 'boolean-op': r.booleanOp, role: r.role,
  }, r.expressions.map(expressionNode), r.extra);
}

function expressionNode(e: Expression): XmlNode {
  switch (e.kind) {
    case 'rule': return ruleNode(e);
    case 'expression':
      return el('expression', {
        id: e.id, attribute: e.attribute, operation: e.operation, value: e.value, type: e.type, 'value-source': e.valueSource,
      }, [], e.extra);
    case 'date_expression': {
      const kids: XmlNode[] = [];
      if (e.dateSpec) kids.push(dateSpecNode('date_spec', e.dateSpec));
      if (e.duration) kids.push(dateSpecNode('duration', e.duration));
      return el('date_expression', { id: e.id, operation: e.operation, start: e.start, end: e.end }, kids, e.extra);
    }
    case 'rsc_expression':
      return el('rsc_expression', { id: e.id, class: e.class, provider: e.provider, type: e.type }, [], e.extra);
    case 'op_expression':
      return el('op_expression', { id: e.id, name: e.name, interval: e.interval }, [], e.extra);
  }
}

function dateSpecNode(tag: string, d: DateSpec): XmlNode {
  const { extra, ...fields } = d;
  return el(tag, fields as Record<string, string | undefined>, [], extra);
}

/** A constraint as an element tree. */
export function constraintNode(c: Constraint): XmlNode {
  const sets = c.sets.map(resourceSetNode);
  const other = c.other ?? [];
  switch (c.kind) {
    case 'rsc_location':
      return el('rsc_location', {
        id: c.id, rsc: c.rsc, 'rsc-pattern': c.rscPattern, role: c.role, node: c.node, score: score(c.score),
        'resource-discovery': c.resourceDiscovery,
      }, [...sets, ...c.rules.map(ruleNode), ...other], c.extra);
    case 'rsc_colocation':
      return el('rsc_colocation', {
        id: c.id, rsc: c.rsc, 'with-rsc': c.withRsc, 'rsc-role': c.rscRole, 'with-rsc-role': c.withRscRole,
        'rsc-instance': c.rscInstance, 'with-rsc-instance': c.withRscInstance, score: score(c.score),
        'node-attribute': c.nodeAttribute, influence: c.influence,
      }, [...sets, ...other], c.extra);
    case 'rsc_order':
      return el('rsc_order', {
        id: c.id, first: c.first, then: c.then, 'first-action': c.firstAction, 'then-action': c.thenAction,
        'first-instance': c.firstInstance, 'then-instance': c.thenInstance, kind: c.orderKind, score: score(c.score),
        symmetrical: c.symmetrical, 'require-all': c.requireAll,
      }, [...sets, ...other], c.extra);
    case 'rsc_ticket':
      return el('rsc_ticket', {
        id: c.id, rsc: c.rsc, 'rsc-role': c.rscRole, ticket: c.ticket, 'loss-policy': c.lossPolicy,
      }, [...sets, ...other], c.extra);
  }
}

function resourceSetNode(s: ResourceSet): XmlNode {
  return el('resource_set', {
    id: s.idRef === undefined ? s.id : undefined, 'id-ref': s.idRef, sequential: s.sequential, 'require-all': s.requireAll,
    ordering: s.ordering, action: s.action, role: s.role, score: score(s.score), kind: s.kind,
  }, s.resources.map(id => el('resource_ref', { id })), s.extra);
}

function nodeConfigNode(n: NodeConfig): XmlNode {
  return el('node', { id: n.id, uname: n.uname, type: n.type, description: n.description }, [
    ...n.instance.map(nvSetNode), ...n.utilization.map(nvSetNode), ...(n.other ?? []),
  ], n.extra);
}

function fencingLevelNode(l: FencingLevel): XmlNode {
  return el('fencing-level', {
    id: l.id, index: l.index, target: l.target, 'target-pattern': l.targetPattern,
    'target-attribute': l.targetAttribute, 'target-value': l.targetValue, devices: l.devices.join(','),
  }, [], l.extra);
}

function tagNode(t: Tag): XmlNode {
  return el('tag', { id: t.id }, t.refs.map(id => el('obj_ref', { id })), t.extra);
}

function statusNode(s: Status): XmlNode {
  const kids: XmlNode[] = s.nodes.map(nodeStateNode);
  if (s.tickets.length > 0 || s.ticketsId !== undefined) kids.push(el('tickets', { id: s.ticketsId }, s.tickets.map(ticketNode)));
  kids.push(...(s.other ?? []));
  return el('status', {}, kids);
}

function nodeStateNode(n: NodeState): XmlNode {
  const kids: XmlNode[] = [];
  if (n.transient.length > 0 || n.transientId !== undefined) {
    kids.push(el('transient_attributes', { id: n.transientId }, n.transient.map(nvSetNode)));
  }
  if (n.lrm !== undefined) {
    kids.push(el('lrm', { id: n.lrmId, ...n.lrmExtra }, [el('lrm_resources', { id: n.lrmResourcesId }, n.lrm.map(lrmResourceNode))]));
  }
  kids.push(...(n.other ?? []));
  return el('node_state', {
    id: n.id, uname: n.uname, in_ccm: n.inCcm, crmd: n.crmd, join: n.join, expected: n.expected, ha: n.ha,
    remote_node: n.remoteNode,
  }, kids, n.extra);
}

function lrmResourceNode(r: LrmResource): XmlNode {
  return el('lrm_resource', { id: r.id, type: r.type, class: r.class, provider: r.provider, container: r.container },
    r.ops.map(lrmOpNode), r.extra);
}

function lrmOpNode(o: LrmRscOp): XmlNode {
  return el('lrm_rsc_op', {
    id: o.id, operation_key: o.operationKey, operation: o.operation, crm_feature_set: o.crmFeatureSet,
    'transition-key': o.transitionKey, 'transition-magic': o.transitionMagic, 'exit-reason': o.exitReason,
    on_node: o.onNode, 'call-id': o.callId, 'rc-code': o.rcCode, 'op-status': o.opStatus, interval: o.interval,
    'last-rc-change': o.lastRcChange, 'last-run': o.lastRun, 'exec-time': o.execTime, 'queue-time': o.queueTime,
    'op-digest': o.opDigest, 'op-force-restart': o.opForceRestart, 'op-restart-digest': o.opRestartDigest,
    'op-secure-params': o.opSecureParams, 'op-secure-digest': o.opSecureDigest,
    migrate_source: o.migrateSource, migrate_target: o.migrateTarget,
  }, [], o.extra);
}

function ticketNode(t: TicketState): XmlNode {
  return el('ticket_state', { id: t.id, granted: t.granted, standby: t.standby, 'last-granted': t.lastGranted }, [], t.extra);
}
