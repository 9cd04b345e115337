/**
 * Replay protection: a per-sender sliding window of accepted sequence numbers
 * (as IPsec's anti-replay window). A frame is accepted once; frames older than
 * the window, or from an earlier incarnation (`epoch`) of the sender, are not.
 * @module
 */

/** Why a sequence number was refused. */
export type ReplayVerdict = 'ok' | 'duplicate' | 'too-old' | 'old-epoch';

interface SenderWindow {
  epoch: number;
  highest: number;
  seen: Set<number>;
}

/** Per-sender sliding windows. Pure: no clock, no I/O. */
export class ReplayWindow {
  private readonly senders = new Map<string, SenderWindow>();

  /**
   * @param size how many sequence numbers below the highest one are remembered
   * @param maxSenders senders tracked at most; the least recently used is forgotten
   */
  constructor(readonly size = 1024, readonly maxSenders = 4096) {}

  /** Whether (`sender`, `epoch`, `seq`) would be accepted; does not record it. */
  check(sender: string, epoch: number, seq: number): ReplayVerdict {
    const w = this.senders.get(sender);
    if (!w || epoch > w.epoch) return 'ok';
    if (epoch < w.epoch) return 'old-epoch';
    if (seq > w.highest) return 'ok';
    if (seq <= w.highest - this.size) return 'too-old';
    return w.seen.has(seq) ? 'duplicate' : 'ok';
  }

  /** Records an accepted (`sender`, `epoch`, `seq`); call only after `check` said ok. */
  accept(sender: string, epoch: number, seq: number): void {
    let w = this.senders.get(sender);
    if (!w || epoch > w.epoch) {
      // A new incarnation of the sender starts a fresh window.
      w = { epoch, highest: seq, seen: new Set([seq]) };
    } else {
      w.seen.add(seq);
      if (seq > w.highest) {
        w.highest = seq;
        const floor = seq - this.size;
        for (const s of w.seen) if (s <= floor) w.seen.delete(s);
      }
    }
    // Re-insert to keep the map in least-recently-used order.
    this.senders.delete(sender);
    this.senders.set(sender, w);
    if (this.senders.size > this.maxSenders) {
      const oldest = this.senders.keys().next().value as string;
      this.senders.delete(oldest);
    }
  }
}
