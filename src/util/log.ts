/**
 * Logging through `debug` under the `quorate:*` namespaces
 * (enable with `DEBUG=quorate:*`).
 * @module
 */
import createDebug from 'debug';

/** A logger function for one namespace. */
export type Logger = createDebug.Debugger;

/** Returns the logger for `quorate:<area>`. */
export function logger(area: string): Logger {
  return createDebug(`quorate:${area}`);
}
