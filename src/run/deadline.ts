/** How much Lambda time a sweep leaves itself to deliver what it has and report how far it got. */
export const SWEEP_TIME_MARGIN_MS = 30_000;

/** The time left in this invocation. */
export interface Deadline {
  remainingMs(): number;
}

/** No deadline: for runs outside Lambda (the commands, the samples). */
export const noDeadline: Deadline = { remainingMs: () => Number.POSITIVE_INFINITY };
