import { type AccessSettings, resolveAccess } from '../aws/access.js';
import type { AwsAccess } from '../aws/client-options.js';
import { acknowledgeIfSilent } from '../config/acknowledge.js';
import { configClient } from '../config/client.js';
import {
  type ChangeNotification,
  MessageType,
  type OversizedNotification,
  type ParsedConfigEvent,
} from '../config/event.js';
import { configHistoryReader } from '../config/history.js';
import { configPreviousResults, configResourceResults } from '../config/previous-results.js';
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
import { evaluateChange, shouldRecordChange } from './evaluate-change.js';

/** How this invocation runs. */
export interface RunEnvironment {
  readonly reportMode: ReportMode;
  /**
   * Record every evaluation again, even one Config already holds unchanged (fresh timestamps on every
   * result); by default only what changed is recorded.
   */
  readonly recordUnchanged?: boolean;
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
  /** Decisions Config already held with the same result and annotation: not recorded again. */
  readonly unchanged: number;
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
    unchanged: 0,
  };
  const record = (view: InstanceView, decision: Decision, recorded: boolean) => {
    counts[decision.compliance] += 1;
    if (!recorded) counts.unchanged += 1;
    logger.info('Evaluated', {
      resourceType: view.resourceType,
      resourceId: view.resourceId,
      compliance: decision.compliance,
      reason: decision.reason,
      annotation: decision.annotation,
      recorded,
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
  const recordUnchanged = environment.recordUnchanged === true;
  const acknowledge = (report: ReportSummary) =>
    acknowledgeIfSilent(client, envelope.resultToken, environment.reportMode, report);
  const summarise = (report: ReportSummary, sweep?: RunSummary['sweep']): RunSummary => ({
    messageType: invoking.messageType,
    evaluations: counts.COMPLIANT + counts.NON_COMPLIANT + counts.NOT_APPLICABLE,
    compliant: counts.COMPLIANT,
    nonCompliant: counts.NON_COMPLIANT,
    notApplicable: counts.NOT_APPLICABLE,
    unchanged: counts.unchanged,
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
      recordUnchanged,
      onDecision: record,
      enrich,
    });
    return summarise(await acknowledge(result.report), { pages: result.pages, stale: result.stale });
  }

  const change = await evaluateChange({
    invoking: invoking as ChangeNotification | OversizedNotification,
    eventLeftScope: envelope.eventLeftScope,
    parameters,
    history: () => configHistoryReader(client),
    enrich,
    deadline: environment.deadline,
  });
  const recorded = await shouldRecordChange({
    ruleName: envelope.configRuleName,
    invoking: invoking as ChangeNotification | OversizedNotification,
    result: change,
    recordUnchanged,
    previous: () => configResourceResults(client),
    onReadError: (error) =>
      logger.warn('Previous result not read; recording the evaluation', { error: (error as Error).message }),
  });
  record(change.view, change.decision, recorded);
  if (recorded) await reporter.add(change.evaluation);
  return summarise(await acknowledge(await reporter.flush()));
};
