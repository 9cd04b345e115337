/**
 * Node attributes as a resource sees them (Pacemaker's pe__node_attribute_calculated):
 * a resource with `container-attribute-target=host` running in a guest node reads
 * the attributes of the node hosting the guest's container (none while the
 * container is inactive).
 * @module
 */
import type { Ctx, PRsc } from './model.js';

/** The attributes of `node` that resource `r` reads. */
export function attributesFor(ctx: Ctx, r: PRsc, node: string): Readonly<Record<string, string>> {
  const n = ctx.nodes.get(node);
  if (!n) return {};
  if ((r.u.meta['container-attribute-target'] ?? '').toLowerCase() !== 'host') return n.u.attributes;
  const cont = n.u.containerResource !== undefined ? ctx.byId.get(n.u.containerResource) : undefined;
  if (!cont) return n.u.attributes;
  const host = cont.u.runningOn[0];
  return host !== undefined ? ctx.nodes.get(host)?.u.attributes ?? {} : {};
}
