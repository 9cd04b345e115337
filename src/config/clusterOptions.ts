/**
 * From a parsed corosync.conf to the options of quorate's transports and of
 * votequorum. Pure: the key is read (and checked) by the caller.
 * @module
 */
import { Ok, Err, type Result } from '../util/result.js';
import type { TotemTcpOptions } from '../messaging/totem/tcp.js';
import type { UdpHeartbeatOptions } from '../messaging/udp/heartbeat.js';
import type { NodeAddress } from '../messaging/socket/nodes.js';
import { totemConfig } from '../messaging/totem/config.js';
import type { VotequorumConfig } from '../quorum/votequorum.js';
import type { CorosyncConfig } from './corosyncConf.js';
import { corosyncConfigError, type CorosyncConfigError } from './errors.js';

/** Which transport to build, with its options (all but the key). */
export type TransportPlan =
  | { readonly kind: 'totem-tcp'; readonly options: Omit<TotemTcpOptions, 'key'> }
  | { readonly kind: 'udp'; readonly options: Omit<UdpHeartbeatOptions, 'key'> };

/** The nodelist as transport addresses. */
export function nodeAddresses(cfg: CorosyncConfig): NodeAddress[] {
  return cfg.nodes.map(n => ({ id: n.nodeId, name: n.name, host: n.addr, port: n.port }));
}

/** The effective token timeout (token + coefficient per node above two), as corosync computes it. */
export function effectiveTokenMs(cfg: CorosyncConfig): number {
  const ids = cfg.nodes.map(n => n.nodeId);
  return totemConfig(ids[0]!, ids, cfg.timers).tokenTimeoutMs;
}

/** Consensus timeout (default 1.2 × the effective token timeout). */
export function consensusMs(cfg: CorosyncConfig): number {
  const ids = cfg.nodes.map(n => n.nodeId);
  return totemConfig(ids[0]!, ids, cfg.timers).consensusMs;
}

/**
 * The transport for node `name`: Totem over TCP for `knet` and `tcp`; the UDP
 * heartbeat for `udpu` (unicast to each node) and `udp` (multicast to
 * interface 0's mcastaddr:mcastport). For the heartbeat, a peer is dead after
 * the effective token timeout and heartbeats go out five times per token.
 */
export function transportPlan(cfg: CorosyncConfig, name: string): Result<TransportPlan, CorosyncConfigError> {
  const me = cfg.nodes.find(n => n.name === name);
  if (!me) return Err(corosyncConfigError(0, `node '${name}' is not in the nodelist (nodes: ${cfg.nodes.map(n => n.name).join(', ')})`));
  const nodes = nodeAddresses(cfg);
  if (cfg.transport === 'knet' || cfg.transport === 'tcp') {
    return Ok({ kind: 'totem-tcp', options: { nodeId: me.nodeId, nodes, encrypt: cfg.encrypt, ...cfg.timers } });
  }
  const tokenMs = effectiveTokenMs(cfg);
  const base = {
    nodeId: me.nodeId, nodes, encrypt: cfg.encrypt,
    intervalMs: Math.max(10, Math.round((cfg.timers.tokenMs ?? 1000) / 5)),
    deadtimeMs: tokenMs,
  };
  if (cfg.transport === 'udpu') return Ok({ kind: 'udp', options: { ...base, mode: 'unicast' } });
  const link0 = cfg.interfaces.find(i => i.linkNumber === 0);
  if (!link0?.mcastAddr) return Err(corosyncConfigError(0, 'transport udp (multicast) needs totem.interface { linknumber: 0; mcastaddr: … }'));
  return Ok({
    kind: 'udp',
    options: {
      ...base, mode: 'multicast', group: link0.mcastAddr, port: link0.mcastPort ?? 5405,
      ...(link0.ttl !== undefined ? { ttl: link0.ttl } : {}),
      ...(link0.bindNetAddr !== undefined ? { multicastInterface: link0.bindNetAddr } : {}),
    },
  });
}

/** The votequorum configuration, or undefined when the file names no quorum provider. */
export function votequorumConfigOf(cfg: CorosyncConfig): VotequorumConfig | undefined {
  const q = cfg.quorum;
  if (q.provider !== 'corosync_votequorum') return undefined;
  return {
    nodes: cfg.nodes.map(n => ({ name: n.name, nodeId: n.nodeId, votes: n.votes })),
    ...(q.expectedVotes !== undefined ? { expectedVotes: q.expectedVotes } : {}),
    ...(q.twoNode !== undefined ? { twoNode: q.twoNode } : {}),
    ...(q.waitForAll !== undefined ? { waitForAll: q.waitForAll } : {}),
    ...(q.lastManStanding !== undefined ? { lastManStanding: q.lastManStanding } : {}),
    ...(q.lastManStandingWindowMs !== undefined ? { lastManStandingWindowMs: q.lastManStandingWindowMs } : {}),
    ...(q.autoTieBreaker !== undefined ? { autoTieBreaker: q.autoTieBreaker } : {}),
    ...(q.autoTieBreakerNode !== undefined ? { autoTieBreakerNode: q.autoTieBreakerNode } : {}),
  };
}
