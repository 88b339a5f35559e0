import type { Context } from 'aws-lambda';
import { accessSettings } from './aws/access.js';
import { parseConfigEvent } from './config/event.js';
import { ReportMode } from './config/reporter.js';
import { RuleError } from './errors.js';
import { logger } from './logger.js';
import { type RunSummary, runRule } from './run/run-rule.js';

const reportMode = (value: string = ReportMode.Live): ReportMode => {
  const modes: readonly string[] = Object.values(ReportMode);
  if (!modes.includes(value))
    throw new RuleError(`REPORT_MODE must be one of ${modes.join(', ')}, got "${value}"`);
  return value as ReportMode;
};

/**
 * The Lambda entry point AWS Config invokes: parse the event, evaluate, report. Any error fails the
 * invocation, so Lambda retries it and, failing that, sends it to the dead-letter queue.
 */
export const handler = async (event: unknown, context: Context): Promise<RunSummary> => {
  logger.addContext(context);
  try {
    const parsed = parseConfigEvent(event);
    logger.appendKeys({
      configRuleName: parsed.envelope.configRuleName,
      accountId: parsed.envelope.accountId,
      messageType: parsed.invoking.messageType,
    });
    const mode = reportMode(process.env.REPORT_MODE);
    const summary = await runRule(parsed, {
      reportMode: mode,
      deadline: { remainingMs: () => context.getRemainingTimeInMillis() },
      access: accessSettings(context.invokedFunctionArn, { dryRun: mode === ReportMode.DryRun }),
    });
    logger.info('Invocation complete', {
      ...summary,
      report: { ...summary.report, wouldSend: summary.report.wouldSend.length },
    });
    return summary;
  } catch (error) {
    logger.error('Invocation failed', error as Error);
    throw error;
  } finally {
    logger.resetKeys();
  }
};
