/**
 * Typed fencing failures.
 * @module
 */

/** Stable codes of fencing errors. */
export type FenceErrorCode =
  | 'QUORATE_ERR_NO_FENCE_DEVICE'
  | 'QUORATE_ERR_FENCE_FAILED'
  | 'QUORATE_ERR_FENCE_TIMEOUT'
  | 'QUORATE_ERR_BAD_DEVICE'
  | 'QUORATE_ERR_BAD_TOPOLOGY';

/** One device action tried while fencing. */
export interface FenceAttempt {
  readonly device: string;
  readonly action: string;
  /** Topology level (1-based), or 0 when no topology applied. */
  readonly level: number;
  readonly ok: boolean;
  readonly timedOut: boolean;
  readonly output?: string;
  readonly durationMs: number;
}

/** A fencing failure: what was wrong, for which target, and every attempt made. */
export interface FenceError {
  readonly code: FenceErrorCode;
  readonly message: string;
  readonly target?: string;
  readonly attempts?: readonly FenceAttempt[];
}

/** Builds a {@link FenceError}. */
export function fenceError(code: FenceErrorCode, message: string, extra: { target?: string; attempts?: readonly FenceAttempt[] } = {}): FenceError {
  return { code, message, ...extra };
}
