/**
 * Result helpers on top of ts-results.
 *
 * ts-results ships CommonJS only, so its values are re-exported from here and
 * every module imports `Ok`/`Err`/`Result` from this file.
 * @module
 */
import tsResults from 'ts-results';
import type { Result as TsResult, Ok as OkT, Err as ErrT } from 'ts-results';

/** A value or a typed error (ts-results `Result`). */
export type Result<T, E> = TsResult<T, E>;
/** The success variant type. */
export type OkResult<T> = OkT<T>;
/** The failure variant type. */
export type ErrResult<E> = ErrT<E>;

/** Wraps a success value. */
export const Ok: typeof tsResults.Ok = tsResults.Ok;
/** Wraps an error value. */
export const Err: typeof tsResults.Err = tsResults.Err;

/** Collects an array of results into one result: the first error, or all values. */
export function collect<T, E>(results: Iterable<Result<T, E>>): Result<T[], E> {
  const out: T[] = [];
  for (const r of results) {
    if (r.err) return r;
    out.push(r.val);
  }
  return Ok(out);
}

/** A failure every quorate error carries: a stable code and a readable message. */
export interface QuorateErrorShape {
  /** Stable machine-readable code, e.g. `QUORATE_ERR_BAD_CIB`. */
  readonly code: string;
  /** Human-readable message naming what was wrong and where. */
  readonly message: string;
}
