import { INITIAL_RETRY_TOKENS, NO_RETRY_INCREMENT, Retry } from '@smithy/core/retry';
import type { LocalService, RecordedRequest } from './aws/index.js';

/** What a retry of an attempt that failed with this fault costs the SDK's standard retry strategy. */
const retryCost = (fault: NonNullable<RecordedRequest['fault']>): number =>
  fault === 'throttle' ? Retry.throttlingCost() : Retry.cost();

/** How the SDK's retry quota fared over a run. */
export interface RetryQuota {
  /** The lowest level each client's quota reached, by service (the rule keeps one client per service). */
  readonly lowest: Partial<Record<LocalService, number>>;
  /** Failed attempts that had attempts left but were not retried: the quota could not pay for a retry. */
  readonly refused: number;
  /**
   * Retries made that a shared quota could not have paid for: with the SDK's standard strategy those calls
   * would have been given up on (the rule's clients have a quota per call).
   */
  readonly unpaid: number;
}

/**
 * Replays the endpoint's log through the SDK's retry quota (standard mode: a bucket of INITIAL_RETRY_TOKENS
 * per client; a retry takes `Retry.throttlingCost()` after a throttle and `Retry.cost()` after any other
 * transient error; a success gives back what its last retry took, or NO_RETRY_INCREMENT). A retry is paid
 * when the failure is answered, as the SDK does; the log's arrival order stands for the client's order.
 * When the quota cannot pay for a retry, the SDK gives up on the call at once; a retry made all the same
 * (the rule's own strategy) is counted as unpaid, and the level goes below zero.
 */
export const replayRetryQuota = (requests: readonly RecordedRequest[], maxAttempts: number): RetryQuota => {
  const attemptKey = (request: Pick<RecordedRequest, 'invocationId' | 'attempt'>) =>
    `${request.invocationId ?? ''}#${request.attempt}`;
  const made = new Set(requests.map(attemptKey));
  const level = new Map<LocalService, number>();
  const lowest: Partial<Record<LocalService, number>> = {};
  const lastCost = new Map<string, number>();
  let refused = 0;
  let unpaid = 0;
  for (const request of requests) {
    let tokens = level.get(request.service) ?? INITIAL_RETRY_TOKENS;
    const call = request.invocationId ?? '';
    if (request.fault === undefined) {
      tokens = Math.min(INITIAL_RETRY_TOKENS, tokens + (lastCost.get(call) ?? NO_RETRY_INCREMENT));
      lastCost.delete(call);
    } else if (made.has(attemptKey({ invocationId: request.invocationId, attempt: request.attempt + 1 }))) {
      const cost = retryCost(request.fault);
      if (tokens < cost) unpaid += 1;
      tokens -= cost;
      lastCost.set(call, cost);
    } else if (request.attempt < maxAttempts) {
      refused += 1;
    }
    level.set(request.service, tokens);
    lowest[request.service] = Math.min(lowest[request.service] ?? INITIAL_RETRY_TOKENS, tokens);
  }
  return { lowest, refused, unpaid };
};
