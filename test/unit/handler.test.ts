import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  GetComplianceDetailsByResourceCommand,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handler.js';
import { historyItem, loadEvent, type SampleEvent, withChanges } from '../support/events.js';
import { lambdaContext, SAM_LOCAL_ENV, samLocalContext } from '../support/lambda-context.js';
import { captureLogs } from '../support/log-capture.js';

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
    config.on(GetComplianceDetailsByResourceCommand).resolves({ EvaluationResults: [] });
  });
  afterEach(() => {
    delete process.env.REPORT_MODE;
    delete process.env.RECORD_UNCHANGED;
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

  describe('records only what changed', () => {
    /** What Config holds after it took the evaluations sent so far: this rule's result, as recorded. */
    const holdWhatWasSent = () => {
      const [last] = config
        .commandCalls(PutEvaluationsCommand)
        .flatMap((call) => call.args[0].input.Evaluations ?? []);
      config.on(GetComplianceDetailsByResourceCommand).resolves({
        EvaluationResults: [
          {
            EvaluationResultIdentifier: {
              EvaluationResultQualifier: {
                ConfigRuleName: loadEvent('not-app-tier').configRuleName as string,
                ResourceType: last?.ComplianceResourceType,
                ResourceId: last?.ComplianceResourceId,
              },
            },
            ComplianceType: last?.ComplianceType,
            Annotation: last?.Annotation,
          },
        ],
      });
      config.resetHistory();
    };

    it('does not record again the NOT_APPLICABLE Config holds for an instance outside the app tier, and still answers Config', async () => {
      // Prepare
      await handler(loadEvent('not-app-tier'), lambdaContext());
      holdWhatWasSent();

      // Act
      const summary = await handler(loadEvent('not-app-tier'), lambdaContext());

      // Assess
      expect(config).toHaveReceivedCommandWith(GetComplianceDetailsByResourceCommand, {
        ResourceType: 'AWS::EC2::Instance',
        ResourceId: 'i-0a763ac3ee37d8d2b',
      });
      expect(sent()).toEqual([]);
      expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
      expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
        Evaluations: [],
        ResultToken: loadEvent('not-app-tier').resultToken as string,
      });
      expect(summary).toMatchObject({ evaluations: 1, notApplicable: 1, unchanged: 1, report: { calls: 1 } });
    });

    it('records at once, unread, an instance outside the app tier whose tags changed', async () => {
      // Prepare: Config holds the same NOT_APPLICABLE, but the tags changed (the instance may leave the app tier)
      await handler(loadEvent('not-app-tier'), lambdaContext());
      holdWhatWasSent();
      const event = withChanges('not-app-tier', {
        invoking: (i) => {
          i.configurationItemDiff = {
            changedProperties: {
              'Configuration.Tags.0': { previousValue: { key: 'tier', value: 'app' }, changeType: 'DELETE' },
            },
            changeType: 'UPDATE',
          };
        },
      });

      // Act
      await handler(event, lambdaContext());

      // Assess
      expect(sent()).toEqual([
        expect.objectContaining({ id: 'i-0a763ac3ee37d8d2b', type: 'NOT_APPLICABLE' }),
      ]);
      expect(config).not.toHaveReceivedCommand(GetComplianceDetailsByResourceCommand);
    });

    it('records an app-tier result at once, without reading what Config holds', async () => {
      // Act
      await handler(loadEvent('no-profile'), lambdaContext());

      // Assess
      expect(sent()).toEqual([expect.objectContaining({ type: 'NON_COMPLIANT' })]);
      expect(config).not.toHaveReceivedCommand(GetComplianceDetailsByResourceCommand);
    });

    it('records the evaluation when what Config holds cannot be read', async () => {
      // Prepare
      config
        .on(GetComplianceDetailsByResourceCommand)
        .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

      // Act
      await handler(loadEvent('not-app-tier'), lambdaContext());

      // Assess
      expect(sent()).toEqual([expect.objectContaining({ type: 'NOT_APPLICABLE' })]);
    });

    it('records everything again with RECORD_UNCHANGED=true', async () => {
      // Prepare
      await handler(loadEvent('not-app-tier'), lambdaContext());
      holdWhatWasSent();
      process.env.RECORD_UNCHANGED = 'true';

      // Act
      const summary = await handler(loadEvent('not-app-tier'), lambdaContext());

      // Assess
      expect(sent()).toEqual([expect.objectContaining({ type: 'NOT_APPLICABLE' })]);
      expect(config).not.toHaveReceivedCommand(GetComplianceDetailsByResourceCommand);
      expect(summary).toMatchObject({ unchanged: 0 });
    });

    it('rejects a RECORD_UNCHANGED that is neither true nor false', async () => {
      // Prepare
      process.env.RECORD_UNCHANGED = 'yes';

      // Act & Assess
      await expect(handler(loadEvent('compliant'), lambdaContext())).rejects.toThrow(
        'RECORD_UNCHANGED must be "true" or "false", got "yes"',
      );
    });

    it('answers a sweep that changed nothing with one empty PutEvaluations', async () => {
      // Prepare: an empty fleet and no previous result
      ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });

      // Act
      const summary = await handler(loadEvent('scheduled'), lambdaContext());

      // Assess
      expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
      expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, { Evaluations: [] });
      expect(summary).toMatchObject({ evaluations: 0, report: { delivered: 0, calls: 1 } });
    });

    it('sends nothing at all in dry-run mode', async () => {
      // Prepare
      process.env.REPORT_MODE = 'dry-run';
      ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });

      // Act
      await handler(loadEvent('scheduled'), lambdaContext());

      // Assess
      expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
    });
  });

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

    // Act
    const { lines } = await captureLogs('INFO', () => handler(event, lambdaContext()));

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

  it('fails with the words of an error it cannot clean in place (frozen), the token echoed from its middle removed', async () => {
    // Prepare
    const event = withChanges('oversized', { envelope: { resultToken: loadEvent('compliant').resultToken } });
    const echo = (event.resultToken as string).slice(150, 230);
    const frozen = Object.freeze(
      Object.assign(new Error(`Invalid token '${echo}'`), { name: 'ValidationException' }),
    );
    config.on(GetResourceConfigHistoryCommand).rejects(frozen);

    // Act
    const { lines, result } = await captureLogs('INFO', async () =>
      handler(event, lambdaContext()).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );

    // Assess
    expect(result).toMatchObject({
      name: 'RedactedError',
      message: "ValidationException: Invalid token '[REDACTED]'",
    });
    expect(String((result as Error).stack)).not.toContain(echo.slice(0, 32));
    expect(lines.join('')).not.toContain(echo.slice(0, 32));
    expect(lines.join('')).toContain('Invocation failed');
  });

  it('fails an oversized event whose history has not caught up yet, naming the resource, so that Lambda retries it', async () => {
    // Prepare: the newest item Config returns was captured before the change the notification names.
    config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [
        { ...historyItem(), configurationItemCaptureTime: new Date('2017-04-05T22:00:00Z') },
      ] as never,
    });

    // Act
    const invocation = handler(loadEvent('oversized'), lambdaContext(5_000));

    // Assess
    await expect(invocation).rejects.toMatchObject({
      name: 'HistoryLagError',
      resource: 'AWS::EC2::Instance i-03402838daac1d611',
    });
    expect(config).toHaveReceivedCommandTimes(GetResourceConfigHistoryCommand, 1);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
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

  it("keeps every log line of a failed delivery of thousands far below CloudWatch's event limit, and logs every resource", async () => {
    // Prepare: 5,000 app-tier instances in five pages; Config refuses every call
    const page = (index: number) => ({
      Reservations: [
        {
          Instances: Array.from({ length: 1_000 }, (_, i) => ({
            InstanceId: `i-${(index * 1_000 + i).toString(16).padStart(17, '0')}`,
            State: { Name: 'running' as const },
            Tags: [{ Key: 'tier', Value: 'app' }],
          })),
        },
      ],
      ...(index < 4 ? { NextToken: `page-${index + 1}` } : {}),
    });
    const describe = ec2.on(DescribeInstancesCommand);
    for (let index = 0; index < 5; index += 1) describe.resolvesOnce(page(index));
    config
      .on(PutEvaluationsCommand)
      .rejects(Object.assign(new Error('Access denied'), { name: 'AccessDeniedException' }));

    // Act
    const { lines, error } = await captureLogs('ERROR', () =>
      handler(loadEvent('scheduled'), lambdaContext()),
    );

    // Assess: the error says how many, in a bounded message; the Lambda runtime logs its enumerable
    // properties too, so the full list is not one of them
    expect((error as Error).message).toMatch(
      /^5000 evaluation\(s\) not delivered to AWS Config \(Access denied\)/,
    );
    expect((error as Error).message.length).toBeLessThanOrEqual(8 * 1024);
    expect(JSON.stringify({ ...(error as object) }).length).toBeLessThan(1_024);
    // Assess: no line nears 256 KB; the parts name every resource
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThan(64 * 1024);
    const records = lines.map((line) => JSON.parse(line) as { message: string; resources?: string[] });
    expect(records.at(-1)?.message).toBe('Invocation failed');
    const logged = records.filter((record) => record.message === 'Evaluations not delivered');
    expect(new Set(logged.flatMap((record) => record.resources ?? []))).toEqual(
      new Set(
        Array.from({ length: 5_000 }, (_, i) => `AWS::EC2::Instance i-${i.toString(16).padStart(17, '0')}`),
      ),
    );
  });
});
