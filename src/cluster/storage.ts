/**
 * Where a node keeps its CIB across restarts (Pacemaker writes it to
 * /var/lib/pacemaker/cib): a restarted node offers its last CIB when it
 * joins, so a configuration survives even if every node went down.
 * @module
 */
import type { Cib } from '../cib/types.js';

/** A node's durable CIB copy. */
export interface CibStorage {
  /** The last saved CIB, if any. */
  load(): Cib | undefined;
  /** Saves the current replica. */
  save(cib: Cib): void;
}

/** Storage in memory: survives a simulated crash of the node, not of the process. */
export class MemoryCibStorage implements CibStorage {
  private cib: Cib | undefined;

  load(): Cib | undefined {
    return this.cib;
  }

  save(cib: Cib): void {
    // CIB objects are never mutated, so keeping the reference is a snapshot.
    this.cib = cib;
  }
}
