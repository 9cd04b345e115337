/**
 * Adapter: Totem over TCP. A persistent TCP link to every peer (reconnected
 * with backoff), length-prefixed authenticated frames through the frame
 * codec, and the pure Totem state machine driven with real timers through the
 * `Clock`.
 * @module
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { EventEmitter } from 'eventemitter3';
import { SystemClock, type Clock, type TimerHandle } from '../../util/clock.js';
import { Ok, Err, type Result } from '../../util/result.js';
import { logger } from '../../util/log.js';
import { createFrameCodec, type FrameCodec } from '../frame.js';
import { ReplayWindow } from '../replayWindow.js';
import {
  encodePayload, transportError,
  type JsonValue, type MembershipView, type Transport, type TransportError, type TransportEvents,
} from '../transport.js';
import { emptyStats, type SocketTransportStats } from '../socket/stats.js';
import { lengthPrefix, StreamFramer } from '../socket/streamFramer.js';
import type { TotemTimers } from './config.js';
import { isTotemFrame, type ProcId, type TotemFrame } from './frames.js';
import { createTotem, step } from './srp.js';
import type { TotemEvent, TotemOutput, TotemState, TotemTimerName } from './state.js';
import { DeliveryMapper, validateNodes, type NodeAddress, type SocketConfigError } from '../socket/nodes.js';

const log = logger('messaging:totem-tcp');

/** Frame type of Totem protocol frames in the frame codec. */
export const TOTEM_FRAME_TYPE = 1;

/** Options of {@link totemTcp}. */
export interface TotemTcpOptions extends Partial<TotemTimers> {
  /** This node's id (must be in `nodes`). */
  nodeId: number;
  /** The nodelist: every node's id, name and listening address. */
  nodes: readonly NodeAddress[];
  /** The cluster key. */
  key: Uint8Array;
  /** Encrypt frame bodies with AES-256-GCM. Default false. */
  encrypt?: boolean;
  /** Largest frame, in bytes. Default 1 MiB. */
  maxFrameBytes?: number;
  /** Largest payload, in JSON characters. Default 512 KiB. */
  maxPayloadChars?: number;
  /** First and largest reconnection delay. Defaults 50 and 2000 ms. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Clock for timers. Default: the system clock. */
  clock?: Clock;
}

interface Peer {
  readonly id: ProcId;
  readonly addr: NodeAddress;
  socket: Socket | undefined;
  connected: boolean;
  backoffMs: number;
  retry: TimerHandle | undefined;
}

/** Creates a Totem-over-TCP endpoint for `nodeId`. Errors: bad nodelist or key. */
export function totemTcp(opts: TotemTcpOptions): Result<TotemTcpTransport, SocketConfigError> {
  const v = validateNodes(opts.nodeId, opts.nodes);
  if (v.err) return v;
  const codec = createFrameCodec({ key: opts.key, encrypt: opts.encrypt ?? false, maxFrameBytes: opts.maxFrameBytes ?? 1 << 20 });
  if (codec.err) return Err({ code: 'QUORATE_ERR_SOCKET_CONFIG', message: codec.val.message });
  return Ok(new TotemTcpTransport(opts, codec.val));
}

/** One node's Totem-over-TCP endpoint (see {@link totemTcp}). */
export class TotemTcpTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly node: string;
  readonly stats: SocketTransportStats = emptyStats();
  private readonly clock: Clock;
  private readonly me: NodeAddress;
  private readonly byName: Map<string, NodeAddress>;
  private readonly peers = new Map<ProcId, Peer>();
  private readonly inbound = new Set<Socket>();
  private readonly timers = new Map<TotemTimerName, TimerHandle>();
  private readonly maxPayloadChars: number;
  private state: TotemState | undefined;
  private server: Server | undefined;
  private replay = new ReplayWindow();
  private epoch = 0;
  private frameSeq = 0;
  private running = false;
  private current: MembershipView | undefined;
  private mapper: DeliveryMapper;
  private queue: TotemEvent[] = [];
  private stepping = false;

  /** @internal use {@link totemTcp} */
  constructor(private readonly opts: TotemTcpOptions, private readonly codec: FrameCodec) {
    super();
    this.clock = opts.clock ?? new SystemClock();
    this.me = opts.nodes.find(n => n.id === opts.nodeId)!;
    this.node = this.me.name;
    this.byName = new Map(opts.nodes.map(n => [n.name, n]));
    this.maxPayloadChars = opts.maxPayloadChars ?? 512 * 1024;
    this.mapper = new DeliveryMapper(opts.nodes);
  }

  /** The protocol state (read-only use: phase, counters). */
  protocolState(): TotemState | undefined {
    return this.state;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const now = this.clock.now();
    // A new incarnation: receivers reset their replay window for us.
    this.epoch = Math.floor(now / 1000) >>> 0;
    this.frameSeq = (now % 1000) * 1_000_000;
    this.replay = new ReplayWindow();
    const server = createServer(s => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.me.port, this.me.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', e => this.emitError(`listener: ${e.message}`));
    this.server = server;
    this.running = true;
    const { nodeId, nodes, ...rest } = this.opts;
    // Corosync keeps the ring sequence on disk so a restarted node never
    // reuses a ring id; starting from the clock (ms) gives the same guarantee.
    this.state = createTotem(nodeId, nodes.map(n => n.id), rest, Math.max(0, Math.floor(now)));
    for (const n of this.opts.nodes) {
      if (n.id === this.me.id) continue;
      const p: Peer = { id: n.id, addr: n, socket: undefined, connected: false, backoffMs: this.opts.reconnectMinMs ?? 50, retry: undefined };
      this.peers.set(n.id, p);
      this.dial(p);
    }
    this.input({ type: 'start' });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    for (const p of this.peers.values()) {
      p.retry?.cancel();
      p.socket?.destroy();
    }
    this.peers.clear();
    for (const s of this.inbound) s.destroy();
    this.inbound.clear();
    const server = this.server;
    this.server = undefined;
    this.state = undefined;
    this.current = undefined;
    this.queue = [];
    if (server) await new Promise<void>(resolve => server.close(() => resolve()));
  }

  view(): MembershipView | undefined {
    return this.current;
  }

  broadcast(payload: JsonValue): Result<void, TransportError> {
    if (!this.running) return Err(transportError('QUORATE_ERR_NOT_STARTED', `totem endpoint ${this.node} is not running`));
    const text = encodePayload(payload, this.maxPayloadChars);
    if (text.err) return text;
    this.input({ type: 'broadcast', payload: text.val });
    return Ok(undefined);
  }

  send(to: string, payload: JsonValue): Result<void, TransportError> {
    if (!this.running) return Err(transportError('QUORATE_ERR_NOT_STARTED', `totem endpoint ${this.node} is not running`));
    const dest = this.byName.get(to);
    if (!dest || !this.current?.members.includes(to)) {
      return Err(transportError('QUORATE_ERR_NOT_MEMBER', `${to} is not a member of ${this.node}'s current view`));
    }
    const text = encodePayload(payload, this.maxPayloadChars);
    if (text.err) return text;
    // Point-to-point rides the ordered ring: reliable and FIFO for free.
    this.input({ type: 'broadcast', payload: text.val, to: dest.id });
    return Ok(undefined);
  }

  // ---- the state machine driver ----

  private input(ev: TotemEvent): void {
    this.queue.push(ev);
    // Listeners may call broadcast() while we emit; queue instead of nesting steps.
    if (this.stepping) return;
    this.stepping = true;
    try {
      while (this.running && this.queue.length > 0) {
        const [, outs] = step(this.state!, this.queue.shift()!, this.clock.now());
        this.perform(outs);
      }
    } finally {
      this.stepping = false;
    }
  }

  private perform(outs: TotemOutput[]): void {
    const encoded = new Map<TotemFrame, Buffer>();
    for (const o of outs) {
      if (!this.running) return;
      switch (o.type) {
        case 'send': {
          let buf = encoded.get(o.frame);
          if (!buf) {
            const r = this.codec.encode(
              { type: TOTEM_FRAME_TYPE, sender: this.node, epoch: this.epoch, seq: this.frameSeq++, timestampMs: this.clock.now() },
              o.frame as unknown as JsonValue,
            );
            if (r.err) {
              this.emitError(`cannot encode a ${o.frame.t} frame: ${r.val.message}`);
              continue;
            }
            buf = lengthPrefix(r.val);
            encoded.set(o.frame, buf);
          }
          const p = this.peers.get(o.to);
          if (p?.connected && p.socket) {
            p.socket.write(buf);
            this.stats.framesSent++;
            this.stats.bytesSent += buf.length;
          }
          break;
        }
        case 'deliver': {
          const ev = this.mapper.deliver(o.msg);
          if (ev) this.emit('message', ev);
          break;
        }
        case 'view': {
          this.current = this.mapper.view(o.ring, o.members);
          this.stats.viewsInstalled++;
          log('%s installs %o', this.node, this.current);
          this.emit('view', this.current);
          break;
        }
        case 'setTimer': {
          this.timers.get(o.name)?.cancel();
          const name = o.name;
          this.timers.set(name, this.clock.setTimeout(() => {
            this.timers.delete(name);
            this.input({ type: 'timer', name });
          }, o.ms));
          break;
        }
        case 'cancelTimer':
          this.timers.get(o.name)?.cancel();
          this.timers.delete(o.name);
          break;
      }
    }
    const c = this.state?.counters;
    if (c) {
      this.stats.retransmissions = c.retransmits + c.tokenRetransmits + c.recoveryRetransmits;
      this.stats.failuresDetected = c.tokenLosses;
    }
  }

  // ---- sockets ----

  private dial(p: Peer): void {
    if (!this.running) return;
    const s = connect({ host: p.addr.host, port: p.addr.port });
    p.socket = s;
    s.setNoDelay(true);
    s.on('connect', () => {
      p.connected = true;
      p.backoffMs = this.opts.reconnectMinMs ?? 50;
      this.stats.connects++;
    });
    // Outbound links only carry our frames; anything coming back is ignored.
    s.on('data', () => undefined);
    s.on('error', e => log('%s link to %s: %s', this.node, p.addr.name, e.message));
    s.on('close', () => {
      p.connected = false;
      if (p.socket !== s || !this.running) return;
      p.socket = undefined;
      const delay = p.backoffMs;
      p.backoffMs = Math.min(p.backoffMs * 2, this.opts.reconnectMaxMs ?? 2000);
      p.retry = this.clock.setTimeout(() => this.dial(p), delay);
    });
  }

  private accept(s: Socket): void {
    if (!this.running) {
      s.destroy();
      return;
    }
    this.inbound.add(s);
    s.setNoDelay(true);
    const framer = new StreamFramer(this.codec.maxFrameBytes);
    s.on('data', (chunk: Buffer) => {
      for (const c of framer.push(chunk)) {
        if (c.kind === 'oversized') {
          this.stats.dropped.OVERSIZED++;
          // The stream lost sync: drop the link; an honest peer reconnects.
          s.destroy();
          return;
        }
        this.receive(c.bytes);
      }
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      this.inbound.delete(s);
      if (framer.pending() > 0 && this.running) this.stats.dropped.TRUNCATED++;
    });
  }

  private receive(bytes: Buffer): void {
    if (!this.running) return;
    this.stats.framesReceived++;
    this.stats.bytesReceived += bytes.length + 4;
    const d = this.codec.decode(bytes, this.replay);
    if (d.err) {
      this.stats.dropped[d.val.kind]++;
      return;
    }
    const { header, body } = d.val;
    const sender = this.byName.get(header.sender);
    if (!sender || sender.id === this.me.id) {
      this.stats.dropped.UNKNOWN_SENDER++;
      return;
    }
    if (header.type !== TOTEM_FRAME_TYPE || !isTotemFrame(body)) {
      this.stats.dropped.BAD_BODY++;
      return;
    }
    this.input({ type: 'frame', from: sender.id, frame: body });
  }

  private emitError(message: string): void {
    const err = transportError('QUORATE_ERR_TRANSPORT_IO', `${this.node}: ${message}`);
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else log('%s', err.message);
  }
}
