import { ConfigServiceClient, type Evaluation, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createReporter, keyOf, matchFailedEntries, ReportMode } from '../../../src/config/reporter.js';
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

  it('keeps the result token out of the reason it gives, even when the service echoed it', async () => {
    // Prepare
    const resultToken = 'eyJlbmNyeXB0ZWREYXRhIjpbLTQxLDEsLTU3LC0zMCwtMTIxLDUzXQ==';
    configMock.on(PutEvaluationsCommand).rejects(
      Object.assign(new Error(`Value '${resultToken}' at 'resultToken' failed to satisfy constraint`), {
        name: 'ValidationException',
      }),
    );

    // Act
    const error = await reportAll(evaluations(1), { resultToken }).catch((caught: unknown) => caught);

    // Assess
    expect((error as Error).message).toBe(
      "1 evaluation(s) not delivered to AWS Config (Value '[REDACTED]' at 'resultToken' failed to satisfy constraint): AWS::EC2::Instance i-00000000000000000",
    );
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

  it('re-sends the entries of many batches together, in full batches', async () => {
    // Prepare: Config refuses the first entry of each of the first five batches once
    const refusedOnce = new Set([0, 100, 200, 300, 400].map((index) => keyOf(evaluation(index))));
    configMock.on(PutEvaluationsCommand).callsFake((input: { Evaluations: Evaluation[] }) => {
      const failed = input.Evaluations.filter((entry) => refusedOnce.delete(keyOf(entry)));
      return Promise.resolve({ FailedEvaluations: failed });
    });

    // Act
    const summary = await reportAll(evaluations(500));

    // Assess: five batches, then one re-send of the five entries
    const sizes = configMock
      .commandCalls(PutEvaluationsCommand)
      .map((call) => call.args[0].input.Evaluations?.length);
    expect(sizes).toEqual([100, 100, 100, 100, 100, 5]);
    expect(summary).toMatchObject({ delivered: 500, calls: 6 });
  });

  it('re-sends a full batch of refused entries while the sweep still adds evaluations', async () => {
    // Prepare: Config refuses every entry of the first batch once
    let first = true;
    configMock.on(PutEvaluationsCommand).callsFake((input: { Evaluations: Evaluation[] }) => {
      const failed = first ? input.Evaluations : [];
      first = false;
      return Promise.resolve({ FailedEvaluations: failed });
    });
    const reporter = createReporter({
      client,
      resultToken: 'token',
      mode: ReportMode.Live,
      sleep: noWait,
      concurrency: 1,
    });

    // Act: the re-send goes out before the third batch is even complete
    for (const item of evaluations(250)) await reporter.add(item);
    const callsBeforeFlush = configMock.commandCalls(PutEvaluationsCommand).length;
    const summary = await reporter.flush();

    // Assess
    expect(callsBeforeFlush).toBe(3);
    expect(summary).toMatchObject({ delivered: 250, calls: 4 });
  });

  it('fails when FailedEvaluations holds an entry that matches nothing sent, naming what Config did not confirm', async () => {
    // Prepare: Config refuses two entries; it returns one as sent, the other under another id spelling
    const spelledOtherwise = { ...evaluation(2), ComplianceResourceId: 'I-00000000000000002' };
    configMock
      .on(PutEvaluationsCommand)
      .resolvesOnce({ FailedEvaluations: [spelledOtherwise, evaluation(5)] })
      .resolves({ FailedEvaluations: [] });

    // Act
    const error = await reportAll(evaluations(10)).catch((caught: unknown) => caught);

    // Assess: the entry it could identify was re-sent; the others of the batch are named
    const sent = configMock
      .commandCalls(PutEvaluationsCommand)
      .map((call) => call.args[0].input.Evaluations?.map((item) => item.ComplianceResourceId));
    expect(sent[1]).toEqual([evaluation(5).ComplianceResourceId]);
    expect(error).toBeInstanceOf(EvaluationDeliveryError);
    expect((error as EvaluationDeliveryError).undelivered).toEqual(
      evaluations(10)
        .filter((_, index) => index !== 5)
        .map(keyOf),
    );
    expect((error as Error).message).toContain(
      'AWS Config returned 1 entr(ies) in FailedEvaluations that match nothing sent: AWS::EC2::Instance I-00000000000000002',
    );
  });

  it('fails on an entry matching nothing sent even when every evaluation sent was re-sent', async () => {
    // Prepare: one evaluation, refused once, and a stray entry of a resource never sent
    const stray = { ...evaluation(1), ComplianceResourceType: 'AWS::EC2::Volume' };
    configMock
      .on(PutEvaluationsCommand)
      .resolvesOnce({ FailedEvaluations: [evaluation(0), stray] })
      .resolves({ FailedEvaluations: [] });

    // Act
    const error = await reportAll(evaluations(1)).catch((caught: unknown) => caught);

    // Assess
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 2);
    expect(error).toBeInstanceOf(EvaluationDeliveryError);
    expect((error as EvaluationDeliveryError).undelivered).toEqual([]);
    expect((error as Error).message).toBe(
      'AWS Config returned 1 entr(ies) in FailedEvaluations that match nothing sent: AWS::EC2::Volume i-00000000000000001',
    );
  });

  it('delivers every evaluation or names it, whatever Config answers', async () => {
    // An adversarial Config: per call, each entry is accepted or refused, and a refused entry comes back as
    // sent, with another timestamp, with another id spelling, or with another type; sometimes with a stray.
    const answer = fc.constantFrom('accept', 'refuse', 'retimed', 'respelled', 'retyped');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 250 }),
        fc.infiniteStream(answer),
        fc.infiniteStream(fc.boolean()),
        async (count, answers, strays) => {
          // Prepare
          configMock.reset();
          const accepted = new Set<string>();
          let confusing = false;
          configMock.on(PutEvaluationsCommand).callsFake((input: { Evaluations: Evaluation[] }) => {
            const failed: Evaluation[] = [];
            for (const entry of input.Evaluations) {
              const kind = answers.next().value;
              if (kind === 'accept') accepted.add(keyOf(entry));
              else if (kind === 'refuse') failed.push(entry);
              else if (kind === 'retimed') failed.push({ ...entry, OrderingTimestamp: new Date(0) });
              else {
                confusing = true;
                failed.push(
                  kind === 'respelled'
                    ? { ...entry, ComplianceResourceId: entry.ComplianceResourceId?.toUpperCase() }
                    : { ...entry, ComplianceResourceType: 'AWS::EC2::Volume' },
                );
              }
            }
            if (strays.next().value && input.Evaluations.length < 5) {
              confusing = true;
              failed.push({ ...evaluation(999_999), ComplianceResourceId: 'i-stray' });
            }
            return Promise.resolve({ FailedEvaluations: failed });
          });

          // Act
          const outcome = await reportAll(evaluations(count)).then(
            (summary) => ({ summary }),
            (error: unknown) => ({ error }),
          );

          // Assess: accepted, or named in a failed invocation; an unexplained answer always fails
          const notAccepted = evaluations(count)
            .map(keyOf)
            .filter((key) => !accepted.has(key));
          if ('summary' in outcome) {
            expect(notAccepted).toEqual([]);
            expect(confusing).toBe(false);
            expect(outcome.summary.delivered).toBe(count);
          } else {
            expect(outcome.error).toBeInstanceOf(EvaluationDeliveryError);
            const named = new Set((outcome.error as EvaluationDeliveryError).undelivered);
            expect(notAccepted.filter((key) => !named.has(key))).toEqual([]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('matchFailedEntries', () => {
  it('pairs each entry with one evaluation of the same resource, whatever its timestamp', () => {
    // Prepare: the same resource twice in the batch, refused twice
    const sent = [evaluation(1), evaluation(1), evaluation(2)];
    const failed = [
      { ...evaluation(1), OrderingTimestamp: new Date(0) },
      evaluation(1),
      { ...evaluation(3) },
    ];

    // Act
    const { identified, unexplained } = matchFailedEntries(sent, failed);

    // Assess
    expect(identified).toHaveLength(2);
    expect(identified.every((item) => sent.includes(item))).toBe(true);
    expect(new Set(identified).size).toBe(2);
    expect(unexplained).toEqual([evaluation(3)]);
  });
});
