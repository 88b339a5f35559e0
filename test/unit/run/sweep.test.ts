import { ConfigServiceClient, type PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import type { Instance } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { PreviousResults, ResourceKey } from '../../../src/config/previous-results.js';
import { createReporter, ReportMode } from '../../../src/config/reporter.js';
import type { Inventory } from '../../../src/ec2/inventory.js';
import { SweepTimeoutError } from '../../../src/errors.js';
import type { RuleParameters } from '../../../src/rule/parameters.js';
import { type Deadline, noDeadline, SWEEP_TIME_MARGIN_MS } from '../../../src/run/deadline.js';
import { type SweepInput, sweep } from '../../../src/run/sweep.js';

const PARAMETERS: RuleParameters = { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: false };
const AT = new Date('2026-11-28T00:00:00Z');
const PROFILE = { Arn: 'arn:aws:iam::123456789012:instance-profile/app', Id: 'AIPA' };

const instance = (id: string, withProfile: boolean): Instance => ({
  InstanceId: id,
  State: { Name: 'running' },
  Tags: [{ Key: 'tier', Value: 'app' }],
  ...(withProfile ? { IamInstanceProfile: PROFILE } : {}),
});

const inventoryOf = (pages: Instance[][]): Inventory => ({
  async *appTierInstances() {
    yield* pages;
  },
});
const previousOf = (pages: ResourceKey[][]): PreviousResults => ({
  async *pages() {
    yield* pages;
  },
});
const ec2 = (resourceId: string): ResourceKey => ({ resourceType: 'AWS::EC2::Instance', resourceId });

const dryRunReporter = () =>
  createReporter({ client: new ConfigServiceClient({}), resultToken: 't', mode: ReportMode.DryRun });

/** A sweep of the given inventory and previous results, reporting in dry-run mode unless told otherwise. */
const run = (input: Pick<SweepInput, 'inventory' | 'previousResults'> & Partial<SweepInput>) =>
  sweep({
    ruleName: 'rule',
    parameters: PARAMETERS,
    orderingTimestamp: AT,
    reporter: dryRunReporter(),
    deadline: noDeadline,
    ...input,
  });

describe('sweep', () => {
  it('evaluates every instance of every page, stamped with the notification time', async () => {
    // Act
    const result = await run({
      inventory: inventoryOf([[instance('i-1', true), instance('i-2', false)], [instance('i-3', true)]]),
      previousResults: previousOf([]),
    });

    // Assess
    expect(result).toMatchObject({ evaluated: 3, stale: 0, pages: 2 });
    expect(
      result.report.wouldSend.map((e) => [e.ComplianceResourceId, e.ComplianceType, e.OrderingTimestamp]),
    ).toEqual([
      ['i-1', 'COMPLIANT', AT],
      ['i-2', 'NON_COMPLIANT', AT],
      ['i-3', 'COMPLIANT', AT],
    ]);
  });

  it('marks NOT_APPLICABLE what was reported before but is no longer a live app-tier instance', async () => {
    // Act
    const result = await run({
      inventory: inventoryOf([[instance('i-1', true)]]),
      previousResults: previousOf([[ec2('i-1'), ec2('i-gone')], [ec2('i-untagged')]]),
    });

    // Assess
    expect(result.stale).toBe(2);
    const stale = result.report.wouldSend.filter((e) => e.ComplianceType === 'NOT_APPLICABLE');
    expect(stale.map((e) => e.ComplianceResourceId)).toEqual(['i-gone', 'i-untagged']);
    expect(stale[0]?.Annotation).toBe(
      'No longer a live app-tier instance (tier=app): deleted, terminated or untagged',
    );
  });

  it('gives stale results their own reason, for the log', async () => {
    // Prepare
    const reasons: string[] = [];
    const reporter = dryRunReporter();

    // Act
    await run({
      inventory: inventoryOf([[instance('i-1', false)]]),
      previousResults: previousOf([[ec2('i-gone')]]),
      reporter,
      onDecision: (_view, decision) => reasons.push(decision.reason),
    });

    // Assess
    expect(reasons).toEqual(['no-instance-profile', 'no-longer-live']);
  });

  it('stops before the Lambda timeout, delivers what it decided, and says how far it got', async () => {
    // Prepare
    let remaining = SWEEP_TIME_MARGIN_MS + 1;
    const deadline: Deadline = { remainingMs: () => remaining };
    const pages = (async function* () {
      yield [instance('i-1', true), instance('i-2', true)];
      remaining = SWEEP_TIME_MARGIN_MS - 1;
      yield [instance('i-3', true)];
      yield [instance('i-4', true)];
    })();
    const reporter = dryRunReporter();

    // Act
    const result = run({
      inventory: { appTierInstances: () => pages },
      previousResults: previousOf([[ec2('i-gone')]]),
      reporter,
      deadline,
    });

    // Assess
    await expect(result).rejects.toThrow(SweepTimeoutError);
    await expect(result).rejects.toThrow(
      /^Sweep stopped before the Lambda timeout while listing instances: 3 instance\(s\) evaluated from 2 page\(s\) were delivered/,
    );
    const delivered = await reporter.flush();
    expect(delivered.wouldSend.map((e) => e.ComplianceResourceId)).toEqual(['i-1', 'i-2', 'i-3']);
  });

  it('delivers what it decided before a listing call failed for good, then fails with that error', async () => {
    // Prepare
    const failure = new Error('DescribeInstances: Request limit exceeded.');
    const pages = (async function* () {
      yield [instance('i-1', true), instance('i-2', false)];
      throw failure;
    })();
    const sent: (string | undefined)[] = [];
    const client = new ConfigServiceClient({});
    client.send = ((command: PutEvaluationsCommand) => {
      sent.push(...(command.input.Evaluations ?? []).map((e) => e.ComplianceResourceId));
      return Promise.resolve({ FailedEvaluations: [] });
    }) as typeof client.send;
    const reporter = createReporter({ client, resultToken: 't', mode: ReportMode.Live });

    // Act
    const result = run({
      inventory: { appTierInstances: () => pages },
      previousResults: previousOf([[ec2('i-gone')]]),
      reporter,
    });

    // Assess
    await expect(result).rejects.toBe(failure);
    expect(sent).toEqual(['i-1', 'i-2']);
  });

  it('names the undelivered resources when delivery fails too, keeping the listing error as the cause', async () => {
    // Prepare
    const failure = new Error('DescribeInstances: Request limit exceeded.');
    const pages = (async function* () {
      yield [instance('i-1', true)];
      throw failure;
    })();
    const client = new ConfigServiceClient({});
    client.send = (() => Promise.reject(new Error('Access denied'))) as typeof client.send;
    const reporter = createReporter({ client, resultToken: 't', mode: ReportMode.Live });

    // Act
    const result = run({
      inventory: { appTierInstances: () => pages },
      previousResults: previousOf([]),
      reporter,
    });

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'EvaluationDeliveryError',
      undelivered: ['AWS::EC2::Instance i-1'],
      cause: failure,
    });
  });
});
