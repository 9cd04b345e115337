/**
 * The resource agent contract: every class of agent (OCF, LSB, in-process
 * function, stonith) is driven through {@link ResourceAgent}.
 * @module
 */
import type { OcfExitCode, OpStatus } from './codes.js';
import type { AgentMetadata } from './metadata.js';

/** One invocation of an agent action. */
export interface AgentCall {
  /** The resource instance id (OCF_RESOURCE_INSTANCE). */
  readonly resourceId: string;
  /** Instance attributes (become OCF_RESKEY_<name>). */
  readonly params: Readonly<Record<string, string>>;
  /** Meta attributes (become OCF_RESKEY_CRM_meta_<name>). */
  readonly meta: Readonly<Record<string, string>>;
  /** How long the action may run before it is killed and reported as timed out. */
  readonly timeoutMs: number;
  /** Recurring interval of a monitor, 0 or absent for one-shot actions and probes. */
  readonly interval?: number;
}

/** What one action produced. */
export interface OpResult {
  /** The OCF exit code (meaningful when status is DONE). */
  readonly rc: OcfExitCode | number;
  /** What happened to the attempt (done, timeout, error, not-installed, …). */
  readonly status: OpStatus;
  /** Captured output (stdout, then stderr) or an exception message. */
  readonly output?: string;
  /** Wall (or virtual) time the action took. */
  readonly durationMs: number;
}

/** An action implementation. */
export type AgentAction = (call: AgentCall) => Promise<OpResult>;

/** Names of the actions an agent may implement (OCF spelling). */
export type ActionName =
  | 'start' | 'stop' | 'monitor' | 'promote' | 'demote' | 'notify'
  | 'migrate_to' | 'migrate_from' | 'reload' | 'reload-agent' | 'meta-data' | 'validate-all';

/** A resource agent. start, stop and monitor are mandatory; the rest optional. */
export interface ResourceAgent {
  start: AgentAction;
  stop: AgentAction;
  monitor: AgentAction;
  promote?: AgentAction;
  demote?: AgentAction;
  notify?: AgentAction;
  migrateTo?: AgentAction;
  migrateFrom?: AgentAction;
  reload?: AgentAction;
  /** The agent's self-description, when it has one. */
  metadata?: () => Promise<AgentMetadata | undefined>;
}

/** Maps an OCF action name to the {@link ResourceAgent} method that runs it. */
export function agentMethod(agent: ResourceAgent, action: string): AgentAction | undefined {
  switch (action) {
    case 'start': return agent.start;
    case 'stop': return agent.stop;
    case 'monitor': return agent.monitor;
    case 'promote': return agent.promote;
    case 'demote': return agent.demote;
    case 'notify': return agent.notify;
    case 'migrate_to': return agent.migrateTo;
    case 'migrate_from': return agent.migrateFrom;
    case 'reload': return agent.reload;
    default: return undefined;
  }
}

/** Error from building or configuring an agent (not from running one). */
export interface AgentConfigError {
  readonly code: 'QUORATE_ERR_BAD_AGENT_NAME' | 'QUORATE_ERR_BAD_PARAM_NAME' | 'QUORATE_ERR_BAD_RESOURCE_ID';
  readonly message: string;
}

// Provider/type/script names become path components: no separators, no dot-dot.
const SIMPLE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
// Parameter names become environment variable suffixes.
const PARAM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
// Pacemaker ids are XML IDs; we also allow ':' for clone instances (rsc:0).
const RESOURCE_ID = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;

/** True when `name` is usable as one path component (agent provider, type, script). */
export function isSimpleName(name: string): boolean {
  return SIMPLE_NAME.test(name) && name !== '.' && name !== '..' && !name.includes('..');
}

/** Checks a resource id, parameter names and meta names of a call. */
export function validateCall(call: AgentCall): AgentConfigError | undefined {
  if (!RESOURCE_ID.test(call.resourceId)) {
    return { code: 'QUORATE_ERR_BAD_RESOURCE_ID', message: `resource id ${JSON.stringify(call.resourceId)} is not a valid id` };
  }
  for (const name of [...Object.keys(call.params), ...Object.keys(call.meta)]) {
    if (!PARAM_NAME.test(name)) {
      return { code: 'QUORATE_ERR_BAD_PARAM_NAME', message: `parameter name ${JSON.stringify(name)} of resource ${call.resourceId} is not valid` };
    }
  }
  return undefined;
}
