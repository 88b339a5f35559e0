import type { Evaluation } from '@aws-sdk/client-config-service';
import { toEvaluation } from '../config/evaluation.js';
import { type ChangeNotification, MessageType, type OversizedNotification } from '../config/event.js';
import type { HistoryReader } from '../config/history.js';
import type { ResourceResultReader } from '../config/previous-results.js';
import { HistoryLagError, RuleError } from '../errors.js';
import { isRecord } from '../json.js';
import { ComplianceType, type Decision, Reason } from '../rule/compliance.js';
import { decide } from '../rule/decide.js';
import { type InstanceView, viewFromConfigurationItem } from '../rule/instance-view.js';
import type { RuleParameters } from '../rule/parameters.js';
import { type Deadline, noDeadline } from './deadline.js';

export interface ChangeInput {
  readonly invoking: ChangeNotification | OversizedNotification;
  readonly eventLeftScope: boolean;
  readonly parameters: RuleParameters;
  readonly history: () => HistoryReader;
  /**
   * Fills in what the configuration item does not say (whether the profile holds an IAM role); given
   * only when a rule parameter needs it.
   */
  readonly enrich?: (view: InstanceView) => Promise<InstanceView>;
  /** The invocation's deadline: how long an oversized item's history may be waited for. */
  readonly deadline?: Deadline;
  /** How to wait before reading the history again (tests pass a clock of their own). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The waits before reading again the history of an oversized item that is older than the notification says:
 * the item is usually recorded within seconds. Each wait is taken only while the invocation keeps
 * MIN_TIME_AFTER_WAIT_MS after it.
 */
export const HISTORY_REREAD_DELAYS_MS = [1_000, 2_000, 4_000] as const;

/** What the invocation keeps after a wait: one more read, the evaluation's delivery, the error if it fails. */
export const MIN_TIME_AFTER_WAIT_MS = 10_000;

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const captureTimeOf = (value: unknown): number | undefined => {
  if (typeof value !== 'string' && !(value instanceof Date)) return undefined;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? undefined : time;
};

/**
 * The configuration item an oversized notification is about. GetResourceConfigHistory may lag behind the
 * notification: while its newest item was captured before the time the summary names, it is read again
 * after a short wait (as long as the invocation has time for it). Still older, the invocation fails with a
 * HistoryLagError, so that Lambda retries it, instead of evaluating the state before the change.
 */
export const readNotifiedItem = async (
  reader: HistoryReader,
  summary: OversizedNotification['configurationItemSummary'],
  deadline: Deadline,
  sleep: (ms: number) => Promise<void>,
): Promise<Record<string, unknown>> => {
  const notifiedAt = captureTimeOf(summary.configurationItemCaptureTime);
  let item = await reader.latest(summary.resourceType, summary.resourceId);
  let reads = 1;
  const isOlder = (candidate: Record<string, unknown>) => {
    const capturedAt = captureTimeOf(candidate.configurationItemCaptureTime);
    return notifiedAt !== undefined && capturedAt !== undefined && capturedAt < notifiedAt;
  };
  for (const delay of HISTORY_REREAD_DELAYS_MS) {
    if (!isOlder(item) || deadline.remainingMs() - delay < MIN_TIME_AFTER_WAIT_MS) break;
    await sleep(delay);
    item = await reader.latest(summary.resourceType, summary.resourceId);
    reads += 1;
  }
  if (isOlder(item)) {
    const resource = `${summary.resourceType} ${summary.resourceId}`;
    const newest = new Date(captureTimeOf(item.configurationItemCaptureTime) as number).toISOString();
    throw new HistoryLagError(
      `The configuration history of ${resource} lags behind its oversized change notification: the newest item ` +
        `GetResourceConfigHistory returned was captured at ${newest}, before the change notified ` +
        `(${new Date(notifiedAt as number).toISOString()}), after ${reads} read(s). Failing so that Lambda retries ` +
        'the invocation, rather than evaluate the state before the change',
      resource,
    );
  }
  return item;
};

export interface ChangeResult {
  readonly view: InstanceView;
  readonly decision: Decision;
  readonly evaluation: Evaluation;
}

/**
 * A change notification: one configuration item, one evaluation. An oversized notification carries only a
 * summary, so its item is read from the configuration history first.
 */
export const evaluateChange = async (input: ChangeInput): Promise<ChangeResult> => {
  const { invoking, parameters } = input;
  const item =
    invoking.messageType === MessageType.ConfigurationItemChange
      ? invoking.configurationItem
      : await readNotifiedItem(
          input.history(),
          invoking.configurationItemSummary,
          input.deadline ?? noDeadline,
          input.sleep ?? sleepFor,
        );
  const recorded = viewFromConfigurationItem(item);
  // The capture time orders evaluations: a retried or duplicated event writes the very same evaluation.
  if (recorded.capturedAt === undefined) {
    throw new RuleError(
      `The configuration item of ${recorded.resourceId} has no valid configurationItemCaptureTime`,
    );
  }
  // A change that left the rule's scope is NOT_APPLICABLE whatever the profile holds: nothing to look up.
  const view = input.enrich === undefined || input.eventLeftScope ? recorded : await input.enrich(recorded);
  const decision = decide(view, parameters, { eventLeftScope: input.eventLeftScope });
  return { view, decision, evaluation: toEvaluation(view, decision, recorded.capturedAt) };
};

/** How a change evaluation reaches Config: recorded, or left as Config already holds it. */
export interface RecordingInput {
  readonly ruleName: string;
  readonly invoking: ChangeNotification | OversizedNotification;
  readonly result: ChangeResult;
  /** Record every evaluation, as Config already holds it or not. */
  readonly recordUnchanged: boolean;
  readonly previous: () => ResourceResultReader;
  /** Told when the previous result could not be read (the evaluation is then recorded). */
  readonly onReadError?: (error: unknown) => void;
}

/** The property paths that hold tags, or hold them inside (a whole `Configuration` replaced). */
const mayHoldTags = (path: string): boolean => {
  const segments = path.toLowerCase().split('.');
  return segments.includes('tags') || (segments.length === 1 && segments[0] !== 'relationships');
};

/**
 * Whether the app-tier tag may have changed in this item: a diff that touches tags, or no diff to tell (an
 * oversized notification, an item without `configurationItemDiff`).
 */
export const tagsMayHaveChanged = (invoking: ChangeNotification | OversizedNotification): boolean => {
  if (invoking.messageType !== MessageType.ConfigurationItemChange) return true;
  const diff = invoking.configurationItemDiff;
  if (!isRecord(diff) || !isRecord(diff.changedProperties)) return true;
  return Object.keys(diff.changedProperties).some(mayHoldTags);
};

/**
 * Whether to record a change evaluation. Most change events concern instances outside the app tier, whose
 * NOT_APPLICABLE Config nearly always holds already: for those, and only when the tags did not change, one
 * free read (GetComplianceDetailsByResource) decides, and an unchanged result is not recorded again.
 * Everything else is recorded at once, unread: every app-tier result (an instance losing its profile is
 * NON_COMPLIANT at once), every instance leaving the app tier (its tags changed) or the rule's scope
 * (deleted, terminated, left scope), and any evaluation whose previous result cannot be read.
 */
export const shouldRecordChange = async (input: RecordingInput): Promise<boolean> => {
  const { decision, view } = input.result;
  if (input.recordUnchanged) return true;
  if (decision.compliance !== ComplianceType.NotApplicable || decision.reason !== Reason.NotAppTier)
    return true;
  if (tagsMayHaveChanged(input.invoking)) return true;
  try {
    const held = await input.previous().latest(input.ruleName, view.resourceType, view.resourceId);
    return held?.complianceType !== decision.compliance || held.annotation !== decision.annotation;
  } catch (error) {
    input.onReadError?.(error);
    return true;
  }
};
