import { ConfigServiceClient, type PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import type { Instance } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { PreviousResult, PreviousResults } from '../../../src/config/previous-results.js';
import { createReporter, ReportMode } from '../../../src/config/reporter.js';
import type { Inventory } from '../../../src/ec2/inventory.js';
import { CleanupError, SweepTimeoutError } from '../../../src/errors.js';
import type { RuleParameters } from '../../../src/rule/parameters.js';
import { type Deadline, noDeadline } from '../../../src/run/deadline.js';
import { type SweepInput, sweep } from '../../../src/run/sweep.js';

const PARAMETERS: RuleParameters = { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: false };
const AT = new Date('2026-11-28T00:00:00Z');
const PROFILE = { Arn: 'arn:aws:iam::123456789012:instance-profile/app', Id: 'AIPA' };
const COMPLIANT_NOTE = 'Has instance profile app attached (app-tier tag tier=app)';
const NO_PROFILE_NOTE =
  'No IAM instance profile: attach one with ec2 associate-iam-instance-profile (app-tier tag tier=app)';

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
const previousOf = (pages: PreviousResult[][]): PreviousResults => ({
  async *pages() {
    yield* pages;
  },
});
/** What Config holds for an instance; the annotation of an earlier sweep unless told otherwise. */
const held = (
  resourceId: string,
  complianceType = 'COMPLIANT',
  annotation: string | undefined = 'from an earlier sweep',
): PreviousResult => ({
  resourceType: 'AWS::EC2::Instance',
  resourceId,
  complianceType,
  ...(annotation === undefined ? {} : { annotation }),
});

const dryRunReporter = () =>
  createReporter({ client: new ConfigServiceClient({}), resultToken: 't', mode: ReportMode.DryRun });

/** A deadline that moves only when the test says so. */
const manualDeadline = (remainingMs: number) => {
  let remaining = remainingMs;
  const deadline: Deadline = { remainingMs: () => remaining };
  return {
    deadline,
    pass(ms: number) {
      remaining -= ms;
    },
  };
};

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

const sentIds = (result: Awaited<ReturnType<typeof sweep>>) =>
  result.report.wouldSend.map((e) => e.ComplianceResourceId);

describe('sweep', () => {
  it('evaluates every instance of every page, stamped with the notification time', async () => {
    // Act
    const result = await run({
      inventory: inventoryOf([[instance('i-1', true), instance('i-2', false)], [instance('i-3', true)]]),
      previousResults: previousOf([]),
    });

    // Assess
    expect(result).toMatchObject({ evaluated: 3, unchanged: 0, stale: 0, pages: 2 });
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
      previousResults: previousOf([[held('i-1'), held('i-gone')], [held('i-untagged', 'NON_COMPLIANT')]]),
    });

    // Assess
    expect(result.stale).toBe(2);
    const stale = result.report.wouldSend.filter((e) => e.ComplianceType === 'NOT_APPLICABLE');
    expect(stale.map((e) => e.ComplianceResourceId)).toEqual(['i-gone', 'i-untagged']);
    expect(stale[0]?.Annotation).toBe(
      'No longer a live app-tier instance: deleted, terminated or untagged (app-tier tag tier=app)',
    );
  });

  it('gives stale results their own reason, for the log', async () => {
    // Prepare
    const reasons: string[] = [];

    // Act
    await run({
      inventory: inventoryOf([[instance('i-1', false)]]),
      previousResults: previousOf([[held('i-gone')]]),
      onDecision: (_view, decision) => reasons.push(decision.reason),
    });

    // Assess
    expect(reasons).toEqual(['no-instance-profile', 'no-longer-live']);
  });

  describe('records only what changed', () => {
    it('skips every evaluation Config holds with the same result and annotation, and records the others', async () => {
      // Prepare
      const decisions: [string, boolean][] = [];

      // Act
      const result = await run({
        inventory: inventoryOf([
          [instance('i-same', true), instance('i-same-too', false)],
          [instance('i-note', true), instance('i-flipped', false), instance('i-new', true)],
        ]),
        previousResults: previousOf([
          [held('i-same', 'COMPLIANT', COMPLIANT_NOTE), held('i-same-too', 'NON_COMPLIANT', NO_PROFILE_NOTE)],
          [held('i-note', 'COMPLIANT', 'another profile'), held('i-flipped', 'COMPLIANT', NO_PROFILE_NOTE)],
          [held('i-gone', 'COMPLIANT', COMPLIANT_NOTE)],
        ]),
        onDecision: (view, _decision, recorded) => decisions.push([view.resourceId, recorded]),
      });

      // Assess
      expect(sentIds(result)).toEqual(['i-note', 'i-flipped', 'i-new', 'i-gone']);
      expect(result).toMatchObject({ evaluated: 5, unchanged: 2, stale: 1 });
      expect(decisions).toEqual([
        ['i-same', false],
        ['i-same-too', false],
        ['i-note', true],
        ['i-flipped', true],
        ['i-new', true],
        ['i-gone', true],
      ]);
    });

    it('records a result Config holds without an annotation', async () => {
      // Act
      const result = await run({
        inventory: inventoryOf([[instance('i-1', true)]]),
        previousResults: previousOf([[held('i-1', 'COMPLIANT', undefined)]]),
      });

      // Assess
      expect(sentIds(result)).toEqual(['i-1']);
    });

    it('a second sweep over what the first one recorded records nothing', async () => {
      // Prepare
      const fleet = inventoryOf([[instance('i-1', true), instance('i-2', false)], [instance('i-3', true)]]);
      const first = await run({ inventory: fleet, previousResults: previousOf([]) });
      const recorded = first.report.wouldSend.map((e) =>
        held(e.ComplianceResourceId ?? '', e.ComplianceType ?? '', e.Annotation),
      );

      // Act
      const second = await run({ inventory: fleet, previousResults: previousOf([recorded]) });

      // Assess
      expect(first.report.wouldSend).toHaveLength(3);
      expect(second.report.wouldSend).toEqual([]);
      expect(second).toMatchObject({ evaluated: 3, unchanged: 3, stale: 0 });
    });

    it('records everything again when told to', async () => {
      // Act
      const result = await run({
        inventory: inventoryOf([[instance('i-1', true)]]),
        previousResults: previousOf([[held('i-1', 'COMPLIANT', COMPLIANT_NOTE), held('i-gone')]]),
        recordUnchanged: true,
      });

      // Assess
      expect(sentIds(result)).toEqual(['i-1', 'i-gone']);
      expect(result.unchanged).toBe(0);
    });
  });

  describe('when the previous results cannot be read', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const failing = (pagesFirst: PreviousResult[][]): PreviousResults => ({
      async *pages() {
        yield* pagesFirst;
        throw throttled;
      },
    });

    it('delivers every live evaluation, then fails naming the rule and the step that failed', async () => {
      // Prepare
      const reporter = dryRunReporter();

      // Act
      const result = run({
        ruleName: 'app-tier-ec2-instance-uses-iam-role',
        inventory: inventoryOf([[instance('i-1', true), instance('i-2', false)]]),
        previousResults: failing([]),
        reporter,
      });

      // Assess
      await expect(result).rejects.toThrow(CleanupError);
      await expect(result).rejects.toMatchObject({ cause: throttled });
      await expect(result).rejects.toThrow(
        /^Clean-up of stale results of rule "app-tier-ec2-instance-uses-iam-role" did not complete: reading the rule's previous results failed \(Rate exceeded\)\. The live evaluations were delivered: 2 instance\(s\) evaluated, 2 recorded/,
      );
      expect((await reporter.flush()).wouldSend.map((e) => e.ComplianceResourceId)).toEqual(['i-1', 'i-2']);
    });

    it('still compares with, and cleans up, what it could read', async () => {
      // Prepare
      const reporter = dryRunReporter();

      // Act
      const result = run({
        inventory: inventoryOf([[instance('i-1', true), instance('i-2', true)]]),
        previousResults: failing([[held('i-1', 'COMPLIANT', COMPLIANT_NOTE), held('i-gone')]]),
        reporter,
      });

      // Assess
      await expect(result).rejects.toThrow(/1 unchanged; 1 stale result\(s\) among the 2 read/);
      expect((await reporter.flush()).wouldSend.map((e) => e.ComplianceResourceId)).toEqual([
        'i-2',
        'i-gone',
      ]);
    });
  });

  it('names the undelivered resources when delivery fails after the read did, keeping the clean-up failure as the cause', async () => {
    // Prepare
    const client = new ConfigServiceClient({});
    client.send = (() => Promise.reject(new Error('Access denied'))) as typeof client.send;
    const previousResults: PreviousResults = {
      // biome-ignore lint/correctness/useYield: a reading that fails at once
      async *pages() {
        throw new Error('Rate exceeded');
      },
    };

    // Act
    const result = run({
      inventory: inventoryOf([[instance('i-1', true)]]),
      previousResults,
      reporter: createReporter({ client, resultToken: 't', mode: ReportMode.Live }),
    });

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'EvaluationDeliveryError',
      undelivered: ['AWS::EC2::Instance i-1'],
      cause: { name: 'CleanupError' },
    });
  });

  describe('the time it keeps in hand', () => {
    it('completes a sweep that fits under a 30 s function timeout', async () => {
      // Prepare: 30 s at the start, each page takes 2 s
      const clock = manualDeadline(30_000);
      const pages = (async function* () {
        for (let page = 0; page < 5; page += 1) {
          clock.pass(2_000);
          yield [instance(`i-${page}`, true)];
        }
      })();

      // Act
      const result = await run({
        inventory: { appTierInstances: () => pages },
        previousResults: previousOf([[held('i-gone')]]),
        deadline: clock.deadline,
      });

      // Assess
      expect(result).toMatchObject({ evaluated: 5, pages: 5, stale: 1 });
    });

    it('stops before the Lambda timeout, delivers what it decided, and says how far it got', async () => {
      // Prepare: 30 s at the start (a margin of 6 s), each page takes 5 s: after the fourth page, 10 s remain,
      // too few for a fifth page and the margin
      const clock = manualDeadline(30_000);
      const pages = (async function* () {
        for (let page = 0; page < 10; page += 1) {
          clock.pass(5_000);
          yield [instance(`i-${page}a`, true), instance(`i-${page}b`, true)];
        }
      })();
      const reporter = dryRunReporter();

      // Act
      const result = run({
        inventory: { appTierInstances: () => pages },
        previousResults: previousOf([[held('i-gone')]]),
        reporter,
        deadline: clock.deadline,
      });

      // Assess
      await expect(result).rejects.toThrow(SweepTimeoutError);
      await expect(result).rejects.toThrow(
        /^Sweep stopped before the Lambda timeout while listing instances: 8 instance\(s\) evaluated from 4 page\(s\) were delivered/,
      );
      const delivered = await reporter.flush();
      expect(delivered.wouldSend.map((e) => e.ComplianceResourceId)).toHaveLength(8);
      expect(delivered.wouldSend.map((e) => e.ComplianceResourceId)).not.toContain('i-gone');
    });

    it('keeps at most 60 s in hand, however long the timeout', async () => {
      // Prepare: 900 s at the start; pages of 1 s until 61 s remain
      const clock = manualDeadline(900_000);
      const pages = (async function* () {
        for (let page = 0; clock.deadline.remainingMs() > 61_000; page += 1) {
          clock.pass(1_000);
          yield [instance(`i-${page}`, true)];
        }
        clock.pass(1_000);
        yield [instance('i-last', true)];
      })();

      // Act
      const result = run({
        inventory: { appTierInstances: () => pages },
        previousResults: previousOf([]),
        deadline: clock.deadline,
      });

      // Assess: 840 pages fit before 60 s remain, and the sweep went on until then
      await expect(result).rejects.toThrow(/840 instance\(s\) evaluated from 840 page\(s\)/);
    });

    it('stops while marking stale results when they take the time, having delivered what it marked', async () => {
      // Prepare: 250 stale results; the clock jumps once the walk is over
      const clock = manualDeadline(30_000);
      const stale = Array.from({ length: 250 }, (_, n) => held(`i-gone-${n}`));
      const pages = (async function* () {
        yield [instance('i-1', true)];
        clock.pass(23_000);
      })();
      const reporter = dryRunReporter();

      // Act
      const result = run({
        inventory: { appTierInstances: () => pages },
        previousResults: previousOf([stale]),
        reporter,
        deadline: clock.deadline,
      });

      // Assess
      await expect(result).rejects.toThrow(
        /^Sweep stopped before the Lambda timeout while cleaning up stale results/,
      );
      expect((await reporter.flush()).wouldSend).toHaveLength(101);
    });

    it('stops while reading the previous results when they take the time', async () => {
      // Prepare
      const clock = manualDeadline(30_000);
      const previousResults: PreviousResults = {
        async *pages() {
          for (let page = 0; page < 100; page += 1) {
            clock.pass(5_000);
            yield [held(`i-${page}`)];
          }
        },
      };

      // Act
      const result = run({
        inventory: inventoryOf([[instance('i-1', true)]]),
        previousResults,
        deadline: clock.deadline,
      });

      // Assess
      await expect(result).rejects.toThrow(
        /^Sweep stopped before the Lambda timeout while reading the previous results: 0 instance\(s\) evaluated from 0 page\(s\) were delivered \(4 previous result\(s\) read from 4 page\(s\)\)/,
      );
    });
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
      previousResults: previousOf([[held('i-gone')]]),
      reporter,
    });

    // Assess: a walk that did not complete cannot tell what is stale
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
