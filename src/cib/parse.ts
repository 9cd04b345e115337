/**
 * CIB XML → typed {@link Cib}. Never throws: any input yields a `Result`.
 *
 * Errors are what Pacemaker refuses or cannot use (not XML, wrong root, a missing id,
 * a dangling id-ref or template, an unparseable score/date/interval, an unknown agent
 * class, duplicate resource ids, limits exceeded). Problems Pacemaker tolerates with a
 * configuration warning (a constraint naming an unknown resource, …) are returned as
 * warnings by {@link parseCibWithWarnings}.
 * @module
 */
import { Ok, Err, type Result } from '../util/result.js';
import { cibError, type CibError, type CibWarning } from './errors.js';
import { ParseContext, compact, extraAttrs, forEachChild } from './parseContext.js';
import { buildConstraint, buildConstraints, constraintRefs } from './parseConstraints.js';
import { allResourceIds, buildResource, buildResources } from './parseResources.js';
import { buildNvSet } from './parseRules.js';
import { buildStatus } from './parseStatus.js';
import { DEFAULT_XML_LIMITS, parseXml, type XmlLimits } from './parseXml.js';
import type { Cib, Configuration, Constraint, FencingLevel, NodeConfig, NvSet, Resource, Tag, XmlNode } from './types.js';
import { isTrue } from './values.js';

/** Options of {@link parseCib}. */
export interface ParseCibOptions {
  /** Overrides of the safety limits ({@link DEFAULT_XML_LIMITS}). */
  readonly limits?: Partial<XmlLimits>;
}

/** A parsed CIB with the tolerated problems found on the way. */
export interface ParsedCib {
  readonly cib: Cib;
  readonly warnings: readonly CibWarning[];
}

/** Pacemaker's wording, so tools can print it as crm_simulate does. */
const SCHEMA_DISABLED = 'Schema validation of configuration is disabled (enabling is encouraged and prevents common misconfigurations)';

const ROOT_ATTRS = ['admin_epoch', 'epoch', 'num_updates', 'validate-with', 'dc-uuid', 'have-quorum'];

/** Parses CIB XML text into a typed, validated {@link Cib}. */
export function parseCib(xml: string, options: ParseCibOptions = {}): Result<Cib, CibError> {
  const r = parseCibWithWarnings(xml, options);
  return r.ok ? Ok(r.val.cib) : r;
}

/** Like {@link parseCib}, also returning warnings for problems Pacemaker tolerates. */
export function parseCibWithWarnings(xml: string, options: ParseCibOptions = {}): Result<ParsedCib, CibError> {
  const limits = { ...DEFAULT_XML_LIMITS, ...options.limits };
  const tree = parseXml(xml, limits);
  if (tree.err) return tree;
  return cibFromXmlNode(tree.val);
}

/** Builds a {@link Cib} from an already parsed XML tree (root must be `<cib>`). */
export function cibFromXmlNode(root: XmlNode): Result<ParsedCib, CibError> {
  const built = build(root);
  if (built.errors.length > 0) return Err(built.errors[0]!);
  return Ok({ cib: built.cib!, warnings: built.warnings });
}

/** Every problem found in a CIB, not only the first error (for a verify command). */
export interface CibCheck {
  readonly errors: readonly CibError[];
  readonly warnings: readonly CibWarning[];
}

/** Checks CIB XML and reports all errors and warnings (duplicates removed). */
export function checkCib(xml: string, options: ParseCibOptions = {}): CibCheck {
  const tree = parseXml(xml, { ...DEFAULT_XML_LIMITS, ...options.limits });
  if (tree.err) return { errors: [tree.val], warnings: [] };
  const { errors, warnings } = build(tree.val);
  const seen = new Set<string>();
  const unique = errors.filter(e => (seen.has(e.message) ? false : (seen.add(e.message), true)));
  return { errors: unique, warnings };
}

function build(root: XmlNode): { cib?: Cib; errors: readonly CibError[]; warnings: readonly CibWarning[] } {
  if (root.tag !== 'cib') {
    return { errors: [cibError('QUORATE_ERR_BAD_CIB', `/${root.tag}`, `root element is <${root.tag}>, expected <cib>`)], warnings: [] };
  }
  const ctx = new ParseContext();
  const configNode = root.children.find(c => c.tag === 'configuration');
  if (configNode === undefined) return { errors: [cibError('QUORATE_ERR_BAD_CIB', '/cib', '<cib> has no <configuration>')], warnings: [] };
  const statusNodes = root.children.filter(c => c.tag === 'status');
  const strays = root.children.filter(c => c.tag !== 'configuration' && c.tag !== 'status');
  if (strays.length > 0 || statusNodes.length > 1 || root.children.filter(c => c.tag === 'configuration').length > 1) {
    const what = strays[0] ? `<${strays[0].tag}>` : 'a second <configuration> or <status>';
    return { errors: [cibError('QUORATE_ERR_BAD_CIB', '/cib', `${what} is not allowed in <cib>`)], warnings: [] };
  }
  ctx.index(configNode, '/cib/configuration');
  if (root.attrs['validate-with']?.toLowerCase() === 'none') {
    ctx.warn('QUORATE_WARN_VALIDATION_DISABLED', '', SCHEMA_DISABLED);
  }
  const version = {
    adminEpoch: rootInt(ctx, root, 'admin_epoch'),
    epoch: rootInt(ctx, root, 'epoch'),
    numUpdates: rootInt(ctx, root, 'num_updates'),
  };
  const configuration = buildConfiguration(ctx, configNode, '/cib/configuration');
  const status = buildStatus(ctx, statusNodes[0], '/cib/status');
  const hq = root.attrs['have-quorum'];
  const cib = compact<Cib>({
    version,
    validateWith: root.attrs['validate-with'],
    dcUuid: root.attrs['dc-uuid'],
    haveQuorum: hq === undefined ? undefined : isTrue(hq),
    extra: extraAttrs(root, ROOT_ATTRS),
    configuration,
    status,
  });
  return { cib, errors: ctx.errors, warnings: ctx.warnings };
}

function rootInt(ctx: ParseContext, root: XmlNode, name: string): number {
  if (root.attrs[name] === undefined) {
    ctx.warn('QUORATE_WARN_IGNORED', '/cib', `<cib> has no ${name}; using 0`);
    return 0;
  }
  const n = ctx.int(root, '/cib', name);
  if (n !== undefined && n < 0) ctx.error('QUORATE_ERR_BAD_VALUE', '/cib', `${name} is negative`);
  return n ?? 0;
}

function buildConfiguration(ctx: ParseContext, node: XmlNode, path: string): Configuration {
  const crmConfig: NvSet[] = [];
  const nodes: NodeConfig[] = [];
  let resources: Resource[] = [];
  let templates: Configuration['templates'] = [];
  let resourceOrder: string[] = [];
  let constraints: Constraint[] = [];
  const rscDefaults: NvSet[] = [];
  const opDefaults: NvSet[] = [];
  const fencingTopology: FencingLevel[] = [];
  const tags: Tag[] = [];
  const other: XmlNode[] = [];
  // Elements found inside typed sections that the model does not type are kept
  // with the section's other elements; they are rare and Pacemaker ignores them.
  const sectionOther: XmlNode[] = [];
  forEachChild(node, path, (c, p) => {
    switch (c.tag) {
      case 'crm_config': sets(ctx, c, p, ['cluster_property_set'], crmConfig); break;
      case 'nodes':
        forEachChild(c, p, (n, np) => {
          if (n.tag === 'node') nodes.push(buildNode(ctx, n, np));
          else ctx.error('QUORATE_ERR_BAD_CIB', np, `<${n.tag}> is not allowed in <nodes>`);
        });
        break;
      case 'resources': {
        const r = buildResources(ctx, c, p, sectionOther);
        resources = r.resources; templates = r.templates; resourceOrder = r.order;
        break;
      }
      case 'constraints': constraints = buildConstraints(ctx, c, p, sectionOther); break;
      case 'rsc_defaults': sets(ctx, c, p, ['meta_attributes'], rscDefaults); break;
      case 'op_defaults': sets(ctx, c, p, ['meta_attributes'], opDefaults); break;
      case 'fencing-topology':
        forEachChild(c, p, (l, lp) => {
          if (l.tag === 'fencing-level') fencingTopology.push(buildFencingLevel(ctx, l, lp));
          else ctx.error('QUORATE_ERR_BAD_CIB', lp, `<${l.tag}> is not allowed in <fencing-topology>`);
        });
        break;
      case 'tags':
        forEachChild(c, p, (t, tp) => {
          if (t.tag === 'tag') tags.push(buildTag(ctx, t, tp));
          else ctx.error('QUORATE_ERR_BAD_CIB', tp, `<${t.tag}> is not allowed in <tags>`);
        });
        break;
      default: other.push(c);
    }
  });
  if (sectionOther.length > 0) {
    ctx.error('QUORATE_ERR_BAD_CIB', path, `<${sectionOther[0]!.tag}> is not a resource or constraint`);
  }
  const config: Configuration = {
    crmConfig, nodes, resources, templates, constraints, rscDefaults, opDefaults, fencingTopology, tags, other,
    resourceOrder,
  };
  crossCheck(ctx, config);
  return config;
}

function sets(ctx: ParseContext, node: XmlNode, path: string, allowed: readonly string[], out: NvSet[]): void {
  forEachChild(node, path, (c, p) => {
    if (allowed.includes(c.tag)) out.push(buildNvSet(ctx, c, p));
    else ctx.error('QUORATE_ERR_BAD_CIB', p, `<${c.tag}> is not allowed in <${node.tag}>`);
  });
}

function buildNode(ctx: ParseContext, node: XmlNode, path: string): NodeConfig {
  const id = ctx.requireId(node, path);
  const instance: NvSet[] = [];
  const utilization: NvSet[] = [];
  const other: XmlNode[] = [];
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'instance_attributes') instance.push(buildNvSet(ctx, c, p));
    else if (c.tag === 'utilization') utilization.push(buildNvSet(ctx, c, p));
    else other.push(c);
  });
  return compact<NodeConfig>({
    id, uname: ctx.requireAttr(node, path, 'uname'),
    type: ctx.oneOf(node, path, 'type', ['member', 'remote', 'ping', 'normal'] as const),
    description: node.attrs['description'], instance, utilization,
    extra: extraAttrs(node, ['id', 'uname', 'type', 'description']),
    other: other.length > 0 ? other : undefined,
  });
}

function buildFencingLevel(ctx: ParseContext, node: XmlNode, path: string): FencingLevel {
  const id = ctx.requireId(node, path);
  const index = ctx.int(node, path, 'index');
  if (node.attrs['index'] === undefined) ctx.error('QUORATE_ERR_BAD_CIB', path, 'fencing-level has no index');
  else if (index !== undefined && (index < 1 || index > 9)) ctx.error('QUORATE_ERR_BAD_VALUE', path, `index ${index} is not between 1 and 9`);
  const devices = ctx.requireAttr(node, path, 'devices').split(',').map(d => d.trim()).filter(d => d !== '');
  if (node.attrs['devices'] !== undefined && devices.length === 0) ctx.error('QUORATE_ERR_BAD_VALUE', path, 'devices is empty');
  const targets = ['target', 'target-pattern', 'target-attribute'].filter(a => node.attrs[a] !== undefined);
  if (targets.length === 0) ctx.error('QUORATE_ERR_BAD_CIB', path, 'fencing-level has no target, target-pattern or target-attribute');
  return compact<FencingLevel>({
    id, index: index ?? 0, target: node.attrs['target'], targetPattern: node.attrs['target-pattern'],
    targetAttribute: node.attrs['target-attribute'], targetValue: node.attrs['target-value'], devices,
    extra: extraAttrs(node, ['id', 'index', 'target', 'target-pattern', 'target-attribute', 'target-value', 'devices']),
  });
}

function buildTag(ctx: ParseContext, node: XmlNode, path: string): Tag {
  const id = ctx.requireId(node, path);
  const refs: string[] = [];
  forEachChild(node, path, (c, p) => {
    if (c.tag === 'obj_ref') refs.push(ctx.requireId(c, p));
    else ctx.error('QUORATE_ERR_BAD_CIB', p, `<${c.tag}> is not allowed in <tag>`);
  });
  return compact<Tag>({ id, refs, extra: extraAttrs(node, ['id']) });
}

/** Cross-references: duplicate resource ids, template refs (errors); unknown names (warnings). */
function crossCheck(ctx: ParseContext, config: Configuration): void {
  const ids = [...allResourceIds(config.resources), ...config.templates.map(t => t.id)];
  const seen = new Set<string>();
  for (const id of ids) {
    if (id === '') continue;
    if (seen.has(id)) ctx.error('QUORATE_ERR_DUPLICATE_ID', `resources/*[id=${id}]`, `more than one resource has id "${id}"`);
    seen.add(id);
  }
  const templates = new Map(config.templates.map(t => [t.id, t]));
  const visit = (r: Resource): void => {
    if (r.kind === 'primitive' && r.template !== undefined) {
      const t = templates.get(r.template);
      if (t === undefined) ctx.error('QUORATE_ERR_DANGLING_REF', `primitive[id=${r.id}]`, `template "${r.template}" does not exist`);
    }
    if (r.kind === 'group') r.children.forEach(visit);
    else if (r.kind === 'clone') visit(r.child);
    else if (r.kind === 'bundle' && r.primitive) visit(r.primitive);
  };
  config.resources.forEach(visit);
  const constraintIds = new Set<string>();
  for (const c of config.constraints) {
    if (c.id !== '' && constraintIds.has(c.id)) ctx.error('QUORATE_ERR_DUPLICATE_ID', `${c.kind}[id=${c.id}]`, `more than one constraint has id "${c.id}"`);
    constraintIds.add(c.id);
  }
  const known = new Set([...seen, ...config.tags.map(t => t.id)]);
  for (const c of config.constraints) {
    for (const { ref, via } of constraintRefs(c)) {
      if (!known.has(ref)) {
        ctx.warn('QUORATE_WARN_UNKNOWN_REF', `${c.kind}[id=${c.id}]`, `${via} names "${ref}", which is not a resource, template or tag; Pacemaker ignores this constraint`);
      }
    }
  }
  for (const t of config.tags) {
    for (const ref of t.refs) {
      if (!ctx.byId.has(ref)) ctx.warn('QUORATE_WARN_UNKNOWN_REF', `tag[id=${t.id}]`, `obj_ref "${ref}" names nothing in the configuration`);
    }
  }
  for (const l of config.fencingTopology) {
    for (const d of l.devices) {
      if (!seen.has(d)) ctx.warn('QUORATE_WARN_UNKNOWN_REF', `fencing-level[id=${l.id}]`, `device "${d}" is not a resource`);
    }
  }
}

/** Parses a standalone resource element (`<primitive>`, `<group>`, `<clone>`, `<master>`, `<bundle>`). */
export function parseResourceXml(xml: string): Result<Resource, CibError> {
  const tree = parseXml(xml);
  if (tree.err) return tree;
  const ctx = new ParseContext();
  ctx.index(tree.val, '');
  const r = buildResource(ctx, tree.val, childPathOfRoot(tree.val));
  if (r === undefined) return Err(cibError('QUORATE_ERR_BAD_CIB', `/${tree.val.tag}`, `<${tree.val.tag}> is not a resource`));
  if (ctx.errors.length > 0) return Err(ctx.errors[0]!);
  if (r.kind === 'primitive' && r.template !== undefined) {
    return Err(cibError('QUORATE_ERR_DANGLING_REF', `primitive[id=${r.id}]`, `template "${r.template}" cannot be resolved outside a CIB`));
  }
  return Ok(r);
}

/** Parses a standalone constraint element (`<rsc_location>`, `<rsc_colocation>`, `<rsc_order>`, `<rsc_ticket>`). */
export function parseConstraintXml(xml: string): Result<Constraint, CibError> {
  const tree = parseXml(xml);
  if (tree.err) return tree;
  const ctx = new ParseContext();
  ctx.index(tree.val, '');
  const c = buildConstraint(ctx, tree.val, childPathOfRoot(tree.val));
  if (c === undefined) return Err(cibError('QUORATE_ERR_BAD_CIB', `/${tree.val.tag}`, `<${tree.val.tag}> is not a constraint`));
  if (ctx.errors.length > 0) return Err(ctx.errors[0]!);
  return Ok(c);
}

function childPathOfRoot(node: XmlNode): string {
  const id = node.attrs['id'];
  return id !== undefined && id !== '' ? `${node.tag}[id=${id}]` : `/${node.tag}`;
}
