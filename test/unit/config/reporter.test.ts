import { ConfigServiceClient, type Evaluation, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createReporter, ReportMode } from '../../../src/config/reporter.js';
import { EvaluationDeliveryError } from '../../../src/errors.js';

const configMock = mockClient(ConfigServiceClient);
const client = new ConfigServiceClient({});
const noWait = () => Promise.resolve();

const evaluation = (index: number): Evaluation => ({
  ComplianceResourceType: 'AWS::EC2::Instance',
  ComplianceResourceId: `i-${String(index).padStart(17, '0')}`,
  ComplianceType: 'COMPLIANT',
  Annotation: 'ok',
  OrderingTimestamp: new Date('2026-01-01T00:00:00Z'),
});
const evaluations = (count: number) => Array.from({ length: count }, (_, index) => evaluation(index));

const reportAll = async (
  items: Evaluation[],
  options: Partial<Parameters<typeof createReporter>[0]> = {},
) => {
  const reporter = createReporter({
    client,
    resultToken: 'token',
    mode: ReportMode.Live,
    sleep: noWait,
    ...options,
  });
  for (const item of items) await reporter.add(item);
  return reporter.flush();
};

describe('createReporter', () => {
  beforeEach(() => {
    configMock.reset();
    configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  });

  it('sends batches of at most 100 with the result token', async () => {
    // Act
    const summary = await reportAll(evaluations(250));

    // Assess
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 3);
    const sizes = configMock
      .commandCalls(PutEvaluationsCommand)
      .map((call) => call.args[0].input.Evaluations?.length);
    expect(sizes).toEqual([100, 100, 50]);
    expect(configMock).toHaveReceivedCommandWith(PutEvaluationsCommand, { ResultToken: 'token' });
    expect(summary).toMatchObject({ delivered: 250, calls: 3, mode: 'live' });
  });

  it('sends nothing when there is nothing to report', async () => {
    // Act
    const summary = await reportAll([]);

    // Assess
    expect(configMock).not.toHaveReceivedCommand(PutEvaluationsCommand);
    expect(summary.delivered).toBe(0);
  });

  it('sets TestMode in test mode', async () => {
    // Act
    await reportAll(evaluations(1), { mode: ReportMode.Test });

    // Assess
    expect(configMock).toHaveReceivedCommandWith(PutEvaluationsCommand, { TestMode: true });
  });

  it('sends nothing in dry-run mode and returns what it would have sent', async () => {
    // Act
    const summary = await reportAll(evaluations(150), { mode: ReportMode.DryRun });

    // Assess
    expect(configMock).not.toHaveReceivedCommand(PutEvaluationsCommand);
    expect(summary.wouldSend).toEqual(evaluations(150));
  });

  it('re-sends only the entries Config returned in FailedEvaluations, with growing delays', async () => {
    // Prepare
    const sleep = vi.fn((_ms: number) => Promise.resolve());
    configMock
      .on(PutEvaluationsCommand)
      .resolvesOnce({ FailedEvaluations: [evaluation(3), evaluation(7)] })
      .resolvesOnce({ FailedEvaluations: [evaluation(7)] })
      .resolves({ FailedEvaluations: [] });

    // Act
    const summary = await reportAll(evaluations(10), { sleep, baseDelayMs: 100 });

    // Assess
    const sent = configMock
      .commandCalls(PutEvaluationsCommand)
      .map((call) => call.args[0].input.Evaluations?.map((item) => item.ComplianceResourceId));
    expect(sent[1]).toEqual([evaluation(3).ComplianceResourceId, evaluation(7).ComplianceResourceId]);
    expect(sent[2]).toEqual([evaluation(7).ComplianceResourceId]);
    expect(summary.delivered).toBe(10);
    expect(sleep).toHaveBeenCalledTimes(2);
    expect(sleep.mock.calls[0]?.[0]).toBeLessThanOrEqual(100);
    expect(sleep.mock.calls[1]?.[0]).toBeLessThanOrEqual(200);
  });

  it('fails naming the resources Config kept refusing', async () => {
    // Prepare
    configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [evaluation(1)] });

    // Act
    const result = reportAll(evaluations(3), { failedEntryRetries: 2 });

    // Assess
    await expect(result).rejects.toThrow(EvaluationDeliveryError);
    await expect(result).rejects.toThrow(
      '1 evaluation(s) not delivered to AWS Config (returned in FailedEvaluations): AWS::EC2::Instance i-00000000000000001',
    );
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 3);
  });

  it('keeps delivering other batches when one fails, then names the failed batch', async () => {
    // Prepare
    configMock
      .on(PutEvaluationsCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ FailedEvaluations: [] });

    // Act
    const error = await reportAll(evaluations(201)).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(EvaluationDeliveryError);
    expect((error as EvaluationDeliveryError).undelivered).toHaveLength(100);
    expect((error as EvaluationDeliveryError).message).toMatch(
      /^100 evaluation\(s\) not delivered to AWS Config \(Rate exceeded\)/,
    );
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 3);
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    configMock.on(PutEvaluationsCommand).callsFake(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { FailedEvaluations: [] };
    });

    // Act
    const summary = await reportAll(evaluations(1000), { concurrency: 3 });

    // Assess
    expect(summary.delivered).toBe(1000);
    expect(most).toBe(3);
  });
});
