/**
 * Time comes through a `Clock` so whole clusters can run under virtual time.
 * @module
 */

/** Handle returned by {@link Clock.setTimeout}, used to cancel the timer. */
export interface TimerHandle {
  /** Cancels the timer; a no-op if it already fired. */
  cancel(): void;
}

/** Source of time and timers. Production code never reads the wall clock directly. */
export interface Clock {
  /** Milliseconds since the epoch (virtual or real). */
  now(): number;
  /** Runs `fn` after `ms` milliseconds of this clock's time. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

/** The real clock: wall time and Node timers. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, ms);
    // Cluster timers must never keep a process alive on their own.
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  }
}

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A virtual clock: time moves only when {@link VirtualClock.advance} is called,
 * and timers fire in (due time, creation order), so runs replay exactly.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  /** @param startMs the initial time in ms since the epoch (default 0). */
  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: PendingTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.insert(timer);
    return { cancel: () => { timer.cancelled = true; } };
  }

  /** Number of timers still pending. */
  pending(): number {
    return this.timers.filter(t => !t.cancelled).length;
  }

  /** Due time of the next pending timer, or undefined. */
  nextDue(): number | undefined {
    return this.timers.find(t => !t.cancelled)?.at;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way, each at its
   * own due time (timers set by fired timers fire too if due within the window).
   */
  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      if (next.cancelled) continue;
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = target;
  }

  /** Fires the single next timer (moving time to it); returns false when none is pending. */
  step(): boolean {
    while (this.timers.length > 0) {
      const next = this.timers.shift()!;
      if (next.cancelled) continue;
      this.current = Math.max(this.current, next.at);
      next.fn();
      return true;
    }
    return false;
  }

  private insert(timer: PendingTimer): void {
    // Binary search keeps (at, seq) order; seq breaks ties by creation order.
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.timers[mid]!;
      if (m.at < timer.at || (m.at === timer.at && m.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
  }
}
