/**
 * Parses an agent's `meta-data` XML (OCF resource agents and fence agents share
 * the `<resource-agent>` format).
 * @module
 */
import { XMLParser } from 'fast-xml-parser';
import { Ok, Err, type Result } from '../util/result.js';

/** One `<action>` the agent advertises. */
export interface AgentActionMeta {
  readonly name: string;
  /** Default timeout in ms, when given. */
  readonly timeoutMs?: number;
  /** Default interval in ms, when given. */
  readonly intervalMs?: number;
  readonly depth?: number;
  readonly role?: string;
}

/** One `<parameter>`. */
export interface AgentParameterMeta {
  readonly name: string;
  readonly type: string;
  readonly default?: string;
  readonly required: boolean;
  readonly unique: boolean;
  readonly reloadable: boolean;
  readonly deprecated: boolean;
  readonly shortdesc?: string;
}

/** The parsed self-description of an agent. */
export interface AgentMetadata {
  readonly name: string;
  readonly version?: string;
  readonly shortdesc?: string;
  readonly longdesc?: string;
  readonly parameters: readonly AgentParameterMeta[];
  readonly actions: readonly AgentActionMeta[];
}

/** The meta-data was not the XML we expect. */
export interface MetadataError {
  readonly code: 'QUORATE_ERR_BAD_METADATA';
  readonly message: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: name => name === 'parameter' || name === 'action',
  textNodeName: '#text',
  trimValues: true,
});

/**
 * Parses an interval/timeout as Pacemaker writes them: plain numbers are seconds;
 * units ms, s, m/min, h are accepted ("20s", "500ms", "1m").
 */
export function parseDurationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|msec|s|sec|m|min|h|hr)?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  switch ((m[2] ?? 's').toLowerCase()) {
    case 'ms': case 'msec': return n;
    case 's': case 'sec': return n * 1000;
    case 'm': case 'min': return n * 60_000;
    default: return n * 3_600_000;
  }
}

type Node = Record<string, unknown>;

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return text(v[0]);
  const t = (v as Node)['#text'];
  return t === undefined ? undefined : String(t);
}

function flag(v: unknown): boolean {
  return v === '1' || v === 'true' || v === 'yes' || v === 1 || v === true;
}

/** Parses `<resource-agent>` XML into {@link AgentMetadata}. */
export function parseAgentMetadata(xml: string): Result<AgentMetadata, MetadataError> {
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    return Err({ code: 'QUORATE_ERR_BAD_METADATA', message: `meta-data is not well-formed XML: ${(e as Error).message}` });
  }
  const ra = doc['resource-agent'] as Node | undefined;
  if (!ra || typeof ra !== 'object') {
    return Err({ code: 'QUORATE_ERR_BAD_METADATA', message: 'meta-data has no <resource-agent> element' });
  }
  const params = ((ra['parameters'] as Node | undefined)?.['parameter'] as Node[] | undefined) ?? [];
  const actions = ((ra['actions'] as Node | undefined)?.['action'] as Node[] | undefined) ?? [];
  const parameters: AgentParameterMeta[] = [];
  for (const p of params) {
    const name = text(p['name']);
    if (!name) continue;
    const content = (p['content'] ?? {}) as Node;
    const def = text(content['default']);
    parameters.push({
      name,
      type: text(content['type']) ?? 'string',
      ...(def !== undefined && def !== '' ? { default: def } : {}),
      required: flag(p['required']),
      unique: flag(p['unique']) || flag(p['unique-group']),
      reloadable: flag(p['reloadable']),
      // fence agents use deprecated="1"; OCF 1.1 a <deprecated/> child element.
      deprecated: flag(p['deprecated']) || p['deprecated'] === '' || typeof p['deprecated'] === 'object',
      ...(text(p['shortdesc']) !== undefined ? { shortdesc: text(p['shortdesc'])! } : {}),
    });
  }
  const acts: AgentActionMeta[] = [];
  for (const a of actions) {
    const name = text(a['name']);
    if (!name) continue;
    const timeoutMs = parseDurationMs(text(a['timeout']));
    const intervalMs = parseDurationMs(text(a['interval']));
    const depth = text(a['depth']);
    const role = text(a['role']);
    acts.push({
      name,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(intervalMs !== undefined ? { intervalMs } : {}),
      ...(depth !== undefined && depth !== '' ? { depth: Number(depth) } : {}),
      ...(role !== undefined ? { role } : {}),
    });
  }
  const name = text(ra['name']) ?? '';
  const version = text(ra['version']);
  const shortdesc = text(ra['shortdesc']);
  const longdesc = text(ra['longdesc']);
  return Ok({
    name,
    ...(version !== undefined ? { version } : {}),
    ...(shortdesc !== undefined ? { shortdesc } : {}),
    ...(longdesc !== undefined ? { longdesc } : {}),
    parameters,
    actions: acts,
  });
}
