/**
 * corosync.conf(5), the subset quorate runs on: `totem` (with `interface`),
 * `nodelist`, `quorum` and `logging` (accepted and ignored). Pure: text in,
 * a typed {@link CorosyncConfig} or an error naming the line and why out.
 *
 * quorate's extension: each `nodelist.node` may carry `ring0_port: N`, the
 * port that node's transport listens on (so several nodes can share one
 * host, as tests on 127.0.0.1 do). Without it a node uses the `mcastport` of
 * interface 0 (default 5405), as corosync does.
 * @module
 */
import { Ok, Err, type Result } from '../util/result.js';
import { corosyncConfigError, type CorosyncConfigError } from './errors.js';
import type { TieBreakerNode } from '../quorum/votequorum.js';
export { corosyncConfigError, type CorosyncConfigError } from './errors.js';
import { parseBlocks, type ConfBlock, type ConfEntry } from './confBlocks.js';

/** totem.transport. `knet` and `tcp` run Totem over TCP; `udp` (multicast) and `udpu` (unicast) the UDP heartbeat. */
export type CorosyncTransport = 'knet' | 'udp' | 'udpu' | 'tcp';

/** One `totem.interface` block. */
export interface CorosyncInterface {
  /** linknumber (or the older ringnumber). */
  readonly linkNumber: number;
  readonly mcastAddr?: string;
  readonly mcastPort?: number;
  readonly bindNetAddr?: string;
  readonly ttl?: number;
}

/** One `nodelist.node`. */
export interface CorosyncNode {
  readonly name: string;
  readonly nodeId: number;
  /** ring0_addr: the address its transport listens on. */
  readonly addr: string;
  /** ring0_port (quorate) or interface 0's mcastport or 5405. */
  readonly port: number;
  /** quorum_votes (default 1). */
  readonly votes: number;
}

/** Totem timers as written in the file (ms); absent ones take corosync's defaults later. */
export interface CorosyncTotemTimers {
  readonly tokenMs?: number;
  readonly tokenCoefficientMs?: number;
  readonly consensusMs?: number;
  readonly joinMs?: number;
  readonly mergeMs?: number;
  readonly holdMs?: number;
  readonly tokenRetransmitsBeforeLoss?: number;
  readonly failRecvConst?: number;
  readonly maxMessages?: number;
  readonly windowSize?: number;
}

/** The `quorum` section. */
export interface CorosyncQuorum {
  /** `corosync_votequorum`, or undefined when the section names no provider (no quorum: always quorate). */
  readonly provider?: 'corosync_votequorum';
  readonly expectedVotes?: number;
  readonly twoNode?: boolean;
  readonly waitForAll?: boolean;
  readonly lastManStanding?: boolean;
  readonly lastManStandingWindowMs?: number;
  readonly autoTieBreaker?: boolean;
  readonly autoTieBreakerNode?: TieBreakerNode;
}

/** A parsed corosync.conf. */
export interface CorosyncConfig {
  readonly clusterName: string;
  readonly transport: CorosyncTransport;
  readonly timers: CorosyncTotemTimers;
  readonly cryptoHash: string;
  readonly cryptoCipher: string;
  /** Frames are authenticated with the cluster key (crypto_hash is not `none`). */
  readonly auth: boolean;
  /** Frame bodies are encrypted (crypto_cipher is not `none`). */
  readonly encrypt: boolean;
  /** totem.keyfile, when given. */
  readonly keyFile?: string;
  /** The line that makes a key file necessary or names it (keyfile, else crypto_hash/secauth), for error messages. */
  readonly keyLine?: number;
  readonly interfaces: readonly CorosyncInterface[];
  readonly nodes: readonly CorosyncNode[];
  readonly quorum: CorosyncQuorum;
}

const HASHES = new Set(['none', 'md5', 'sha1', 'sha256', 'sha384', 'sha512']);
const CIPHERS = new Set(['none', 'aes256', 'aes192', 'aes128']);
const TRANSPORTS = new Set<CorosyncTransport>(['knet', 'udp', 'udpu', 'tcp']);
/** totem keys quorate accepts but has no use for (knet tuning, MTU, versions). */
const TOTEM_IGNORED = new Set([
  'version', 'ip_version', 'rrp_mode', 'netmtu', 'link_mode', 'secauth', 'threads', 'send_join', 'downcheck',
  'miss_count_const', 'seqno_unchanged_const', 'heartbeat_failures_allowed', 'max_network_delay', 'token_warning',
  'clear_node_high_bit', 'knet_pmtud_interval', 'knet_compression_model', 'knet_compression_threshold',
  'knet_compression_level', 'knet_mtu', 'block_unlisted_ips', 'cancel_token_hold_on_retransmit', 'nodeid',
  'token_retransmit', 'interface_name',
]);
const TIMER_KEYS: Readonly<Record<string, keyof CorosyncTotemTimers>> = {
  token: 'tokenMs', token_coefficient: 'tokenCoefficientMs', consensus: 'consensusMs', join: 'joinMs',
  merge: 'mergeMs', hold: 'holdMs', token_retransmits_before_loss_const: 'tokenRetransmitsBeforeLoss',
  fail_recv_const: 'failRecvConst', max_messages: 'maxMessages', window_size: 'windowSize',
};
const INTERFACE_IGNORED = new Set(['broadcast', 'knet_link_priority', 'knet_ping_interval', 'knet_ping_timeout',
  'knet_ping_precision', 'knet_pong_count', 'knet_transport']);
const DEFAULT_PORT = 5405;

type R<T> = Result<T, CorosyncConfigError>;

/** Parses corosync.conf text. */
export function parseCorosyncConf(text: string): R<CorosyncConfig> {
  const blocks = parseBlocks(text);
  if (blocks.err) return blocks;
  const top = blocks.val;
  let totem: ConfBlock | undefined;
  let nodelist: ConfBlock | undefined;
  let quorum: ConfBlock | undefined;
  for (const e of top.entries) {
    if (e.kind === 'kv') return Err(corosyncConfigError(e.line, `'${e.key}' must be inside a section (totem, nodelist, quorum, logging)`));
    switch (e.name) {
      case 'totem': if (totem) return dup(e); totem = e; break;
      case 'nodelist': if (nodelist) return dup(e); nodelist = e; break;
      case 'quorum': if (quorum) return dup(e); quorum = e; break;
      case 'logging': case 'system': case 'resources': case 'nozzle': case 'qb': break;
      default: return Err(corosyncConfigError(e.line, `unknown section '${e.name}'`));
    }
  }
  if (!totem) return Err(corosyncConfigError(0, 'no totem section'));
  if (!nodelist) return Err(corosyncConfigError(0, 'no nodelist section: quorate needs every node listed (nodelist { node { … } })'));
  const t = parseTotem(totem);
  if (t.err) return t;
  const nodes = parseNodelist(nodelist, t.val.interfaces);
  if (nodes.err) return nodes;
  const q = quorum ? parseQuorum(quorum, nodes.val) : Ok<CorosyncQuorum>({});
  if (q.err) return q;
  return Ok({ ...t.val, nodes: nodes.val, quorum: q.val });
}

function dup(b: ConfBlock): R<never> {
  return Err(corosyncConfigError(b.line, `section '${b.name}' appears twice`));
}

type TotemPart = Omit<CorosyncConfig, 'nodes' | 'quorum'>;

function parseTotem(b: ConfBlock): R<TotemPart> {
  let clusterName: string | undefined;
  let transport: CorosyncTransport = 'knet';
  const timers: Record<string, number> = {};
  let cryptoHash: string | undefined;
  let cryptoCipher: string | undefined;
  let secauth: boolean | undefined;
  let keyFile: string | undefined;
  let keyFileLine: number | undefined;
  let authLine: number | undefined;
  const interfaces: CorosyncInterface[] = [];
  for (const e of b.entries) {
    if (e.kind === 'section') {
      if (e.name !== 'interface') return Err(corosyncConfigError(e.line, `unknown section 'totem.${e.name}'`));
      const i = parseInterface(e);
      if (i.err) return i;
      if (interfaces.some(x => x.linkNumber === i.val.linkNumber)) return Err(corosyncConfigError(e.line, `a second interface for link ${i.val.linkNumber}`));
      interfaces.push(i.val);
      continue;
    }
    const timerKey = TIMER_KEYS[e.key];
    if (timerKey) {
      const n = nonNegInt(e);
      if (n.err) return n;
      timers[timerKey] = n.val;
      continue;
    }
    switch (e.key) {
      case 'cluster_name':
        if (!/^[A-Za-z0-9_.-]{1,64}$/.test(e.value)) return Err(corosyncConfigError(e.line, `cluster_name '${e.value}' must be 1–64 letters, digits, '.', '_' or '-'`));
        clusterName = e.value;
        break;
      case 'transport':
        if (!TRANSPORTS.has(e.value as CorosyncTransport)) return Err(corosyncConfigError(e.line, `transport '${e.value}' is not one of knet, udp, udpu, tcp`));
        transport = e.value as CorosyncTransport;
        break;
      case 'crypto_hash':
        if (!HASHES.has(e.value)) return Err(corosyncConfigError(e.line, `crypto_hash '${e.value}' is not one of ${[...HASHES].join(', ')}`));
        cryptoHash = e.value;
        authLine = e.line;
        break;
      case 'crypto_cipher':
        if (!CIPHERS.has(e.value)) return Err(corosyncConfigError(e.line, `crypto_cipher '${e.value}' is not one of ${[...CIPHERS].join(', ')}`));
        cryptoCipher = e.value;
        break;
      case 'keyfile':
        if (!e.value.startsWith('/')) return Err(corosyncConfigError(e.line, `keyfile '${e.value}' must be an absolute path`));
        keyFile = e.value;
        keyFileLine = e.line;
        break;
      default:
        if (!TOTEM_IGNORED.has(e.key)) return Err(corosyncConfigError(e.line, `unknown totem option '${e.key}'`));
        if (e.key === 'secauth') {
          const v = bool(e);
          if (v.err) return v;
          secauth = v.val;
          authLine ??= e.line;
        }
    }
  }
  if (clusterName === undefined) return Err(corosyncConfigError(b.line, 'totem has no cluster_name'));
  // corosync 3: both default to none; secauth (deprecated) stands for sha256 + aes256.
  const hash = cryptoHash ?? (secauth === true ? 'sha256' : 'none');
  const cipher = cryptoCipher ?? (secauth === true ? 'aes256' : 'none');
  if (cipher !== 'none' && hash === 'none') return Err(corosyncConfigError(b.line, `crypto_cipher ${cipher} needs a crypto_hash other than none`));
  if (interfaces.length > 1 && transport !== 'knet') return Err(corosyncConfigError(b.line, `transport ${transport} has one link; ${interfaces.length} interfaces given`));
  interfaces.sort((a, c) => a.linkNumber - c.linkNumber);
  const keyLine = keyFileLine ?? authLine;
  return Ok({
    clusterName, transport, timers: timers as CorosyncTotemTimers,
    cryptoHash: hash, cryptoCipher: cipher, auth: hash !== 'none', encrypt: cipher !== 'none',
    ...(keyFile !== undefined ? { keyFile } : {}),
    ...(keyLine !== undefined ? { keyLine } : {}),
    interfaces,
  });
}

function parseInterface(b: ConfBlock): R<CorosyncInterface> {
  let linkNumber = 0;
  const out: { mcastAddr?: string; mcastPort?: number; bindNetAddr?: string; ttl?: number } = {};
  for (const e of b.entries) {
    if (e.kind === 'section') return Err(corosyncConfigError(e.line, `unknown section 'interface.${e.name}'`));
    switch (e.key) {
      case 'linknumber': case 'ringnumber': {
        const n = intIn(e, 0, 7);
        if (n.err) return n;
        linkNumber = n.val;
        break;
      }
      case 'mcastaddr': {
        if (!isMulticastAddr(e.value)) return Err(corosyncConfigError(e.line, `mcastaddr '${e.value}' is not an IPv4 multicast address (224.0.0.0–239.255.255.255)`));
        out.mcastAddr = e.value;
        break;
      }
      case 'mcastport': {
        const n = intIn(e, 1, 65535);
        if (n.err) return n;
        out.mcastPort = n.val;
        break;
      }
      case 'bindnetaddr':
        if (!isIpAddress(e.value)) return Err(corosyncConfigError(e.line, `bindnetaddr '${e.value}' is not an IP address`));
        out.bindNetAddr = e.value;
        break;
      case 'ttl': {
        const n = intIn(e, 0, 255);
        if (n.err) return n;
        out.ttl = n.val;
        break;
      }
      default:
        if (!INTERFACE_IGNORED.has(e.key)) return Err(corosyncConfigError(e.line, `unknown interface option '${e.key}'`));
    }
  }
  return Ok({ linkNumber, ...out });
}

function parseNodelist(b: ConfBlock, interfaces: readonly CorosyncInterface[]): R<CorosyncNode[]> {
  const defaultPort = interfaces.find(i => i.linkNumber === 0)?.mcastPort ?? DEFAULT_PORT;
  const nodes: CorosyncNode[] = [];
  for (const e of b.entries) {
    if (e.kind === 'kv') return Err(corosyncConfigError(e.line, `'${e.key}' must be inside a node { } block of the nodelist`));
    if (e.name !== 'node') return Err(corosyncConfigError(e.line, `unknown section 'nodelist.${e.name}'`));
    let name: string | undefined;
    let nodeId: number | undefined;
    let addr: string | undefined;
    let port: number | undefined;
    let votes = 1;
    for (const f of e.entries) {
      if (f.kind === 'section') return Err(corosyncConfigError(f.line, `unknown section 'node.${f.name}'`));
      switch (f.key) {
        case 'name':
          if (!/^[A-Za-z0-9_.-]{1,255}$/.test(f.value)) return Err(corosyncConfigError(f.line, `node name '${f.value}' must be letters, digits, '.', '_' or '-'`));
          name = f.value;
          break;
        case 'nodeid': {
          const n = intIn(f, 1, 0x7fffffff);
          if (n.err) return n;
          nodeId = n.val;
          break;
        }
        case 'ring0_addr':
          if (!isIpAddress(f.value) && !isHostname(f.value)) return Err(corosyncConfigError(f.line, `ring0_addr '${f.value}' is not an IP address or host name`));
          addr = f.value;
          break;
        case 'ring0_port': {
          const n = intIn(f, 1, 65535);
          if (n.err) return n;
          port = n.val;
          break;
        }
        case 'quorum_votes': {
          const n = intIn(f, 0, 255);
          if (n.err) return n;
          votes = n.val;
          break;
        }
        default:
          // Extra links (ring1_addr …) are accepted: quorate runs on link 0.
          if (!/^ring[1-7]_addr$/.test(f.key)) return Err(corosyncConfigError(f.line, `unknown node option '${f.key}'`));
      }
    }
    if (addr === undefined) return Err(corosyncConfigError(e.line, 'node has no ring0_addr'));
    const n: CorosyncNode = { name: name ?? addr, nodeId: nodeId ?? nodes.length + 1, addr, port: port ?? defaultPort, votes };
    const clash = nodes.find(x => x.name === n.name || x.nodeId === n.nodeId || (x.addr === n.addr && x.port === n.port));
    if (clash) {
      const what = clash.name === n.name ? `name ${n.name}` : clash.nodeId === n.nodeId ? `nodeid ${n.nodeId}` : `address ${n.addr}:${n.port}`;
      return Err(corosyncConfigError(e.line, `node ${what} is already used by node ${clash.name}`));
    }
    nodes.push(n);
  }
  if (nodes.length === 0) return Err(corosyncConfigError(b.line, 'nodelist has no node'));
  return Ok(nodes);
}

function parseQuorum(b: ConfBlock, nodes: readonly CorosyncNode[]): R<CorosyncQuorum> {
  const q: { -readonly [K in keyof CorosyncQuorum]: CorosyncQuorum[K] } = {};
  for (const e of b.entries) {
    if (e.kind === 'section') return Err(corosyncConfigError(e.line, `unknown section 'quorum.${e.name}'`));
    const flag = (): R<boolean> => bool(e);
    switch (e.key) {
      case 'provider':
        if (e.value !== 'corosync_votequorum') return Err(corosyncConfigError(e.line, `quorum provider '${e.value}' is not supported (only corosync_votequorum)`));
        q.provider = 'corosync_votequorum';
        break;
      case 'expected_votes': { const n = intIn(e, 1, 0xffff); if (n.err) return n; q.expectedVotes = n.val; break; }
      case 'two_node': { const v = flag(); if (v.err) return v; q.twoNode = v.val; break; }
      case 'wait_for_all': { const v = flag(); if (v.err) return v; q.waitForAll = v.val; break; }
      case 'last_man_standing': { const v = flag(); if (v.err) return v; q.lastManStanding = v.val; break; }
      case 'last_man_standing_window': { const n = nonNegInt(e); if (n.err) return n; q.lastManStandingWindowMs = n.val; break; }
      case 'auto_tie_breaker': { const v = flag(); if (v.err) return v; q.autoTieBreaker = v.val; break; }
      case 'auto_tie_breaker_node': {
        if (e.value === 'lowest' || e.value === 'highest') { q.autoTieBreakerNode = e.value; break; }
        const ids = e.value.split(/\s+/).map(Number);
        if (ids.some(id => !Number.isInteger(id) || id <= 0)) return Err(corosyncConfigError(e.line, `auto_tie_breaker_node '${e.value}' is not lowest, highest or a list of node ids`));
        const unknown = ids.find(id => !nodes.some(n => n.nodeId === id));
        if (unknown !== undefined) return Err(corosyncConfigError(e.line, `auto_tie_breaker_node lists nodeid ${unknown}, which is not in the nodelist`));
        q.autoTieBreakerNode = ids;
        break;
      }
      default: return Err(corosyncConfigError(e.line, `unknown quorum option '${e.key}'`));
    }
  }
  if (q.provider === undefined && Object.keys(q).length > 0) return Err(corosyncConfigError(b.line, 'quorum options without provider: corosync_votequorum'));
  if (q.twoNode && (q.expectedVotes ?? nodes.reduce((s, n) => s + n.votes, 0)) !== 2) {
    return Err(corosyncConfigError(b.line, 'two_node needs exactly two votes (two nodes, or expected_votes: 2)'));
  }
  return Ok(q);
}

// ---------------------------------------------------------------- values

type Kv = Extract<ConfEntry, { kind: 'kv' }>;

function nonNegInt(e: Kv): R<number> {
  return intIn(e, 0, Number.MAX_SAFE_INTEGER);
}

function intIn(e: Kv, min: number, max: number): R<number> {
  if (!/^\d+$/.test(e.value)) return Err(corosyncConfigError(e.line, `${e.key} '${e.value}' is not a number`));
  const n = Number(e.value);
  if (n < min || n > max) return Err(corosyncConfigError(e.line, `${e.key} ${n} is out of range ${min}–${max}`));
  return Ok(n);
}

function bool(e: Kv): R<boolean> {
  if (e.value === '1' || e.value === 'on' || e.value === 'yes') return Ok(true);
  if (e.value === '0' || e.value === 'off' || e.value === 'no') return Ok(false);
  return Err(corosyncConfigError(e.line, `${e.key} '${e.value}' is not 0 or 1`));
}

function ipv4Octets(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  return o.every(x => x <= 255) ? o : undefined;
}

/** IPv4 dotted quad or IPv6 literal. */
export function isIpAddress(s: string): boolean {
  if (ipv4Octets(s)) return true;
  if (!s.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(s)) return false;
  const dbl = s.split('::').length - 1;
  if (dbl > 1) return false;
  const groups = s.split(':').filter(g => g !== '');
  return groups.length <= 8 && groups.every(g => /^[0-9A-Fa-f]{1,4}$/.test(g) || (ipv4Octets(g) !== undefined));
}

function isHostname(s: string): boolean {
  // A name must not look like a broken IPv4 address (999.1.1.1 is a typo, not a host).
  if (/^[\d.]+$/.test(s)) return false;
  return s.length <= 253 && s.split('.').every(l => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

function isMulticastAddr(s: string): boolean {
  const o = ipv4Octets(s);
  return o !== undefined && o[0]! >= 224 && o[0]! <= 239;
}
