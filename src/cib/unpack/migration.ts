/**
 * Live-migration history across nodes (Pacemaker 2.1.5 unpack.c:
 * unpack_migrate_to_success, unpack_migrate_to_failure,
 * unpack_migrate_from_failure). A migration is migrate_to on the source,
 * migrate_from on the target, then stop on the source; when the history holds
 * only part of that sequence the resource may be active on the source, the
 * target or both.
 * @module
 */
import type { LrmRscOp } from '../types.js';
import { pendingAge } from './history.js';

/** What the migration rules need from the rest of the unpacked cluster. */
export interface MigrationWorld {
  /** Ops of resource history `rscId` on node `node` (empty when none). */
  opsOn(node: string, rscId: string): readonly LrmRscOp[];
  /** The node exists and is online. */
  online(node: string): boolean;
}

/** Outcome of the migration rules for one node's history. */
export interface MigrationOutcome {
  /** Other nodes where the resource must be considered active, in order. */
  readonly alsoActiveOn: string[];
  /** The resource is active on those nodes (role Started) — pending migration. */
  startedElsewhere: boolean;
  /** The resource is to be considered failed (stop it everywhere). */
  failed: boolean;
  /** The history's role on this node is overridden to Stopped (dangling source). */
  stoppedHere: boolean;
  /** Dangling migration source to clean up. */
  dangling: boolean;
  /** Partial migration (migrate_to done, migrate_from not yet). */
  partial?: { readonly source: string; readonly target: string };
}

/** Pacemaker's pe__is_newer_op: >0 when a is newer than b. */
export function isNewerOp(a: LrmRscOp, b: LrmRscOp, sameNode: boolean): number {
  if (a === b) return 0;
  const ca = a.callId, cb = b.callId;
  if (ca === -1 && cb === -1) return 0;
  if (sameNode && ca >= 0 && ca < cb) return -1;
  if (sameNode && cb >= 0 && ca > cb) return 1;
  if (ca >= 0 && cb >= 0 && (!sameNode || ca === cb)) {
    const la = a.lastRcChange ?? -1, lb = b.lastRcChange ?? -1;
    if (la >= 0 && la < lb) return -1;
    if (lb >= 0 && la > lb) return 1;
    return 0;
  }
  if (ca === -1) return a.opStatus === -1 ? pendingAge(a, b) : 1;
  if (cb === -1) return b.opStatus === -1 ? -pendingAge(b, a) : -1;
  return 0;
}

const STATE_TASKS = new Set(['start', 'stop', 'migrate_to', 'migrate_from']);

function nonMonitorAfter(w: MigrationWorld, rsc: string, node: string, op: LrmRscOp, sameNode: boolean): boolean {
  return w.opsOn(node, rsc).some((o) => o !== op && STATE_TASKS.has(o.operation) && isNewerOp(o, op, sameNode) > 0);
}

function monitorNotRunningAfter(w: MigrationWorld, rsc: string, node: string, op: LrmRscOp, sameNode: boolean): boolean {
  return w.opsOn(node, rsc).some((o) => o !== op && o.operation === 'monitor' && o.rcCode === 7 && isNewerOp(o, op, sameNode) > 0);
}

function newerStateAfterMigrate(w: MigrationWorld, rsc: string, node: string, migrateTo: LrmRscOp | undefined, migrateFrom: LrmRscOp | undefined): boolean {
  let op = (migrateFrom ?? migrateTo)!;
  let same = false;
  if (node === op.migrateTarget) {
    if (migrateFrom) { op = migrateFrom; same = true; } else op = migrateTo!;
  } else if (node === op.migrateSource) {
    if (migrateTo) { op = migrateTo; same = true; } else op = migrateFrom!;
  }
  return nonMonitorAfter(w, rsc, node, op, same) || monitorNotRunningAfter(w, rsc, node, op, same);
}

function findOp(w: MigrationWorld, rsc: string, task: string, node: string, peer: string, okOnly: boolean): LrmRscOp | undefined {
  const attr: 'migrateTarget' | 'migrateSource' = task === 'migrate_to' ? 'migrateTarget' : 'migrateSource';
  const found = w.opsOn(node, rsc).filter((o) => o.operation === task && o[attr] === peer);
  const op = found[found.length - 1];
  if (op && okOnly && !(op.rcCode === 0 && op.opStatus === 0)) return undefined;
  return op;
}

function unknownOn(w: MigrationWorld, rsc: string, node: string): boolean {
  return !w.opsOn(node, rsc).some((o) => o.rcCode !== 193);
}

function empty(): MigrationOutcome {
  return { alsoActiveOn: [], startedElsewhere: false, failed: false, stoppedHere: false, dangling: false };
}

/** A successful migrate_to on `node` (the source), applied after the node's history. */
export function migrateToSuccess(w: MigrationWorld, rsc: string, node: string, op: LrmRscOp): MigrationOutcome {
  const out = empty();
  const source = op.migrateSource, target = op.migrateTarget;
  if (!source || !target || source !== node) return out;
  const sourceNewer = nonMonitorAfter(w, rsc, source, op, true);
  const from = findOp(w, rsc, 'migrate_from', target, source, false);
  if (sourceNewer && from) return out;
  if (from && from.rcCode === 0 && from.opStatus === 0) {
    out.stoppedHere = true;
    out.dangling = true;
  } else if (from && from.opStatus !== -1) {
    const targetNewer = newerStateAfterMigrate(w, rsc, target, op, from);
    if (sourceNewer && targetNewer) return out;
    if (!targetNewer && w.online(target)) out.alsoActiveOn.push(target);
    if (!sourceNewer) out.failed = true;
  } else {
    const targetNewer = newerStateAfterMigrate(w, rsc, target, op, undefined);
    if (sourceNewer && targetNewer) return out;
    if (!targetNewer) {
      if (w.online(target)) {
        out.alsoActiveOn.push(target);
        out.startedElsewhere = true;
        if (w.online(source)) out.partial = { source, target };
      } else if (!sourceNewer) out.failed = true;
    }
  }
  return out;
}

/** A failed migrate_to on `node` (the source): the target may be active too. */
export function migrateToFailure(w: MigrationWorld, rsc: string, node: string, op: LrmRscOp): MigrationOutcome {
  const out = empty();
  const source = op.migrateSource, target = op.migrateTarget;
  if (!source || !target || source !== node) return out;
  const from = findOp(w, rsc, 'migrate_from', target, source, true);
  if (!unknownOn(w, rsc, target) && !newerStateAfterMigrate(w, rsc, target, op, from)) {
    if (w.online(target)) out.alsoActiveOn.push(target);
  } else if (!nonMonitorAfter(w, rsc, source, op, true)) {
    out.dangling = true;
  }
  return out;
}

/** A failed migrate_from on `node` (the target): the source may still be active. */
export function migrateFromFailure(w: MigrationWorld, rsc: string, node: string, op: LrmRscOp): MigrationOutcome {
  const out = empty();
  const source = op.migrateSource, target = op.migrateTarget;
  if (!source || !target || target !== node) return out;
  const to = findOp(w, rsc, 'migrate_to', source, target, true);
  if (!unknownOn(w, rsc, source) && !newerStateAfterMigrate(w, rsc, source, to, op)) {
    if (w.online(source)) { out.alsoActiveOn.push(source); out.failed = true; }
  }
  return out;
}
