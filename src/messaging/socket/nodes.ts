/**
 * The nodelist of the socket transports, and the mapping from protocol
 * deliveries (numeric ids, JSON text) to transport events (names, values).
 * @module
 */
import { Ok, Err, type Result, type QuorateErrorShape } from '../../util/result.js';
import type { JsonValue, MembershipView, MessageEvent, RingId } from '../transport.js';

/** One node of the nodelist (corosync.conf `nodelist.node`). */
export interface NodeAddress {
  /** `nodeid`: positive integer, unique. Orders the Totem ring. */
  readonly id: number;
  /** Node name, unique (the transport's node names). */
  readonly name: string;
  /** Address its transport listens on (tests: 127.0.0.1). */
  readonly host: string;
  /** Port its transport listens on. */
  readonly port: number;
}

/** A bad transport configuration. */
export interface SocketConfigError extends QuorateErrorShape {
  readonly code: 'QUORATE_ERR_SOCKET_CONFIG';
}

const configError = (message: string): SocketConfigError => ({ code: 'QUORATE_ERR_SOCKET_CONFIG', message });

/** Checks a nodelist: unique positive ids and names, valid ports, `me` present. */
export function validateNodes(me: number, nodes: readonly NodeAddress[]): Result<void, SocketConfigError> {
  const ids = new Set<number>();
  const names = new Set<string>();
  for (const [i, n] of nodes.entries()) {
    if (!Number.isSafeInteger(n.id) || n.id <= 0) return Err(configError(`nodes[${i}]: id must be a positive integer, got ${n.id}`));
    if (typeof n.name !== 'string' || n.name.length === 0) return Err(configError(`nodes[${i}]: name must be a non-empty string`));
    if (!Number.isInteger(n.port) || n.port < 0 || n.port > 65535) return Err(configError(`nodes[${i}] (${n.name}): port must be 0–65535, got ${n.port}`));
    if (ids.has(n.id)) return Err(configError(`nodes[${i}]: duplicate id ${n.id}`));
    if (names.has(n.name)) return Err(configError(`nodes[${i}]: duplicate name ${n.name}`));
    ids.add(n.id);
    names.add(n.name);
  }
  if (!ids.has(me)) return Err(configError(`nodeId ${me} is not in the nodelist`));
  return Ok(undefined);
}

/** A protocol-level delivery: numeric ids, JSON text payload. */
export interface RawDelivery {
  readonly ring: { readonly rep: number; readonly seq: number };
  readonly sender: number;
  readonly payload: string;
  readonly to?: number;
}

/** Turns protocol deliveries and views into transport events with names and per-view positions. */
export class DeliveryMapper {
  private readonly names: Map<number, string>;
  private readonly positions = new Map<string, number>();

  constructor(nodes: readonly NodeAddress[]) {
    this.names = new Map(nodes.map(n => [n.id, n.name]));
  }

  /** The transport ring id of a protocol ring: the representative by name. */
  ringId(ring: { rep: number; seq: number }): RingId {
    return { rep: this.names.get(ring.rep) ?? String(ring.rep), seq: ring.seq };
  }

  /** Converts a delivery; undefined when the payload is not JSON (a peer bug). */
  deliver(d: RawDelivery): MessageEvent | undefined {
    let payload: JsonValue;
    try {
      payload = JSON.parse(d.payload) as JsonValue;
    } catch {
      return undefined;
    }
    const kind = d.to === undefined ? 'broadcast' : 'direct';
    const key = `${d.ring.rep}/${d.ring.seq}/${kind === 'direct' ? d.sender : ''}`;
    const seq = (this.positions.get(key) ?? 0) + 1;
    this.positions.set(key, seq);
    return { from: this.names.get(d.sender) ?? String(d.sender), payload, seq, kind, ringId: this.ringId(d.ring) };
  }

  /** Converts a view; positions restart in the new ring. */
  view(ring: { rep: number; seq: number }, members: readonly number[]): MembershipView {
    this.positions.clear();
    const names = members.map(m => this.names.get(m) ?? String(m)).sort();
    return { ringId: this.ringId(ring), members: names };
  }
}
