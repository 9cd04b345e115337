/**
 * Adapter: generating, writing and reading cluster key files
 * (like `corosync-keygen` and /etc/corosync/authkey).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Ok, Err, type Result } from '../util/result.js';
import { DEFAULT_AUTH_KEY_BYTES, validateAuthKey, type AuthKeyError } from './authKey.js';

/** A fresh random cluster key of `bytes` bytes (default 256). */
export function generateAuthKey(bytes = DEFAULT_AUTH_KEY_BYTES): Result<Buffer, AuthKeyError> {
  const size = validateAuthKey(new Uint8Array(Math.max(0, Math.floor(bytes))), 'requested key size');
  if (size.err) return size;
  return Ok(randomBytes(size.val.length));
}

/** Reads a key file; errors name the path and the reason. */
export async function readAuthKey(path: string): Promise<Result<Buffer, AuthKeyError>> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    return Err({ code: 'QUORATE_ERR_AUTHKEY_IO', message: `cannot read key file ${path}: ${(e as Error).message}` });
  }
  return validateAuthKey(data, `key file ${path}`);
}

/**
 * Writes a key file readable by its owner only (mode 0400). Refuses to
 * overwrite an existing file, so a running cluster's key is never replaced by
 * accident.
 */
export async function writeAuthKey(path: string, key: Uint8Array): Promise<Result<void, AuthKeyError>> {
  const k = validateAuthKey(key);
  if (k.err) return k;
  try {
    await writeFile(path, k.val, { mode: 0o400, flag: 'wx' });
  } catch (e) {
    return Err({ code: 'QUORATE_ERR_AUTHKEY_IO', message: `cannot write key file ${path}: ${(e as Error).message}` });
  }
  return Ok(undefined);
}
