/**
 * Generic {@link XmlNode} tree → XML text, through fast-xml-parser's XMLBuilder.
 *
 * Values are escaped here (not by the builder) so that newlines and tabs in attribute
 * values survive a round trip: a parser normalises raw ones in attributes to spaces.
 * @module
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { XmlNode } from './types.js';

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  processEntities: false,
  suppressBooleanAttributes: false,
});

/** Escapes an attribute value (quotes, markup and whitespace that a parser would normalise). */
export function escapeAttr(s: string): string {
  return s.replace(/[&<>"\n\r\t]/g, c => ATTR_ESC[c]!);
}

/** Escapes text content. */
export function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, c => ATTR_ESC[c]!);
}

const ATTR_ESC: Readonly<Record<string, string>> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\n': '&#10;', '\r': '&#13;', '\t': '&#9;',
};

type Ordered = Record<string, unknown>;

function toOrdered(node: XmlNode): Ordered {
  const body: Ordered[] = [];
  if (node.text !== undefined && node.text !== '') body.push({ '#text': escapeText(node.text) });
  for (const c of node.children) body.push(toOrdered(c));
  const out: Ordered = { [node.tag]: body };
  const attrs = Object.entries(node.attrs);
  if (attrs.length > 0) {
    const a: Record<string, string> = {};
    for (const [k, v] of attrs) a[k] = escapeAttr(v);
    out[':@'] = a;
  }
  return out;
}

/** Writes an element tree as indented XML text (no XML declaration). */
export function xmlNodeToString(root: XmlNode): string {
  const text = builder.build([toOrdered(root)]) as string;
  return text.replace(/^\n+/, '');
}
