import { type AccessSettings, resolveAccess } from '../aws/access.js';
import type { AwsAccess } from '../aws/client-options.js';
import { configClient } from '../config/client.js';
import {
  type ChangeNotification,
  MessageType,
  type OversizedNotification,
  type ParsedConfigEvent,
} from '../config/event.js';
import { configHistoryReader } from '../config/history.js';
import { configPreviousResults } from '../config/previous-results.js';
import { createReporter, type ReportMode, type ReportSummary } from '../config/reporter.js';
import { loadExtensions } from '../load-extensions.js';
import { logger } from '../logger.js';
import { ComplianceType, type Decision } from '../rule/compliance.js';
import type { InstanceView } from '../rule/instance-view.js';
import {
  completeParameters,
  type ParsedRuleParameters,
  parseRuleParameters,
  type RuleParameters,
} from '../rule/parameters.js';
import type { Deadline } from './deadline.js';
import { evaluateChange } from './evaluate-change.js';

/** How this invocation runs. */
export interface RunEnvironment {
  readonly reportMode: ReportMode;
  readonly deadline: Deadline;
  /** The function's ARN and its default execution role: whose credentials the AWS calls use. */
  readonly access: AccessSettings;
}

/** What one invocation did, for the log and for the commands that call the handler. */
export interface RunSummary {
  readonly messageType: string;
  readonly evaluations: number;
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly notApplicable: number;
  readonly report: ReportSummary;
  readonly sweep?: { readonly pages: number; readonly stale: number };
}

/** Rule parameters, with the tag read from SSM when the rule parameters leave it to `tagParameterName`. */
export const resolveParameters = async (
  parsed: ParsedRuleParameters,
  access: AwsAccess,
): Promise<RuleParameters> => {
  if (parsed.tag.key !== undefined && parsed.tag.values !== undefined) return completeParameters(parsed);
  // Loaded only when an SSM parameter is named: the SSM client stays off every other cold start.
  const { readTagParameter } = await loadExtensions();
  return completeParameters(parsed, await readTagParameter(parsed.tagParameterName ?? '', access));
};

const counter = () => {
  const counts = {
    [ComplianceType.Compliant]: 0,
    [ComplianceType.NonCompliant]: 0,
    [ComplianceType.NotApplicable]: 0,
  };
  const record = (view: InstanceView, decision: Decision) => {
    counts[decision.compliance] += 1;
    logger.info('Evaluated', {
      resourceType: view.resourceType,
      resourceId: view.resourceId,
      compliance: decision.compliance,
      reason: decision.reason,
      annotation: decision.annotation,
    });
  };
  return { counts, record };
};

/** Parameters → route by message type → evaluate → report. */
export const runRule = async (event: ParsedConfigEvent, environment: RunEnvironment): Promise<RunSummary> => {
  const { envelope, invoking } = event;
  const parsed = parseRuleParameters(envelope.ruleParameters);
  const access = await resolveAccess(envelope, parsed.executionRoleName, environment.access);
  const parameters = await resolveParameters(parsed, access);
  const client = configClient(access);
  const reporter = createReporter({
    client,
    resultToken: envelope.resultToken,
    mode: environment.reportMode,
  });
  // Loaded only when the rule asks for it: the IAM client stays off every other cold start.
  const enrich = parameters.requireRoleInProfile
    ? (await loadExtensions()).createProfileRoleEnricher(access, parameters)
    : undefined;
  const { counts, record } = counter();
  const summarise = (report: ReportSummary, sweep?: RunSummary['sweep']): RunSummary => ({
    messageType: invoking.messageType,
    evaluations: counts.COMPLIANT + counts.NON_COMPLIANT + counts.NOT_APPLICABLE,
    compliant: counts.COMPLIANT,
    nonCompliant: counts.NON_COMPLIANT,
    notApplicable: counts.NOT_APPLICABLE,
    report,
    ...(sweep === undefined ? {} : { sweep }),
  });

  if (
    invoking.messageType === MessageType.Scheduled ||
    invoking.messageType === MessageType.SnapshotDeliveryCompleted
  ) {
    // Only the sweep needs EC2: its client is loaded here, not at cold start.
    const { ec2Client, ec2Inventory, sweep } = await loadExtensions();
    const result = await sweep({
      ruleName: envelope.configRuleName,
      parameters,
      orderingTimestamp: invoking.notificationCreationTime,
      inventory: ec2Inventory(ec2Client(access)),
      previousResults: configPreviousResults(client),
      reporter,
      deadline: environment.deadline,
      onDecision: record,
      enrich,
    });
    return summarise(result.report, { pages: result.pages, stale: result.stale });
  }

  const change = await evaluateChange({
    invoking: invoking as ChangeNotification | OversizedNotification,
    eventLeftScope: envelope.eventLeftScope,
    parameters,
    history: () => configHistoryReader(client),
    enrich,
  });
  record(change.view, change.decision);
  await reporter.add(change.evaluation);
  return summarise(await reporter.flush());
};
