/**
 * Well-formed XML text → generic {@link XmlNode} tree, with limits against hostile input.
 *
 * fast-xml-parser does the tokenising; this module checks well-formedness first (for
 * line numbers), refuses DOCTYPEs (no entity expansion tricks), decodes character
 * references itself, and never lets a library exception escape.
 * @module
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Ok, Err, type Result } from '../util/result.js';
import { cibError, type CibError } from './errors.js';
import type { XmlNode } from './types.js';

/** Limits applied before and while parsing. */
export interface XmlLimits {
  /** Maximum input length in characters. */
  readonly maxDocumentChars: number;
  /** Maximum length of one attribute value or text node. */
  readonly maxAttrChars: number;
  /** Maximum element nesting depth. */
  readonly maxDepth: number;
  /** Maximum number of elements. */
  readonly maxElements: number;
}

/** Defaults: generous for real clusters (a large CIB is a few MB), small enough to be safe. */
export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxDocumentChars: 64 * 1024 * 1024,
  maxAttrChars: 1024 * 1024,
  maxDepth: 64,
  maxElements: 2_000_000,
};

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  // Entities are decoded below, so no library entity handling can surprise us.
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
});

type Ordered = Record<string, unknown>;

/**
 * Parses XML text into an {@link XmlNode} tree rooted at the document element.
 * Returns `QUORATE_ERR_NOT_XML` for anything not well-formed and
 * `QUORATE_ERR_TOO_LARGE` when a limit is exceeded.
 */
export function parseXml(xml: string, limits: XmlLimits = DEFAULT_XML_LIMITS): Result<XmlNode, CibError> {
  if (typeof xml !== 'string') return Err(cibError('QUORATE_ERR_NOT_XML', '', 'input is not a string'));
  if (xml.length > limits.maxDocumentChars) {
    return Err(cibError('QUORATE_ERR_TOO_LARGE', '', `document is ${xml.length} characters, more than the limit of ${limits.maxDocumentChars}`));
  }
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  if (text.trim() === '') return Err(cibError('QUORATE_ERR_NOT_XML', '', 'document is empty'));
  if (/<!DOCTYPE/i.test(text)) {
    return Err(cibError('QUORATE_ERR_NOT_XML', '', 'DOCTYPE declarations are not allowed in a CIB'));
  }
  const depth = maxNesting(text);
  if (depth > limits.maxDepth) {
    return Err(cibError('QUORATE_ERR_TOO_LARGE', '', `elements nest ${depth} deep, more than the limit of ${limits.maxDepth}`));
  }
  let ordered: Ordered[];
  try {
    const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
    if (valid !== true) {
      const { msg, line } = valid.err;
      return Err(cibError('QUORATE_ERR_NOT_XML', '', `not well-formed XML at line ${line}: ${msg}`, line));
    }
    ordered = parser.parse(text) as Ordered[];
  } catch (e) {
    return Err(cibError('QUORATE_ERR_NOT_XML', '', `not well-formed XML: ${e instanceof Error ? e.message : String(e)}`));
  }
  const roots: XmlNode[] = [];
  const count = { elements: 0 };
  for (const item of ordered) {
    const r = convert(item, limits, count, '');
    if (r === undefined) continue;
    if (r.err) return r;
    roots.push(r.val);
  }
  if (roots.length !== 1) {
    return Err(cibError('QUORATE_ERR_NOT_XML', '', roots.length === 0 ? 'no document element' : 'more than one document element'));
  }
  return Ok(roots[0]!);
}

/** Converts one preserveOrder item; undefined for non-element items (text, comments). */
function convert(item: Ordered, limits: XmlLimits, count: { elements: number }, parentPath: string): Result<XmlNode, CibError> | undefined {
  const tag = Object.keys(item).find(k => k !== ':@');
  if (tag === undefined || tag === '#text' || tag.startsWith('?') || tag.startsWith('!')) return undefined;
  count.elements++;
  if (count.elements > limits.maxElements) {
    return Err(cibError('QUORATE_ERR_TOO_LARGE', '', `more than ${limits.maxElements} elements`));
  }
  const path = `${parentPath}/${tag}`;
  const rawAttrs = (item[':@'] ?? {}) as Record<string, unknown>;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    const s = typeof v === 'string' ? v : String(v);
    if (s.length > limits.maxAttrChars) {
      return Err(cibError('QUORATE_ERR_TOO_LARGE', attrPath(path, rawAttrs), `attribute ${k} is ${s.length} characters, more than the limit of ${limits.maxAttrChars}`));
    }
    const d = decodeEntities(s);
    if (d.err) return Err(cibError('QUORATE_ERR_NOT_XML', attrPath(path, rawAttrs), `attribute ${k}: ${d.val}`));
    attrs[k] = d.val;
  }
  const children: XmlNode[] = [];
  let textParts = '';
  const body = item[tag];
  if (Array.isArray(body)) {
    for (const child of body as Ordered[]) {
      if (Object.prototype.hasOwnProperty.call(child, '#text')) {
        textParts += String(child['#text']);
        continue;
      }
      const c = convert(child, limits, count, path);
      if (c === undefined) continue;
      if (c.err) return c;
      children.push(c.val);
    }
  }
  const node: XmlNode = { tag, attrs, children };
  if (textParts.trim() !== '') {
    if (textParts.length > limits.maxAttrChars) {
      return Err(cibError('QUORATE_ERR_TOO_LARGE', path, `text is ${textParts.length} characters, more than the limit of ${limits.maxAttrChars}`));
    }
    const d = decodeEntities(textParts);
    if (d.err) return Err(cibError('QUORATE_ERR_NOT_XML', path, d.val));
    // No CIB element has significant surrounding whitespace; trimming keeps the
    // text stable when the serialiser re-indents.
    return Ok({ ...node, text: d.val.trim() });
  }
  return Ok(node);
}

/** Names an element by id when it has one (the converted path is positional only). */
function attrPath(path: string, raw: Record<string, unknown>): string {
  const id = raw['id'];
  if (typeof id === 'string' && id.length <= 200) {
    const tag = path.slice(path.lastIndexOf('/') + 1);
    return `${tag}[id=${id}]`;
  }
  return path;
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five predefined entities and numeric character references. */
export function decodeEntities(s: string): Result<string, string> {
  if (!s.includes('&')) return Ok(s);
  let bad: string | undefined;
  const out = s.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);?/g, (m, name: string) => {
    if (!m.endsWith(';')) { bad ??= `"&${name}" is missing its ';'`; return m; }
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!Number.isFinite(code) || code > 0x10ffff || code === 0 || (code >= 0xd800 && code <= 0xdfff)) {
        bad ??= `invalid character reference "${m}"`;
        return m;
      }
      return String.fromCodePoint(code);
    }
    const v = NAMED[name];
    if (v === undefined) { bad ??= `undefined entity "${m}"`; return m; }
    return v;
  });
  return bad === undefined ? Ok(out) : Err(bad);
}

/**
 * Maximum element nesting, by a linear scan of tags (quoted attribute values and
 * comments/CDATA are skipped). Done before parsing so that a deeply nested document
 * cannot exhaust the stack of a recursive parser.
 */
export function maxNesting(text: string): number {
  let depth = 0;
  let max = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) { const e = text.indexOf('-->', lt + 4); i = e < 0 ? n : e + 3; continue; }
    if (text.startsWith('<![CDATA[', lt)) { const e = text.indexOf(']]>', lt + 9); i = e < 0 ? n : e + 3; continue; }
    if (text[lt + 1] === '?' || text[lt + 1] === '!') { const e = text.indexOf('>', lt + 1); i = e < 0 ? n : e + 1; continue; }
    const closing = text[lt + 1] === '/';
    // Find the end of the tag, skipping quoted attribute values.
    let j = lt + 1;
    let quote = '';
    for (; j < n; j++) {
      const c = text[j]!;
      if (quote !== '') { if (c === quote) quote = ''; }
      else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
    }
    if (closing) depth--;
    else if (text[j - 1] !== '/') { depth++; if (depth > max) max = depth; }
    i = j + 1;
  }
  return max;
}
