import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigServiceClient,
  DescribeConfigRulesCommand,
  NoSuchConfigRuleException,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { DescribeInstancesCommand, DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cliClients } from '../../../src/cli/clients.js';
import { main } from '../../../src/cli/main.js';
import { AUDIT_USAGE, REMEDIATE_USAGE, USAGE } from '../../../src/cli/usage.js';
import { handler } from '../../../src/handler.js';
import { loadEvent } from '../../support/events.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { appInstance, awsError, captureIo, page, profileArn } from './support.js';

const ec2 = mockClient(EC2Client);
const config = mockClient(ConfigServiceClient);
const iam = mockClient(IAMClient);
const ssm = mockClient(SSMClient);
const sts = mockClient(STSClient);

const TAG = ['--tag-key', 'tier', '--tag-value', 'app'];

/** DescribeInstances answering per region: the region of the client that sends the command. */
const instancesPerRegion = (answers: Record<string, () => unknown>) =>
  ec2.on(DescribeInstancesCommand).callsFake(async (_input, getClient) => {
    const region = await getClient().config.region();
    const answer = answers[region];
    if (answer === undefined) throw new Error(`no answer for ${region}`);
    return answer();
  });

/** A deployed custom rule with the given InputParameters, as DescribeConfigRules returns it. */
const deployedRule = (inputParameters: string) => ({
  ConfigRules: [
    {
      ConfigRuleName: 'app-tier',
      InputParameters: inputParameters,
      Source: {
        Owner: 'CUSTOM_LAMBDA' as const,
        SourceIdentifier: 'arn:aws:lambda:us-east-1:123456789012:function:rule',
      },
    },
  ],
});

const role = {
  RoleName: 'r',
  RoleId: 'AROA',
  Arn: 'arn:aws:iam::123456789012:role/r',
  Path: '/',
  CreateDate: new Date(),
};

beforeEach(() => {
  ec2.reset();
  config.reset();
  iam.reset();
  ssm.reset();
  sts.reset();
});

describe('main: the command line', () => {
  it('prints the help on stdout and exits 0', async () => {
    // Prepare
    const run = captureIo();

    // Act
    const code = await main(['help'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(run.stdout()).toBe(USAGE);
  });

  it('prints the help on stderr and exits 2 without a command', async () => {
    // Prepare
    const run = captureIo();

    // Act
    const code = await main([], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toBe(USAGE);
  });

  it.each([
    [['scour'], 'error: unknown command "scour"'],
    [['audit', '--bogus'], "error: Unknown option '--bogus'"],
    [['audit', ...TAG, '--apply'], 'error: --apply: only for remediate'],
    [
      ['audit', ...TAG, '--output', 'xml'],
      'error: --output must be one of table, json, csv, html, got "xml"',
    ],
    [
      ['audit', ...TAG, '--concurrency', '0'],
      'error: --concurrency must be a whole number from 1 to 32, got "0"',
    ],
    [['audit', ...TAG, '--region', 'eu-west-1,Mars'], 'error: --region: not a region name: Mars'],
    [['audit'], 'error: Name the app-tier tag with --tag-key and --tag-value, or a deployed rule'],
    [
      ['audit', '--tag-key', 'tier'],
      'error: --tag-value is missing: with --tag-key tier, name the value that marks the app tier',
    ],
    [
      ['remediate', '--tag-value', 'app', '--instance-profile', 'p'],
      'error: --tag-key is missing: name the tag key whose value app marks the app tier',
    ],
    [
      ['audit', '--tag-key', 'tier', '--tag-value', 'a,,b', '--region', 'eu-west-1'],
      'error: --tag-value "a,,b" has an empty value: separate the values with single commas',
    ],
    [
      ['audit', '--tag-key', 'tier', '--tag-value', '', '--region', 'eu-west-1'],
      'error: --tag-value is empty: name the value that marks the app tier',
    ],
    [
      ['audit', '--rule-name', 'app-tier', '--tag-value', ' ', '--region', 'eu-west-1'],
      'error: --tag-value is empty:',
    ],
    [
      ['remediate', '--tag-key', '', '--tag-value', 'app', '--instance-profile', 'p'],
      'error: --tag-key is empty: name the tag key that marks the app tier',
    ],
    [['remediate', ...TAG], 'error: remediate needs --instance-profile NAME|ARN'],
  ])('refuses %j with exit code 2', async (argv, message) => {
    // Prepare
    const run = captureIo();

    // Act
    const code = await main(argv, run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toContain(message);
    // The command's words: the command line has no rule parameter of that name.
    expect(run.stderr()).not.toContain('tagParameterName');
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it.each([
    { argv: ['audit', '--help'], usage: AUDIT_USAGE },
    { argv: ['audit', '-h'], usage: AUDIT_USAGE },
    { argv: ['help', 'audit'], usage: AUDIT_USAGE },
    { argv: ['remediate', '--help'], usage: REMEDIATE_USAGE },
    { argv: ['help', 'remediate'], usage: REMEDIATE_USAGE },
  ])('$argv shows the options of that command', async ({ argv, usage }) => {
    // Prepare
    const run = captureIo();

    // Act
    const code = await main(
      argv.filter((arg) => arg !== '--bogus-is-not-read'),
      run.io,
    );

    // Assess
    expect(code).toBe(0);
    expect(run.stdout()).toBe(usage);
  });

  it('keeps the remediation options to remediate, and says in the general help where the options are', () => {
    // Assess
    expect(AUDIT_USAGE).toMatch(/^Usage: app-tier-iam-role-rule audit /);
    expect(AUDIT_USAGE).toContain('--tag-key KEY');
    expect(AUDIT_USAGE).not.toContain('--instance-profile');
    expect(AUDIT_USAGE).not.toContain('--apply');
    expect(REMEDIATE_USAGE).toMatch(/^Usage: app-tier-iam-role-rule remediate /);
    expect(REMEDIATE_USAGE).toContain('--tag-key KEY');
    expect(REMEDIATE_USAGE).toContain('--instance-profile NAME|ARN');
    expect(REMEDIATE_USAGE).toContain('--replace');
    expect(USAGE).toContain('Run "app-tier-iam-role-rule <command> --help" for the options of a command.');
    expect(USAGE).not.toContain('--tag-key');
  });

  it('points a usage error to the options of its command', async () => {
    // Prepare
    const run = captureIo();

    // Act
    const code = await main(['remediate', '--tag-key', 'tier'], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toMatch(/Run "app-tier-iam-role-rule remediate --help" for its options\.\n$/);
  });

  it('refuses help on an unknown command', async () => {
    // Prepare
    const run = captureIo();

    // Act
    const code = await main(['help', 'scour'], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toContain('error: unknown command "scour"');
  });
});

describe('audit', () => {
  it('scans the named regions with the server-side filters of the Lambda and exits 1 on a NON_COMPLIANT', async () => {
    // Prepare
    instancesPerRegion({
      'eu-west-1': () => page(appInstance('i-2'), appInstance('i-1', 'app', { Name: 'api' })),
      'us-east-1': () => page(),
    });
    const run = captureIo();

    // Act
    const code = await main(
      ['audit', ...TAG, '--region', 'eu-west-1', '-r', 'us-east-1', '-o', 'json'],
      run.io,
    );

    // Assess
    expect(code).toBe(1);
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [
        { Name: 'tag:tier', Values: ['app'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
      MaxResults: 1000,
    });
    expect(ec2).not.toHaveReceivedCommand(DescribeRegionsCommand);
    const document = JSON.parse(run.stdout());
    expect(document.regions).toEqual([
      { region: 'eu-west-1', instances: 2, error: null },
      { region: 'us-east-1', instances: 0, error: null },
    ]);
    expect(
      document.results.map((r: Record<string, unknown>) => [r.instanceId, r.name, r.compliance, r.reason]),
    ).toEqual([
      ['i-1', 'api', 'COMPLIANT', 'uses-iam-role'],
      ['i-2', null, 'NON_COMPLIANT', 'no-instance-profile'],
    ]);
  });

  it('exits 0 when every app-tier instance is COMPLIANT', async () => {
    // Prepare
    instancesPerRegion({ 'eu-west-1': () => page(appInstance('i-1', 'app')) });
    const run = captureIo();

    // Act
    const code = await main(['audit', ...TAG, '--region', 'eu-west-1'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(run.stdout()).toContain(
      '1 app-tier instance(s) in 1 region(s) scanned: 1 COMPLIANT, 0 NON_COMPLIANT',
    );
  });

  it('scans every enabled region when none is named, skipping those not opted in', async () => {
    // Prepare
    ec2.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'ap-east-1', OptInStatus: 'not-opted-in' },
        { RegionName: 'af-south-1', OptInStatus: 'opted-in' },
      ],
    });
    instancesPerRegion({ 'us-east-1': () => page(), 'af-south-1': () => page() });
    const run = captureIo();

    // Act
    const code = await main(['audit', ...TAG, '-o', 'json'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(run.stdout()).regions.map((r: { region: string }) => r.region)).toEqual([
      'af-south-1',
      'us-east-1',
    ]);
  });

  it('reports a failing region for itself, shows the others and exits 2', async () => {
    // Prepare
    instancesPerRegion({
      'eu-west-1': () => page(appInstance('i-1', 'app')),
      'me-south-1': () => {
        throw awsError('AuthFailure', 'AWS was not able to validate the provided access credentials');
      },
      'us-east-1': () => {
        throw awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.');
      },
    });
    const run = captureIo();

    // Act
    const code = await main(['audit', ...TAG, '--region', 'eu-west-1,me-south-1,us-east-1'], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stdout()).toMatch(/^eu-west-1 +i-1 .*COMPLIANT/m);
    expect(run.stdout()).toContain(
      'Region me-south-1 was not scanned: AuthFailure: AWS was not able to validate the provided access credentials',
    );
    expect(run.stdout()).toContain(
      'Region us-east-1 was not scanned: UnauthorizedOperation: You are not authorized to perform this operation.',
    );
    expect(run.stderr()).toMatch(/\] me-south-1: failed: AuthFailure/);
  });

  it('shows progress on stderr while scanning, and none with --quiet', async () => {
    // Prepare
    instancesPerRegion({ 'eu-west-1': () => page(appInstance('i-1')) });
    const loud = captureIo();
    const quiet = captureIo();

    // Act
    await main(['audit', ...TAG, '--region', 'eu-west-1'], loud.io);
    await main(['audit', ...TAG, '--region', 'eu-west-1', '--quiet'], quiet.io);

    // Assess
    expect(loud.stderr()).toBe(
      'Scanning 1 region(s) for app-tier instances (tier=app)\n[1/1] eu-west-1: 1 app-tier instance(s)\n',
    );
    expect(quiet.stderr()).toBe('');
  });

  it('scans no more regions at once than --concurrency', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    ec2.on(DescribeInstancesCommand).callsFake(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return page();
    });
    const regions = ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'us-east-1', 'us-east-2'];
    const run = captureIo();

    // Act
    const code = await main(
      ['audit', ...TAG, '--region', regions.join(','), '--concurrency', '2', '-q'],
      run.io,
    );

    // Assess
    expect(code).toBe(0);
    // Per region, the app-tier listing and the listing of the key in another case, one after the other.
    expect(ec2).toHaveReceivedCommandTimes(DescribeInstancesCommand, 2 * regions.length);
    expect(most).toBe(2);
  });

  it('with --require-role-in-profile, asks IAM once per distinct profile across regions', async () => {
    // Prepare
    instancesPerRegion({
      'eu-west-1': () => page(appInstance('i-1', 'app'), appInstance('i-2', 'empty')),
      'us-east-1': () => page(appInstance('i-3', 'app'), appInstance('i-4', 'empty'), appInstance('i-5')),
    });
    iam
      .on(GetInstanceProfileCommand, { InstanceProfileName: 'app' })
      .resolves({ InstanceProfile: { Roles: [role] } as never });
    iam
      .on(GetInstanceProfileCommand, { InstanceProfileName: 'empty' })
      .resolves({ InstanceProfile: { Roles: [] } as never });
    const run = captureIo();

    // Act
    const code = await main(
      ['audit', ...TAG, '--region', 'eu-west-1,us-east-1', '--require-role-in-profile', '-o', 'json', '-q'],
      run.io,
    );

    // Assess
    expect(code).toBe(1);
    expect(iam).toHaveReceivedCommandTimes(GetInstanceProfileCommand, 2);
    const document = JSON.parse(run.stdout());
    expect(document.results.map((r: Record<string, string>) => [r.instanceId, r.reason])).toEqual([
      ['i-1', 'uses-iam-role'],
      ['i-2', 'profile-without-role'],
      ['i-3', 'uses-iam-role'],
      ['i-4', 'profile-without-role'],
      ['i-5', 'no-instance-profile'],
    ]);
    expect(document.parameters.requireRoleInProfile).toBe(true);
  });

  it('does not call IAM without --require-role-in-profile', async () => {
    // Prepare
    instancesPerRegion({ 'eu-west-1': () => page(appInstance('i-1', 'empty')) });
    const run = captureIo();

    // Act
    const code = await main(['audit', ...TAG, '--region', 'eu-west-1', '-q'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(iam).not.toHaveReceivedAnyCommand();
  });

  it('shows the instances that carry the tag key in another case, NOT_APPLICABLE, and says why', async () => {
    // Prepare: EC2's tag filters are case-sensitive; the second listing asks for the other spellings
    const tierApp = appInstance('i-2', 'app', {});
    tierApp.Tags = [{ Key: 'Tier', Value: 'app' }];
    ec2
      .on(DescribeInstancesCommand)
      .callsFake(({ Filters }) =>
        Filters?.[0]?.Name === 'tag-key'
          ? page(tierApp, appInstance('i-1', 'app'))
          : page(appInstance('i-1', 'app')),
      );
    const [table, json] = [captureIo(), captureIo()];

    // Act
    const codes = [
      await main(['audit', ...TAG, '--region', 'eu-west-1'], table.io),
      await main(['audit', ...TAG, '--region', 'eu-west-1', '-o', 'json', '-q'], json.io),
    ];

    // Assess
    expect(codes).toEqual([0, 0]);
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [
        { Name: 'tag-key', Values: ['TIER', 'Tier'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    });
    expect(table.stderr()).toContain(
      '[1/1] eu-west-1: 1 app-tier instance(s), 1 with the tag key in another case',
    );
    expect(table.stdout()).toMatch(
      /i-2 .* NOT_APPLICABLE +Not an app-tier instance: no tag tier, but a tag Tier=app; tag keys are case-sensitive/,
    );
    expect(table.stdout()).toContain(
      '1 app-tier instance(s) and 1 with the tag key in another case, in 1 region(s) scanned: 1 COMPLIANT, 0 NON_COMPLIANT, 1 NOT_APPLICABLE.\n' +
        '1 instance(s) carry the tag key in another case (Tier for tier): tag keys are case-sensitive, so the rule does not count them as app tier.\n',
    );
    const document = JSON.parse(json.stdout());
    expect(
      document.results.map((result: { instanceId: string; reason: string }) => [
        result.instanceId,
        result.reason,
      ]),
    ).toEqual([
      ['i-1', 'uses-iam-role'],
      ['i-2', 'tag-key-case'],
    ]);
    expect(document.regions).toEqual([{ region: 'eu-west-1', instances: 1, error: null }]);
    expect(document.summary).toMatchObject({ NOT_APPLICABLE: 1, tagKeyCase: 1 });
  });

  it("prints CSV, each row with the caller's account (STS GetCallerIdentity)", async () => {
    // Prepare
    instancesPerRegion({ 'eu-west-1': () => page(appInstance('i-1')) });
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/a' });
    const run = captureIo();

    // Act
    await main(['audit', ...TAG, '--region', 'eu-west-1', '--output', 'csv', '-q'], run.io);

    // Assess
    expect(run.stdout()).toBe(
      'account,region,instance_id,name,state,instance_profile_arn,owner,compliance,reason,annotation\r\n' +
        '123456789012,eu-west-1,i-1,,running,,,NON_COMPLIANT,no-instance-profile,No IAM instance profile: attach one with ec2 associate-iam-instance-profile (app-tier tag tier=app)\r\n',
    );
  });

  it('leaves the account out when STS does not say it: the audit goes on', async () => {
    // Prepare
    instancesPerRegion({ 'eu-west-1': () => page(appInstance('i-1')) });
    sts.on(GetCallerIdentityCommand).rejects(awsError('AccessDenied', 'no'));
    const run = captureIo();

    // Act
    const code = await main(['audit', ...TAG, '--region', 'eu-west-1', '--output', 'json', '-q'], run.io);

    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(run.stdout()).results[0].account).toBeNull();
  });
});

describe('audit --rule-name', () => {
  it("reads the deployed rule's InputParameters (PascalCase too) with the rule parser", async () => {
    // Prepare
    config.on(DescribeConfigRulesCommand).resolves(
      deployedRule(
        JSON.stringify({
          AppTierTagKey: 'Tier',
          AppTierTagValue: 'app, api',
          AllowedInstanceProfileArns: profileArn('app'),
        }),
      ),
    );
    instancesPerRegion({ 'eu-west-1': () => page(appInstance('i-1', 'other', { Tier: 'api' })) });
    const run = captureIo();

    // Act
    const code = await main(
      ['audit', '--rule-name', 'app-tier', '--region', 'eu-west-1', '-o', 'json', '-q'],
      run.io,
    );

    // Assess
    expect(config).toHaveReceivedCommandWith(DescribeConfigRulesCommand, { ConfigRuleNames: ['app-tier'] });
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [
        { Name: 'tag:Tier', Values: ['app', 'api'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    });
    const document = JSON.parse(run.stdout());
    expect(code).toBe(1);
    expect(document.source).toBe('Config rule app-tier (us-east-1)');
    expect(document.results[0].reason).toBe('profile-not-allowed');
  });

  it('reads a rule of the managed EC2_INSTANCE_PROFILE_ATTACHED, its IamInstanceProfileArnList as the allowed list', async () => {
    // Prepare
    config
      .on(DescribeConfigRulesCommand)
      .resolves(deployedRule(JSON.stringify({ IamInstanceProfileArnList: profileArn('app') })));
    instancesPerRegion({
      'eu-west-1': () => page(appInstance('i-1', 'app'), appInstance('i-2', 'other'), appInstance('i-3')),
    });
    const run = captureIo();

    // Act
    const code = await main(
      ['audit', '--rule-name', 'app-tier', ...TAG, '--region', 'eu-west-1', '-o', 'json', '-q'],
      run.io,
    );

    // Assess
    const document = JSON.parse(run.stdout());
    expect(code).toBe(1);
    expect(document.parameters.allowedInstanceProfileArns).toEqual([profileArn('app')]);
    expect(document.results.map((result: { reason: string }) => result.reason)).toEqual([
      'uses-iam-role',
      'profile-not-allowed',
      'no-instance-profile',
    ]);
  });

  it('lets --allowed-instance-profile-arns win over the IamInstanceProfileArnList of the rule', async () => {
    // Prepare
    config
      .on(DescribeConfigRulesCommand)
      .resolves(deployedRule(JSON.stringify({ iamInstanceProfileArnList: profileArn('app') })));
    instancesPerRegion({ 'eu-west-1': () => page(appInstance('i-2', 'other')) });
    const run = captureIo();

    // Act
    const code = await main(
      [
        'audit',
        '--rule-name',
        'app-tier',
        ...TAG,
        '--allowed-instance-profile-arns',
        profileArn('other'),
        '--region',
        'eu-west-1',
        '-o',
        'json',
        '-q',
      ],
      run.io,
    );

    // Assess
    const document = JSON.parse(run.stdout());
    expect(code).toBe(0);
    expect(document.parameters.allowedInstanceProfileArns).toEqual([profileArn('other')]);
  });

  it('lets the tag flags win over the rule, whatever spelling the rule used', async () => {
    // Prepare
    config
      .on(DescribeConfigRulesCommand)
      .resolves(deployedRule('{"AppTierTagKey":"Tier","appTierTagValue":"app"}'));
    instancesPerRegion({ 'eu-west-1': () => page() });
    const run = captureIo();

    // Act
    const code = await main(
      [
        'audit',
        '--rule-name',
        'app-tier',
        '--tag-value',
        'web',
        '--rule-region',
        'eu-west-1',
        '--region',
        'eu-west-1',
        '-q',
      ],
      run.io,
    );

    // Assess
    expect(code).toBe(0);
    expect(await config.commandCalls(DescribeConfigRulesCommand)[0]?.thisValue.config.region()).toBe(
      'eu-west-1',
    );
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [
        { Name: 'tag:Tier', Values: ['web'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    });
  });

  it('reads the tag from the SSM parameter the rule names', async () => {
    // Prepare
    config
      .on(DescribeConfigRulesCommand)
      .resolves(deployedRule('{"tagParameterName":"/rules/app-tier/tag","requireRoleInProfile":"false"}'));
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{"key":"layer","values":["app"]}' } });
    instancesPerRegion({ 'eu-west-1': () => page() });
    const run = captureIo();

    // Act
    const code = await main(
      ['audit', '--rule-name', 'app-tier', '--region', 'eu-west-1', '-o', 'json', '-q'],
      run.io,
    );

    // Assess
    expect(code).toBe(0);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: '/rules/app-tier/tag' });
    expect(JSON.parse(run.stdout()).source).toBe(
      'Config rule app-tier (us-east-1), tag from SSM parameter /rules/app-tier/tag',
    );
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [
        { Name: 'tag:layer', Values: ['app'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    });
  });

  it('exits 2 naming the rule when it does not exist', async () => {
    // Prepare
    config.on(DescribeConfigRulesCommand).rejects(
      new NoSuchConfigRuleException({
        message: 'The ConfigRule provided in the request is invalid',
        $metadata: {},
      }),
    );
    const run = captureIo();

    // Act
    const code = await main(['audit', '--rule-name', 'nope', '--region', 'eu-west-1'], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toContain('error: No AWS Config rule named "nope" in us-east-1');
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it.each([
    { answer: { ConfigRules: [] }, case: 'an empty list' },
    { answer: {}, case: 'no list' },
    { answer: deployedRule('{"appTierTagKey":"tier","appTierTagValue":"app"}'), case: 'another rule' },
  ])('exits 2 naming the rule when the API answers $case for it', async ({ answer }) => {
    // Prepare
    config.on(DescribeConfigRulesCommand).resolves(answer);
    const run = captureIo();

    // Act
    const code = await main(['audit', '--rule-name', 'nope', '--region', 'eu-west-1', '-q'], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toBe('error: No AWS Config rule named "nope" in us-east-1 (set --rule-region?)\n');
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it('exits 2 listing every problem of invalid rule parameters', async () => {
    // Prepare
    config
      .on(DescribeConfigRulesCommand)
      .resolves(deployedRule('{"appTierTagKey":"tier","colour":"blue","requireRoleInProfile":"yes"}'));
    const run = captureIo();

    // Act
    const code = await main(['audit', '--rule-name', 'app-tier', '--region', 'eu-west-1'], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toMatch(
      /^error: Invalid rule parameters: unknown parameter "colour".*appTierTagValue is missing.*requireRoleInProfile must be/,
    );
  });

  it('reads numbers and booleans in InputParameters as the Lambda does: a JSON true for the flag, an error elsewhere', async () => {
    // Prepare
    const inputs = [
      '{"appTierTagKey":"tier","appTierTagValue":"app","requireRoleInProfile":true}',
      '{"appTierTagKey":"tier","appTierTagValue":2}',
    ];
    config
      .on(DescribeConfigRulesCommand)
      .resolvesOnce(deployedRule(inputs[0] as string))
      .resolves(deployedRule(inputs[1] as string));
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    iam.on(GetInstanceProfileCommand).resolves({
      InstanceProfile: {
        InstanceProfileName: 'p',
        InstanceProfileId: 'AIPA',
        Arn: 'arn:aws:iam::123456789012:instance-profile/p',
        Path: '/',
        CreateDate: new Date(0),
        Roles: [],
      },
    });
    instancesPerRegion({ 'eu-west-1': () => page() });
    const [flag, number] = [captureIo(), captureIo()];

    // Act
    const codes = [
      await main(['audit', '--rule-name', 'app-tier', '--region', 'eu-west-1', '-o', 'json', '-q'], flag.io),
      await main(['audit', '--rule-name', 'app-tier', '--region', 'eu-west-1', '-q'], number.io),
    ];
    const lambda = await Promise.allSettled(
      inputs.map((ruleParameters) => handler({ ...loadEvent('compliant'), ruleParameters }, lambdaContext())),
    );

    // Assess
    expect(codes).toEqual([0, 2]);
    expect(JSON.parse(flag.stdout()).parameters.requireRoleInProfile).toBe(true);
    // The check is on in the Lambda too: the sample's profile holds no role here, so the instance that is
    // COMPLIANT without the check is NON_COMPLIANT with it.
    expect(lambda[0]).toMatchObject({ status: 'fulfilled', value: { compliant: 0, nonCompliant: 1 } });
    const refused =
      'Invalid rule parameters: appTierTagValue must be a string, got the number 2: put the value in quotes';
    expect(number.stderr()).toBe(`error: ${refused}\n`);
    expect(lambda[1]).toMatchObject({ status: 'rejected', reason: { message: refused } });
  });

  it('exits 2 when the rule parameters are not JSON', async () => {
    // Prepare
    config.on(DescribeConfigRulesCommand).resolves(deployedRule('{tier'));
    const run = captureIo();

    // Act
    const code = await main(['audit', '--rule-name', 'app-tier', '--region', 'eu-west-1'], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toContain('error: Invalid rule parameters: ruleParameters is not valid JSON');
  });
});

describe('audit --profile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-profiles-'));
    writeFileSync(
      join(dir, 'credentials'),
      '[audit]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = s\n',
    );
    writeFileSync(
      join(dir, 'config'),
      '[profile audit]\nregion = eu-central-1\n[profile other]\nregion = eu-west-1\n',
    );
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says that a profile does not exist and where profiles are read from, without the SDK warning', async () => {
    // Prepare: keys in the environment, as in setup-env; AWS_PROFILE never set
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'));
    vi.stubEnv('AWS_PROFILE', undefined);
    const warn = vi.spyOn(console, 'warn');
    const run = captureIo();

    // Act
    const code = await main(['audit', ...TAG, '--region', 'eu-west-1', '--profile', 'nobody', '-q'], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toBe(
      `error: AWS profile "nobody" does not exist: it is in neither ${join(dir, 'config')} (AWS_CONFIG_FILE) ` +
        `nor ${join(dir, 'credentials')} (AWS_SHARED_CREDENTIALS_FILE) (profiles there: audit, other). ` +
        'Profiles are read from AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, by default ~/.aws/config and ~/.aws/credentials.\n',
    );
    expect(warn).not.toHaveBeenCalled();
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it('names the default files when AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are not set', async () => {
    // Prepare: a home folder without .aws
    vi.stubEnv('HOME', dir);
    vi.stubEnv('AWS_CONFIG_FILE', undefined);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', undefined);
    const run = captureIo();

    // Act
    const code = await main(['audit', ...TAG, '--profile', 'nobody', '-q'], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toMatch(
      /^error: AWS profile "nobody" does not exist: it is in neither ~\/\.aws\/config nor ~\/\.aws\/credentials \(profiles there: none\)\./,
    );
  });

  it("takes the profile's credentials and region over the keys in the environment, without the SDK warning", async () => {
    // Prepare
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'));
    vi.stubEnv('AWS_REGION', undefined);
    const warn = vi.spyOn(console, 'warn');
    const clients = cliClients({ profile: 'audit' });

    // Act
    await clients.checkCredentials();
    const credentials = await clients.ec2('eu-west-1').config.credentials();
    const region = await clients.defaultRegion();

    // Assess
    expect(credentials.accessKeyId).toBe('AKIAPROFILE');
    expect(region).toBe('eu-central-1');
    expect(process.env.AWS_PROFILE).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });

  it('gives the profile to the clients and leaves AWS_PROFILE as it was', async () => {
    // Prepare
    vi.stubEnv('AWS_PROFILE', undefined);
    const profiles: (string | undefined)[] = [];
    const run = captureIo({
      clients: (options) => {
        profiles.push(options?.profile);
        // The profile does not exist on this machine: only what the clients are given is under test.
        return { ...cliClients(), checkCredentials: async () => {} };
      },
    });
    instancesPerRegion({ 'eu-west-1': () => page() });

    // Act
    const code = await main(['audit', ...TAG, '--region', 'eu-west-1', '--profile', 'audit', '-q'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(profiles).toEqual(['audit']);
    expect(process.env.AWS_PROFILE).toBeUndefined();
  });
});

describe('--version', () => {
  it("prints the package's version on stdout and exits 0", async () => {
    // Prepare
    const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    const run = captureIo();

    // Act
    const code = await main(['--version'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(run.stdout()).toBe(`${manifest.version}\n`);
    expect(run.stderr()).toBe('');
  });
});
