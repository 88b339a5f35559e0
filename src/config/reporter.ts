import type { ConfigServiceClient, Evaluation } from '@aws-sdk/client-config-service';
import { PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { EvaluationDeliveryError } from '../errors.js';

/** How evaluations reach Config: written, validated only (`TestMode`), or not sent at all. */
export const ReportMode = { Live: 'live', Test: 'test', DryRun: 'dry-run' } as const;
export type ReportMode = (typeof ReportMode)[keyof typeof ReportMode];

/** PutEvaluations takes at most 100 evaluations a call. */
export const MAX_BATCH = 100;

/** Receives evaluations as they are decided and delivers them in batches. */
export interface Reporter {
  add(evaluation: Evaluation): Promise<void>;
  /** Waits for every batch; throws EvaluationDeliveryError naming what Config did not accept. */
  flush(): Promise<ReportSummary>;
}

export interface ReportSummary {
  readonly mode: ReportMode;
  readonly delivered: number;
  readonly calls: number;
  /** In dry-run mode, what would have been sent. */
  readonly wouldSend: readonly Evaluation[];
}

export interface ReporterOptions {
  readonly client: ConfigServiceClient;
  readonly resultToken: string;
  readonly mode: ReportMode;
  /** PutEvaluations calls in flight at once; bounded so a large sweep respects Config's throttle. */
  readonly concurrency?: number;
  /** Rounds of re-sending entries returned in FailedEvaluations. */
  readonly failedEntryRetries?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_FAILED_ENTRY_RETRIES = 4;
const DEFAULT_BASE_DELAY_MS = 200;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const keyOf = (evaluation: Evaluation) =>
  `${evaluation.ComplianceResourceType ?? ''} ${evaluation.ComplianceResourceId ?? ''}`;

/** What PutEvaluations could not take: the resources, and the last reason Config or the SDK gave. */
interface Undelivered {
  readonly keys: readonly string[];
  readonly reason: string;
}

/**
 * Batches evaluations by 100 and sends them with bounded concurrency. Throttling and 5xx are retried
 * by the SDK's retry strategy; entries Config returns in FailedEvaluations are re-sent with exponential
 * backoff and full jitter. Whatever still fails is named by `flush()`; nothing is dropped silently.
 */
export const createReporter = (options: ReporterOptions): Reporter => {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const retries = options.failedEntryRetries ?? DEFAULT_FAILED_ENTRY_RETRIES;
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const sleep = options.sleep ?? defaultSleep;

  let batch: Evaluation[] = [];
  const inFlight = new Set<Promise<void>>();
  const undelivered: Undelivered[] = [];
  const wouldSend: Evaluation[] = [];
  let delivered = 0;
  let calls = 0;

  const put = async (evaluations: Evaluation[]): Promise<readonly Evaluation[]> => {
    calls += 1;
    const output = await options.client.send(
      new PutEvaluationsCommand({
        Evaluations: evaluations,
        ResultToken: options.resultToken,
        ...(options.mode === ReportMode.Test ? { TestMode: true } : {}),
      }),
    );
    return output.FailedEvaluations ?? [];
  };

  const deliver = async (evaluations: Evaluation[]): Promise<void> => {
    let pending = evaluations;
    for (let round = 0; ; round += 1) {
      let failed: readonly Evaluation[];
      try {
        failed = await put(pending);
      } catch (error) {
        undelivered.push({ keys: pending.map(keyOf), reason: (error as Error).message });
        return;
      }
      delivered += pending.length - failed.length;
      if (failed.length === 0) return;
      if (round >= retries) {
        undelivered.push({ keys: failed.map(keyOf), reason: 'returned in FailedEvaluations' });
        return;
      }
      // Config returns the entries themselves; send back exactly those.
      const failedKeys = new Set(failed.map(keyOf));
      pending = pending.filter((evaluation) => failedKeys.has(keyOf(evaluation)));
      await sleep(Math.random() * baseDelayMs * 2 ** round);
    }
  };

  const dispatch = async (evaluations: Evaluation[]): Promise<void> => {
    if (options.mode === ReportMode.DryRun) {
      wouldSend.push(...evaluations);
      return;
    }
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const sending = deliver(evaluations).finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  };

  return {
    async add(evaluation) {
      batch.push(evaluation);
      if (batch.length >= MAX_BATCH) {
        const full = batch;
        batch = [];
        await dispatch(full);
      }
    },
    async flush() {
      if (batch.length > 0) {
        const last = batch;
        batch = [];
        await dispatch(last);
      }
      await Promise.all(inFlight);
      if (undelivered.length > 0) {
        const keys = undelivered.flatMap((entry) => entry.keys);
        const reasons = [...new Set(undelivered.map((entry) => entry.reason))].join('; ');
        throw new EvaluationDeliveryError(
          `${keys.length} evaluation(s) not delivered to AWS Config (${reasons}): ${keys.join(', ')}`,
          keys,
        );
      }
      return { mode: options.mode, delivered, calls, wouldSend };
    },
  };
};
