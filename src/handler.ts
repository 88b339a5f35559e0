import type { Context } from 'aws-lambda';
import { accessSettings } from './aws/access.js';
import { timeBudgetFor, withTimeBudget } from './aws/time-budget.js';
import { parseConfigEvent } from './config/event.js';
import { ReportMode } from './config/reporter.js';
import { InvalidSettingError } from './errors.js';
import { logger } from './logger.js';
import { type RunSummary, runRule } from './run/run-rule.js';
import { hideSecret, redactError } from './secrets.js';

const reportMode = (value: string = ReportMode.Live): ReportMode => {
  const modes: readonly string[] = Object.values(ReportMode);
  if (!modes.includes(value))
    throw new InvalidSettingError(`REPORT_MODE must be one of ${modes.join(', ')}, got "${value}"`);
  return value as ReportMode;
};

const recordUnchanged = (value = 'false'): boolean => {
  if (value !== 'true' && value !== 'false')
    throw new InvalidSettingError(`RECORD_UNCHANGED must be "true" or "false", got "${value}"`);
  return value === 'true';
};

/**
 * The Lambda entry point AWS Config invokes: parse the event, evaluate, report. Any error fails the
 * invocation, so Lambda retries it and, failing that, sends it to the dead-letter queue.
 */
export const handler = async (event: unknown, context: Context): Promise<RunSummary> => {
  logger.addContext(context);
  // Registered before the event is even parsed: no log line of this invocation carries the token.
  const forgetToken = hideSecret((event as { resultToken?: unknown } | null)?.resultToken);
  try {
    const parsed = parseConfigEvent(event);
    logger.appendKeys({
      configRuleName: parsed.envelope.configRuleName,
      accountId: parsed.envelope.accountId,
      messageType: parsed.invoking.messageType,
    });
    const mode = reportMode(process.env.REPORT_MODE);
    // Every AWS call ends before the Lambda deadline, so a silent endpoint fails the invocation with a
    // message naming the call instead of letting Lambda kill it.
    const summary = await withTimeBudget(timeBudgetFor(context.getRemainingTimeInMillis()), () =>
      runRule(parsed, {
        reportMode: mode,
        recordUnchanged: recordUnchanged(process.env.RECORD_UNCHANGED),
        deadline: { remainingMs: () => context.getRemainingTimeInMillis() },
        access: accessSettings(context.invokedFunctionArn, { dryRun: mode === ReportMode.DryRun }),
      }),
    );
    logger.info('Invocation complete', {
      ...summary,
      report: { ...summary.report, wouldSend: summary.report.wouldSend.length },
    });
    return summary;
  } catch (error) {
    // The runtime logs the error it is given, and sends it to the dead-letter queue: without the token.
    redactError(error);
    logger.error('Invocation failed', error as Error);
    throw error;
  } finally {
    logger.resetKeys();
    forgetToken();
  }
};
