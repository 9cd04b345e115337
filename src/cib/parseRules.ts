/**
 * `<rule>` and its expressions, and name/value sets (`<meta_attributes>`,
 * `<instance_attributes>`, `<utilization>`, `<cluster_property_set>`) with `<nvpair>`s.
 *
 * `id-ref`s are resolved here: a reference keeps its `idRef` and also carries the body
 * of what it references, so consumers may evaluate it directly.
 * @module
 */
import { ParseContext, clip, compact, extraAttrs, forEachChild } from './parseContext.js';
import { isPacemakerDate } from './parseDate.js';
import type {
  AttrExpression, AttrOperation, AttrType, DateExpression, DateSpec, Expression, NvPair, NvSet, NvSetKind,
  OpExpression, Rule, RscExpression, XmlNode,
} from './types.js';

const ATTR_OPS: readonly AttrOperation[] = ['lt', 'gt', 'lte', 'gte', 'eq', 'ne', 'defined', 'not_defined'];
const ATTR_TYPES: readonly AttrType[] = ['string', 'integer', 'number', 'version'];
const DATE_OPS = ['in_range', 'date_spec', 'gt', 'lt'] as const;
const DATE_SPEC_FIELDS = ['years', 'months', 'monthdays', 'hours', 'minutes', 'seconds', 'yeardays', 'weekyears', 'weeks', 'weekdays', 'moon'] as const;

/** Tags of name/value sets. */
export const NVSET_TAGS: readonly NvSetKind[] = ['meta_attributes', 'instance_attributes', 'utilization', 'cluster_property_set'];

/** Builds a `<rule>` (resolving `id-ref`). */
export function buildRule(ctx: ParseContext, node: XmlNode, path: string): Rule {
  const ref = node.attrs['id-ref'];
  if (ref !== undefined) {
    const target = resolveRef(ctx, node, path, ref, ['rule']);
    const body = target ? withGuard(ctx, ref, () => buildRule(ctx, target.node, target.path)) : undefined;
    return compact({
      kind: 'rule' as const,
      id: ref,
      idRef: ref,
      booleanOp: body?.booleanOp ?? 'and',
      expressions: body?.expressions ?? [],
      score: body?.score,
      scoreAttribute: body?.scoreAttribute,
      role: body?.role,
      extra: extraAttrs(node, ['id-ref']),
    });
  }
  const id = ctx.requireId(node, path);
  const score = ctx.score(node, path);
  const scoreAttribute = node.attrs['score-attribute'];
  const booleanOp = ctx.oneOf(node, path, 'boolean-op', ['and', 'or'] as const) ?? 'and';
  const expressions: Expression[] = [];
  forEachChild(node, path, (c, p) => {
    const e = buildExpression(ctx, c, p);
    if (e) expressions.push(e);
    else ctx.error('QUORATE_ERR_BAD_CIB', p, `<${c.tag}> is not allowed in a rule`);
  });
  return compact({
    kind: 'rule' as const, id, score, scoreAttribute, booleanOp, role: node.attrs['role'], expressions,
    extra: extraAttrs(node, ['id', 'score', 'score-attribute', 'boolean-op', 'role']),
  });
}

function buildExpression(ctx: ParseContext, node: XmlNode, path: string): Expression | undefined {
  switch (node.tag) {
    case 'rule': return buildRule(ctx, node, path);
    case 'expression': return buildAttrExpression(ctx, node, path);
    case 'date_expression': return buildDateExpression(ctx, node, path);
    case 'rsc_expression': return compact<RscExpression>({
      kind: 'rsc_expression', id: ctx.requireId(node, path), class: node.attrs['class'],
      provider: node.attrs['provider'], type: node.attrs['type'],
      extra: extraAttrs(node, ['id', 'class', 'provider', 'type']),
    });
    case 'op_expression': return compact<OpExpression>({
      kind: 'op_expression', id: ctx.requireId(node, path), name: ctx.requireAttr(node, path, 'name'),
      interval: ctx.interval(node, path, 'interval'),
      extra: extraAttrs(node, ['id', 'name', 'interval']),
    });
    default: return undefined;
  }
}

function buildAttrExpression(ctx: ParseContext, node: XmlNode, path: string): AttrExpression {
  const id = ctx.requireId(node, path);
  const attribute = ctx.requireAttr(node, path, 'attribute');
  ctx.requireAttr(node, path, 'operation');
  const operation = ctx.oneOf(node, path, 'operation', ATTR_OPS) ?? 'defined';
  const value = node.attrs['value'];
  if (value === undefined && operation !== 'defined' && operation !== 'not_defined') {
    ctx.error('QUORATE_ERR_BAD_CIB', path, `operation ${operation} needs a value`);
  }
  return compact<AttrExpression>({
    kind: 'expression', id, attribute, operation, value,
    type: ctx.oneOf(node, path, 'type', ATTR_TYPES),
    valueSource: ctx.oneOf(node, path, 'value-source', ['literal', 'param', 'meta'] as const),
    extra: extraAttrs(node, ['id', 'attribute', 'operation', 'value', 'type', 'value-source']),
  });
}

function buildDateExpression(ctx: ParseContext, node: XmlNode, path: string): DateExpression {
  const id = ctx.requireId(node, path);
  // The schema makes operation optional with in_range as its default.
  const operation = ctx.oneOf(node, path, 'operation', DATE_OPS) ?? 'in_range';
  const start = node.attrs['start'];
  const end = node.attrs['end'];
  for (const [name, v] of [['start', start], ['end', end]] as const) {
    if (v !== undefined && !isPacemakerDate(v)) ctx.error('QUORATE_ERR_BAD_VALUE', path, `${name}="${clip(v)}" is not a date`);
  }
  let duration: DateSpec | undefined;
  let dateSpec: DateSpec | undefined;
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'duration') duration = buildDateSpec(ctx, c, p, true);
    else if (c.tag === 'date_spec') dateSpec = buildDateSpec(ctx, c, p, false);
    else ctx.error('QUORATE_ERR_BAD_CIB', p, `<${c.tag}> is not allowed in a date_expression`);
  });
  if (operation === 'gt' && start === undefined) ctx.error('QUORATE_ERR_BAD_CIB', path, 'operation gt needs a start');
  if (operation === 'lt' && end === undefined) ctx.error('QUORATE_ERR_BAD_CIB', path, 'operation lt needs an end');
  if (operation === 'in_range' && start === undefined && end === undefined) {
    ctx.error('QUORATE_ERR_BAD_CIB', path, 'operation in_range needs a start or an end');
  }
  if (operation === 'date_spec' && dateSpec === undefined) ctx.error('QUORATE_ERR_BAD_CIB', path, 'operation date_spec needs a <date_spec>');
  return compact<DateExpression>({
    kind: 'date_expression', id, operation, start, end, duration, dateSpec,
    extra: extraAttrs(node, ['id', 'operation', 'start', 'end']),
  });
}

function buildDateSpec(ctx: ParseContext, node: XmlNode, path: string, isDuration: boolean): DateSpec {
  const out: Record<string, string | undefined> = { id: node.attrs['id'] };
  for (const f of DATE_SPEC_FIELDS) {
    const v = node.attrs[f];
    if (v === undefined) continue;
    const ok = isDuration ? /^\s*\d+\s*$/.test(v) : /^\s*-?\d+\s*(?:-\s*-?\d*\s*)?$/.test(v);
    if (!ok) ctx.error('QUORATE_ERR_BAD_VALUE', path, `${f}="${clip(v)}" is not ${isDuration ? 'an integer' : 'an integer or range'}`);
    out[f] = v;
  }
  return compact({ ...out, extra: extraAttrs(node, ['id', ...DATE_SPEC_FIELDS]) }) as DateSpec;
}

/** Builds an `<nvpair>` (resolving `id-ref`; the referring pair's own name/value win). */
export function buildNvPair(ctx: ParseContext, node: XmlNode, path: string): NvPair {
  const ref = node.attrs['id-ref'];
  if (ref !== undefined) {
    const target = resolveRef(ctx, node, path, ref, ['nvpair']);
    return compact<NvPair>({
      id: node.attrs['id'], idRef: ref,
      name: node.attrs['name'] ?? target?.node.attrs['name'] ?? '',
      value: node.attrs['value'] ?? target?.node.attrs['value'],
      extra: extraAttrs(node, ['id', 'id-ref', 'name', 'value']),
    });
  }
  return compact<NvPair>({
    id: ctx.requireId(node, path), name: ctx.requireAttr(node, path, 'name'), value: node.attrs['value'],
    extra: extraAttrs(node, ['id', 'name', 'value']),
  });
}

/** Builds a name/value set (resolving `id-ref`). */
export function buildNvSet(ctx: ParseContext, node: XmlNode, path: string): NvSet {
  const kind = node.tag as NvSetKind;
  const ref = node.attrs['id-ref'];
  if (ref !== undefined) {
    const target = resolveRef(ctx, node, path, ref, NVSET_TAGS);
    const body = target ? withGuard(ctx, ref, () => buildNvSet(ctx, target.node, target.path)) : undefined;
    return compact<NvSet>({
      kind, id: ref, idRef: ref, score: body?.score, rule: body?.rule, pairs: body?.pairs ?? [],
      extra: extraAttrs(node, ['id-ref']),
    });
  }
  const id = ctx.requireId(node, path);
  const pairs: NvPair[] = [];
  let rule: Rule | undefined;
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'nvpair') pairs.push(buildNvPair(ctx, c, p));
    else if (c.tag === 'rule') {
      if (rule !== undefined) ctx.error('QUORATE_ERR_BAD_CIB', p, `<${node.tag}> may hold only one rule`);
      rule = buildRule(ctx, c, p);
    } else ctx.error('QUORATE_ERR_BAD_CIB', p, `<${c.tag}> is not allowed in <${node.tag}>`);
  });
  return compact<NvSet>({
    kind, id, score: ctx.score(node, path), rule, pairs, extra: extraAttrs(node, ['id', 'score']),
  });
}

/** Looks up an id-ref target of one of `tags`; records a dangling-reference error if absent. */
export function resolveRef(ctx: ParseContext, node: XmlNode, path: string, ref: string, tags: readonly string[]) {
  const target = ctx.byId.get(ref);
  if (target === undefined || !tags.includes(target.node.tag)) {
    ctx.error('QUORATE_ERR_DANGLING_REF', path, `id-ref "${clip(ref)}" does not name ${target ? 'an element of the right kind' : 'any element'} (<${node.tag}> expects ${tags.join(' or ')})`);
    return undefined;
  }
  if (target.node.attrs['id-ref'] !== undefined) {
    ctx.error('QUORATE_ERR_DANGLING_REF', path, `id-ref "${clip(ref)}" names another reference`);
    return undefined;
  }
  return target;
}

function withGuard<T>(ctx: ParseContext, ref: string, fn: () => T): T | undefined {
  if (ctx.resolving.has(ref)) return undefined;
  ctx.resolving.add(ref);
  try {
    return fn();
  } finally {
    ctx.resolving.delete(ref);
  }
}
