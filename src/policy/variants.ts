/**
 * The method table: one set of scheduling methods per resource variant, so stages
 * call `VARIANTS[r.variant].assign(...)` instead of switching on kinds.
 * @module
 */
import type { Act, Ctx, PolicyVariant, PRsc } from './model.js';
import { primitiveMethods, VARIANTS_REF } from './primitive.js';
import { groupMethods } from './group.js';
import { cloneMethods } from './clone.js';
import { bundleMethods } from './bundle.js';

/** What each variant knows how to do. */
export interface VariantMethods {
  /** Chooses a node (members too, for collective variants); returns it. `prefer`: a clone instance's current node. */
  assign(ctx: Ctx, r: PRsc, prefer?: string): string | null;
  /** Creates start/stop/monitor/pseudo actions once every resource is assigned. */
  createActions(ctx: Ctx, r: PRsc): void;
  /** Orderings a variant implies between its own actions (groups: member chains). */
  internalOrders(ctx: Ctx, r: PRsc): void;
  /** Actions standing for `task` when the resource is on the first/then side of an ordering. */
  endpoint(ctx: Ctx, r: PRsc, task: string, asFirst: boolean): Act[];
}

/** Methods by variant. */
export const VARIANTS: Record<PolicyVariant, VariantMethods> = {
  primitive: primitiveMethods,
  group: groupMethods,
  // A getter: clone.js sits in an import cycle with this table.
  get clone() {
    return cloneMethods;
  },
  get bundle() {
    return bundleMethods;
  },
};
VARIANTS_REF.table = VARIANTS;
