/**
 * The shutdown lock an lrm_resource records (its `shutdown-lock` attribute), read
 * once for both the unpacker (which holds the resource to the node) and the
 * scheduler (which deletes the history of an expired lock).
 * @module
 */
import type { LrmResource } from '../types.js';
import { intervalOrZero, isTrue } from '../values.js';

/** A recorded lock: when it began (epoch seconds), and whether shutdown-lock-limit has passed since. */
export interface RecordedLock {
  readonly time: number;
  readonly expired: boolean;
}

/** The lock `lr` records, when the cluster has shutdown-lock on; undefined otherwise. */
export function recordedShutdownLock(options: Readonly<Record<string, string>>, lr: LrmResource, now: number): RecordedLock | undefined {
  if (!isTrue(options['shutdown-lock'])) return undefined;
  const time = Number.parseInt(lr.extra?.['shutdown-lock'] ?? '', 10);
  if (!Number.isFinite(time) || time === 0) return undefined;
  const limitS = Math.floor(intervalOrZero(options['shutdown-lock-limit']) / 1000);
  return { time, expired: limitS > 0 && now > time + limitS };
}
