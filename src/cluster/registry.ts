/**
 * In-process code the CIB cannot carry: function resource agents (class
 * `function`, type = the name they were registered under) and function fence
 * devices (class `stonith`, type `function`, looked up by device id). Every
 * node of a process shares one registry; an app running one member registers
 * the same names itself.
 * @module
 */
import type { FunctionAgentSpec } from '../agents/function.js';
import type { StonithDevice } from '../fencing/device.js';

/** Function agents and function fence devices by name. */
export class AgentRegistry {
  private readonly agents = new Map<string, FunctionAgentSpec>();
  private readonly devices = new Map<string, StonithDevice>();

  /** Registers (or replaces) a function agent under `type`. */
  registerAgent(type: string, spec: FunctionAgentSpec): void {
    this.agents.set(type, spec);
  }

  /** The function agent registered under `type`. */
  agent(type: string): FunctionAgentSpec | undefined {
    return this.agents.get(type);
  }

  /** Registers (or replaces) a function fence device under its id. */
  registerDevice(device: StonithDevice): void {
    this.devices.set(device.id, device);
  }

  /** The function fence device `id`. */
  device(id: string): StonithDevice | undefined {
    return this.devices.get(id);
  }
}
