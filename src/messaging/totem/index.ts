/**
 * Totem: the pure single-ring protocol, its simulator, and the TCP adapter.
 * @module
 */
export { totemConfig, type TotemTimers, type TotemConfig } from './config.js';
export {
  isTotemFrame, sameRing,
  type ProcId, type TotemRing, type TotemMsg, type TotemFrame, type McastFrame, type TokenFrame, type JoinFrame,
  type CommitFrame, type CommitEntry, type MergeFrame,
} from './frames.js';
export {
  initialState,
  type TotemState, type TotemPhase, type TotemEvent, type TotemOutput, type TotemDelivery, type TotemTimerName, type TotemCounters,
} from './state.js';
export { step, createTotem } from './srp.js';
export { TotemSim, type TotemSimOptions, type SimRecord } from './sim.js';
export { totemTcp, TotemTcpTransport, TOTEM_FRAME_TYPE, type TotemTcpOptions } from './tcp.js';
