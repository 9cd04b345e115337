/**
 * The fast path of {@link parseXml}: one linear pass over the text that checks
 * well-formedness and builds the {@link XmlNode} tree at once.
 *
 * It accepts only a conservative subset of XML — ASCII names, quoted attribute
 * values without `<`, comments, an XML declaration at the very start, text in leaf
 * elements — and gives up (returns `undefined`) on anything else, including every
 * error and every limit. The caller then runs the full validating parser on the same
 * text, so errors, their codes, paths and messages come from one place only. For the
 * documents it accepts it builds exactly the tree the validating parser builds.
 * @module
 */
import { decodeEntities, type XmlLimits } from './parseXml.js';
import type { XmlNode } from './types.js';

/** One open element while parsing. */
interface Frame {
  readonly node: XmlNode;
  readonly children: XmlNode[];
  /** Raw text of the element, if it is a leaf so far with one text run. */
  text: string;
  /** Non-whitespace text was seen. */
  hasText: boolean;
  /** A child element or a comment was seen (text would then be split: left to the full parser). */
  split: boolean;
}

const LT = 60, GT = 62, SLASH = 47, BANG = 33, QMARK = 63, EQ = 61, AMP = 38, DQ = 34, SQ = 39;

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 58;
}

/** Names the generic parser treats specially (prototype pollution guards): left to it. */
const RESERVED = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

function reservedName(name: string): boolean {
  return RESERVED.has(name);
}

/** The XML declaration, accepted only at the very start. */
const DECLARATION = /^<\?xml(?:\s+[A-Za-z]+\s*=\s*(?:"[^"<>?]*"|'[^'<>?]*'))*\s*\?>/;
/** An entity or character reference every checker agrees on (the validator wants a lowercase `x`). */
const REFERENCE = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/y;

/** Is every `&` in `s` a plain reference? */
function plainReferences(s: string): boolean {
  for (let k = s.indexOf('&'); k >= 0; k = s.indexOf('&', k + 1)) {
    REFERENCE.lastIndex = k;
    if (!REFERENCE.test(s)) return false;
  }
  return true;
}

function allWhitespace(t: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isWs(t.charCodeAt(k))) return false;
  return true;
}

/** The end of the name starting at `i` (i itself when there is none). */
function nameEnd(t: string, i: number): number {
  if (!isNameStart(t.charCodeAt(i))) return i;
  let j = i + 1;
  while (isNameChar(t.charCodeAt(j))) j++;
  return j;
}

/**
 * Parses `src` (BOM already removed) in one pass; `undefined` when the text is
 * outside the accepted subset, is not well-formed, or exceeds a limit.
 */
export function parseXmlFast(src: string, limits: XmlLimits): XmlNode | undefined {
  // The generic parser turns CR and CRLF into LF before anything else.
  const t = src.includes('\r') ? src.replace(/\r\n?/g, '\n') : src;
  const n = t.length;
  let i = 0;
  if (t.startsWith('<?', 0)) {
    const m = DECLARATION.exec(t);
    if (m === null) return undefined;
    i = m[0].length;
  }
  const stack: Frame[] = [];
  let root: XmlNode | undefined;
  let elements = 0;
  while (i < n) {
    const lt = t.indexOf('<', i);
    const end = lt < 0 ? n : lt;
    if (end > i) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (!allWhitespace(t, i, end)) return undefined;
      } else if (!allWhitespace(t, i, end)) {
        if (top.split || top.hasText) return undefined;
        top.hasText = true;
        top.text = t.slice(i, end);
      } else if (!top.hasText && !top.split) {
        top.text = t.slice(i, end);
      }
    }
    if (lt < 0) break;
    i = lt;
    const c1 = t.charCodeAt(i + 1);
    if (c1 === BANG) {
      if (!t.startsWith('<!--', i)) return undefined; // CDATA, DOCTYPE: the full parser
      const e = t.indexOf('-->', i + 4);
      if (e < 0) return undefined;
      const top = stack[stack.length - 1];
      if (top !== undefined) {
        if (top.hasText) return undefined;
        top.split = true;
      }
      i = e + 3;
      continue;
    }
    if (c1 === QMARK) return undefined;
    if (c1 === SLASH) {
      const ne = nameEnd(t, i + 2);
      let j = ne;
      while (isWs(t.charCodeAt(j))) j++;
      if (ne === i + 2 || t.charCodeAt(j) !== GT) return undefined;
      const f = stack.pop();
      if (f === undefined || f.node.tag.length !== ne - i - 2 || !t.startsWith(f.node.tag, i + 2)) return undefined;
      if (!close(f, limits)) return undefined;
      i = j + 1;
      continue;
    }
    // A start tag.
    if (root !== undefined && stack.length === 0) return undefined; // a second root
    const ns = i + 1;
    const ne = nameEnd(t, ns);
    if (ne === ns) return undefined;
    const tag = t.slice(ns, ne);
    if (reservedName(tag)) return undefined;
    const attrs: Record<string, string> = {};
    let j = ne;
    let selfClosing = false;
    for (;;) {
      const c = t.charCodeAt(j);
      if (c === GT) { j++; break; }
      if (c === SLASH) {
        if (t.charCodeAt(j + 1) !== GT) return undefined;
        selfClosing = true;
        j += 2;
        break;
      }
      if (!isWs(c)) return undefined; // attributes need a space before them; also end of text
      while (isWs(t.charCodeAt(j))) j++;
      const an = t.charCodeAt(j);
      if (an === GT || an === SLASH) continue;
      const ae = nameEnd(t, j);
      if (ae === j) return undefined;
      const name = t.slice(j, ae);
      j = ae;
      while (isWs(t.charCodeAt(j))) j++;
      if (t.charCodeAt(j) !== EQ) return undefined;
      j++;
      while (isWs(t.charCodeAt(j))) j++;
      const q = t.charCodeAt(j);
      if (q !== DQ && q !== SQ) return undefined;
      const vs = j + 1;
      const ve = t.indexOf(q === DQ ? '"' : "'", vs);
      if (ve < 0) return undefined;
      const nextLt = t.indexOf('<', vs);
      if (nextLt >= 0 && nextLt < ve) return undefined;
      if (ve - vs > limits.maxAttrChars) return undefined;
      if (reservedName(name) || Object.prototype.hasOwnProperty.call(attrs, name)) return undefined;
      let v = t.slice(vs, ve);
      if (v.includes('&')) {
        const d = decodeEntities(v);
        if (d.err) return undefined;
        v = d.val;
      }
      attrs[name] = v;
      j = ve + 1;
    }
    if (++elements > limits.maxElements) return undefined;
    if (stack.length + 1 > limits.maxDepth) return undefined;
    const children: XmlNode[] = [];
    const node: XmlNode = { tag, attrs, children };
    const parent = stack[stack.length - 1];
    if (parent !== undefined) {
      if (parent.hasText) return undefined;
      parent.split = true;
    }
    if (selfClosing) {
      if (parent === undefined) root = node;
      else parent.children.push(node);
    } else {
      const f: Frame = { node, children, text: '', hasText: false, split: false };
      stack.push(f);
      if (parent === undefined) root = node;
      else parent.children.push(node);
    }
    i = j;
  }
  if (stack.length > 0 || root === undefined) return undefined;
  return root;
}

/** Finishes an element: its text, decoded and trimmed, as the generic parser gives it. */
function close(f: Frame, limits: XmlLimits): boolean {
  if (!f.hasText) return true;
  const raw = f.text;
  if (raw.length > limits.maxAttrChars) return false;
  if (raw.includes('&')) {
    if (!plainReferences(raw)) return false;
    const d = decodeEntities(raw);
    if (d.err) return false;
    (f.node as { text?: string }).text = d.val.trim();
  } else {
    (f.node as { text?: string }).text = raw.trim();
  }
  return true;
}
