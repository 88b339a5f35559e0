import type { Context } from 'aws-lambda';
import { accessSettings } from './aws/access.js';
import { timeBudgetFor, withTimeBudget } from './aws/time-budget.js';
import { parseConfigEvent } from './config/event.js';
import { ReportMode } from './config/reporter.js';
import { logger } from './logger.js';
import { type RunSummary, runRule } from './run/run-rule.js';
import { hideSecret, redactError } from './secrets.js';
import { functionSettings } from './settings.js';

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
    const { reportMode, recordUnchanged } = functionSettings();
    // Every AWS call ends before the Lambda deadline, so a silent endpoint fails the invocation with a
    // message naming the call instead of letting Lambda kill it.
    const summary = await withTimeBudget(timeBudgetFor(context.getRemainingTimeInMillis()), () =>
      runRule(parsed, {
        reportMode,
        recordUnchanged,
        deadline: { remainingMs: () => context.getRemainingTimeInMillis() },
        access: accessSettings(context.invokedFunctionArn, { dryRun: reportMode === ReportMode.DryRun }),
      }),
    );
    logger.info('Invocation complete', {
      ...summary,
      report: { ...summary.report, wouldSend: summary.report.wouldSend.length },
    });
    return summary;
  } catch (error) {
    // The runtime logs the error it is given, and sends it to the dead-letter queue: without the token. An
    // error that cannot be cleaned in place is replaced by one with its words, the token removed.
    const reported = redactError(error);
    logger.error('Invocation failed', reported as Error);
    throw reported;
  } finally {
    logger.resetKeys();
    forgetToken();
  }
};
