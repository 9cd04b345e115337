/**
 * Shared state of one CIB parse: collected errors and warnings, the id index used
 * to resolve `id-ref`s, and small attribute helpers.
 *
 * Builders never throw: they record an error here and return a best-effort value;
 * the top level turns the first recorded error into the `Err` result.
 * @module
 */
import { cibError, cibWarning, type CibError, type CibErrorCode, type CibWarning, type CibWarningCode } from './errors.js';
import type { ExtraAttrs, Score, XmlNode } from './types.js';
import { parseInterval, parseScore } from './values.js';

/** An element located in the document, with its error path. */
export interface Located {
  readonly node: XmlNode;
  readonly path: string;
}

/** Elements whose `id` does not define an XML ID. */
const NOT_DEFINING = new Set(['resource_ref', 'obj_ref', 'node']);

/** Mutable state of one parse. */
export class ParseContext {
  readonly errors: CibError[] = [];
  readonly warnings: CibWarning[] = [];
  /** Every element with an id in `<configuration>`, first occurrence wins. */
  readonly byId = new Map<string, Located>();
  /** id-refs being resolved, to stop reference cycles. */
  readonly resolving = new Set<string>();

  error(code: CibErrorCode, path: string, why: string): void {
    this.errors.push(cibError(code, path, why));
  }

  warn(code: CibWarningCode, path: string, why: string): void {
    this.warnings.push(cibWarning(code, path, why));
  }

  /**
   * Indexes a subtree's ids (the configuration section) for id-ref lookups, and reports
   * ids defined twice: in the schema they are XML IDs, unique in the document.
   * `<resource_ref>`/`<obj_ref>` ids are references, and `<node>` ids are cluster node
   * ids (a remote node shares its id with its connection resource), so they are skipped.
   */
  index(node: XmlNode, path: string): void {
    const id = node.attrs['id'];
    if (id !== undefined && !NOT_DEFINING.has(node.tag)) {
      const first = this.byId.get(id);
      if (first === undefined) this.byId.set(id, { node, path });
      else this.error('QUORATE_ERR_DUPLICATE_ID', path, `id "${clip(id)}" is already used by <${first.node.tag}> (${first.path})`);
    }
    forEachChild(node, path, (c, p) => this.index(c, p));
  }

  /** The id attribute, or an error (and '') when it is missing or empty. */
  requireId(node: XmlNode, path: string): string {
    const id = node.attrs['id'];
    if (id === undefined || id.trim() === '') {
      this.error('QUORATE_ERR_MISSING_ID', path, `<${node.tag}> has no id`);
      return '';
    }
    return id;
  }

  /** A required attribute, or an error (and '') when missing. */
  requireAttr(node: XmlNode, path: string, name: string): string {
    const v = node.attrs[name];
    if (v === undefined) {
      this.error('QUORATE_ERR_BAD_CIB', path, `<${node.tag}> has no ${name} attribute`);
      return '';
    }
    return v;
  }

  /** An optional score attribute; a bad value records an error. */
  score(node: XmlNode, path: string, name = 'score'): Score | undefined {
    const v = node.attrs[name];
    if (v === undefined) return undefined;
    const r = parseScore(v);
    if (r.err) {
      this.error('QUORATE_ERR_BAD_VALUE', path, `${name}: ${r.val}`);
      return undefined;
    }
    return r.val;
  }

  /** Checks an optional time attribute (interval, timeout) and keeps it as written. */
  interval(node: XmlNode, path: string, name: string): string | undefined {
    const v = node.attrs[name];
    if (v === undefined) return undefined;
    const r = parseInterval(v);
    if (r.err) this.error('QUORATE_ERR_BAD_VALUE', path, `${name}: ${r.val}`);
    return v;
  }

  /**
   * Checks an optional time attribute Pacemaker falls back to a default for (timeout,
   * start-delay): a bad value is a warning. The value is kept as written either way.
   */
  tolerantInterval(node: XmlNode, path: string, name: string): string | undefined {
    const v = node.attrs[name];
    if (v === undefined) return undefined;
    const r = parseInterval(v);
    if (r.err) this.warn('QUORATE_WARN_IGNORED', path, `${name}: ${r.val}; Pacemaker uses the default`);
    return v;
  }

  /** An optional attribute restricted to some values; others record an error. */
  oneOf<T extends string>(node: XmlNode, path: string, name: string, allowed: readonly T[]): T | undefined {
    const v = node.attrs[name];
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) {
      this.error('QUORATE_ERR_BAD_VALUE', path, `${name}="${clip(v)}" is not one of ${allowed.join(', ')}`);
      return undefined;
    }
    return v as T;
  }

  /**
   * Like {@link oneOf} for attributes where Pacemaker logs a configuration error and
   * uses the default: a bad value becomes a warning, the typed field stays unset and
   * the value is kept verbatim in `extra` so that serialising preserves it.
   */
  tolerantOneOf<T extends string>(node: XmlNode, path: string, name: string, allowed: readonly T[]): T | undefined {
    const v = node.attrs[name];
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) {
      this.warn('QUORATE_WARN_IGNORED', path, `${name}="${clip(v)}" is not one of ${allowed.join(', ')}; Pacemaker uses the default`);
      keepRaw(node, name);
      return undefined;
    }
    return v as T;
  }

  /** An optional integer attribute; a non-integer records an error. */
  int(node: XmlNode, path: string, name: string): number | undefined {
    const v = node.attrs[name];
    if (v === undefined) return undefined;
    if (!/^\s*[+-]?\d+\s*$/.test(v) || !Number.isSafeInteger(Number(v))) {
      this.error('QUORATE_ERR_BAD_VALUE', path, `${name}="${clip(v)}" is not an integer`);
      return undefined;
    }
    return Number(v);
  }
}

/** Section elements that occur once in their parent: their paths carry no position. */
const SECTIONS = new Set([
  'configuration', 'status', 'crm_config', 'nodes', 'resources', 'constraints', 'rsc_defaults', 'op_defaults',
  'fencing-topology', 'tags', 'acls', 'alerts', 'lrm', 'lrm_resources', 'transient_attributes', 'tickets', 'operations',
]);

/**
 * Error path of an element: `tag[id=X]` when it has an id, else parent path + `/tag[n]`
 * (`/tag` for a section element that is alone of its kind).
 */
export function childPath(node: XmlNode, parentPath: string, nth: number, alone = false): string {
  const id = node.attrs['id'];
  if (id !== undefined && id !== '') return `${node.tag}[id=${clip(id, 200)}]`;
  if (alone && SECTIONS.has(node.tag)) return `${parentPath}/${node.tag}`;
  return `${parentPath}/${node.tag}[${nth}]`;
}

/** Calls `fn` for each child element with its error path (positions count same-tag siblings). */
export function forEachChild(node: XmlNode, path: string, fn: (child: XmlNode, path: string) => void): void {
  const total = new Map<string, number>();
  for (const c of node.children) total.set(c.tag, (total.get(c.tag) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const c of node.children) {
    const n = (seen.get(c.tag) ?? 0) + 1;
    seen.set(c.tag, n);
    fn(c, childPath(c, path, n, total.get(c.tag) === 1));
  }
}

/** Attributes whose bad value was tolerated and must stay verbatim in `extra`. */
const rawKept = new WeakMap<XmlNode, Set<string>>();

function keepRaw(node: XmlNode, name: string): void {
  let set = rawKept.get(node);
  if (set === undefined) rawKept.set(node, (set = new Set()));
  set.add(name);
}

/**
 * Attributes not in `known` (plus known ones whose bad value was tolerated), or
 * undefined when there are none. Call it after the typed fields were read.
 */
export function extraAttrs(node: XmlNode, known: readonly string[] | ReadonlySet<string>): ExtraAttrs | undefined {
  let out: Record<string, string> | undefined;
  const kept = rawKept.get(node);
  const isKnown = known instanceof Set ? (k: string): boolean => known.has(k) : (k: string): boolean => (known as readonly string[]).includes(k);
  for (const [k, v] of Object.entries(node.attrs)) {
    if (isKnown(k) && !kept?.has(k)) continue;
    (out ??= {})[k] = v;
  }
  return out;
}

/** Copies an object without its undefined-valued keys (so models compare deep-equal). */
export function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

/**
 * Parses an optional boolean attribute (crm_is_true words). Pacemaker uses the default
 * for anything else with a configuration error, so a bad value is a warning (kept in `extra`).
 */
export function boolAttr(ctx: ParseContext, node: XmlNode, path: string, name: string): boolean | undefined {
  const v = node.attrs[name];
  if (v === undefined) return undefined;
  const t = v.trim().toLowerCase();
  if (['true', 'on', 'yes', 'y', '1'].includes(t)) return true;
  if (['false', 'off', 'no', 'n', '0'].includes(t)) return false;
  ctx.warn('QUORATE_WARN_IGNORED', path, `${name}="${clip(v)}" is not a boolean; Pacemaker uses the default`);
  keepRaw(node, name);
  return undefined;
}

/** Shortens a value for a message. */
export function clip(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
