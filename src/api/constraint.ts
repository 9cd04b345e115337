/**
 * Constraint builders: location, colocation and order, producing the typed
 * CIB constraints. Scores are numbers or Pacemaker score strings
 * ("INFINITY", "-INFINITY", "100").
 * @module
 */
import { Ok, Err, type Result } from '../util/result.js';
import type { Constraint as CibConstraint } from '../cib/types.js';
import { parseScore } from '../cib/values.js';
import { clusterError, type ClusterError } from '../cluster/errors.js';
import { ID_RE } from './resource.js';

/** A score as a number or a string like "INFINITY". */
export type ScoreInput = number | string;

/** Anything `configure().constraint()` accepts. */
export interface ConstraintBuilder {
  readonly id: string;
  build(): Result<CibConstraint, ClusterError>;
}

function score(id: string, s: ScoreInput): Result<number, ClusterError> {
  const r = typeof s === 'number' ? (Number.isFinite(s) ? Ok(Math.trunc(s)) : Err('not finite')) : parseScore(s);
  if (r.err) return Err(clusterError('QUORATE_ERR_BAD_CONFIG', `constraint ${JSON.stringify(id)}: score ${JSON.stringify(s)} is not a score (an integer or [+-]INFINITY)`, id));
  return Ok(r.val);
}

function checkIds(id: string, refs: readonly string[]): ClusterError | undefined {
  if (!ID_RE.test(id)) return clusterError('QUORATE_ERR_BAD_CONFIG', `constraint id ${JSON.stringify(id)} is not a valid XML id`, id);
  for (const r of refs) {
    if (!ID_RE.test(r)) return clusterError('QUORATE_ERR_BAD_CONFIG', `constraint ${JSON.stringify(id)}: ${JSON.stringify(r)} is not a valid resource id`, id);
  }
  return undefined;
}

const clean = (s: string): string => s.replace(/[^A-Za-z0-9_.-]/g, '_');

class Built implements ConstraintBuilder {
  constructor(readonly id: string, private readonly make: () => Result<CibConstraint, ClusterError>) {}
  build(): Result<CibConstraint, ClusterError> {
    return this.make();
  }
}

/** Options of an order constraint. */
export interface OrderOptions {
  readonly id?: string;
  /** Mandatory (default), Optional or Serialize. */
  readonly kind?: 'Mandatory' | 'Optional' | 'Serialize';
  readonly firstAction?: 'start' | 'stop' | 'promote' | 'demote';
  readonly thenAction?: 'start' | 'stop' | 'promote' | 'demote';
  /** Reverse order for stops (default true). */
  readonly symmetrical?: boolean;
}

/** Options of a colocation. */
export interface ColocationOptions {
  readonly id?: string;
  readonly rscRole?: 'Started' | 'Promoted' | 'Unpromoted';
  readonly withRscRole?: 'Started' | 'Promoted' | 'Unpromoted';
}

/**
 * The CIB model's constraint type; the same name's value holds the builders,
 * so `import { Constraint } from 'quorate'` gives both.
 */
export type Constraint = CibConstraint;

/** Entry points of the constraint builders. */
export const Constraint = {
  /** Prefer (score > 0) or avoid (score < 0) running `rsc` on `node`. */
  location(rsc: string, node: string, s: ScoreInput, opts: { id?: string; role?: 'Started' | 'Promoted' | 'Unpromoted' } = {}): ConstraintBuilder {
    const id = opts.id ?? `location-${rsc}-${clean(node)}${opts.role ? `-${opts.role}` : ''}`;
    return new Built(id, () => {
      const bad = checkIds(id, [rsc]);
      if (bad) return Err(bad);
      if (!node) return Err(clusterError('QUORATE_ERR_BAD_CONFIG', `constraint ${JSON.stringify(id)}: node name is empty`, id));
      const sc = score(id, s);
      if (sc.err) return sc;
      return Ok({ kind: 'rsc_location', id, rsc, node, score: sc.val, rules: [], sets: [], ...(opts.role ? { role: opts.role } : {}) });
    });
  },
  /** Place `rsc` relative to `withRsc` (INFINITY: together; -INFINITY: apart). */
  colocation(rsc: string, withRsc: string, s: ScoreInput, opts: ColocationOptions = {}): ConstraintBuilder {
    const id = opts.id ?? `colocation-${rsc}-${withRsc}`;
    return new Built(id, () => {
      const bad = checkIds(id, [rsc, withRsc]);
      if (bad) return Err(bad);
      if (rsc === withRsc) return Err(clusterError('QUORATE_ERR_BAD_CONFIG', `constraint ${JSON.stringify(id)}: a resource cannot be colocated with itself`, id));
      const sc = score(id, s);
      if (sc.err) return sc;
      return Ok({
        kind: 'rsc_colocation', id, rsc, withRsc, score: sc.val, sets: [],
        ...(opts.rscRole ? { rscRole: opts.rscRole } : {}), ...(opts.withRscRole ? { withRscRole: opts.withRscRole } : {}),
      });
    });
  },
  /** Start `then` after `first` (and, symmetrically, stop it before). */
  order(first: string, then: string, opts: OrderOptions = {}): ConstraintBuilder {
    const id = opts.id ?? `order-${first}-${then}`;
    return new Built(id, () => {
      const bad = checkIds(id, [first, then]);
      if (bad) return Err(bad);
      if (first === then) return Err(clusterError('QUORATE_ERR_BAD_CONFIG', `constraint ${JSON.stringify(id)}: a resource cannot be ordered after itself`, id));
      return Ok({
        kind: 'rsc_order', id, first, then, sets: [],
        orderKind: opts.kind ?? 'Mandatory',
        ...(opts.firstAction ? { firstAction: opts.firstAction } : {}),
        ...(opts.thenAction ? { thenAction: opts.thenAction } : {}),
        ...(opts.symmetrical !== undefined ? { symmetrical: opts.symmetrical } : {}),
      });
    });
  },
} as const;
