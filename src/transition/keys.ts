/**
 * Transition keys and magic strings, as Pacemaker writes them into
 * `lrm_rsc_op`: they tie an operation result to the graph action that asked
 * for it, so a late result is recognised as belonging to an old transition.
 * @module
 */

/** The parts of a transition key. */
export interface TransitionKey {
  /** Action id within its graph. */
  readonly actionId: number;
  /** The transition (graph) number. */
  readonly transitionId: number;
  /** The rc the action expects (7 for probes, 8 for promoted monitors, else 0). */
  readonly targetRc: number;
  /** Identifies the controller run that issued the graph. */
  readonly uuid: string;
}

/** `action:transition:target-rc:uuid`. */
export function formatTransitionKey(k: TransitionKey): string {
  return `${k.actionId}:${k.transitionId}:${k.targetRc}:${k.uuid}`;
}

/** Parses a transition key; undefined when it is not one. */
export function parseTransitionKey(s: string | undefined): TransitionKey | undefined {
  if (!s) return undefined;
  const m = /^(\d+):(-?\d+):(\d+):(.+)$/.exec(s);
  if (!m) return undefined;
  return { actionId: Number(m[1]), transitionId: Number(m[2]), targetRc: Number(m[3]), uuid: m[4]! };
}

/** `op-status:rc;transition-key`. */
export function formatTransitionMagic(opStatus: number, rc: number, key: string): string {
  return `${opStatus}:${rc};${key}`;
}
