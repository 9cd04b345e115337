/**
 * quorate: the Linux high-availability stack (Pacemaker's resource manager,
 * Corosync's membership and messaging, STONITH fencing) as an embeddable
 * TypeScript library.
 *
 * - `cib`: the typed CIB model, XML parse/serialise, rules, status unpacking.
 * - `policy`: the pure scheduler, `schedule(cib, { now })`.
 * - `messaging`, `quorum`: transports and votequorum.
 * - `agents`, `fencing`: local execution of resource and fence agents.
 * @packageDocumentation
 */
export * from './util/index.js';
export * from './cib/index.js';
export * from './messaging/index.js';
export * from './quorum/index.js';
export * from './agents/index.js';
export * from './fencing/index.js';
export * from './messaging/totem/index.js';
export * from './messaging/udp/index.js';
export * from './messaging/socket/index.js';
export * from './policy/index.js';
export * from './api/index.js';
// The builders share their names with CIB model types; the explicit export makes the
// builder values win at the package root (each also still carries the CIB type).
export { Resource, Constraint } from './api/index.js';
export * from './config/index.js';
export * from './control/index.js';
