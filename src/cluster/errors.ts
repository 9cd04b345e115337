/**
 * Typed failures of the cluster runtime and its configuration API.
 * @module
 */
import type { QuorateErrorShape } from '../util/result.js';

/** Stable codes of cluster errors. */
export type ClusterErrorCode =
  | 'QUORATE_ERR_BAD_CONFIG'
  | 'QUORATE_ERR_BAD_CIB'
  | 'QUORATE_ERR_NO_DC'
  | 'QUORATE_ERR_TIMEOUT'
  | 'QUORATE_ERR_NOT_RUNNING'
  | 'QUORATE_ERR_UNKNOWN_NODE'
  | 'QUORATE_ERR_UNKNOWN_RESOURCE';

/** A cluster failure: a stable code and a message naming what and where. */
export interface ClusterError extends QuorateErrorShape {
  readonly code: ClusterErrorCode;
  /** The object the error is about (resource id, node name, constraint id…), when there is one. */
  readonly subject?: string;
}

/** Builds a {@link ClusterError}. */
export function clusterError(code: ClusterErrorCode, message: string, subject?: string): ClusterError {
  return { code, message, ...(subject !== undefined ? { subject } : {}) };
}
