/**
 * Where CLI commands write (stdout and stderr, or buffers in tests).
 * @module
 */

/** Output streams of a CLI command. */
export interface CliIo {
  readonly out: { write(s: string): unknown };
  readonly err: { write(s: string): unknown };
}
