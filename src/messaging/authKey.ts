/**
 * The cluster key (Corosync's authkey): random bytes shared by every node,
 * from which frame MAC and encryption keys are derived.
 * @module
 */
import { Ok, Err, type Result, type QuorateErrorShape } from '../util/result.js';

/** Shortest accepted cluster key, in bytes (128 bits). */
export const MIN_AUTH_KEY_BYTES = 16;
/** Longest accepted cluster key, in bytes (as Corosync's 4096-byte limit). */
export const MAX_AUTH_KEY_BYTES = 4096;
/** Size of generated keys, in bytes (as `corosync-keygen`: 2048 bits). */
export const DEFAULT_AUTH_KEY_BYTES = 256;

/** A problem with a cluster key or its file. */
export interface AuthKeyError extends QuorateErrorShape {
  readonly code: 'QUORATE_ERR_AUTHKEY_SIZE' | 'QUORATE_ERR_AUTHKEY_IO';
}

/** Checks a key's size; returns it as a Buffer. */
export function validateAuthKey(key: Uint8Array, where = 'cluster key'): Result<Buffer, AuthKeyError> {
  if (key.length < MIN_AUTH_KEY_BYTES || key.length > MAX_AUTH_KEY_BYTES) {
    return Err({
      code: 'QUORATE_ERR_AUTHKEY_SIZE',
      message: `${where} is ${key.length} bytes; it must be ${MIN_AUTH_KEY_BYTES}–${MAX_AUTH_KEY_BYTES} bytes`,
    });
  }
  return Ok(Buffer.from(key));
}
