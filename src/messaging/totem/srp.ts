/**
 * Totem single-ring protocol as a pure state machine:
 * `step(state, event, now) -> [state, outputs]`. No sockets, no timers, no
 * clock reads: the driver performs the outputs (send, deliver, view, timers)
 * and feeds back frames and timer expiries.
 * @module
 */
import { totemConfig, type TotemTimers } from './config.js';
import type { ProcId, TotemFrame } from './frames.js';
import { enterGather, onCommit, onConsensusTimer, onJoin, onJoinTimer, onMerge, onMergeTimer } from './membership.js';
import { onBroadcast, onHold, onMcast, onRetransmit, onToken } from './operational.js';
import { initialState, StepContext, type TotemEvent, type TotemOutput, type TotemState } from './state.js';

/** Bound on frames a processor sends itself within one step (a ring of one). */
const MAX_SELF_FRAMES = 100_000;

function onFrame(c: StepContext, from: ProcId, f: TotemFrame): void {
  switch (f.t) {
    case 'mcast': return onMcast(c, from, f);
    case 'token': return onToken(c, f);
    case 'join': return onJoin(c, f);
    case 'commit': return onCommit(c, f);
    case 'merge': return onMerge(c, f);
  }
}

/**
 * Advances one processor by one event. The state is updated in place and
 * returned; outputs are the side effects, in order.
 */
export function step(state: TotemState, event: TotemEvent, now: number): [TotemState, TotemOutput[]] {
  const c = new StepContext(state, now);
  switch (event.type) {
    case 'start':
      if (state.phase === 'idle') enterGather(c, []);
      break;
    case 'frame':
      if (state.phase !== 'idle') onFrame(c, event.from, event.frame);
      break;
    case 'broadcast':
      onBroadcast(c, event.payload, event.to);
      break;
    case 'timer':
      if (state.phase === 'idle') break;
      switch (event.name) {
        case 'token':
          if (state.phase === 'operational' || state.phase === 'recovery' || state.phase === 'commit') {
            state.counters.tokenLosses++;
            enterGather(c, []);
          }
          break;
        case 'retransmit': onRetransmit(c); break;
        case 'hold': onHold(c); break;
        case 'join': onJoinTimer(c); break;
        case 'consensus': onConsensusTimer(c); break;
        case 'merge': onMergeTimer(c); break;
      }
      break;
  }
  for (let n = 0; c.self.length > 0 && n < MAX_SELF_FRAMES; n++) onFrame(c, state.cfg.me, c.self.shift()!);
  return [state, c.out];
}

/** Creates a processor's state from its id, the nodelist and timers. */
export function createTotem(me: ProcId, nodes: readonly ProcId[], timers: Partial<TotemTimers> = {}, initialRingSeq = 0): TotemState {
  return initialState(totemConfig(me, nodes, timers), initialRingSeq);
}
