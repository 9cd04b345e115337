/**
 * The runtime around the pure votequorum machine: feeds it views, runs the
 * timers it asks for on a `Clock`, and emits status changes.
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { Clock, TimerHandle } from '../util/clock.js';
import { Ok, type Result } from '../util/result.js';
import {
  initVotequorum,
  votequorumStep,
  type QuorumConfigError,
  type QuorumStatus,
  type VotequorumConfig,
  type VotequorumEvent,
  type VotequorumState,
  type VotequorumTimer,
} from './votequorum.js';

/** Events of a {@link QuorumTracker}. */
export interface QuorumTrackerEvents {
  /** The quorum status changed (quorate flag, votes, members …). */
  quorum: (status: QuorumStatus) => void;
}

/** Tracks quorum for one node as views arrive. */
export class QuorumTracker extends EventEmitter<QuorumTrackerEvents> {
  private state: VotequorumState;
  private readonly timers = new Map<VotequorumTimer, TimerHandle>();

  private constructor(state: VotequorumState, private readonly clock: Clock) {
    super();
    this.state = state;
  }

  /** Validates `config`; errors name the offending option. */
  static create(config: VotequorumConfig, clock: Clock): Result<QuorumTracker, QuorumConfigError> {
    const s = initVotequorum(config);
    if (s.err) return s;
    return Ok(new QuorumTracker(s.val, clock));
  }

  /** The current status. */
  get status(): QuorumStatus {
    return this.state.status;
  }

  /** A new membership view was installed. */
  view(members: readonly string[]): void {
    this.apply({ type: 'view', members });
  }

  /** Administrative override of expected votes. */
  setExpectedVotes(votes: number): void {
    this.apply({ type: 'setExpectedVotes', votes });
  }

  /** Cancels pending timers (the tracker stays usable). */
  dispose(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  private apply(event: VotequorumEvent): void {
    const [next, outputs] = votequorumStep(this.state, event);
    this.state = next;
    for (const o of outputs) {
      switch (o.type) {
        case 'startTimer': {
          this.timers.get(o.timer)?.cancel();
          const timer = o.timer;
          this.timers.set(timer, this.clock.setTimeout(() => {
            this.timers.delete(timer);
            this.apply({ type: 'timerExpired', timer });
          }, o.ms));
          break;
        }
        case 'cancelTimer':
          this.timers.get(o.timer)?.cancel();
          this.timers.delete(o.timer);
          break;
        case 'quorumChanged':
          this.emit('quorum', o.status);
          break;
      }
    }
  }
}
