/**
 * Which control socket a client command talks to.
 * @module
 */
import { hostname } from 'node:os';
import { defaultControlPath } from '../control/protocol.js';

/**
 * `--control PATH`, else $QUORATE_CONTROL, else the default socket of the
 * node named like this host (as Pacemaker names nodes by `uname -n`).
 */
export function resolveControlPath(flag: string | undefined): string {
  return flag ?? process.env['QUORATE_CONTROL'] ?? defaultControlPath(hostname());
}
