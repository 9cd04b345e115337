/**
 * Configuration files: corosync.conf.
 * @module
 */
export {
  parseCorosyncConf,
  type CorosyncConfig, type CorosyncNode, type CorosyncInterface, type CorosyncQuorum, type CorosyncTotemTimers, type CorosyncTransport,
} from './corosyncConf.js';
export { corosyncConfigError, type CorosyncConfigError } from './errors.js';
export { transportPlan, votequorumConfigOf, nodeAddresses, effectiveTokenMs, consensusMs, type TransportPlan } from './clusterOptions.js';
