/**
 * The simulated wire under the memory network: per-frame loss, duplication,
 * delay and reordering, all drawn from one seeded `Rng` on a `Clock`, so a
 * seed replays the same arrivals. The protocol above must mask these faults.
 * @module
 */
import type { Clock } from '../util/clock.js';
import type { Rng } from '../util/rng.js';

/** Fault settings of the wire (probabilities in [0, 1], delays in ms). */
export interface WireFaults {
  /** Probability that a frame is dropped. */
  loss: number;
  /** Probability that a frame is delivered twice. */
  duplicate: number;
  /** Probability that a frame is held back so later frames overtake it. */
  reorder: number;
  /** Smallest one-way delay. */
  delayMinMs: number;
  /** Largest one-way delay. */
  delayMaxMs: number;
  /** Probability that a frame arrives with a damaged byte. */
  corrupt: number;
}

/** Counters of the wire and of the protocol running over it. */
export interface WireStats {
  /** Frames handed to the wire (including retransmissions). */
  sent: number;
  /** Frames that arrived at a live endpoint. */
  delivered: number;
  /** Frames lost: random loss, partition, crashed or stopped endpoint. */
  dropped: number;
  /** Extra copies the wire created. */
  duplicated: number;
  /** Frames the protocol sent again because an earlier copy went missing. */
  retransmitted: number;
  /** Frames the wire damaged. */
  corrupted: number;
  /** Frames refused on arrival: bad MAC, malformed, replayed (authenticated networks only). */
  rejected: number;
  /** Application messages delivered to endpoints (broadcast and direct). */
  messagesDelivered: number;
}

/** Default wire: no faults, 1 ms one-way delay. */
export const NO_FAULTS: WireFaults = { loss: 0, duplicate: 0, reorder: 0, delayMinMs: 1, delayMaxMs: 1, corrupt: 0 };

/** Moves frames between named endpoints with injected faults. */
export class MemoryWire<F> {
  /** Current fault settings (mutable through the network's fault methods). */
  faults: WireFaults = { ...NO_FAULTS };
  readonly stats: WireStats = {
    sent: 0, delivered: 0, dropped: 0, duplicated: 0, retransmitted: 0, corrupted: 0, rejected: 0, messagesDelivered: 0,
  };

  /**
   * @param canReach whether a frame from → to can pass now (checked at send and arrival)
   * @param arrive hands an arrived frame to the receiving endpoint
   * @param damage returns a damaged copy of a frame, or undefined when the frame
   *   cannot carry damage (then a link checksum would have dropped it)
   */
  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly canReach: (from: string, to: string) => boolean,
    private readonly arrive: (from: string, to: string, frame: F) => void,
    private readonly damage: (frame: F, rng: Rng) => F | undefined = () => undefined,
  ) {}

  /** Puts one frame on the wire. `retransmit` only feeds the statistics. */
  transmit(from: string, to: string, frame: F, retransmit = false): void {
    this.stats.sent++;
    if (retransmit) this.stats.retransmitted++;
    if (from === to) {
      // Loopback never crosses the network, but stays asynchronous so no
      // delivery happens inside the caller's stack.
      this.schedule(from, to, frame, 0);
      return;
    }
    if (!this.canReach(from, to) || this.rng.chance(this.faults.loss)) {
      this.stats.dropped++;
      return;
    }
    this.schedule(from, to, this.maybeDamage(frame), this.pickDelay());
    if (this.rng.chance(this.faults.duplicate)) {
      this.stats.duplicated++;
      this.schedule(from, to, this.maybeDamage(frame), this.pickDelay());
    }
  }

  private maybeDamage(frame: F): F | undefined {
    if (!this.rng.chance(this.faults.corrupt)) return frame;
    this.stats.corrupted++;
    return this.damage(frame, this.rng);
  }

  private pickDelay(): number {
    const { delayMinMs, delayMaxMs, reorder } = this.faults;
    let d = this.rng.int(Math.max(0, delayMinMs), Math.max(delayMinMs, delayMaxMs));
    // Holding a frame back past the largest delay lets later frames overtake it.
    if (this.rng.chance(reorder)) d += delayMaxMs + this.rng.int(1, 2 * delayMaxMs + 20);
    return d;
  }

  private schedule(from: string, to: string, frame: F | undefined, delayMs: number): void {
    this.clock.setTimeout(() => {
      if (frame === undefined || (from !== to && !this.canReach(from, to))) {
        this.stats.dropped++;
        return;
      }
      this.stats.delivered++;
      this.arrive(from, to, frame);
    }, delayMs);
  }
}
