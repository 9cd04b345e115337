/**
 * Adapter: the UDP heartbeat transport. Datagrams (unicast to each peer, or to
 * a multicast group) carry authenticated frames through the frame codec; the
 * pure heartbeat protocol runs on them with a periodic tick from the `Clock`.
 * @module
 */
import { createSocket, type Socket } from 'node:dgram';
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
import { DeliveryMapper, validateNodes, type NodeAddress, type SocketConfigError } from '../socket/nodes.js';
import { isHbFrame, type HbFrame } from './frames.js';
import { createHb, hbConfig, hbStep, type HbEvent, type HbOutput, type HbState } from './protocol.js';

const log = logger('messaging:udp');
/** Membership frames and stalls, for diagnosing view changes (`DEBUG=quorate:messaging:udp:*`). */
const trace = logger('messaging:udp:trace');

/** Time spent stepping events per event-loop turn before socket I/O and timers get their turn. */
const TURN_MS = 10;

/** Frame type of heartbeat-protocol frames in the frame codec. */
export const UDP_FRAME_TYPE = 2;

/** Options of {@link udpHeartbeat}. */
export interface UdpHeartbeatOptions {
  nodeId: number;
  /** The nodelist; in unicast mode each node listens on its host:port. */
  nodes: readonly NodeAddress[];
  /** 'unicast' (a datagram to each peer) or 'multicast' (one to the group). Default 'unicast'. */
  mode?: 'unicast' | 'multicast';
  /** Multicast group address (multicast mode). Default 239.192.0.1. */
  group?: string;
  /** Multicast port (multicast mode); every node binds it. Default 5405. */
  port?: number;
  /** Multicast TTL. Default 1. */
  ttl?: number;
  /** Local address of the interface to join the group on and send from (multicast mode). */
  multicastInterface?: string;
  /** The cluster key. */
  key: Uint8Array;
  /** Encrypt frame bodies. Default false. */
  encrypt?: boolean;
  /** Heartbeat interval. Default 100 ms. */
  intervalMs?: number;
  /** Silence after which a peer is dead. Default 1000 ms. */
  deadtimeMs?: number;
  /** Largest datagram. Default 65000 bytes. */
  maxFrameBytes?: number;
  /** Clock for timers. Default: the system clock. */
  clock?: Clock;
}

/** Creates a UDP heartbeat endpoint. Errors: bad nodelist or key. */
export function udpHeartbeat(opts: UdpHeartbeatOptions): Result<UdpHeartbeatTransport, SocketConfigError> {
  const v = validateNodes(opts.nodeId, opts.nodes);
  if (v.err) return v;
  const codec = createFrameCodec({ key: opts.key, encrypt: opts.encrypt ?? false, maxFrameBytes: opts.maxFrameBytes ?? 65_000 });
  if (codec.err) return Err({ code: 'QUORATE_ERR_SOCKET_CONFIG', message: codec.val.message });
  return Ok(new UdpHeartbeatTransport(opts, codec.val));
}

/** One node's UDP heartbeat endpoint (see {@link udpHeartbeat}). */
export class UdpHeartbeatTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly node: string;
  readonly stats: SocketTransportStats = emptyStats();
  private readonly clock: Clock;
  private readonly me: NodeAddress;
  private readonly byName: Map<string, NodeAddress>;
  private readonly byId: Map<number, NodeAddress>;
  private readonly mode: 'unicast' | 'multicast';
  private state: HbState | undefined;
  private socket: Socket | undefined;
  private tick: TimerHandle | undefined;
  private replay = new ReplayWindow();
  private epoch = 0;
  private frameSeq = 0;
  private running = false;
  private current: MembershipView | undefined;
  private readonly mapper: DeliveryMapper;
  private queue: HbEvent[] = [];
  private stepping = false;
  /** A drain is scheduled for the next event-loop turn. */
  private drainLater = false;

  /** @internal use {@link udpHeartbeat} */
  constructor(private readonly opts: UdpHeartbeatOptions, private readonly codec: FrameCodec) {
    super();
    this.clock = opts.clock ?? new SystemClock();
    this.me = opts.nodes.find(n => n.id === opts.nodeId)!;
    this.node = this.me.name;
    this.byName = new Map(opts.nodes.map(n => [n.name, n]));
    this.byId = new Map(opts.nodes.map(n => [n.id, n]));
    this.mode = opts.mode ?? 'unicast';
    this.mapper = new DeliveryMapper(opts.nodes);
  }

  /** The protocol state (read-only use). */
  protocolState(): HbState | undefined {
    return this.state;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const now = this.clock.now();
    this.epoch = Math.floor(now / 1000) >>> 0;
    this.frameSeq = (now % 1000) * 1_000_000;
    this.replay = new ReplayWindow();
    const sock = createSocket({ type: 'udp4', reuseAddr: this.mode === 'multicast' });
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      const done = (): void => {
        sock.off('error', reject);
        resolve();
      };
      if (this.mode === 'multicast') sock.bind(this.opts.port ?? 5405, done);
      else sock.bind(this.me.port, this.me.host, done);
    });
    if (this.mode === 'multicast') {
      sock.addMembership(this.opts.group ?? '239.192.0.1', this.opts.multicastInterface);
      if (this.opts.multicastInterface) sock.setMulticastInterface(this.opts.multicastInterface);
      sock.setMulticastTTL(this.opts.ttl ?? 1);
      sock.setMulticastLoopback(true);
    }
    try {
      // Bursts of small datagrams overflow the default buffer; the kernel caps this at rmem_max.
      sock.setRecvBufferSize(1 << 20);
      sock.setSendBufferSize(1 << 20);
    } catch (e) {
      log('%s: cannot enlarge socket buffers: %s', this.node, (e as Error).message);
    }
    sock.on('message', msg => this.receive(msg));
    sock.on('error', e => this.emitError(`socket: ${e.message}`));
    this.socket = sock;
    this.running = true;
    this.state = createHb(hbConfig(this.me.id, this.opts.nodes.map(n => n.id), {
      ...(this.opts.intervalMs !== undefined ? { intervalMs: this.opts.intervalMs } : {}),
      ...(this.opts.deadtimeMs !== undefined ? { deadtimeMs: this.opts.deadtimeMs } : {}),
    }), Math.max(0, Math.floor(now)));
    this.input({ type: 'start' });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.tick?.cancel();
    this.tick = undefined;
    const sock = this.socket;
    this.socket = undefined;
    this.state = undefined;
    this.current = undefined;
    this.queue = [];
    if (sock) await new Promise<void>(resolve => sock.close(() => resolve()));
  }

  view(): MembershipView | undefined {
    return this.current;
  }

  broadcast(payload: JsonValue): Result<void, TransportError> {
    if (!this.running) return Err(transportError('QUORATE_ERR_NOT_STARTED', `udp endpoint ${this.node} is not running`));
    const text = encodePayload(payload, this.maxPayloadChars());
    if (text.err) return text;
    this.input({ type: 'broadcast', payload: text.val });
    return Ok(undefined);
  }

  send(to: string, payload: JsonValue): Result<void, TransportError> {
    if (!this.running) return Err(transportError('QUORATE_ERR_NOT_STARTED', `udp endpoint ${this.node} is not running`));
    const dest = this.byName.get(to);
    if (!dest || !this.current?.members.includes(to)) {
      return Err(transportError('QUORATE_ERR_NOT_MEMBER', `${to} is not a member of ${this.node}'s current view`));
    }
    const text = encodePayload(payload, this.maxPayloadChars());
    if (text.err) return text;
    this.input({ type: 'broadcast', payload: text.val, to: dest.id });
    return Ok(undefined);
  }

  /** A datagram must hold the payload (JSON-escaped once more) plus headers. */
  private maxPayloadChars(): number {
    return Math.floor((this.codec.maxFrameBytes - 512) / 2);
  }

  private input(ev: HbEvent): void {
    // Our tick goes first: it sends our heartbeat, which must not wait behind
    // a backlog. It names the peers whose frames it overtakes: they are alive.
    if (ev.type === 'tick') {
      const heard = new Set<number>();
      for (const q of this.queue) if (q.type === 'frame') heard.add(q.from);
      this.queue.unshift(heard.size > 0 ? { type: 'tick', heard: [...heard] } : ev);
    } else this.queue.push(ev);
    if (!this.stepping && !this.drainLater) this.drain();
  }

  /**
   * Steps queued events for at most {@link TURN_MS} per event-loop turn.
   * Listeners that broadcast on each delivery (a sequencer delivers its own
   * messages at once) would otherwise keep this loop busy forever, or for
   * long stretches on a loaded machine: no heartbeat sent or read, and every
   * peer declares us dead.
   */
  private drain(): void {
    this.stepping = true;
    const start = performance.now();
    try {
      while (this.running && this.queue.length > 0) {
        if (performance.now() - start >= TURN_MS) {
          this.drainLater = true;
          setImmediate(() => {
            this.drainLater = false;
            if (!this.stepping) this.drain();
          });
          return;
        }
        const [, outs] = hbStep(this.state!, this.queue.shift()!, this.clock.now());
        this.perform(outs);
      }
    } finally {
      this.stepping = false;
    }
  }

  private perform(outs: HbOutput[]): void {
    for (const o of outs) {
      if (!this.running) return;
      switch (o.type) {
        case 'send':
          this.transmit(o.to, o.frame);
          break;
        case 'deliver': {
          const ev = this.mapper.deliver(o.msg);
          if (ev) this.emit('message', ev);
          break;
        }
        case 'view':
          this.current = this.mapper.view(o.ring, o.members);
          this.stats.viewsInstalled++;
          log('%s installs %o', this.node, this.current);
          this.emit('view', this.current);
          break;
        case 'setTimer': {
          this.tick?.cancel();
          const due = this.clock.now() + o.ms;
          this.tick = this.clock.setTimeout(() => {
            if (trace.enabled) this.traceTick(due);
            this.input({ type: 'tick' });
          }, o.ms);
          break;
        }
      }
    }
    const c = this.state?.counters;
    if (c) {
      this.stats.retransmissions = c.retransmits;
      this.stats.failuresDetected = c.deadPeers;
    }
  }

  private lastSummary = 0;
  /** Late ticks, and once a second where the protocol stands. */
  private traceTick(due: number): void {
    const now = this.clock.now();
    if (now - due > 100) trace('%s tick late by %d ms', this.node, now - due);
    const s = this.state;
    if (!s || now - this.lastSummary < 1000) return;
    this.lastSummary = now;
    const held = [...s.held].map(([k, v]) => `${k}:${v.size}`).join(' ');
    const peers = [...s.peerRing].map(([k, v]) => `${k}:${v.ring ? `${v.ring.rep}/${v.ring.seq % 10000}` : '-'}@${v.aru}${v.acked ? `?${v.acked.rep}/${v.acked.seq % 10000}` : ''}`).join(' ');
    trace('%s view %s flush=%s acked=%s cur aru=%d high=%d dlv=%d next=%d pending=%d unsent=%d held=[%s] peers=[%s] alive=[%s]',
      this.node, s.installed ? `${s.installed.ring.rep}/${s.installed.ring.seq % 10000}:${s.installed.members.join(',')}` : '-', s.flush ? 'y' : 'n',
      s.acked ? `${s.acked.rep}/${s.acked.seq % 10000}` : '-', s.cur?.aru ?? 0, s.cur?.highSeq ?? 0, s.cur?.delivered ?? 0, s.nextSeq,
      s.pending.length, s.unsent.length, held, peers, [...s.lastHeard].map(([k, h]) => `${k}:${now - h.at}`).join(' '));
  }

  private transmit(to: number | 'all' | readonly number[], frame: HbFrame): void {
    const sock = this.socket;
    if (!sock) return;
    if (trace.enabled && frame.t !== 'data' && frame.t !== 'submit' && frame.t !== 'hb') trace('%s -> %s %j', this.node, to, frame);
    // The envelope names the destination so multicast receivers can skip others' frames.
    const body = { dst: typeof to === 'number' ? to : 0, f: frame } as unknown as JsonValue;
    const r = this.codec.encode({ type: UDP_FRAME_TYPE, sender: this.node, epoch: this.epoch, seq: this.frameSeq++, timestampMs: this.clock.now() }, body);
    if (r.err) {
      this.emitError(`cannot encode a ${frame.t} frame: ${r.val.message}`);
      return;
    }
    const buf = r.val;
    const targets: { host: string; port: number }[] = [];
    if (this.mode === 'multicast') targets.push({ host: this.opts.group ?? '239.192.0.1', port: this.opts.port ?? 5405 });
    else if (to === 'all') for (const n of this.opts.nodes) { if (n.id !== this.me.id) targets.push(n); }
    else {
      for (const id of typeof to === 'number' ? [to] : to) {
        const n = this.byId.get(id);
        if (n) targets.push(n);
      }
    }
    for (const t of targets) {
      this.stats.framesSent++;
      this.stats.bytesSent += buf.length;
      sock.send(buf, t.port, t.host, err => {
        if (err) log('%s send to %s:%d: %s', this.node, t.host, t.port, err.message);
      });
    }
  }

  private receive(bytes: Buffer): void {
    if (!this.running) return;
    this.stats.framesReceived++;
    this.stats.bytesReceived += bytes.length;
    const d = this.codec.decode(bytes, this.replay);
    if (d.err) {
      this.stats.dropped[d.val.kind]++;
      return;
    }
    const { header, body } = d.val;
    if (header.sender === this.node && this.mode === 'multicast') {
      this.stats.framesReceived--; // our own datagram looped back by the group
      return;
    }
    const sender = this.byName.get(header.sender);
    if (!sender || sender.id === this.me.id) {
      this.stats.dropped.UNKNOWN_SENDER++;
      return;
    }
    const env = body as { dst?: unknown; f?: unknown } | null;
    if (header.type !== UDP_FRAME_TYPE || typeof env !== 'object' || env === null || typeof env.dst !== 'number' || !isHbFrame(env.f)) {
      this.stats.dropped.BAD_BODY++;
      return;
    }
    if (env.dst !== 0 && env.dst !== this.me.id) return;
    if (trace.enabled && env.f.t !== 'data' && env.f.t !== 'submit' && env.f.t !== 'hb') trace('%s <- %s %j', this.node, header.sender, env.f);
    this.input({ type: 'frame', from: sender.id, frame: env.f });
  }

  private emitError(message: string): void {
    const err = transportError('QUORATE_ERR_TRANSPORT_IO', `${this.node}: ${message}`);
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else log('%s', err.message);
  }
}
