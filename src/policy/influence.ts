/**
 * Colocation influence: whether a dependent's node preferences are folded into its
 * primary's scores. An explicit `influence` on the constraint decides, else the
 * dependent's `critical` meta attribute (default true). Without influence the
 * dependent still shapes where an inactive primary starts: only an active
 * primary is left where it is, so a failing dependent stops instead of dragging it.
 * @module
 */
import { primitivesOf, type Coloc, type PRsc } from './model.js';

const TRUE_RE = /^(true|on|yes|y|1)$/i;

/**
 * A constraint's influence flag: `influence` when it is a valid boolean, otherwise whether
 * the dependent is critical (`critical` meta attribute true or absent).
 */
export function influenceFlag(influence: boolean | undefined, dependent: PRsc): boolean {
  return influence ?? isCritical(dependent);
}

/** `critical` meta attribute (inherited from the parent like other meta attributes): true unless set to a non-true value. */
export function isCritical(r: PRsc): boolean {
  const v = r.u.meta['critical'];
  return v === undefined || TRUE_RE.test(v);
}

/**
 * Does the dependent of `c` influence where `rsc` (default: the constraint's
 * primary as configured) is placed? Yes with the influence flag, or when that
 * resource is not active anywhere yet.
 */
export function hasInfluence(c: Coloc, rsc?: PRsc): boolean {
  if (c.influence) return true;
  const r = rsc ?? c.configuredPrimary ?? c.primary;
  return !primitivesOf(r).some((p) => p.u.runningOn.length > 0);
}
