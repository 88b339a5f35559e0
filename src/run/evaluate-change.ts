import type { Evaluation } from '@aws-sdk/client-config-service';
import { toEvaluation } from '../config/evaluation.js';
import { type ChangeNotification, MessageType, type OversizedNotification } from '../config/event.js';
import type { HistoryReader } from '../config/history.js';
import type { ResourceResultReader } from '../config/previous-results.js';
import { RuleError } from '../errors.js';
import { isRecord } from '../json.js';
import { ComplianceType, type Decision, Reason } from '../rule/compliance.js';
import { decide } from '../rule/decide.js';
import { type InstanceView, viewFromConfigurationItem } from '../rule/instance-view.js';
import type { RuleParameters } from '../rule/parameters.js';

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
}

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
      : await input
          .history()
          .latest(
            invoking.configurationItemSummary.resourceType,
            invoking.configurationItemSummary.resourceId,
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
