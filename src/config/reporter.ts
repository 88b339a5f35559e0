import type { ConfigServiceClient, Evaluation } from '@aws-sdk/client-config-service';
import { PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { EvaluationDeliveryError } from '../errors.js';
import { logger } from '../logger.js';
import { redactSecret } from '../secrets.js';
import { deliveryErrorMessage, type Undelivered, undeliveredLogParts } from './delivery-report.js';

/** How evaluations reach Config: written, validated only (`TestMode`), or not sent at all. */
export const ReportMode = { Live: 'live', Test: 'test', DryRun: 'dry-run' } as const;
export type ReportMode = (typeof ReportMode)[keyof typeof ReportMode];

/** PutEvaluations takes at most 100 evaluations a call. */
export const MAX_BATCH = 100;

/** Receives evaluations as they are decided and delivers them in batches. */
export interface Reporter {
  add(evaluation: Evaluation): Promise<void>;
  /**
   * Waits for every batch; throws EvaluationDeliveryError naming every evaluation Config did not accept, or
   * did not confirm, after logging the whole list in parts ("Evaluations not delivered").
   */
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

/** The reason given for entries Config kept returning in FailedEvaluations. */
export const REFUSED = 'returned in FailedEvaluations';

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How a resource is named in errors and logs: `<type> <id>`. */
export const keyOf = (evaluation: Pick<Evaluation, 'ComplianceResourceType' | 'ComplianceResourceId'>) =>
  `${evaluation.ComplianceResourceType ?? ''} ${evaluation.ComplianceResourceId ?? ''}`;

/**
 * Which evaluations of a batch the entries of FailedEvaluations stand for: the same resource (type and id;
 * Config may echo another timestamp or annotation). An entry that matches nothing sent is unexplained.
 */
export const matchFailedEntries = (
  sent: readonly Evaluation[],
  failed: readonly Evaluation[],
): { identified: Evaluation[]; unexplained: Evaluation[] } => {
  const byKey = new Map<string, Evaluation[]>();
  for (const evaluation of sent) {
    const same = byKey.get(keyOf(evaluation));
    if (same === undefined) byKey.set(keyOf(evaluation), [evaluation]);
    else same.push(evaluation);
  }
  const identified: Evaluation[] = [];
  const unexplained: Evaluation[] = [];
  for (const entry of failed) {
    const match = byKey.get(keyOf(entry))?.pop();
    if (match === undefined) unexplained.push(entry);
    else identified.push(match);
  }
  return { identified, unexplained };
};

/**
 * Batches evaluations by 100 and sends them with bounded concurrency. Throttling, 5xx and timeouts are
 * retried by the SDK's retry strategy. Entries Config returns in FailedEvaluations are gathered and re-sent
 * in full batches, after an exponential backoff with full jitter, for up to `failedEntryRetries` rounds.
 *
 * Every evaluation added is either accepted by Config or named by `flush()`'s error: a failed call names its
 * batch; an entry returned in FailedEvaluations that matches nothing sent (Config's answer does not say
 * which evaluation it stands for) names every evaluation of its batch that Config did not confirm.
 */
export const createReporter = (options: ReporterOptions): Reporter => {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const retries = options.failedEntryRetries ?? DEFAULT_FAILED_ENTRY_RETRIES;
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const sleep = options.sleep ?? defaultSleep;

  let batch: Evaluation[] = [];
  /** Entries returned in FailedEvaluations, waiting to be re-sent, by round (1 = first re-send). */
  const waiting: Evaluation[][] = Array.from({ length: retries + 1 }, () => []);
  const inFlight = new Set<Promise<void>>();
  const undelivered: Undelivered = { byReason: new Map(), unexplained: [] };
  const wouldSend: Evaluation[] = [];
  let delivered = 0;
  let calls = 0;

  const giveUp = (reason: string, evaluations: readonly Evaluation[]) => {
    if (evaluations.length === 0) return;
    const keys = undelivered.byReason.get(reason) ?? [];
    keys.push(...evaluations.map(keyOf));
    undelivered.byReason.set(reason, keys);
  };

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

  const deliver = async (evaluations: Evaluation[], round: number): Promise<void> => {
    if (round > 0) await sleep(Math.random() * baseDelayMs * 2 ** (round - 1));
    let failed: readonly Evaluation[];
    try {
      failed = await put(evaluations);
    } catch (error) {
      // Before the message is cut to fit: an echoed token would push out what the service said.
      giveUp(redactSecret((error as Error).message, options.resultToken), evaluations);
      return;
    }
    const { identified, unexplained } = matchFailedEntries(evaluations, failed);
    if (unexplained.length === 0) {
      delivered += evaluations.length - identified.length;
    } else {
      undelivered.unexplained.push(...unexplained.map(keyOf));
      const retried = new Set(identified);
      giveUp(
        'not confirmed: FailedEvaluations held entries that match nothing sent, so which evaluations of ' +
          'their batch Config took is unknown',
        evaluations.filter((evaluation) => !retried.has(evaluation)),
      );
    }
    if (identified.length === 0) return;
    // Config returns the entries themselves; ours are re-sent, as decided.
    if (round >= retries) giveUp(REFUSED, identified);
    else waiting[round + 1]?.push(...identified);
  };

  const dispatch = async (evaluations: Evaluation[], round: number): Promise<void> => {
    if (options.mode === ReportMode.DryRun) {
      wouldSend.push(...evaluations);
      return;
    }
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const sending = deliver(evaluations, round).finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  };

  /** Re-sends the entries of a round, in batches of 100; `all`: the last, partial batch too. */
  const resend = async (round: number, all: boolean): Promise<void> => {
    const entries = waiting[round] ?? [];
    while (entries.length >= MAX_BATCH || (all && entries.length > 0)) {
      await dispatch(entries.splice(0, MAX_BATCH), round);
    }
  };

  return {
    async add(evaluation) {
      batch.push(evaluation);
      if (batch.length < MAX_BATCH) return;
      const full = batch;
      batch = [];
      await dispatch(full, 0);
      for (let round = 1; round <= retries; round += 1) await resend(round, false);
    },
    async flush() {
      if (batch.length > 0) {
        const last = batch;
        batch = [];
        await dispatch(last, 0);
      }
      for (;;) {
        while (inFlight.size > 0) await Promise.all(inFlight);
        const round = waiting.findIndex((entries) => entries.length > 0);
        if (round < 0) break;
        await resend(round, true);
      }
      if (undelivered.byReason.size > 0 || undelivered.unexplained.length > 0) {
        for (const part of undeliveredLogParts(undelivered)) logger.error('Evaluations not delivered', part);
        const keys = [...undelivered.byReason.values()].flat();
        throw new EvaluationDeliveryError(deliveryErrorMessage(undelivered), keys);
      }
      return { mode: options.mode, delivered, calls, wouldSend };
    },
  };
};
