/**
 * How much Lambda time a sweep leaves itself to deliver what it has and report how far it got. One call's
 * retries can take long: 8 attempts with backoff of up to 20 s after throttling, 15 s a request.
 */
export const SWEEP_TIME_MARGIN_MS = 60_000;

/** The time left in this invocation. */
export interface Deadline {
  remainingMs(): number;
}

/** No deadline: for runs outside Lambda (the commands, the samples). */
export const noDeadline: Deadline = { remainingMs: () => Number.POSITIVE_INFINITY };
