/**
 * Shared pieces of the socket transports: nodelist, statistics, stream framing.
 * @module
 */
export { validateNodes, DeliveryMapper, type NodeAddress, type SocketConfigError, type RawDelivery } from './nodes.js';
export { emptyStats, totalDropped, type SocketTransportStats, type DropReason } from './stats.js';
export { StreamFramer, lengthPrefix, type StreamChunk } from './streamFramer.js';
