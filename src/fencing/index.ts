/**
 * Fencing: stonith devices (fence agents or functions) and the fencer.
 * @module
 */
export { StonithDevice, type FenceAction, type HostCheck, type FunctionDeviceSpec, type DeviceActionResult } from './device.js';
export { Fencer, type FencerOptions, type FenceOptions, type FenceRecord, type FencerEvents } from './fencer.js';
export { type FencingLevel as FenceTopologyLevel, validateTopology, levelsFor } from './topology.js';
export { type FenceError, type FenceErrorCode, type FenceAttempt } from './errors.js';
export { parseHostList, parseHostMap } from './hostMap.js';
export { stonithResourceAgent } from './resourceAgent.js';
