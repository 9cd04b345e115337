/**
 * A stonith device as a cluster resource (class `stonith`): starting it
 * registers the device with the local fencer, stopping it unregisters it, and
 * monitor runs the device's monitor action. Register it with the executor as
 * `{ class: 'stonith', agent: stonithResourceAgent(fencer, device) }`.
 * @module
 */
import { OcfExitCode, OpStatus } from '../agents/codes.js';
import type { AgentCall, OpResult, ResourceAgent } from '../agents/agent.js';
import type { Fencer } from './fencer.js';
import type { StonithDevice } from './device.js';

/** Builds the {@link ResourceAgent} of a stonith resource on `fencer`. */
export function stonithResourceAgent(fencer: Fencer, device: StonithDevice): ResourceAgent {
  const monitor = async (call: AgentCall): Promise<OpResult> => {
    if (fencer.device(device.id) !== device) return { rc: OcfExitCode.NOT_RUNNING, status: OpStatus.DONE, durationMs: 0 };
    const r = await fencer.monitorDevice(device.id, call.timeoutMs);
    return {
      rc: r.ok ? OcfExitCode.OK : OcfExitCode.ERR_GENERIC,
      status: r.timedOut ? OpStatus.TIMEOUT : OpStatus.DONE,
      durationMs: r.durationMs,
      ...(r.output !== undefined ? { output: r.output } : {}),
    };
  };
  return {
    start: async (call) => {
      const reg = fencer.register(device);
      if (reg.err) return { rc: OcfExitCode.NOT_CONFIGURED, status: OpStatus.ERROR_FATAL, output: reg.val.message, durationMs: 0 };
      const r = await monitor(call);
      // A device that cannot be reached is not usable: undo the registration.
      if (r.rc !== OcfExitCode.OK) fencer.unregister(device.id);
      return r;
    },
    stop: async () => {
      fencer.unregister(device.id);
      return { rc: OcfExitCode.OK, status: OpStatus.DONE, durationMs: 0 };
    },
    monitor,
  };
}
