import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { ReportMode, type ReportSummary } from './reporter.js';

/**
 * An invocation that recorded nothing (every result unchanged) still answers Config: one PutEvaluations with
 * an empty list and the result token. The API takes 0 to 100 evaluations, every Lambda invoked by a rule is
 * to call it, and AWS's own rdklib does the same when it has nothing to report. It records no evaluation, so
 * it costs nothing. Dry runs send nothing.
 */
export const acknowledgeIfSilent = async (
  client: ConfigServiceClient,
  resultToken: string,
  mode: ReportMode,
  report: ReportSummary,
): Promise<ReportSummary> => {
  if (report.calls > 0 || mode === ReportMode.DryRun) return report;
  await client.send(
    new PutEvaluationsCommand({
      Evaluations: [],
      ResultToken: resultToken,
      ...(mode === ReportMode.Test ? { TestMode: true } : {}),
    }),
  );
  return { ...report, calls: report.calls + 1 };
};
