export {
  type JsonValue,
  type RingId,
  type MembershipView,
  type MessageEvent,
  type TransportErrorCode,
  type TransportError,
  type TransportEvents,
  type Transport,
  type Network,
  transportError,
  encodePayload,
  compareRingIds,
  ringIdString,
} from './transport.js';
export { memoryNetwork, MemoryNetwork, viewString, type MemoryNetworkOptions, type MemoryNetworkEvents } from './memory.js';
export { MemoryEndpoint } from './MemoryEndpoint.js';
export { type WireFaults, type WireStats } from './wire.js';
export {
  createFrameCodec,
  FrameCodec,
  FRAME_VERSION,
  MAX_SENDER_BYTES,
  type FrameCodecOptions,
  type FrameHeaderInput,
  type FrameHeader,
  type DecodedFrame,
  type FrameError,
  type FrameErrorKind,
} from './frame.js';
export { ReplayWindow, type ReplayVerdict } from './replayWindow.js';
export { validateAuthKey, MIN_AUTH_KEY_BYTES, MAX_AUTH_KEY_BYTES, DEFAULT_AUTH_KEY_BYTES, type AuthKeyError } from './authKey.js';
export { generateAuthKey, readAuthKey, writeAuthKey } from './authKeyFile.js';
