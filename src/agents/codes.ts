/**
 * Result codes shared with Pacemaker: OCF exit codes (what an agent returns) and
 * execution statuses (what happened to the attempt), as recorded in an
 * `lrm_rsc_op` as `rc-code` and `op-status`.
 * @module
 */

/** OCF resource agent exit codes (`rc-code`). */
export enum OcfExitCode {
  OK = 0,
  ERR_GENERIC = 1,
  ERR_ARGS = 2,
  UNIMPLEMENTED = 3,
  ERR_PERM = 4,
  NOT_INSTALLED = 5,
  NOT_CONFIGURED = 6,
  NOT_RUNNING = 7,
  RUNNING_PROMOTED = 8,
  FAILED_PROMOTED = 9,
  DEGRADED = 190,
  DEGRADED_PROMOTED = 191,
}

/**
 * Execution status of an operation (`op-status`), numbered as Pacemaker's
 * `enum pcmk_exec_status` so history written by quorate reads the same.
 */
export enum OpStatus {
  PENDING = -1,
  DONE = 0,
  CANCELLED = 1,
  TIMEOUT = 2,
  NOT_SUPPORTED = 3,
  ERROR = 4,
  ERROR_HARD = 5,
  ERROR_FATAL = 6,
  NOT_INSTALLED = 7,
  NOT_CONNECTED = 8,
  INVALID = 9,
  NO_FENCE_DEVICE = 10,
  NO_SECRETS = 11,
}

/** Lower-case names of the statuses, for logs and messages. */
export type OpStatusName =
  | 'pending' | 'done' | 'cancelled' | 'timeout' | 'not-supported' | 'error' | 'error-hard'
  | 'error-fatal' | 'not-installed' | 'not-connected' | 'invalid' | 'no-fence-device' | 'no-secrets';

const STATUS_NAMES: Record<OpStatus, OpStatusName> = {
  [OpStatus.PENDING]: 'pending',
  [OpStatus.DONE]: 'done',
  [OpStatus.CANCELLED]: 'cancelled',
  [OpStatus.TIMEOUT]: 'timeout',
  [OpStatus.NOT_SUPPORTED]: 'not-supported',
  [OpStatus.ERROR]: 'error',
  [OpStatus.ERROR_HARD]: 'error-hard',
  [OpStatus.ERROR_FATAL]: 'error-fatal',
  [OpStatus.NOT_INSTALLED]: 'not-installed',
  [OpStatus.NOT_CONNECTED]: 'not-connected',
  [OpStatus.INVALID]: 'invalid',
  [OpStatus.NO_FENCE_DEVICE]: 'no-fence-device',
  [OpStatus.NO_SECRETS]: 'no-secrets',
};

/** The readable name of an execution status. */
export function opStatusName(status: OpStatus): OpStatusName {
  return STATUS_NAMES[status];
}

/** Readable name of an OCF exit code (`not running`, …) as crm_mon prints it. */
export function ocfExitCodeName(rc: number): string {
  switch (rc) {
    case OcfExitCode.OK: return 'ok';
    case OcfExitCode.ERR_GENERIC: return 'error';
    case OcfExitCode.ERR_ARGS: return 'invalid parameter';
    case OcfExitCode.UNIMPLEMENTED: return 'unimplemented feature';
    case OcfExitCode.ERR_PERM: return 'insufficient privileges';
    case OcfExitCode.NOT_INSTALLED: return 'not installed';
    case OcfExitCode.NOT_CONFIGURED: return 'not configured';
    case OcfExitCode.NOT_RUNNING: return 'not running';
    case OcfExitCode.RUNNING_PROMOTED: return 'promoted';
    case OcfExitCode.FAILED_PROMOTED: return 'promoted (failed)';
    case OcfExitCode.DEGRADED: return 'OCF_DEGRADED';
    case OcfExitCode.DEGRADED_PROMOTED: return 'promoted (degraded)';
    default: return `unknown (${rc})`;
  }
}
