/**
 * `<resources>`: primitives, templates, groups, clones (and legacy `<master>`), bundles.
 * @module
 */
import { ParseContext, clip, compact, extraAttrs, forEachChild } from './parseContext.js';
import { buildNvSet, resolveRef } from './parseRules.js';
import type { Bundle, Clone, Group, NvSet, Operation, Primitive, Resource, Template, XmlNode } from './types.js';

/** Resource agent classes Pacemaker 2.1 knows (Pacemaker Explained, "Resource Classes"). */
/** Pacemaker's classes, plus `function`: quorate's in-process agents (type = the registered name). */
export const RESOURCE_CLASSES: readonly string[] = ['ocf', 'lsb', 'service', 'systemd', 'stonith', 'upstart', 'nagios', 'heartbeat', 'function'];

const OP_ATTRS = ['id', 'name', 'interval', 'role', 'timeout', 'on-fail', 'enabled', 'requires', 'record-pending', 'start-delay', 'interval-origin', 'description'];

/** What `<resources>` holds, in document order. */
export interface ParsedResources {
  readonly resources: Resource[];
  readonly templates: Template[];
  readonly order: string[];
}

/** Builds the children of `<resources>`. */
export function buildResources(ctx: ParseContext, node: XmlNode, path: string, other: XmlNode[]): ParsedResources {
  const resources: Resource[] = [];
  const templates: Template[] = [];
  const order: string[] = [];
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'template') {
      const t = buildPrimitiveBody(ctx, c, p, 'template') as Template;
      templates.push(t);
      order.push(t.id);
      return;
    }
    const r = buildResource(ctx, c, p);
    if (r) {
      resources.push(r);
      order.push(r.id);
    } else {
      ctx.warn('QUORATE_WARN_IGNORED', p, `<${c.tag}> is not a resource; kept verbatim`);
      other.push(c);
    }
  });
  return { resources, templates, order };
}

/** Builds one resource element, or undefined when the tag is not a resource. */
export function buildResource(ctx: ParseContext, node: XmlNode, path: string): Resource | undefined {
  switch (node.tag) {
    case 'primitive': return buildPrimitiveBody(ctx, node, path, 'primitive') as Primitive;
    case 'group': return buildGroup(ctx, node, path);
    case 'clone':
    case 'master': return buildClone(ctx, node, path);
    case 'bundle': return buildBundle(ctx, node, path);
    default: return undefined;
  }
}

interface Sets { meta: NvSet[]; instance: NvSet[]; utilization: NvSet[] }

/** Sorts an nvset child into `sets`; false when the child is not an nvset. */
function takeSet(ctx: ParseContext, c: XmlNode, p: string, sets: Sets): boolean {
  if (c.tag === 'meta_attributes') sets.meta.push(buildNvSet(ctx, c, p));
  else if (c.tag === 'instance_attributes') sets.instance.push(buildNvSet(ctx, c, p));
  else if (c.tag === 'utilization') sets.utilization.push(buildNvSet(ctx, c, p));
  else return false;
  return true;
}

function buildPrimitiveBody(ctx: ParseContext, node: XmlNode, path: string, kind: 'primitive' | 'template'): Primitive | Template {
  const id = ctx.requireId(node, path);
  const sets: Sets = { meta: [], instance: [], utilization: [] };
  let ops: Operation[] = [];
  let opsId: string | undefined;
  let opsIdRef: string | undefined;
  const other: XmlNode[] = [];
  forEachChild(node, path, (c, p) => {
    if (takeSet(ctx, c, p, sets)) return;
    if (c.tag === 'operations') {
      const r = buildOperations(ctx, c, p);
      ops = ops.concat(r.ops);
      opsId = r.id ?? opsId;
      opsIdRef = r.idRef ?? opsIdRef;
    } else other.push(c);
  });
  const template = kind === 'primitive' ? node.attrs['template'] : undefined;
  const cls = node.attrs['class'];
  const provider = node.attrs['provider'];
  const type = node.attrs['type'];
  // With a template, class/provider/type may come from it (checked once templates are known).
  if (template === undefined) checkAgent(ctx, path, cls, provider, type);
  else if (cls !== undefined && !RESOURCE_CLASSES.includes(cls)) checkAgent(ctx, path, cls, provider, type);
  return compact({
    kind, id, class: cls, provider, type, template,
    description: node.attrs['description'],
    meta: sets.meta, instance: sets.instance, utilization: sets.utilization, ops, opsId, opsIdRef,
    extra: extraAttrs(node, ['id', 'class', 'provider', 'type', 'description', ...(kind === 'primitive' ? ['template'] : [])]),
    other: other.length > 0 ? other : undefined,
  }) as Primitive | Template;
}

/** Checks a resource agent specification: known class, ocf has a provider, a type. */
export function checkAgent(ctx: ParseContext, path: string, cls: string | undefined, provider: string | undefined, type: string | undefined): void {
  if (cls === undefined || cls === '') {
    ctx.error('QUORATE_ERR_BAD_AGENT', path, 'resource has no class');
  } else if (!RESOURCE_CLASSES.includes(cls)) {
    ctx.error('QUORATE_ERR_BAD_AGENT', path, `unknown resource class "${clip(cls)}" (expected one of ${RESOURCE_CLASSES.join(', ')})`);
  } else if (cls === 'ocf' && (provider === undefined || provider === '')) {
    ctx.error('QUORATE_ERR_BAD_AGENT', path, 'class ocf needs a provider');
  } else if (cls !== 'ocf' && provider !== undefined) {
    // The schema allows a provider only with ocf; crm_verify rejects anything else.
    ctx.error('QUORATE_ERR_BAD_AGENT', path, `a provider ("${clip(provider)}") is only valid with class ocf, not ${cls}`);
  }
  if (type === undefined || type === '') ctx.error('QUORATE_ERR_BAD_AGENT', path, 'resource has no type');
}

function buildOperations(ctx: ParseContext, node: XmlNode, path: string): { ops: Operation[]; id?: string; idRef?: string } {
  const ref = node.attrs['id-ref'];
  if (ref !== undefined) {
    const target = resolveRef(ctx, node, path, ref, ['operations']);
    const ops = target ? buildOperations(ctx, target.node, target.path).ops : [];
    return { ops, idRef: ref };
  }
  const ops: Operation[] = [];
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'op') ops.push(buildOp(ctx, c, p));
    else ctx.error('QUORATE_ERR_BAD_CIB', p, `<${c.tag}> is not allowed in <operations>`);
  });
  const id = node.attrs['id'];
  return id === undefined ? { ops } : { ops, id };
}

function buildOp(ctx: ParseContext, node: XmlNode, path: string): Operation {
  const ref = node.attrs['id-ref'];
  if (ref !== undefined) {
    const target = resolveRef(ctx, node, path, ref, ['op']);
    const body = target ? buildOp(ctx, target.node, target.path) : undefined;
    return compact<Operation>({
      ...(body ?? { id: ref, name: '', interval: '0', meta: [], instance: [] }),
      id: ref, idRef: ref, extra: extraAttrs(node, ['id-ref']),
    });
  }
  const id = ctx.requireId(node, path);
  const name = ctx.requireAttr(node, path, 'name');
  const interval = ctx.interval(node, path, 'interval') ?? ctx.requireAttr(node, path, 'interval');
  const sets: Sets = { meta: [], instance: [], utilization: [] };
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'utilization' || !takeSet(ctx, c, p, sets)) ctx.error('QUORATE_ERR_BAD_CIB', p, `<${c.tag}> is not allowed in <op>`);
  });
  return compact<Operation>({
    id, name, interval,
    role: node.attrs['role'],
    timeout: ctx.tolerantInterval(node, path, 'timeout'),
    onFail: node.attrs['on-fail'],
    enabled: node.attrs['enabled'],
    requires: node.attrs['requires'],
    recordPending: node.attrs['record-pending'],
    startDelay: ctx.tolerantInterval(node, path, 'start-delay'),
    intervalOrigin: node.attrs['interval-origin'],
    description: node.attrs['description'],
    meta: sets.meta, instance: sets.instance,
    extra: extraAttrs(node, OP_ATTRS),
  });
}

function buildGroup(ctx: ParseContext, node: XmlNode, path: string): Group {
  const id = ctx.requireId(node, path);
  const sets: Sets = { meta: [], instance: [], utilization: [] };
  const children: Primitive[] = [];
  const other: XmlNode[] = [];
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'utilization' || !takeSet(ctx, c, p, sets)) {
      if (c.tag === 'primitive') children.push(buildPrimitiveBody(ctx, c, p, 'primitive') as Primitive);
      else if (['group', 'clone', 'master', 'bundle'].includes(c.tag)) ctx.error('QUORATE_ERR_BAD_CIB', p, `a group may hold only primitives, not <${c.tag}>`);
      else other.push(c);
    }
  });
  return compact<Group>({
    kind: 'group', id, description: node.attrs['description'], meta: sets.meta, instance: sets.instance, children,
    extra: extraAttrs(node, ['id', 'description']),
    other: other.length > 0 ? other : undefined,
  });
}

function buildClone(ctx: ParseContext, node: XmlNode, path: string): Clone {
  const id = ctx.requireId(node, path);
  const sets: Sets = { meta: [], instance: [], utilization: [] };
  const kids: (Primitive | Group)[] = [];
  const other: XmlNode[] = [];
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'utilization' || !takeSet(ctx, c, p, sets)) {
      if (c.tag === 'primitive') kids.push(buildPrimitiveBody(ctx, c, p, 'primitive') as Primitive);
      else if (c.tag === 'group') kids.push(buildGroup(ctx, c, p));
      else if (['clone', 'master', 'bundle'].includes(c.tag)) ctx.error('QUORATE_ERR_BAD_CIB', p, `a ${node.tag} may not hold <${c.tag}>`);
      else other.push(c);
    }
  });
  if (kids.length !== 1) {
    ctx.error('QUORATE_ERR_BAD_CIB', path, `<${node.tag}> must hold exactly one primitive or group, not ${kids.length}`);
  }
  const child: Primitive | Group = kids[0] ?? { kind: 'group', id: '', meta: [], instance: [], children: [] };
  return compact<Clone>({
    kind: 'clone', id, legacyMaster: node.tag === 'master', description: node.attrs['description'],
    meta: sets.meta, instance: sets.instance, child,
    extra: extraAttrs(node, ['id', 'description']),
    other: other.length > 0 ? other : undefined,
  });
}

function buildBundle(ctx: ParseContext, node: XmlNode, path: string): Bundle {
  const id = ctx.requireId(node, path);
  const meta: NvSet[] = [];
  let runtime: Bundle['runtime'] | undefined;
  let network: Bundle['network'];
  let storage: Bundle['storage'];
  let primitive: Primitive | undefined;
  const other: XmlNode[] = [];
  forEachChild(node, path, (c, p) => {
    switch (c.tag) {
      case 'meta_attributes': meta.push(buildNvSet(ctx, c, p)); break;
      case 'docker': case 'rkt': case 'podman':
        if (runtime) ctx.error('QUORATE_ERR_BAD_CIB', p, 'a bundle may have only one container runtime');
        runtime = { type: c.tag, attrs: c.attrs };
        break;
      case 'network':
        network = { attrs: c.attrs, portMappings: mappings(ctx, c, p, 'port-mapping') };
        break;
      case 'storage':
        storage = compact({ id: c.attrs['id'], mappings: mappings(ctx, c, p, 'storage-mapping') });
        break;
      case 'primitive':
        if (primitive) ctx.error('QUORATE_ERR_BAD_CIB', p, 'a bundle may hold only one primitive');
        primitive = buildPrimitiveBody(ctx, c, p, 'primitive') as Primitive;
        break;
      default: other.push(c);
    }
  });
  if (!runtime) ctx.error('QUORATE_ERR_BAD_CIB', path, 'bundle has no container runtime (<docker>, <rkt> or <podman>)');
  return compact<Bundle>({
    kind: 'bundle', id, description: node.attrs['description'], meta,
    runtime: runtime ?? { type: 'docker', attrs: {} }, network, storage, primitive,
    extra: extraAttrs(node, ['id', 'description']),
    other: other.length > 0 ? other : undefined,
  });
}

function mappings(ctx: ParseContext, node: XmlNode, path: string, tag: string): Readonly<Record<string, string>>[] {
  const out: Readonly<Record<string, string>>[] = [];
  forEachChild(node, path, (c, p) => {
    if (c.tag === tag) {
      ctx.requireId(c, p);
      out.push(c.attrs);
    } else ctx.error('QUORATE_ERR_BAD_CIB', p, `<${c.tag}> is not allowed in <${node.tag}>`);
  });
  return out;
}

/** Every resource id defined (top level, group members, clone children, bundle primitives). */
export function allResourceIds(resources: readonly Resource[]): string[] {
  const out: string[] = [];
  const visit = (r: Resource | Primitive): void => {
    out.push(r.id);
    if (r.kind === 'group') r.children.forEach(visit);
    else if (r.kind === 'clone') visit(r.child);
    else if (r.kind === 'bundle' && r.primitive) visit(r.primitive);
  };
  resources.forEach(visit);
  return out;
}
