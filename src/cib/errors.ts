/**
 * Typed errors and warnings produced while reading a CIB.
 *
 * Every error carries a stable `code`, a `message` saying why, and a `path` naming
 * the element: `tag[id=X]` when it has an id, else a positional path from the nearest
 * ancestor with an id (or from the root), e.g. `/cib/configuration/resources/primitive[2]`.
 * @module
 */
import type { QuorateErrorShape } from '../util/result.js';

/** Stable error codes for CIB input problems. */
export type CibErrorCode =
  /** Not well-formed XML (truncated, binary, empty, a DOCTYPE…). */
  | 'QUORATE_ERR_NOT_XML'
  /** Well-formed XML that is not a valid CIB (wrong root, missing element or attribute). */
  | 'QUORATE_ERR_BAD_CIB'
  /** An element that requires an id has none. */
  | 'QUORATE_ERR_MISSING_ID'
  /** Two objects that must have distinct ids share one. */
  | 'QUORATE_ERR_DUPLICATE_ID'
  /** An `id-ref` or `template` names something that does not exist. */
  | 'QUORATE_ERR_DANGLING_REF'
  /** An attribute value does not parse (score, date, interval, integer, boolean, enum). */
  | 'QUORATE_ERR_BAD_VALUE'
  /** A resource's agent is unusable: unknown class, ocf without provider, no type. */
  | 'QUORATE_ERR_BAD_AGENT'
  /** The input exceeds a safety limit (document size, attribute length, nesting depth). */
  | 'QUORATE_ERR_TOO_LARGE';

/** An error reading a CIB. */
export interface CibError extends QuorateErrorShape {
  readonly code: CibErrorCode;
  readonly message: string;
  /** The element concerned (see module doc); '' when the whole input is concerned. */
  readonly path: string;
  /** 1-based line in the input, when known (well-formedness errors). */
  readonly line?: number;
}

/** Codes of problems Pacemaker tolerates (it ignores the object and logs a config warning). */
export type CibWarningCode =
  /** A constraint, set or tag names a resource (or object) that does not exist. */
  | 'QUORATE_WARN_UNKNOWN_REF'
  /** An element or attribute value was not understood and was kept verbatim or ignored. */
  | 'QUORATE_WARN_IGNORED'
  /** `validate-with="none"`: schema validation is off (Pacemaker's tools print this notice). */
  | 'QUORATE_WARN_VALIDATION_DISABLED';

/** A tolerated problem found while reading a CIB. */
export interface CibWarning {
  readonly code: CibWarningCode;
  readonly message: string;
  readonly path: string;
}

/** Builds a {@link CibError}; the message is prefixed with the path for readability. */
export function cibError(code: CibErrorCode, path: string, why: string, line?: number): CibError {
  const where = path === '' ? '' : `${path}: `;
  const err: CibError = { code, path, message: `${where}${why}` };
  return line === undefined ? err : { ...err, line };
}

/** Builds a {@link CibWarning}. */
export function cibWarning(code: CibWarningCode, path: string, why: string): CibWarning {
  return { code, path, message: path === '' ? why : `${path}: ${why}` };
}

/** True when `x` looks like a {@link CibError} (e.g. from a `Result`'s error side). */
export function isCibError(x: unknown): x is CibError {
  return (
    typeof x === 'object' && x !== null &&
    typeof (x as { code?: unknown }).code === 'string' &&
    (x as { code: string }).code.startsWith('QUORATE_ERR_') &&
    typeof (x as { path?: unknown }).path === 'string'
  );
}
