/**
 * Shared set-up for cluster tests: a memory network, simulated services and
 * an in-process cluster whose fence device powers machines off.
 */
import { Cluster, type ClusterCreateOptions } from '../../src/cluster/Cluster.js';
import { memoryNetwork, type MemoryNetwork } from '../../src/messaging/memory.js';
import { SimulatedServices } from '../../src/cluster/simServices.js';
import { StonithDevice } from '../../src/fencing/device.js';
import type { ClusterEvents } from '../../src/cluster/events.js';
import { CLUSTER_EVENT_NAMES } from '../../src/cluster/events.js';

export interface World {
  net: MemoryNetwork;
  cluster: Cluster;
  services: SimulatedServices;
  events: { name: keyof ClusterEvents; at: number; e: Record<string, unknown> }[];
  fenced: string[];
  /** A fence device that powers the target off. */
  fenceDevice(id?: string, hosts?: string[]): StonithDevice;
}

export async function makeWorld(nodes = ['n1', 'n2', 'n3'], seed = 1, extra: Partial<ClusterCreateOptions> = {}): Promise<World> {
  const net = memoryNetwork({ seed });
  const services = new SimulatedServices();
  const cluster = await Cluster.create({
    name: 'test', nodes, transport: net, rebootDelayMs: -1,
    onPower: (n, on) => { if (!on) services.powerOff(n); },
    ...extra,
  });
  const events: World['events'] = [];
  for (const name of CLUSTER_EVENT_NAMES) {
    cluster.on(name, ((e: Record<string, unknown>) => events.push({ name, at: net.clock.now(), e })) as never);
  }
  const fenced: string[] = [];
  return {
    net, cluster, services, events, fenced,
    fenceDevice: (id = 'fence1', hosts = nodes) => StonithDevice.function(id, {
      hosts,
      fence: t => { fenced.push(t); net.crash(t); return true; },
    }),
  };
}

/** Names of the events seen, in order. */
export function eventNames(w: World): string[] {
  return w.events.map(e => e.name);
}
