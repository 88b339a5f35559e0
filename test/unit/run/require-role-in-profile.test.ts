import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import type { Instance } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChangeNotification } from '../../../src/config/event.js';
import { createReporter, ReportMode } from '../../../src/config/reporter.js';
import type { Inventory } from '../../../src/ec2/inventory.js';
import type { InstanceView } from '../../../src/rule/instance-view.js';
import type { RuleParameters } from '../../../src/rule/parameters.js';
import { noDeadline } from '../../../src/run/deadline.js';
import { ENRICH_CONCURRENCY } from '../../../src/run/decide-pages.js';
import { evaluateChange } from '../../../src/run/evaluate-change.js';
import { sweep } from '../../../src/run/sweep.js';
import { invokingOf, type SampleEvent, withChanges } from '../../support/events.js';
import { lambdaContext } from '../../support/lambda-context.js';

// Records whether the IAM package is loaded: only requireRoleInProfile may load it.
const loaded = vi.hoisted(() => new Set<string>());
vi.mock('@aws-sdk/client-iam', async (importOriginal) => {
  loaded.add('client-iam');
  return importOriginal();
});

/** The account of the Lambda context: the events are made this account's, so no role is assumed. */
const ACCOUNT = '123456789012';
const PROFILE = `arn:aws:iam::${ACCOUNT}:instance-profile/AmazonSSMRoleForInstancesQuickSetup`;
const PARAMETERS: RuleParameters = { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: true };
const ROLE = {
  RoleName: 'r',
  RoleId: 'AROA',
  Arn: `arn:aws:iam::${ACCOUNT}:role/r`,
  Path: '/',
  CreateDate: new Date(),
};

const config = mockClient(ConfigServiceClient);

/** A sample event of this account, with the given rule parameters. */
const eventOf = (name: SampleEvent, ruleParameters: Record<string, string>) =>
  withChanges(name, {
    invoking: (invoking) => {
      const item = invoking.configurationItem as { configuration?: { iamInstanceProfile?: { arn: string } } };
      if (item?.configuration?.iamInstanceProfile) item.configuration.iamInstanceProfile.arn = PROFILE;
    },
    envelope: { accountId: ACCOUNT, ruleParameters: JSON.stringify(ruleParameters) },
  });

/** The handler and IAM package of a fresh module graph, with the IAM client mocked. */
const freshHandler = async () => {
  const { handler } = await import('../../../src/handler.js');
  const { IAMClient, GetInstanceProfileCommand } = await import('@aws-sdk/client-iam');
  const iam = mockClient(IAMClient);
  return { handler, iam, GetInstanceProfileCommand };
};

const sentEvaluations = () =>
  config.commandCalls(PutEvaluationsCommand).flatMap((call) => call.args[0].input.Evaluations ?? []);

describe('requireRoleInProfile in the Lambda', () => {
  beforeEach(() => {
    vi.resetModules();
    loaded.clear();
    config.reset();
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
  });

  it('reports NON_COMPLIANT for a change whose profile holds no role, asking IAM by profile name', async () => {
    // Prepare
    const { handler, iam, GetInstanceProfileCommand } = await freshHandler();
    iam.on(GetInstanceProfileCommand).resolves({ InstanceProfile: { Roles: [] } as never });
    const event = eventOf('compliant', {
      appTierTagKey: 'tier',
      appTierTagValue: 'app',
      requireRoleInProfile: 'true',
    });

    // Act
    await handler(event, lambdaContext());

    // Assess
    expect(iam).toHaveReceivedCommandWith(GetInstanceProfileCommand, {
      InstanceProfileName: 'AmazonSSMRoleForInstancesQuickSetup',
    });
    expect(sentEvaluations()).toMatchObject([
      {
        ComplianceResourceId: 'i-042dd005362091826',
        ComplianceType: 'NON_COMPLIANT',
        Annotation: expect.stringContaining('Profile holds no IAM role'),
      },
    ]);
  });

  it('reports COMPLIANT for a change whose profile holds a role', async () => {
    // Prepare
    const { handler, iam, GetInstanceProfileCommand } = await freshHandler();
    iam.on(GetInstanceProfileCommand).resolves({ InstanceProfile: { Roles: [ROLE] } as never });
    const event = eventOf('compliant', {
      appTierTagKey: 'tier',
      appTierTagValue: 'app',
      requireRoleInProfile: 'true',
    });

    // Act
    await handler(event, lambdaContext());

    // Assess
    expect(sentEvaluations()).toMatchObject([{ ComplianceType: 'COMPLIANT' }]);
  });

  it('fails the invocation, reporting nothing, when IAM denies the lookup', async () => {
    // Prepare
    const { handler, iam, GetInstanceProfileCommand } = await freshHandler();
    iam
      .on(GetInstanceProfileCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const event = eventOf('compliant', {
      appTierTagKey: 'tier',
      appTierTagValue: 'app',
      requireRoleInProfile: 'true',
    });

    // Act
    const invoking = handler(event, lambdaContext());

    // Assess
    await expect(invoking).rejects.toThrow(/iam:GetInstanceProfile failed .*: AccessDenied: not authorized/);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('sweeps with one IAM call per distinct profile', async () => {
    // Prepare
    const { handler, iam, GetInstanceProfileCommand } = await freshHandler();
    iam.on(GetInstanceProfileCommand, { InstanceProfileName: 'app' }).resolves({
      InstanceProfile: { Roles: [ROLE] } as never,
    });
    iam.on(GetInstanceProfileCommand, { InstanceProfileName: 'empty' }).resolves({
      InstanceProfile: { Roles: [] } as never,
    });
    const { EC2Client, DescribeInstancesCommand } = await import('@aws-sdk/client-ec2');
    const tagged = (id: string, profile: string): Instance => ({
      InstanceId: id,
      State: { Name: 'running' },
      Tags: [{ Key: 'tier', Value: 'app' }],
      IamInstanceProfile: { Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${profile}` },
    });
    mockClient(EC2Client)
      .on(DescribeInstancesCommand)
      .resolves({
        Reservations: [
          {
            Instances: [
              tagged('i-1', 'app'),
              tagged('i-2', 'empty'),
              tagged('i-3', 'app'),
              tagged('i-4', 'empty'),
            ],
          },
        ],
      });
    const event = eventOf('scheduled', {
      appTierTagKey: 'tier',
      appTierTagValue: 'app',
      requireRoleInProfile: 'true',
    });

    // Act
    await handler(event, lambdaContext());

    // Assess
    expect(iam).toHaveReceivedCommandTimes(GetInstanceProfileCommand, 2);
    expect(sentEvaluations().map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual([
      ['i-1', 'COMPLIANT'],
      ['i-2', 'NON_COMPLIANT'],
      ['i-3', 'COMPLIANT'],
      ['i-4', 'NON_COMPLIANT'],
    ]);
  });

  it('does not load the IAM client when the option is off', async () => {
    // Prepare
    const { handler } = await import('../../../src/handler.js');
    const event = eventOf('compliant', { appTierTagKey: 'tier', appTierTagValue: 'app' });

    // Act
    await handler(event, lambdaContext());

    // Assess
    expect(sentEvaluations()).toMatchObject([{ ComplianceType: 'COMPLIANT' }]);
    expect([...loaded]).toEqual([]);
  });
});

describe('evaluateChange with an enricher', () => {
  const invoking = (name: SampleEvent) => invokingOf(name) as unknown as ChangeNotification;

  it('decides on the enriched view, stamped with the capture time', async () => {
    // Prepare
    const enrich = vi.fn(async (view: InstanceView) => ({ ...view, profileHoldsRole: false }));

    // Act
    const result = await evaluateChange({
      invoking: invoking('compliant'),
      eventLeftScope: false,
      parameters: PARAMETERS,
      history: () => {
        throw new Error('not read');
      },
      enrich,
    });

    // Assess
    expect(enrich).toHaveBeenCalledTimes(1);
    expect(result.decision.compliance).toBe('NON_COMPLIANT');
    expect(result.evaluation.OrderingTimestamp).toEqual(new Date('2023-04-27T15:03:11.636Z'));
  });

  it('does not enrich a change that left the scope', async () => {
    // Prepare
    const enrich = vi.fn(async (view: InstanceView) => view);

    // Act
    const result = await evaluateChange({
      invoking: invoking('compliant'),
      eventLeftScope: true,
      parameters: PARAMETERS,
      history: () => {
        throw new Error('not read');
      },
      enrich,
    });

    // Assess
    expect(enrich).not.toHaveBeenCalled();
    expect(result.decision.compliance).toBe('NOT_APPLICABLE');
  });
});

describe('sweep with an enricher', () => {
  it('enriches every instance, at most ENRICH_CONCURRENCY at once, and reports in listing order', async () => {
    // Prepare
    const ids = Array.from({ length: 10 }, (_, index) => `i-${index}`);
    const inventory: Inventory = {
      async *appTierInstances() {
        yield ids.map((id) => ({
          InstanceId: id,
          State: { Name: 'running' },
          Tags: [{ Key: 'tier', Value: 'app' }],
          IamInstanceProfile: { Arn: PROFILE },
        }));
      },
    };
    let inFlight = 0;
    let most = 0;
    const enrich = async (view: InstanceView) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      return { ...view, profileHoldsRole: Number(view.resourceId.slice(2)) % 2 === 0 };
    };
    const reporter = createReporter({
      client: new ConfigServiceClient({}),
      resultToken: 't',
      mode: ReportMode.DryRun,
    });

    // Act
    const result = await sweep({
      ruleName: 'rule',
      parameters: PARAMETERS,
      orderingTimestamp: new Date('2026-11-28T00:00:00Z'),
      inventory,
      previousResults: { async *pages() {} },
      reporter,
      deadline: noDeadline,
      enrich,
    });

    // Assess
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(ENRICH_CONCURRENCY);
    expect(result.report.wouldSend.map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual(
      ids.map((id, index) => [id, index % 2 === 0 ? 'COMPLIANT' : 'NON_COMPLIANT']),
    );
  });
});
