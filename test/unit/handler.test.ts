import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../src/handler.js';
import { logger } from '../../src/logger.js';
import { historyItem, loadEvent, type SampleEvent, withChanges } from '../support/events.js';
import { lambdaContext, SAM_LOCAL_ENV, samLocalContext } from '../support/lambda-context.js';

const config = mockClient(ConfigServiceClient);
const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);

const sent = () =>
  config
    .commandCalls(PutEvaluationsCommand)
    .flatMap((call) => call.args[0].input.Evaluations ?? [])
    .map((e) => ({
      id: e.ComplianceResourceId,
      type: e.ComplianceType,
      at: e.OrderingTimestamp,
      note: e.Annotation,
    }));

describe('handler', () => {
  beforeEach(() => {
    config.reset();
    ec2.reset();
    ssm.reset();
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    config.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [historyItem()] as never });
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
  });
  afterEach(() => {
    delete process.env.REPORT_MODE;
    delete process.env.AWS_SAM_LOCAL;
  });

  it.each([
    ['compliant', 'i-042dd005362091826', 'COMPLIANT'],
    ['no-profile', 'i-0a763ac3ee37d8d2b', 'NON_COMPLIANT'],
    ['profile-not-allowed', 'i-042dd005362091826', 'NON_COMPLIANT'],
    ['left-scope', 'i-042dd005362091826', 'NOT_APPLICABLE'],
    ['deleted', 'i-0a763ac3ee37d8d2b', 'NOT_APPLICABLE'],
    ['not-app-tier', 'i-0a763ac3ee37d8d2b', 'NOT_APPLICABLE'],
    ['oversized', 'i-03402838daac1d611', 'NON_COMPLIANT'],
  ] as [SampleEvent, string, string][])('reports %s as one evaluation', async (name, id, type) => {
    // Act
    const summary = await handler(loadEvent(name), lambdaContext());

    // Assess
    expect(sent()).toEqual([expect.objectContaining({ id, type })]);
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: loadEvent(name).resultToken as string,
    });
    expect(summary).toMatchObject({ evaluations: 1 });
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it('stamps a change evaluation with the capture time, so a retried event writes the same evaluation', async () => {
    // Act
    await handler(loadEvent('compliant'), lambdaContext());
    await handler(loadEvent('compliant'), lambdaContext());

    // Assess
    const [first, second] = sent();
    expect(first?.at).toEqual(new Date('2023-04-27T15:03:11.636Z'));
    expect(second).toEqual(first);
  });

  it('reads an oversized item from the configuration history, limit 1', async () => {
    // Act
    await handler(loadEvent('oversized'), lambdaContext());

    // Assess
    expect(config).toHaveReceivedCommandWith(GetResourceConfigHistoryCommand, {
      resourceType: 'AWS::EC2::Instance',
      resourceId: 'i-03402838daac1d611',
      limit: 1,
    });
  });

  it.each(['scheduled', 'snapshot-delivery-completed'] as const)(
    'sweeps app-tier instances on %s and cleans up stale results',
    async (name) => {
      // Prepare
      ec2.on(DescribeInstancesCommand).resolves({
        Reservations: [
          {
            Instances: [
              { InstanceId: 'i-a', State: { Name: 'running' }, Tags: [{ Key: 'tier', Value: 'app' }] },
              {
                InstanceId: 'i-b',
                State: { Name: 'stopped' },
                Tags: [{ Key: 'tier', Value: 'app' }],
                IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/app' },
              },
            ],
          },
        ],
      });
      config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
        EvaluationResults: [
          {
            EvaluationResultIdentifier: {
              EvaluationResultQualifier: { ResourceType: 'AWS::EC2::Instance', ResourceId: 'i-a' },
            },
          },
          {
            EvaluationResultIdentifier: {
              EvaluationResultQualifier: { ResourceType: 'AWS::EC2::Instance', ResourceId: 'i-old' },
            },
          },
        ],
      });

      // Act
      const summary = await handler(loadEvent(name), lambdaContext());

      // Assess
      expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, {
        Filters: [
          { Name: 'tag:tier', Values: ['app'] },
          { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
        ],
        MaxResults: 1000,
      });
      expect(config).toHaveReceivedCommandWith(GetComplianceDetailsByConfigRuleCommand, {
        ConfigRuleName: 'rule-ec2-test',
        ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
        Limit: 100,
      });
      const at = new Date('2023-04-27T13:26:17.741Z');
      expect(sent().map(({ id, type, at }) => ({ id, type, at }))).toEqual([
        { id: 'i-a', type: 'NON_COMPLIANT', at },
        { id: 'i-b', type: 'COMPLIANT', at },
        { id: 'i-old', type: 'NOT_APPLICABLE', at },
      ]);
      expect(summary).toMatchObject({
        evaluations: 3,
        compliant: 1,
        nonCompliant: 1,
        notApplicable: 1,
        sweep: { stale: 1 },
      });
    },
  );

  it('reads the tag from SSM when the rule names a parameter', async () => {
    // Prepare
    ssm.on(GetParameterCommand, { Name: '/rules/app-tier-tag' }).resolves({
      Parameter: { Name: '/rules/app-tier-tag', Type: 'String', Value: '{"key":"tier","values":["app"]}' },
    });
    const event = withChanges('compliant', {
      envelope: { ruleParameters: '{"tagParameterName":"/rules/app-tier-tag"}' },
    });

    // Act
    await handler(event, lambdaContext());

    // Assess
    expect(sent()).toEqual([expect.objectContaining({ type: 'COMPLIANT' })]);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
  });

  it('fails without writing anything when the rule parameters are invalid', async () => {
    // Prepare
    const event = withChanges('compliant', { envelope: { ruleParameters: '{"appTierTagKey":"tier"}' } });

    // Act
    const result = handler(event, lambdaContext());

    // Assess
    await expect(result).rejects.toThrow(
      'Invalid rule parameters: appTierTagValue is missing or empty (or set tagParameterName)',
    );
    expect(config).not.toHaveReceivedAnyCommand();
  });

  it('fails without writing anything on an unknown message type', async () => {
    // Prepare
    const event = withChanges('scheduled', {
      invoking: (i) => {
        i.messageType = 'Surprise';
      },
    });

    // Act
    const result = handler(event, lambdaContext());

    // Assess
    await expect(result).rejects.toThrow(/unsupported messageType "Surprise"/);
    expect(config).not.toHaveReceivedAnyCommand();
  });

  it('writes nothing in dry-run mode and returns what it would have written', async () => {
    // Prepare
    process.env.REPORT_MODE = 'dry-run';

    // Act
    const summary = await handler(loadEvent('no-profile'), lambdaContext());

    // Assess
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
    expect(summary.report.wouldSend).toEqual([expect.objectContaining({ ComplianceType: 'NON_COMPLIANT' })]);
  });

  it("evaluates an event of any account in SAM's local emulator in dry-run mode, and writes nothing", async () => {
    // Prepare
    Object.assign(process.env, SAM_LOCAL_ENV, { REPORT_MODE: 'dry-run' });

    // Act
    const summary = await handler(loadEvent('no-profile'), samLocalContext());

    // Assess
    expect(config).not.toHaveReceivedAnyCommand();
    expect(summary.report.wouldSend).toEqual([expect.objectContaining({ ComplianceType: 'NON_COMPLIANT' })]);
  });

  it.each([
    { where: "in SAM's local emulator, live", env: { ...SAM_LOCAL_ENV, REPORT_MODE: 'live' } },
    { where: 'in dry-run mode outside the emulator', env: { REPORT_MODE: 'dry-run' } },
  ])('refuses an event of another account than the function ARN names $where', async ({ env }) => {
    // Prepare
    Object.assign(process.env, env);

    // Act
    const result = handler(loadEvent('no-profile'), samLocalContext());

    // Assess
    await expect(result).rejects.toThrow(
      'The event is for account 123456789012, but this function runs in account 012345678912',
    );
    expect(config).not.toHaveReceivedAnyCommand();
  });

  it('rejects an unknown REPORT_MODE', async () => {
    // Prepare
    process.env.REPORT_MODE = 'maybe';

    // Act & Assess
    await expect(handler(loadEvent('compliant'), lambdaContext())).rejects.toThrow(
      'REPORT_MODE must be one of live, test, dry-run, got "maybe"',
    );
  });

  it('logs one JSON line per decision and one per invocation, never the result token', async () => {
    // Prepare
    const event = loadEvent('no-profile');
    const lines: string[] = [];
    logger.setLogLevel('INFO');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });

    // Act
    try {
      await handler(event, lambdaContext());
    } finally {
      write.mockRestore();
      logger.setLogLevel('SILENT');
    }

    // Assess
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record.message)).toEqual(['Evaluated', 'Invocation complete']);
    expect(records[0]).toMatchObject({
      resourceId: 'i-0a763ac3ee37d8d2b',
      compliance: 'NON_COMPLIANT',
      reason: 'no-instance-profile',
      configRuleName: event.configRuleName,
      accountId: event.accountId,
      messageType: 'ConfigurationItemChangeNotification',
    });
    expect(records[1]).toMatchObject({ evaluations: 1, nonCompliant: 1, report: { delivered: 1 } });
    expect(lines.join('')).not.toContain(event.resultToken as string);
  });

  it('fails the invocation when Config does not take the evaluation', async () => {
    // Prepare
    config
      .on(PutEvaluationsCommand)
      .rejects(Object.assign(new Error('Access denied'), { name: 'AccessDeniedException' }));

    // Act & Assess
    await expect(handler(loadEvent('compliant'), lambdaContext())).rejects.toThrow(
      '1 evaluation(s) not delivered to AWS Config (Access denied): AWS::EC2::Instance i-042dd005362091826',
    );
  });
});
