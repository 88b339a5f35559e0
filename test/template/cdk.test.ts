// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${...} placeholders are CloudFormation's Fn::Sub
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, CfnParameter, Duration, type Stack } from 'aws-cdk-lib';
import { MaximumExecutionFrequency } from 'aws-cdk-lib/aws-config';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCommand } from '../../scripts/python-tools.mjs';
import {
  AppTierIamRoleRule,
  AppTierIamRoleRuleCentralFunction,
  AppTierIamRoleRuleMemberRole,
  type AppTierIamRoleRuleProps,
  FUNCTION_DIR,
} from '../../src/cdk/index.js';
import { parseRuleParameters } from '../../src/rule/parameters.js';
import {
  ensureFunctionBuilt,
  idsOf,
  onlyOf,
  removeSynthesized,
  statementsOfRole,
  subForm,
  synthesize,
} from '../support/cdk.js';
import {
  loadTemplate,
  objectsIn,
  resolveTemplate,
  stringsIn,
  type Template,
} from '../support/cfn-template.js';
import {
  centralRoleGrants,
  EVALUATE_OPTION_CASES,
  evaluateGrants,
  expectGrants,
  remediationDenials,
  remediationGrants,
  singleAccountRoleGrants,
} from '../support/role-contract.js';

const PROJECT_DIR = new URL('../../', import.meta.url);
/** template.yaml with its default parameters: the reference the construct must match. */
const reference = resolveTemplate(loadTemplate()).Resources;
const ORGANIZATION_ID = 'o-a1b2c3d4e5';
/** A synthesis loads aws-cdk-lib and stages the function's files (11 MB): seconds on a busy machine. */
const SYNTH_TIMEOUT = 60_000;

/** The five lines the README shows, less the imports. */
const fiveLines = (props: AppTierIamRoleRuleProps = { tagKey: 'tier', tagValues: ['app'] }) =>
  synthesize((stack) => new AppTierIamRoleRule(stack, 'Rule', props));

/** The Fn::GetAtt of the function's log group and queue, as the role must name them. */
const targetsOf = (template: Template) => ({
  logGroupArn: { 'Fn::GetAtt': [onlyOf(template, 'AWS::Logs::LogGroup')[0], 'Arn'] },
  queueArn: { 'Fn::GetAtt': [onlyOf(template, 'AWS::SQS::Queue')[0], 'Arn'] },
});

/** The role the function runs with. */
const functionRoleId = (template: Template): string =>
  onlyOf(template, 'AWS::Lambda::Function')[1].Properties.Role['Fn::GetAtt'][0];

beforeAll(ensureFunctionBuilt, 120_000);
afterAll(removeSynthesized);

describe('AppTierIamRoleRule: the function of template.yaml', { timeout: SYNTH_TIMEOUT }, () => {
  it('runs the same handler, runtime, architecture, memory, timeout, concurrency and settings', () => {
    // Prepare
    const expected = reference.RuleFunction.Properties;

    // Act
    const [, fn] = onlyOf(fiveLines().template, 'AWS::Lambda::Function');

    // Assess
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: expected.Handler,
      MemorySize: expected.MemorySize,
      Timeout: expected.Timeout,
      ReservedConcurrentExecutions: Number(expected.ReservedConcurrentExecutions),
      Description: expected.Description,
      Environment: { Variables: expected.Environment.Variables },
      LoggingConfig: { LogFormat: expected.LoggingConfig.LogFormat },
    });
    expect(fn.Properties.Runtime).toBe(expected.Runtime);
    expect(fn.Properties.Architectures).toEqual(expected.Architectures);
  });

  it("packages the files npm run build writes to dist/function/ (what sam build makes) as the function's code", () => {
    // Prepare
    const { stack } = fiveLines();
    const assembly = (stack.node.root as App).synth();

    // Act
    const manifest = JSON.parse(
      readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'),
    );
    const zips = Object.values<{ source: { path: string; packaging: string } }>(manifest.files).filter(
      (file) => file.source.packaging === 'zip',
    );
    const staged = join(assembly.directory, zips[0]?.source.path ?? '');

    // Assess
    expect(zips).toHaveLength(1);
    expect(readdirSync(staged).sort()).toEqual(readdirSync(FUNCTION_DIR).sort());
    expect(readdirSync(staged)).toEqual(expect.arrayContaining(['handler.mjs', 'extensions.mjs']));
    expect(readFileSync(join(staged, 'handler.mjs'))).toEqual(
      readFileSync(join(FUNCTION_DIR, 'handler.mjs')),
    );
    expect(FUNCTION_DIR).toBe(new URL('dist/function/', PROJECT_DIR).pathname);
  });

  it('retries twice, then sends the event to an encrypted dead-letter queue kept 4 days', () => {
    // Act
    const { assertions, template } = fiveLines();

    // Assess
    assertions.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: reference.RuleFunction.Properties.EventInvokeConfig.MaximumRetryAttempts,
      MaximumEventAgeInSeconds: reference.RuleFunction.Properties.EventInvokeConfig.MaximumEventAgeInSeconds,
      DestinationConfig: { OnFailure: { Destination: targetsOf(template).queueArn } },
      Qualifier: '$LATEST',
    });
    assertions.hasResourceProperties('AWS::SQS::Queue', reference.DeadLetterQueue.Properties);
  });

  it('encrypts its log group and dead-letter queue with the key given, lets the role use it, and keeps events as long as asked', () => {
    // Prepare
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const expected = resolveTemplate(loadTemplate(), {
      LogGroupKmsKeyArn: keyArn,
      DeadLetterRetentionInDays: '14',
    }).Resources;

    // Act
    const { assertions, template } = synthesize((stack) => {
      new AppTierIamRoleRule(stack, 'Rule', {
        encryptionKey: Key.fromKeyArn(stack, 'Key', keyArn),
        deadLetterRetention: Duration.days(14),
      });
    });

    // Assess
    assertions.hasResourceProperties('AWS::SQS::Queue', expected.DeadLetterQueue.Properties);
    expect(onlyOf(template, 'AWS::SQS::Queue')[1].Properties).not.toHaveProperty('SqsManagedSseEnabled');
    assertions.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: keyArn });
    expectGrants(
      statementsOfRole(template, functionRoleId(template)),
      singleAccountRoleGrants(targetsOf(template), {}, keyArn),
    );
  });

  it("logs JSON to its own log group, named after the rule, kept as long as template.yaml's", () => {
    // Act
    const { assertions, template } = fiveLines();

    // Assess
    assertions.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: reference.RuleFunctionLogGroup.Properties.LogGroupName,
        RetentionInDays: Number(reference.RuleFunctionLogGroup.Properties.RetentionInDays),
      },
      DeletionPolicy: 'Delete',
    });
    expect(onlyOf(template, 'AWS::Lambda::Function')[1].Properties.LoggingConfig.LogGroup).toEqual({
      Ref: onlyOf(template, 'AWS::Logs::LogGroup')[0],
    });
  });

  it('alarms on function errors, messages in the queue and failed deliveries, notifying a topic only when given', () => {
    // Prepare
    const metricsOf = (template: Template) =>
      idsOf(template, 'AWS::CloudWatch::Alarm')
        .map((id) => template.Resources[id].Properties)
        .map(({ Namespace, MetricName, Statistic, Period, Threshold, ComparisonOperator, AlarmActions }) => ({
          metric: `${Namespace}/${MetricName}`,
          rule: [Statistic, Period, Threshold, ComparisonOperator],
          actions: AlarmActions,
        }));
    const expected = Object.values<Template>(reference)
      .filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm')
      .map(({ Properties }) => ({
        metric: `${Properties.Namespace}/${Properties.MetricName}`,
        rule: [Properties.Statistic, Properties.Period, Properties.Threshold, Properties.ComparisonOperator],
      }));

    // Act
    const without = metricsOf(fiveLines().template);
    const withTopic = synthesize((stack) => {
      new AppTierIamRoleRule(stack, 'Rule', { alarmTopic: new Topic(stack, 'Ops') });
    }).template;

    // Assess
    expect(without).toEqual(expected.map((alarm) => ({ ...alarm, actions: undefined })));
    expect(metricsOf(withTopic).map((alarm) => alarm.actions)).toEqual(
      expected.map(() => [{ Ref: onlyOf(withTopic, 'AWS::SNS::Topic')[0] }]),
    );
  });
});

describe('AppTierIamRoleRule: the Config rule of template.yaml', { timeout: SYNTH_TIMEOUT }, () => {
  it('is the same rule: name, description, scope, triggers and parameters', () => {
    // Prepare
    const expected = reference.AppTierIamRoleRule.Properties;

    // Act
    const [, rule] = onlyOf(fiveLines().template, 'AWS::Config::ConfigRule');

    // Assess
    expect(rule.Properties.ConfigRuleName).toBe(expected.ConfigRuleName);
    expect(rule.Properties.Description).toBe(expected.Description);
    expect(rule.Properties.Scope).toEqual(expected.Scope);
    expect(rule.Properties.InputParameters).toEqual(expected.InputParameters);
    expect(rule.Properties.Source.Owner).toBe('CUSTOM_LAMBDA');
    expect(rule.Properties.Source.SourceDetails).toEqual(expected.Source.SourceDetails);
  });

  it('runs on the function, once Config may invoke it, and only Config of this account may', () => {
    // Act
    const { template } = fiveLines();
    const [functionId] = onlyOf(template, 'AWS::Lambda::Function');
    const [permissionId, permission] = onlyOf(template, 'AWS::Lambda::Permission');
    const [, rule] = onlyOf(template, 'AWS::Config::ConfigRule');

    // Assess
    expect(permission.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'config.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
    expect(rule.Properties.Source.SourceIdentifier).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
    expect([rule.DependsOn].flat()).toContain(permissionId);
  });

  it('sends every option as the parser reads it, and the chosen frequency', () => {
    // Prepare
    const arns = [
      'arn:aws:iam::123456789012:instance-profile/a',
      'arn:aws:iam::123456789012:instance-profile/b',
    ];

    // Act
    const [, rule] = onlyOf(
      fiveLines({
        tagKey: 'layer',
        tagValues: ['app', 'api'],
        allowedInstanceProfileArns: arns,
        tagParameterName: '/app-tier/tag',
        requireRoleInProfile: true,
        maximumExecutionFrequency: MaximumExecutionFrequency.ONE_HOUR,
        configRuleName: 'app-tier',
      }).template,
      'AWS::Config::ConfigRule',
    );

    // Assess
    expect(parseRuleParameters(JSON.stringify(rule.Properties.InputParameters))).toEqual({
      tag: { key: 'layer', values: ['app', 'api'] },
      tagParameterName: '/app-tier/tag',
      allowedInstanceProfileArns: new Set(arns),
      executionRoleName: undefined,
      requireRoleInProfile: true,
    });
    expect(rule.Properties.ConfigRuleName).toBe('app-tier');
    expect(rule.Properties.Source.SourceDetails).toContainEqual({
      EventSource: 'aws.config',
      MessageType: 'ScheduledNotification',
      MaximumExecutionFrequency: 'One_Hour',
    });
  });

  it('leaves the tag to the SSM parameter when only tagParameterName is given, as template.yaml does', () => {
    // Prepare
    const expected = resolveTemplate(loadTemplate(), {
      AppTierTagKey: '',
      AppTierTagValue: '',
      TagParameterName: 'app-tier-tag',
    }).Resources.AppTierIamRoleRule.Properties;

    // Act
    const [, rule] = onlyOf(
      fiveLines({ tagParameterName: 'app-tier-tag' }).template,
      'AWS::Config::ConfigRule',
    );

    // Assess
    expect(rule.Properties.InputParameters).toEqual(expected.InputParameters);
    expect(rule.Properties.Description).toBe(expected.Description);
  });

  it('states the policy within 256 characters, whatever the tag', () => {
    // Act
    const [, rule] = onlyOf(
      fiveLines({ tagKey: 'k'.repeat(128), tagValues: ['v'.repeat(256)] }).template,
      'AWS::Config::ConfigRule',
    );

    // Assess
    expect(rule.Properties.Description.length).toBeLessThanOrEqual(256);
    expect(rule.Properties.Description).toMatch(/IAM role via an attached instance profile\. NON_COMPLIANT/);
  });

  it('fails the synthesis with the parser message for a parameter the function would refuse', () => {
    // Act
    const synth = () =>
      fiveLines({ tagValues: ['app', ''], allowedInstanceProfileArns: ['arn:aws:iam::123456789012:role/r'] });

    // Assess
    expect(synth).toThrow(
      'Invalid rule parameters: appTierTagValue has an empty item; allowedInstanceProfileArns: "arn:aws:iam::123456789012:role/r" is not an instance profile ARN',
    );
  });
});

describe('AppTierIamRoleRule: least privilege, against the contract of template.yaml', {
  timeout: SYNTH_TIMEOUT,
}, () => {
  it.each(EVALUATE_OPTION_CASES)('grants exactly the role contract, with the options %o', (options) => {
    // Act
    const { template } = fiveLines(options);

    // Assess
    expectGrants(
      statementsOfRole(template, functionRoleId(template)),
      singleAccountRoleGrants(targetsOf(template), options),
    );
  });

  it.each([false, true])(
    'keeps every grant inline in its own role, no managed policy, no wildcard action (minimizePolicies %s)',
    (minimize) => {
      // Act
      const { template } = synthesize(
        (stack) =>
          new AppTierIamRoleRule(stack, 'Rule', { tagParameterName: 't', requireRoleInProfile: true }),
        { '@aws-cdk/aws-iam:minimizePolicies': minimize },
      );
      const roleId = functionRoleId(template);
      const actions = [...objectsIn(template.Resources)]
        .filter((object) => 'Action' in object)
        .flatMap((object) => [...stringsIn(object.Action)]);

      // Assess
      expect(idsOf(template, 'AWS::IAM::Policy')).toEqual([]);
      expect(template.Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
      expect(actions.filter((action) => /[*?]/.test(action))).toEqual([]);
      expectGrants(
        statementsOfRole(template, roleId),
        singleAccountRoleGrants(targetsOf(template), { tagParameterName: 't', requireRoleInProfile: true }),
      );
    },
  );

  it('lets only the Lambda service assume the function role', () => {
    // Act
    const { template } = fiveLines();

    // Assess
    expect(
      template.Resources[functionRoleId(template)].Properties.AssumeRolePolicyDocument.Statement,
    ).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
  });
});

describe('AppTierIamRoleRule: optional remediation, as template.yaml', { timeout: SYNTH_TIMEOUT }, () => {
  const withRemediation = (mode: 'manual' | 'automatic') =>
    fiveLines({ remediation: { mode, roleToAttach: 'app-tier-instance' } }).template;

  it('is off by default', () => {
    expect(idsOf(fiveLines().template, 'AWS::Config::RemediationConfiguration')).toEqual([]);
  });

  it('lets Automation attach only to instances carrying the tag, any value of the key for *', () => {
    // Act
    const { template } = fiveLines({
      tagKey: 'Tier',
      tagValues: ['*'],
      remediation: { mode: 'manual', roleToAttach: 'app-tier-instance' },
    });
    const [roleId] = idsOf(template, 'AWS::IAM::Role').filter((id) =>
      JSON.stringify(template.Resources[id]).includes('ssm.amazonaws.com'),
    );

    // Assess
    expectGrants(
      statementsOfRole(template, roleId as string),
      remediationGrants('${AWS::Region}', 'app-tier-instance', { key: 'Tier', values: ['*'] }),
      remediationDenials('${AWS::Region}'),
    );
  });

  it('refuses remediation when only an SSM parameter names the tag', () => {
    expect(() =>
      fiveLines({
        tagParameterName: '/app-tier/tag',
        remediation: { mode: 'manual', roleToAttach: 'app-tier-instance' },
      }),
    ).toThrow(/Remediation needs tagKey and tagValues/);
  });

  it.each(['manual', 'automatic'] as const)(
    '%s: AWS-AttachIAMToInstance attaching the designated role, never replacing a profile',
    (mode) => {
      // Prepare
      const resolvedTemplate = resolveTemplate(loadTemplate(), {
        Remediation: mode,
        RemediationRoleToAttach: 'app-tier-instance',
      });
      const expected = resolvedTemplate.Resources.AppTierIamRoleRemediation.Properties;
      const expectedTrust =
        resolvedTemplate.Resources.RemediationAutomationRole.Properties.AssumeRolePolicyDocument.Statement;

      // Act
      const template = withRemediation(mode);
      const [, remediation] = onlyOf(template, 'AWS::Config::RemediationConfiguration');
      const [ruleId] = onlyOf(template, 'AWS::Config::ConfigRule');
      const automationRoleId = remediation.Properties.Parameters.AutomationAssumeRole.StaticValue.Values[0][
        'Fn::GetAtt'
      ][0] as string;

      // Assess
      const { ConfigRuleName, Parameters, ...settings } = remediation.Properties;
      const { ConfigRuleName: _name, Parameters: expectedParameters, ...expectedSettings } = expected;
      expect(settings).toEqual(expectedSettings);
      expect(ConfigRuleName).toEqual({ Ref: ruleId });
      expect({ ...Parameters, AutomationAssumeRole: undefined }).toEqual({
        ...expectedParameters,
        AutomationAssumeRole: undefined,
      });
      expectGrants(
        statementsOfRole(template, automationRoleId),
        remediationGrants('${AWS::Region}', 'app-tier-instance'),
        remediationDenials('${AWS::Region}'),
      );
      expect(
        subForm(template.Resources[automationRoleId].Properties.AssumeRolePolicyDocument.Statement),
      ).toEqual(expectedTrust.map((statement: Template) => ({ ...statement, Effect: 'Allow' })));
    },
  );
});

describe('AppTierIamRoleRuleCentralFunction and AppTierIamRoleRuleMemberRole: the organization templates', {
  timeout: SYNTH_TIMEOUT,
}, () => {
  const central = () =>
    synthesize((stack) => {
      new AppTierIamRoleRuleCentralFunction(stack, 'Central', {
        organizationId: ORGANIZATION_ID,
        memberAccountIds: ['222222222222', '333333333333'],
      });
    }).template;

  it('central: may only log, send failed events and assume the execution role inside the organization', () => {
    // Act
    const template = central();
    const roleId = functionRoleId(template);

    // Assess
    expectGrants(
      statementsOfRole(template, roleId),
      centralRoleGrants(targetsOf(template), 'app-tier-iam-role-rule-execution', ORGANIZATION_ID),
    );
    expect(template.Resources[roleId].Properties.RoleName).toBe('app-tier-iam-role-rule-central');
  });

  it('central: one invoke permission per member account, each bound to it; the execution role in the environment', () => {
    // Act
    const template = central();
    const [functionId, fn] = onlyOf(template, 'AWS::Lambda::Function');
    const permissions = idsOf(template, 'AWS::Lambda::Permission').map(
      (id) => template.Resources[id].Properties,
    );

    // Assess
    expect(permissions).toEqual(
      ['222222222222', '333333333333'].map((account) => ({
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
        Principal: 'config.amazonaws.com',
        SourceAccount: account,
      })),
    );
    expect(fn.Properties.Environment.Variables.EXECUTION_ROLE_NAME).toBe('app-tier-iam-role-rule-execution');
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(10);
  });

  it.each(EVALUATE_OPTION_CASES)(
    'member: holds exactly what the rule calls, with the options %o',
    (options) => {
      // Act
      const { template } = synthesize((stack) => {
        new AppTierIamRoleRuleMemberRole(stack, 'Member', {
          centralAccountId: '111111111111',
          organizationId: ORGANIZATION_ID,
          ...options,
        });
      });
      const [roleId, role] = onlyOf(template, 'AWS::IAM::Role');

      // Assess
      expectGrants(statementsOfRole(template, roleId), evaluateGrants('*', options));
      expect(subForm(role.Properties.AssumeRolePolicyDocument.Statement)).toEqual([
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { AWS: 'arn:${AWS::Partition}:iam::111111111111:root' },
          Condition: {
            ArnEquals: {
              'aws:PrincipalArn':
                'arn:${AWS::Partition}:iam::111111111111:role/app-tier-iam-role-rule-central',
            },
            StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID },
          },
        },
      ]);
      expect(role.Properties.RoleName).toBe('app-tier-iam-role-rule-execution');
    },
  );

  it('member: refuses a role to attach without the tag that limits where the Automation role may attach it', () => {
    // Act
    const member = () =>
      synthesize((stack) => {
        new AppTierIamRoleRuleMemberRole(stack, 'Member', {
          centralAccountId: '111111111111',
          organizationId: ORGANIZATION_ID,
          remediationRoleToAttach: 'app-tier-instance',
        });
      });

    // Assess
    expect(member).toThrow(
      'remediationRoleToAttach needs remediationTag: the Automation role may attach a profile only to instances carrying the app-tier tag',
    );
  });

  it('member: the remediation role only when a role to attach is named, with the same grants', () => {
    // Act
    const { template } = synthesize((stack) => {
      new AppTierIamRoleRuleMemberRole(stack, 'Member', {
        centralAccountId: '111111111111',
        organizationId: ORGANIZATION_ID,
        remediationRoleToAttach: 'app-tier-instance',
        remediationTag: { key: 'tier', values: ['app'] },
      });
    });
    const [remediationId] = idsOf(template, 'AWS::IAM::Role').filter(
      (id) => template.Resources[id].Properties.RoleName === 'app-tier-iam-role-rule-remediation',
    );

    // Assess
    expect(idsOf(template, 'AWS::IAM::Role')).toHaveLength(2);
    expectGrants(
      statementsOfRole(template, remediationId as string),
      remediationGrants('*', 'app-tier-instance'),
      remediationDenials('*'),
    );
  });
});

describe('the synthesized templates', () => {
  // On PATH, else in the project's .venv (scripts/python-tools.mjs).
  const cfnLint = toolCommand('cfn-lint');
  const cfnLintAvailable = cfnLint !== undefined;

  it.skipIf(!cfnLintAvailable)(
    'pass cfn-lint: the five lines, every option, the organization pieces',
    { timeout: 120_000 },
    () => {
      // Prepare
      const dir = mkdtempSync(join(tmpdir(), 'cdk-lint-'));
      const stacks: Record<string, (stack: Stack) => void> = {
        'five-lines': (stack) =>
          new AppTierIamRoleRule(stack, 'Rule', { tagKey: 'tier', tagValues: ['app'] }),
        everything: (stack) =>
          new AppTierIamRoleRule(stack, 'Rule', {
            tagKey: 'tier',
            tagValues: ['app', 'api'],
            tagParameterName: '/app-tier/tag',
            allowedInstanceProfileArns: ['arn:aws:iam::123456789012:instance-profile/app'],
            requireRoleInProfile: true,
            alarmTopic: new Topic(stack, 'Ops'),
            remediation: { mode: 'automatic', roleToAttach: 'app-tier-instance' },
          }),
        central: (stack) =>
          new AppTierIamRoleRuleCentralFunction(stack, 'Central', {
            organizationId: ORGANIZATION_ID,
            memberAccountIds: ['222222222222'],
          }),
        member: (stack) =>
          new AppTierIamRoleRuleMemberRole(stack, 'Member', {
            centralAccountId: '111111111111',
            organizationId: ORGANIZATION_ID,
            tagParameterName: 'app-tier-tag',
            requireRoleInProfile: true,
            remediationRoleToAttach: 'app-tier-instance',
            remediationTag: { key: 'tier', values: ['app'] },
          }),
      };
      const files = Object.entries(stacks).map(([name, build]) => {
        const file = join(dir, `${name}.json`);
        writeFileSync(file, JSON.stringify(synthesize(build).template));
        return file;
      });

      try {
        // Act
        const lint = spawnSync(cfnLint as string, files, { encoding: 'utf8' });

        // Assess
        expect(lint.stdout + lint.stderr).toBe('');
        expect(lint.status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('AppTierIamRoleRule: values known only at deployment', { timeout: SYNTH_TIMEOUT }, () => {
  it('takes a tag from stack parameters: no check at synthesis, a description naming no tag', () => {
    // Act
    const { template } = synthesize((stack) => {
      const key = new CfnParameter(stack, 'TagKey', { default: 'tier' }).valueAsString;
      new AppTierIamRoleRule(stack, 'Rule', { tagKey: key, tagValues: ['app'] });
    });
    const [, rule] = onlyOf(template, 'AWS::Config::ConfigRule');

    // Assess
    expect(rule.Properties.InputParameters.appTierTagKey).toEqual({ Ref: 'TagKey' });
    expect(rule.Properties.Description).toMatch(
      /^App-tier EC2 instances \(tag defined in the rule parameters\)/,
    );
  });

  it('grants the SSM parameter given by ARN as it is, and refuses a name known only at deployment', () => {
    // Prepare
    const arn = 'arn:aws:ssm:eu-west-1:123456789012:parameter/app-tier/tag';

    // Act
    const { template } = fiveLines({ tagParameterName: arn });
    const unresolved = () =>
      synthesize((stack) => {
        const name = new CfnParameter(stack, 'TagParameter').valueAsString;
        new AppTierIamRoleRule(stack, 'Rule', { tagParameterName: name });
      });

    // Assess
    expect(
      statementsOfRole(template, functionRoleId(template)).find(
        (statement) => statement.Action === 'ssm:GetParameter',
      )?.Resource,
    ).toBe(arn);
    expect(unresolved).toThrow('tagParameterName must be a literal name');
  });

  it('runs another build of the function when given one', () => {
    // Act
    const { template } = fiveLines({ code: Code.fromInline('export const handler = async () => {};') });

    // Assess
    expect(onlyOf(template, 'AWS::Lambda::Function')[1].Properties.Code).toEqual({
      ZipFile: 'export const handler = async () => {};',
    });
  });
});

describe('the construct defaults', { timeout: SYNTH_TIMEOUT }, () => {
  it('match the defaults of template.yaml', () => {
    // Prepare
    const parameters = loadTemplate().Parameters;

    // Act
    const { template } = fiveLines({});
    const [, rule] = onlyOf(template, 'AWS::Config::ConfigRule');

    // Assess
    expect(rule.Properties.InputParameters).toEqual({
      appTierTagKey: parameters.AppTierTagKey.Default,
      appTierTagValue: parameters.AppTierTagValue.Default,
    });
  });
});
