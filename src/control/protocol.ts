/**
 * The local control protocol of a running `quorate node`: JSON lines over a
 * unix socket, one request and one response per line (crm_mon, crm_resource
 * and crm_attribute talk to the local daemons the same way, over IPC).
 * @module
 */
import type { QuorateErrorShape } from '../util/result.js';

/** A request to the local node. */
export type ControlRequest =
  | { readonly cmd: 'status' }
  | { readonly cmd: 'cib' }
  | { readonly cmd: 'standby'; readonly node: string; readonly on: boolean }
  | { readonly cmd: 'move'; readonly rsc: string; readonly node: string }
  | { readonly cmd: 'clear'; readonly rsc: string }
  | { readonly cmd: 'cleanup'; readonly rsc: string };

/** Names of the commands. */
export const CONTROL_COMMANDS: readonly ControlRequest['cmd'][] = ['status', 'cib', 'standby', 'move', 'clear', 'cleanup'];

/** A failure reported over the socket. */
export interface ControlError extends QuorateErrorShape {
  readonly code: string;
}

/** The answer to one request. */
export type ControlResponse =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: ControlError };

/** Checks a decoded line; returns the request or why it is not one. */
export function asControlRequest(v: unknown): ControlRequest | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'request must be a JSON object';
  const o = v as Record<string, unknown>;
  const str = (k: string): boolean => typeof o[k] === 'string' && (o[k] as string).length > 0;
  switch (o['cmd']) {
    case 'status': case 'cib': return { cmd: o['cmd'] };
    case 'standby':
      if (!str('node') || typeof o['on'] !== 'boolean') return 'standby needs node (string) and on (boolean)';
      return { cmd: 'standby', node: o['node'] as string, on: o['on'] };
    case 'move':
      if (!str('rsc') || !str('node')) return 'move needs rsc and node (strings)';
      return { cmd: 'move', rsc: o['rsc'] as string, node: o['node'] as string };
    case 'clear': case 'cleanup':
      if (!str('rsc')) return `${o['cmd']} needs rsc (string)`;
      return { cmd: o['cmd'], rsc: o['rsc'] as string };
    default:
      return `unknown command ${JSON.stringify(o['cmd'])} (one of ${CONTROL_COMMANDS.join(', ')})`;
  }
}

/** The default control socket of node `name`. */
export function defaultControlPath(name: string, runDir = '/tmp'): string {
  return `${runDir}/quorate-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.sock`;
}
