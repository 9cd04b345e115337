/**
 * The UDP heartbeat transport: the pure protocol, its simulator, and the dgram adapter.
 * @module
 */
export { isHbFrame, sameHbRing, type HbFrame, type HbRing, type HbCut } from './frames.js';
export { hbStep, createHb, hbConfig, type HbConfig, type HbState, type HbEvent, type HbOutput } from './protocol.js';
export { HbSim, type HbSimRecord } from './sim.js';
export { udpHeartbeat, UdpHeartbeatTransport, UDP_FRAME_TYPE, type UdpHeartbeatOptions } from './heartbeat.js';
