/**
 * fencing-topology: per-target levels of devices. Level 1 is tried first; a
 * level succeeds only if all of its devices succeed; on failure the next level
 * is tried.
 * @module
 */
import { Ok, Err, type Result } from '../util/result.js';
import { fenceError, type FenceError } from './errors.js';

/** One fencing-level, as in the CIB's `<fencing-level>`. */
export interface FencingLevel {
  /** Order of the level for its target (1 first). */
  readonly index: number;
  /** The node this level applies to. */
  readonly target?: string;
  /** A regular expression matching the nodes it applies to (target-pattern; unanchored, as Pacemaker). */
  readonly targetPattern?: string;
  /** Device ids, all of which must succeed. */
  readonly devices: readonly string[];
}

/** Checks a topology: positive integer indexes, a target or pattern, devices, valid patterns, no duplicate (target, index). */
export function validateTopology(levels: readonly FencingLevel[]): Result<FencingLevel[], FenceError> {
  const seen = new Set<string>();
  for (const l of levels) {
    const where = `fencing-level ${l.index} for ${l.target ?? l.targetPattern ?? '?'}`;
    if (!Number.isInteger(l.index) || l.index < 1) {
      return Err(fenceError('QUORATE_ERR_BAD_TOPOLOGY', `${where}: index must be a positive integer`));
    }
    if ((l.target === undefined) === (l.targetPattern === undefined)) {
      return Err(fenceError('QUORATE_ERR_BAD_TOPOLOGY', `${where}: exactly one of target and targetPattern is needed`));
    }
    if (l.targetPattern !== undefined) {
      try {
        new RegExp(l.targetPattern);
      } catch {
        return Err(fenceError('QUORATE_ERR_BAD_TOPOLOGY', `${where}: target-pattern is not a valid regular expression`));
      }
    }
    if (l.devices.length === 0) return Err(fenceError('QUORATE_ERR_BAD_TOPOLOGY', `${where}: no devices`));
    const key = `${l.target ?? `/${l.targetPattern}/`}#${l.index}`;
    if (seen.has(key)) return Err(fenceError('QUORATE_ERR_BAD_TOPOLOGY', `${where}: duplicate level`));
    seen.add(key);
  }
  return Ok([...levels]);
}

/** The levels that apply to `target`, in the order they are tried. */
export function levelsFor(levels: readonly FencingLevel[], target: string): FencingLevel[] {
  return levels
    .filter(l => l.target === target || (l.targetPattern !== undefined && new RegExp(l.targetPattern).test(target)))
    .sort((a, b) => a.index - b.index);
}
