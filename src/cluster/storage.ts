/**
 * Where a node keeps its CIB across restarts (Pacemaker writes it to
 * /var/lib/pacemaker/cib): a restarted node offers its last CIB when it
 * joins, so a configuration survives even if every node went down.
 * @module
 */
import type { Cib, CibVersion } from '../cib/types.js';

/** What a node keeps on disk. */
export interface StoredCib {
  readonly cib: Cib;
  /**
   * The version of the last update this copy received in a partition with
   * quorum: when partitions merge, the copy carrying the latest quorate
   * history wins over one a minority kept writing to.
   */
  readonly quorateVersion: CibVersion;
}

/** A node's durable CIB copy. */
export interface CibStorage {
  /** The last saved copy, if any. */
  load(): StoredCib | undefined;
  /** Saves the current replica. */
  save(stored: StoredCib): void;
}

/** Storage in memory: survives a simulated crash of the node, not of the process. */
export class MemoryCibStorage implements CibStorage {
  private stored: StoredCib | undefined;

  load(): StoredCib | undefined {
    return this.stored;
  }

  save(stored: StoredCib): void {
    // CIB objects are never mutated, so keeping the reference is a snapshot.
    this.stored = stored;
  }
}
