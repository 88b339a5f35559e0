import type { Evaluation } from '@aws-sdk/client-config-service';
import { toEvaluation } from '../config/evaluation.js';
import { type ChangeNotification, MessageType, type OversizedNotification } from '../config/event.js';
import type { HistoryReader } from '../config/history.js';
import { RuleError } from '../errors.js';
import type { Decision } from '../rule/compliance.js';
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
