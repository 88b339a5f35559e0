/**
 * The share of the time an invocation has at the start of a sweep that the sweep leaves itself, at the end,
 * to deliver what it decided and say how far it got: 6 s of a 30 s function timeout.
 */
export const SWEEP_MARGIN_SHARE = 0.2;

/**
 * The most the sweep keeps in hand, reached from a 300 s timeout up. One call's retries can take that long:
 * 8 attempts with backoff of up to 20 s after throttling.
 */
export const MAX_SWEEP_MARGIN_MS = 60_000;

/** The time left in this invocation. */
export interface Deadline {
  remainingMs(): number;
}

/** No deadline: for runs outside Lambda (the commands, the samples). */
export const noDeadline: Deadline = { remainingMs: () => Number.POSITIVE_INFINITY };

/** The margin a sweep keeps before the deadline, from the time it has when it starts. */
export const sweepMarginMs = (remainingAtStartMs: number): number =>
  Math.min(MAX_SWEEP_MARGIN_MS, Math.max(0, remainingAtStartMs) * SWEEP_MARGIN_SHARE);

/** Decides, between two steps of a sweep (one page each), whether there is time for one more. */
export interface SweepBudget {
  /** The margin kept before the deadline, fixed when the sweep started. */
  readonly marginMs: number;
  /**
   * True when the next step, if it takes as long as the longest step so far, would eat into the margin.
   * Call it once after every step.
   */
  exhausted(): boolean;
}

/**
 * A sweep's time budget: a margin that scales with the time the invocation has (so a 30 s timeout sweeps as
 * surely as a 900 s one), and a stop as soon as the next page might not fit before the margin. Steps are
 * timed on the deadline's own clock.
 */
export const sweepBudget = (deadline: Deadline): SweepBudget => {
  let last = deadline.remainingMs();
  const marginMs = sweepMarginMs(last);
  let longestStepMs = 0;
  return {
    marginMs,
    exhausted() {
      const remaining = deadline.remainingMs();
      if (!Number.isFinite(remaining)) return false;
      longestStepMs = Math.max(longestStepMs, last - remaining);
      last = remaining;
      return remaining - longestStepMs < marginMs;
    },
  };
};
