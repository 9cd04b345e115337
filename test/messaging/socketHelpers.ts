import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { MembershipView, MessageEvent, Transport } from '../../src/messaging/transport.js';

/** Ports the OS hands out now on 127.0.0.1 (free at the time of asking). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map(s => (s.address() as { port: number }).port);
  await Promise.all(servers.map(s => new Promise(r => s.close(r))));
  return ports;
}

/** Polls `pred` every 10 ms until it holds or `timeoutMs` passes. */
export async function waitFor(pred: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise(r => setTimeout(r, 10));
  }
  return pred();
}

/** Records what an endpoint delivers. */
export function record(t: Transport): { views: MembershipView[]; messages: MessageEvent[] } {
  const rec = { views: [] as MembershipView[], messages: [] as MessageEvent[] };
  t.on('view', v => rec.views.push(v));
  t.on('message', m => rec.messages.push(m));
  return rec;
}

/** True when every endpoint's current view has exactly `names` and the same ring id. */
export function sameView(ts: Transport[], names: string[]): boolean {
  const vs = ts.map(t => t.view());
  const first = vs[0];
  return !!first && vs.every(v => v && v.members.join() === names.join() && v.ringId.seq === first.ringId.seq && v.ringId.rep === first.ringId.rep);
}

export const testKey = (): Buffer => randomBytes(32);

/** UDP ports the OS hands out now on 127.0.0.1. */
export async function freeUdpPorts(n: number): Promise<number[]> {
  const { createSocket } = await import('node:dgram');
  const socks = await Promise.all(Array.from({ length: n }, () => new Promise<import('node:dgram').Socket>((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = socks.map(s => s.address().port);
  await Promise.all(socks.map(s => new Promise<void>(r => s.close(() => r()))));
  return ports;
}
