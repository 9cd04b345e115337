/**
 * The pcmk_host_list / pcmk_host_map device parameters, parsed as Pacemaker
 * does: entries separated by spaces, commas or semicolons; a map entry is
 * `node:plug` (or `node=plug`).
 * @module
 */
import { Ok, Err, type Result } from '../util/result.js';
import { fenceError, type FenceError } from './errors.js';

/** Splits a pcmk_host_list into node names. */
export function parseHostList(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(/[\s,;]+/).filter(s => s.length > 0);
}

/** Parses a pcmk_host_map ("node1:plug1;node2:plug2") into node → plug. */
export function parseHostMap(text: string | undefined, deviceId = '?'): Result<Map<string, string>, FenceError> {
  const map = new Map<string, string>();
  if (!text) return Ok(map);
  for (const entry of text.split(/[\s,;]+/).filter(s => s.length > 0)) {
    const m = /^([^:=]+)[:=](.+)$/.exec(entry);
    if (!m) {
      return Err(fenceError('QUORATE_ERR_BAD_DEVICE', `pcmk_host_map of device ${deviceId}: entry ${JSON.stringify(entry)} is not node:plug`));
    }
    map.set(m[1]!, m[2]!);
  }
  return Ok(map);
}
