/**
 * Totem timer settings, named and defaulted as corosync.conf(5) has them.
 * @module
 */

/** Totem timers and limits (all durations in ms). */
export interface TotemTimers {
  /** Token timeout before the coefficient: a token not seen for this long is lost. Default 1000. */
  tokenMs: number;
  /** Added to the token timeout per configured node above two. Default 650. */
  tokenCoefficientMs: number;
  /** Time to reach consensus in gather before non-responders are failed. Default 1.2 × token timeout. */
  consensusMs: number;
  /** Interval between join messages in gather. Default 50. */
  joinMs: number;
  /** How often a ring's representative probes for other rings to merge with. Default 200. */
  mergeMs: number;
  /** Token retransmissions tried before the token counts as lost. Default 4. */
  tokenRetransmitsBeforeLoss: number;
  /** Interval between token retransmissions. Default token timeout / (retransmits + 0.2). */
  tokenRetransmitMs: number;
  /** How long an idle representative holds the token before passing it. Default 50 (quorate's choice). */
  holdMs: number;
  /**
   * Idle rotations before the representative starts holding the token
   * (corosync seqno_unchanged_const). Below it the token circulates freely,
   * so a message sent on a lightly loaded ring waits for no hold. Default 30.
   */
  seqnoUnchangedConst: number;
  /** Rotations a processor may fail to receive a message before it is failed (corosync fail_recv_const). Default 2500. */
  failRecvConst: number;
  /** Largest number of new messages one member broadcasts per token visit. Default 17. */
  maxMessages: number;
  /** Largest number of messages in flight (assigned but not received by all). Default 50. */
  windowSize: number;
}

/** Resolved Totem configuration of one processor. */
export interface TotemConfig extends TotemTimers {
  /** This processor's node id. */
  me: number;
  /** Every configured node id (the nodelist), used for joins and merge probes. */
  nodes: readonly number[];
  /** The effective token timeout (token + coefficient × (nodes − 2)). */
  tokenTimeoutMs: number;
}

/** Builds a config from partial timers, applying Corosync's defaults and derivations. */
export function totemConfig(me: number, nodes: readonly number[], timers: Partial<TotemTimers> = {}): TotemConfig {
  const tokenMs = timers.tokenMs ?? 1000;
  const tokenCoefficientMs = timers.tokenCoefficientMs ?? 650;
  const uniq = [...new Set([...nodes, me])].sort((a, b) => a - b);
  // corosync: the coefficient applies only with a nodelist of three or more nodes.
  const tokenTimeoutMs = tokenMs + (uniq.length > 2 ? (uniq.length - 2) * tokenCoefficientMs : 0);
  const retransmits = timers.tokenRetransmitsBeforeLoss ?? 4;
  return {
    me,
    nodes: uniq,
    tokenMs,
    tokenCoefficientMs,
    tokenTimeoutMs,
    consensusMs: timers.consensusMs ?? Math.round(1.2 * tokenTimeoutMs),
    joinMs: timers.joinMs ?? 50,
    mergeMs: timers.mergeMs ?? 200,
    tokenRetransmitsBeforeLoss: retransmits,
    tokenRetransmitMs: timers.tokenRetransmitMs ?? Math.round(tokenTimeoutMs / (retransmits + 0.2)),
    holdMs: timers.holdMs ?? 50,
    seqnoUnchangedConst: timers.seqnoUnchangedConst ?? 30,
    failRecvConst: timers.failRecvConst ?? 2500,
    maxMessages: timers.maxMessages ?? 17,
    windowSize: timers.windowSize ?? 50,
  };
}
