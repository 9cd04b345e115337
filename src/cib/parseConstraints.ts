/**
 * `<constraints>`: rsc_location, rsc_colocation, rsc_order, rsc_ticket and their
 * `<resource_set>`s.
 * @module
 */
import { ParseContext, boolAttr, clip, compact, extraAttrs, forEachChild } from './parseContext.js';
import { buildRule } from './parseRules.js';
import type {
  ColocationConstraint, Constraint, LocationConstraint, OrderConstraint, ResourceSet, Rule, TicketConstraint, XmlNode,
} from './types.js';

const ROLES = ['Started', 'Stopped', 'Slave', 'Master', 'Promoted', 'Unpromoted'] as const;

/** Builds the children of `<constraints>`; unknown elements go to `other`. */
export function buildConstraints(ctx: ParseContext, node: XmlNode, path: string, other: XmlNode[]): Constraint[] {
  const out: Constraint[] = [];
  forEachChild(node, path, (c, p) => {
    const k = buildConstraint(ctx, c, p);
    if (k) out.push(k);
    else {
      ctx.warn('QUORATE_WARN_IGNORED', p, `<${c.tag}> is not a constraint; kept verbatim`);
      other.push(c);
    }
  });
  return out;
}

/** Builds one constraint element, or undefined when the tag is not a constraint. */
export function buildConstraint(ctx: ParseContext, node: XmlNode, path: string): Constraint | undefined {
  switch (node.tag) {
    case 'rsc_location': return buildLocation(ctx, node, path);
    case 'rsc_colocation': return buildColocation(ctx, node, path);
    case 'rsc_order': return buildOrder(ctx, node, path);
    case 'rsc_ticket': return buildTicket(ctx, node, path);
    default: return undefined;
  }
}

interface Kids { sets: ResourceSet[]; rules: Rule[]; other: XmlNode[] }

function kids(ctx: ParseContext, node: XmlNode, path: string, allowRules: boolean): Kids {
  const k: Kids = { sets: [], rules: [], other: [] };
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'resource_set') k.sets.push(buildSet(ctx, c, p));
    else if (c.tag === 'rule' && allowRules) k.rules.push(buildRule(ctx, c, p));
    else if (c.tag === 'rule') ctx.error('QUORATE_ERR_BAD_CIB', p, `<rule> is not allowed in <${node.tag}>`);
    else k.other.push(c);
  });
  return k;
}

/** A role attribute: Pacemaker's text2role compares case-insensitively; kept as written. */
function role(ctx: ParseContext, node: XmlNode, path: string, name: string): string | undefined {
  const v = node.attrs[name];
  if (v === undefined) return undefined;
  if (!ROLES.some(r => r.toLowerCase() === v.toLowerCase())) {
    ctx.error('QUORATE_ERR_BAD_VALUE', path, `${name}="${clip(v)}" is not a role (${ROLES.join(', ')})`);
  }
  return v;
}

function buildSet(ctx: ParseContext, node: XmlNode, path: string): ResourceSet {
  const idRef = node.attrs['id-ref'];
  const id = idRef ?? ctx.requireId(node, path);
  const resources: string[] = [];
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'resource_ref') resources.push(ctx.requireId(c, p));
    else ctx.error('QUORATE_ERR_BAD_CIB', p, `<${c.tag}> is not allowed in <resource_set>`);
  });
  return compact<ResourceSet>({
    id, idRef,
    sequential: boolAttr(ctx, node, path, 'sequential'),
    requireAll: boolAttr(ctx, node, path, 'require-all'),
    ordering: node.attrs['ordering'],
    action: node.attrs['action'],
    role: role(ctx, node, path, 'role'),
    score: ctx.score(node, path),
    kind: node.attrs['kind'],
    resources,
    extra: extraAttrs(node, ['id', 'id-ref', 'sequential', 'require-all', 'ordering', 'action', 'role', 'score', 'kind']),
  });
}

function otherOf(k: Kids): XmlNode[] | undefined {
  return k.other.length > 0 ? k.other : undefined;
}

function buildLocation(ctx: ParseContext, node: XmlNode, path: string): LocationConstraint {
  const id = ctx.requireId(node, path);
  const k = kids(ctx, node, path, true);
  const score = ctx.score(node, path);
  if (node.attrs['rsc'] === undefined && node.attrs['rsc-pattern'] === undefined && k.sets.length === 0) {
    ctx.error('QUORATE_ERR_BAD_CIB', path, 'rsc_location names no resource (rsc, rsc-pattern or a resource_set)');
  }
  if (node.attrs['node'] !== undefined && score === undefined && node.attrs['score'] === undefined) {
    ctx.error('QUORATE_ERR_BAD_CIB', path, 'rsc_location with a node needs a score');
  }
  return compact<LocationConstraint>({
    kind: 'rsc_location', id, rsc: node.attrs['rsc'], rscPattern: node.attrs['rsc-pattern'],
    role: role(ctx, node, path, 'role'), node: node.attrs['node'], score,
    resourceDiscovery: ctx.tolerantOneOf(node, path, 'resource-discovery', ['always', 'never', 'exclusive'] as const),
    rules: k.rules, sets: k.sets,
    extra: extraAttrs(node, ['id', 'rsc', 'rsc-pattern', 'role', 'node', 'score', 'resource-discovery']),
    other: otherOf(k),
  });
}

function buildColocation(ctx: ParseContext, node: XmlNode, path: string): ColocationConstraint {
  const id = ctx.requireId(node, path);
  const k = kids(ctx, node, path, false);
  return compact<ColocationConstraint>({
    kind: 'rsc_colocation', id, rsc: node.attrs['rsc'], withRsc: node.attrs['with-rsc'],
    rscRole: role(ctx, node, path, 'rsc-role'), withRscRole: role(ctx, node, path, 'with-rsc-role'),
    rscInstance: node.attrs['rsc-instance'], withRscInstance: node.attrs['with-rsc-instance'],
    score: ctx.score(node, path), nodeAttribute: node.attrs['node-attribute'],
    influence: boolAttr(ctx, node, path, 'influence'),
    sets: k.sets,
    extra: extraAttrs(node, ['id', 'rsc', 'with-rsc', 'rsc-role', 'with-rsc-role', 'rsc-instance', 'with-rsc-instance', 'score', 'node-attribute', 'influence']),
    other: otherOf(k),
  });
}

function buildOrder(ctx: ParseContext, node: XmlNode, path: string): OrderConstraint {
  const id = ctx.requireId(node, path);
  const k = kids(ctx, node, path, false);
  return compact<OrderConstraint>({
    kind: 'rsc_order', id, first: node.attrs['first'], then: node.attrs['then'],
    firstAction: node.attrs['first-action'], thenAction: node.attrs['then-action'],
    firstInstance: node.attrs['first-instance'], thenInstance: node.attrs['then-instance'],
    orderKind: ctx.tolerantOneOf(node, path, 'kind', ['Mandatory', 'Optional', 'Serialize'] as const),
    score: ctx.score(node, path),
    symmetrical: boolAttr(ctx, node, path, 'symmetrical'),
    requireAll: boolAttr(ctx, node, path, 'require-all'),
    sets: k.sets,
    extra: extraAttrs(node, ['id', 'first', 'then', 'first-action', 'then-action', 'first-instance', 'then-instance', 'kind', 'score', 'symmetrical', 'require-all']),
    other: otherOf(k),
  });
}

function buildTicket(ctx: ParseContext, node: XmlNode, path: string): TicketConstraint {
  const id = ctx.requireId(node, path);
  const k = kids(ctx, node, path, false);
  return compact<TicketConstraint>({
    kind: 'rsc_ticket', id, rsc: node.attrs['rsc'], rscRole: role(ctx, node, path, 'rsc-role'),
    ticket: ctx.requireAttr(node, path, 'ticket'),
    lossPolicy: ctx.tolerantOneOf(node, path, 'loss-policy', ['stop', 'demote', 'fence', 'freeze'] as const),
    sets: k.sets,
    extra: extraAttrs(node, ['id', 'rsc', 'rsc-role', 'ticket', 'loss-policy']),
    other: otherOf(k),
  });
}

/** Resource ids a constraint names (attributes and sets), with the attribute they came from. */
export function constraintRefs(c: Constraint): { ref: string; via: string }[] {
  const out: { ref: string; via: string }[] = [];
  const add = (ref: string | undefined, via: string): void => { if (ref !== undefined) out.push({ ref, via }); };
  switch (c.kind) {
    case 'rsc_location': add(c.rsc, 'rsc'); break;
    case 'rsc_colocation': add(c.rsc, 'rsc'); add(c.withRsc, 'with-rsc'); break;
    case 'rsc_order': add(c.first, 'first'); add(c.then, 'then'); break;
    case 'rsc_ticket': add(c.rsc, 'rsc'); break;
  }
  for (const s of c.sets) for (const r of s.resources) add(r, `resource_set ${s.id}`);
  return out;
}
