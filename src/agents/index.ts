/**
 * Local execution of resource operations: OCF, LSB and in-process function agents.
 * @module
 */
export { OcfExitCode, OpStatus, opStatusName, ocfExitCodeName, type OpStatusName } from './codes.js';
export { type ResourceAgent, type AgentCall, type OpResult, type AgentAction, type ActionName, type AgentConfigError, agentMethod, isSimpleName } from './agent.js';
export { parseAgentMetadata, parseDurationMs, type AgentMetadata, type AgentParameterMeta, type AgentActionMeta, type MetadataError } from './metadata.js';
export { OcfAgent, DEFAULT_OCF_ROOT, ocfEnvironment, type OcfAgentOptions } from './ocf.js';
export { LsbAgent, lsbStatusToOcf, type LsbAgentOptions } from './lsb.js';
export { FunctionAgent, runWithTimeout, type FunctionAgentSpec, type FunctionAction, type FunctionActionReturn } from './function.js';
export { LocalExecutor, operationKey, type ResourceSpec, type OpRequest, type OpRecord, type ExecutorEvents, type ExecutorError, type LocalExecutorOptions } from './executor.js';
