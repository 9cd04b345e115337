/**
 * Keeps a node's fencer in step with the CIB: every stonith primitive of the
 * configuration is a registered device (as Pacemaker's fencer reads the CIB
 * on every node), and fencing-topology levels are installed.
 * @module
 */
import type { Cib, Primitive } from '../cib/types.js';
import { flattenSets } from '../cib/unpack/nvs.js';
import { StonithDevice } from '../fencing/device.js';
import type { Fencer } from '../fencing/fencer.js';
import type { AgentRegistry } from './registry.js';

/**
 * Registers new or changed devices and removes deleted ones. `sigs` remembers
 * what is registered (device id → type and parameters) between calls.
 * Function devices come from `registry` (type "function").
 */
export function syncFencerDevices(fencer: Fencer, registry: AgentRegistry, cib: Cib, sigs: Map<string, string>,
  warn: (msg: string) => void): void {
  const want = new Map<string, Primitive>();
  for (const r of cib.configuration.resources) {
    if (r.kind === 'primitive' && r.class === 'stonith') want.set(r.id, r);
    if (r.kind === 'group') for (const c of r.children) if (c.class === 'stonith') want.set(c.id, c);
  }
  for (const id of [...sigs.keys()]) {
    if (!want.has(id)) { fencer.unregister(id); sigs.delete(id); }
  }
  for (const [id, p] of want) {
    const params = flattenSets(p.instance);
    const sig = JSON.stringify([p.type, params]);
    if (sigs.get(id) === sig) continue;
    let dev: StonithDevice | undefined;
    if (p.type === 'function') dev = registry.device(id);
    else if (p.type) dev = StonithDevice.agent(id, p.type, params);
    if (!dev) { warn(`no function fence device ${id} is registered here`); continue; }
    const r = fencer.register(dev);
    if (r.err) warn(`device ${id}: ${r.val.message}`);
    else sigs.set(id, sig);
  }
  const levels = cib.configuration.fencingTopology.map(l => ({
    index: l.index, devices: l.devices,
    ...(l.target !== undefined ? { target: l.target } : {}),
    ...(l.targetPattern !== undefined ? { targetPattern: l.targetPattern } : {}),
  }));
  const t = fencer.setTopology(levels);
  if (t.err) warn(`fencing topology: ${t.val.message}`);
}
