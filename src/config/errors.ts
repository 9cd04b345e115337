/**
 * Errors of configuration files.
 * @module
 */
import type { QuorateErrorShape } from '../util/result.js';

/** A corosync.conf that quorate refuses; `line` is 1-based (0: the file as a whole). */
export interface CorosyncConfigError extends QuorateErrorShape {
  readonly code: 'QUORATE_ERR_BAD_CONFIG';
  readonly line: number;
}

/** Builds a {@link CorosyncConfigError}; the message starts with the line. */
export function corosyncConfigError(line: number, why: string): CorosyncConfigError {
  return { code: 'QUORATE_ERR_BAD_CONFIG', line, message: line > 0 ? `line ${line}: ${why}` : why };
}
