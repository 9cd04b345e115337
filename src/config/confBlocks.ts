/**
 * The block syntax of corosync.conf: `name {` opens a section, `}` closes
 * it, `key: value` sets an option, lines starting with `#` are comments.
 * Pure; every entry keeps its 1-based line number for error messages.
 * @module
 */
import { Ok, Err, type Result } from '../util/result.js';
import { corosyncConfigError, type CorosyncConfigError } from './errors.js';

/** An option or a nested section. */
export type ConfEntry =
  | { readonly kind: 'kv'; readonly key: string; readonly value: string; readonly line: number }
  | ConfBlock;

/** A section: `name { … }` (the file itself is an unnamed block at line 0). */
export interface ConfBlock {
  readonly kind: 'section';
  readonly name: string;
  readonly line: number;
  readonly entries: ConfEntry[];
}

/** Splits corosync.conf text into nested blocks. */
export function parseBlocks(text: string): Result<ConfBlock, CorosyncConfigError> {
  const root: ConfBlock = { kind: 'section', name: '', line: 0, entries: [] };
  const stack: ConfBlock[] = [root];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const top = stack[stack.length - 1]!;
    if (raw === '}') {
      if (stack.length === 1) return Err(corosyncConfigError(lineNo, "'}' closes no section"));
      stack.pop();
      continue;
    }
    const open = /^([A-Za-z_][A-Za-z0-9_.-]*)\s*\{$/.exec(raw);
    if (open) {
      const b: ConfBlock = { kind: 'section', name: open[1]!, line: lineNo, entries: [] };
      top.entries.push(b);
      stack.push(b);
      continue;
    }
    const kv = /^([A-Za-z_][A-Za-z0-9_.-]*)\s*:\s*(.*)$/.exec(raw);
    if (kv) {
      const value = kv[2]!.trim();
      if (value === '') return Err(corosyncConfigError(lineNo, `'${kv[1]}' has no value`));
      if (value.includes('{') || value.includes('}')) return Err(corosyncConfigError(lineNo, `a brace in the value of '${kv[1]}': put '{' and '}' on lines of their own`));
      top.entries.push({ kind: 'kv', key: kv[1]!, value, line: lineNo });
      continue;
    }
    return Err(corosyncConfigError(lineNo, `cannot read '${raw.length > 40 ? raw.slice(0, 40) + '…' : raw}': expected 'key: value', 'name {' or '}'`));
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1]!;
    return Err(corosyncConfigError(open.line, `section '${open.name}' is never closed (missing '}')`));
  }
  return Ok(root);
}
