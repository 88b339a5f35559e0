// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${...} placeholders are CloudFormation's Fn::Sub
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, findEsbuildFunction, functionBuild } from '../../scripts/function-build.mjs';
import { ReportMode } from '../../src/config/reporter.js';
import {
  parseRuleParameters,
  RULE_PARAMETER_ALIASES,
  RULE_PARAMETER_NAMES,
} from '../../src/rule/parameters.js';
import {
  failedAssertions,
  inlineStatements,
  loadTemplate,
  objectsIn,
  PSEUDO_PARAMETERS,
  referencesIn,
  resolveTemplate,
  type Statement,
  statementsAllowing,
  stringsIn,
  type Template,
  templateRuleHolds,
} from '../support/cfn-template.js';
import {
  EVALUATE_OPTION_CASES,
  expectGrants,
  remediationDenials,
  remediationGrants,
  singleAccountRoleGrants,
} from '../support/role-contract.js';
import { samEsbuildCommand } from '../support/sam-esbuild-command.js';

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));

const template = loadTemplate();
const resources: Record<string, Template> = template.Resources;

/** The one resource of a type; fails when there are none or several. */
const only = (type: string): [string, Template] => {
  const matches = Object.entries(resources).filter(([, resource]) => resource.Type === type);
  expect(matches, `resources of type ${type}`).toHaveLength(1);
  return matches[0] as [string, Template];
};

const [functionId, ruleFunction] = only('AWS::Serverless::Function');
const [, configRule] = only('AWS::Config::ConfigRule');
const roleId: string = ruleFunction.Properties.Role['Fn::GetAtt'][0];
const role = resources[roleId] as Template;
const [permissionId, permission] = only('AWS::Lambda::Permission');
const [queueId] = only('AWS::SQS::Queue');

/** The role's statements once the template is resolved with these parameter values. */
const roleStatements = (parameters: Record<string, string> = {}): Statement[] =>
  inlineStatements(resolveTemplate(template, parameters).Resources[roleId]);

/** The parameter that a property refers to with `!Ref`. */
const parameterOf = (property: unknown): Template => {
  const name = (property as { Ref?: string }).Ref;
  expect(name, 'a Ref to a parameter').toBeTypeOf('string');
  const parameter = template.Parameters[name as string];
  expect(parameter, `parameter ${name}`).toBeDefined();
  return parameter;
};

describe('template.yaml: the function', () => {
  it('runs on Node.js 24 on arm64', () => {
    // Prepare
    const properties = ruleFunction.Properties;

    // Act
    const { Runtime, Architectures } = properties;

    // Assess
    expect(Runtime).toBe('nodejs24.x');
    expect(Architectures).toEqual(['arm64']);
  });

  it('is built by sam build with esbuild, from entry points that exist', () => {
    // Prepare
    const entryPoints = functionBuild.esbuild.filter((arg) => !arg.startsWith('--'));

    // Act
    const missing = entryPoints.filter((entryPoint) => !existsSync(join(PROJECT_DIR, entryPoint)));

    // Assess
    expect(ruleFunction.Metadata.BuildMethod).toBe('esbuild');
    expect(ruleFunction.Properties.CodeUri).toBe('./');
    expect(functionBuild.function).toBe(functionId);
    expect(entryPoints).toEqual(['src/handler.ts', 'src/extensions.ts']);
    expect(missing).toEqual([]);
  });

  it('is built with exactly the esbuild command line the SAM CLI printed (scripts/function-build.json)', () => {
    // Prepare
    const { buildProperties } = findEsbuildFunction(template);

    // Act
    const command = samEsbuildCommand(buildProperties, ARTIFACTS_DIR);

    // Assess
    expect(functionBuild.esbuild).toEqual(command);
    expect(functionBuild.esbuild).toContain('--main-fields=module,main');
  });

  it('lets sam build find the pinned esbuild in its copy of the project, and install without a build step', () => {
    // Prepare
    const manifest = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8'));
    const lock = JSON.parse(readFileSync(join(PROJECT_DIR, 'package-lock.json'), 'utf8'));
    const { buildProperties } = findEsbuildFunction(template);

    // Act
    // npm ci and npm install run these in SAM's copy, where dev dependencies may be left out.
    const installScripts = [
      'preinstall',
      'install',
      'postinstall',
      'prepublish',
      'preprepare',
      'prepare',
    ].filter((name) => manifest.scripts?.[name] !== undefined);

    // Assess
    // UseNpmCi: SAM runs npm ci there (dev dependencies included), so node_modules/.bin/esbuild exists.
    expect(buildProperties.UseNpmCi).toBe(true);
    expect(manifest.devDependencies.esbuild).toBeDefined();
    expect(lock.packages['node_modules/esbuild'].version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(installScripts).toEqual([]);
  });

  it('states every NODE_OPTIONS the function gets: SAM adds --enable-source-maps to a Sourcemap build', () => {
    // Prepare
    const { buildProperties } = findEsbuildFunction(template);
    const nodeOptions: string = ruleFunction.Properties.Environment.Variables.NODE_OPTIONS ?? '';

    // Act
    const sourcemap = buildProperties.Sourcemap === true;
    const enableSourceMaps = nodeOptions.split(/\s+/).includes('--enable-source-maps');

    // Assess
    // SAM sets either when the other is set; the template states both or neither.
    expect(enableSourceMaps).toBe(sourcemap);
  });

  it('names as Handler a file sam build writes, and the export the handler file provides', () => {
    // Prepare
    const handler: string = ruleFunction.Properties.Handler;
    const source = readFileSync(join(PROJECT_DIR, 'src/handler.ts'), 'utf8');

    // Act
    const [module, exportName] = [handler.slice(0, handler.lastIndexOf('.')), handler.split('.').pop()];

    // Assess
    expect(functionBuild.artifacts).toContain(`${module}.mjs`);
    expect(module).toBe('handler');
    expect(source).toMatch(new RegExp(`^export const ${exportName} = `, 'm'));
  });

  it('writes the extensions file beside the handler, under the name the handler loads', () => {
    // Prepare
    const loader = readFileSync(join(PROJECT_DIR, 'src/load-extensions.ts'), 'utf8');

    // Act
    const others = functionBuild.artifacts.filter((file) => file !== 'handler.mjs');

    // Assess
    expect(others).toEqual(['extensions.mjs']);
    expect(loader).toContain(`'./${others[0]}'`);
  });

  it('has a small reserved concurrency, a timeout for sweeps and JSON logs in a log group with retention', () => {
    // Prepare
    const resolved = resolveTemplate(template).Resources;

    // Act
    const properties = resolved[functionId].Properties;
    const logGroupRef = ruleFunction.Properties.LoggingConfig.LogGroup.Ref;

    // Assess
    expect(Number(properties.ReservedConcurrentExecutions)).toBeGreaterThanOrEqual(1);
    expect(Number(properties.ReservedConcurrentExecutions)).toBeLessThanOrEqual(10);
    expect(properties.Timeout).toBe(300);
    expect(properties.LoggingConfig.LogFormat).toBe('JSON');
    expect(resources[logGroupRef]?.Type).toBe('AWS::Logs::LogGroup');
    expect(Number(resolved[logGroupRef].Properties.RetentionInDays)).toBeGreaterThan(0);
  });

  it('keeps its log group when the stack is deleted or replaced, encrypted with the KMS key given', () => {
    // Prepare
    const logGroupId: string = ruleFunction.Properties.LoggingConfig.LogGroup.Ref;
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const keyPattern = new RegExp(template.Parameters.LogGroupKmsKeyArn.AllowedPattern);

    // Act
    const withKey = resolveTemplate(template, { LogGroupKmsKeyArn: keyArn }).Resources[logGroupId];
    const byDefault = resolveTemplate(template).Resources[logGroupId];

    // Assess
    expect(resources[logGroupId]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(withKey.Properties.KmsKeyId).toBe(keyArn);
    expect(byDefault.Properties).not.toHaveProperty('KmsKeyId');
    expect([keyArn, ''].every((value) => keyPattern.test(value))).toBe(true);
    expect(keyPattern.test('alias/logs')).toBe(false);
  });

  it('passes the report mode the handler understands, from a parameter limited to those modes', () => {
    // Prepare
    const variables = ruleFunction.Properties.Environment.Variables;

    // Act
    const parameter = parameterOf(variables.REPORT_MODE);

    // Assess
    expect([...parameter.AllowedValues].sort()).toEqual(Object.values(ReportMode).sort());
    expect(parameter.Default).toBe(ReportMode.Live);
    expect(variables.POWERTOOLS_SERVICE_NAME).toBeTypeOf('string');
    expect(parameterOf(variables.POWERTOOLS_LOG_LEVEL).Default).toBe('INFO');
    // --enable-source-maps would add about 110 ms to every cold start (npm run bench); the maps ship anyway.
    expect(variables.NODE_OPTIONS).toBeUndefined();
  });

  it('retries a failed asynchronous invocation twice, then sends it to an encrypted SQS queue', () => {
    // Prepare
    const { EventInvokeConfig } = ruleFunction.Properties;

    // Act
    const onFailure = EventInvokeConfig.DestinationConfig.OnFailure;

    // Assess
    expect(EventInvokeConfig.MaximumRetryAttempts).toBe(2);
    expect(onFailure.Type).toBe('SQS');
    expect(onFailure.Destination).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    expect(resolveTemplate(template).Resources[queueId].Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('keeps a failed event 4 days unless DeadLetterRetentionInDays asks for more, up to SQS’s 14', () => {
    // Prepare
    const parameter = template.Parameters.DeadLetterRetentionInDays;

    // Act
    const retention = (days?: string) =>
      resolveTemplate(template, days === undefined ? {} : { DeadLetterRetentionInDays: days }).Resources[
        queueId
      ].Properties.MessageRetentionPeriod;

    // Assess
    expect(retention()).toBe(4 * 86_400);
    expect(parameter.AllowedValues.map(String)).toEqual(Array.from({ length: 11 }, (_, i) => String(i + 4)));
    for (const days of parameter.AllowedValues) expect(retention(String(days))).toBe(Number(days) * 86_400);
  });

  it('encrypts the dead-letter queue with the log group’s KMS key when one is given, and lets the function use it', () => {
    // Prepare
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const targets = {
      logGroupArn: { 'Fn::GetAtt': [ruleFunction.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] },
      queueArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
    };

    // Act
    const withKey = resolveTemplate(template, { LogGroupKmsKeyArn: keyArn }).Resources[queueId].Properties;
    const byDefault = resolveTemplate(template).Resources[queueId].Properties;

    // Assess
    expect(withKey.KmsMasterKeyId).toBe(keyArn);
    expect(withKey).not.toHaveProperty('SqsManagedSseEnabled');
    expect(byDefault.SqsManagedSseEnabled).toBe(true);
    expect(byDefault).not.toHaveProperty('KmsMasterKeyId');
    expectGrants(roleStatements({ LogGroupKmsKeyArn: keyArn }), singleAccountRoleGrants(targets, {}, keyArn));
  });
});

describe('template.yaml: the Config rule', () => {
  it('is a custom Lambda rule on the function, for EC2 instances only', () => {
    // Prepare
    const { Source, Scope } = configRule.Properties;

    // Act
    const resourceTypes = Scope.ComplianceResourceTypes;

    // Assess
    expect(Source.Owner).toBe('CUSTOM_LAMBDA');
    expect(Source.SourceIdentifier).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
    expect(resourceTypes).toEqual(['AWS::EC2::Instance']);
  });

  it('is triggered by exactly the three message types, the periodic one at a chosen frequency', () => {
    // Prepare
    const details: Template[] = configRule.Properties.Source.SourceDetails;

    // Act
    const messageTypes = details.map((detail) => detail.MessageType).sort();
    const scheduled = details.find((detail) => detail.MessageType === 'ScheduledNotification');

    // Assess
    expect(messageTypes).toEqual([
      'ConfigurationItemChangeNotification',
      'OversizedConfigurationItemChangeNotification',
      'ScheduledNotification',
    ]);
    expect(details.every((detail) => detail.EventSource === 'aws.config')).toBe(true);
    const frequency = parameterOf(scheduled?.MaximumExecutionFrequency);
    expect(frequency.Default).toBe('TwentyFour_Hours');
    expect([...frequency.AllowedValues].sort()).toEqual(
      ['One_Hour', 'Six_Hours', 'Three_Hours', 'Twelve_Hours', 'TwentyFour_Hours'].sort(),
    );
  });

  it('is created only after Config may invoke the function', () => {
    // Prepare
    const dependsOn = configRule.DependsOn;

    // Act
    const dependencies = [dependsOn].flat();

    // Assess
    expect(dependencies).toContain(permissionId);
  });

  it('sends only parameter names the parser knows', () => {
    // Prepare
    const known: readonly string[] = [...RULE_PARAMETER_NAMES, ...Object.keys(RULE_PARAMETER_ALIASES)];

    // Act
    const names = Object.keys(configRule.Properties.InputParameters);

    // Assess
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !known.includes(name))).toEqual([]);
  });

  it('sends the tag with the default parameters, and leaves out every parameter left empty', () => {
    // Prepare
    const ruleOf = (parameters: Record<string, string>) =>
      resolveTemplate(template, parameters).Resources.AppTierIamRoleRule.Properties.InputParameters;

    // Act
    const defaults = ruleOf({});
    const ssmOnly = ruleOf({ AppTierTagKey: '', AppTierTagValue: '', TagParameterName: '/app-tier/tag' });
    const everything = ruleOf({
      AllowedInstanceProfileArns: 'arn:aws:iam::123456789012:instance-profile/app',
      TagParameterName: 'app-tier-tag',
      RequireRoleInProfile: 'true',
    });

    // Assess
    expect(defaults).toEqual({ appTierTagKey: 'tier', appTierTagValue: 'app' });
    expect(ssmOnly).toEqual({ tagParameterName: '/app-tier/tag' });
    expect(everything).toEqual({
      appTierTagKey: 'tier',
      appTierTagValue: 'app',
      allowedInstanceProfileArns: 'arn:aws:iam::123456789012:instance-profile/app',
      tagParameterName: 'app-tier-tag',
      requireRoleInProfile: 'true',
    });
  });

  it("passes IamInstanceProfileArnList, the managed rule's name, under its own name to the parser", () => {
    // Prepare
    const arns = 'arn:aws:iam::123456789012:instance-profile/a,arn:aws:iam::123456789012:instance-profile/b';

    // Act
    const input = resolveTemplate(template, { IamInstanceProfileArnList: arns }).Resources.AppTierIamRoleRule
      .Properties.InputParameters;

    // Assess
    expect(input).toEqual({ appTierTagKey: 'tier', appTierTagValue: 'app', IamInstanceProfileArnList: arns });
    expect(parseRuleParameters(JSON.stringify(input)).allowedInstanceProfileArns).toEqual(
      new Set(arns.split(',')),
    );
  });

  it('refuses at deployment an IamInstanceProfileArnList that differs from AllowedInstanceProfileArns', () => {
    // Prepare
    const [a, b] = [
      'arn:aws:iam::123456789012:instance-profile/a',
      'arn:aws:iam::123456789012:instance-profile/b',
    ];
    const holds = (parameters: Record<string, string>) =>
      templateRuleHolds(template, 'OneAllowedProfileList', parameters);

    // Act
    const verdicts = [
      holds({}),
      holds({ IamInstanceProfileArnList: a }),
      holds({ AllowedInstanceProfileArns: a }),
      holds({ IamInstanceProfileArnList: a, AllowedInstanceProfileArns: a }),
      holds({ IamInstanceProfileArnList: a, AllowedInstanceProfileArns: b }),
    ];

    // Assess
    expect(verdicts).toEqual([true, true, true, true, false]);
  });

  it('states the policy in its description, within the 256 characters Config allows', () => {
    // Prepare
    const longest = (name: string) => 'x'.repeat(template.Parameters[name].MaxLength);
    const descriptionOf = (parameters: Record<string, string>): string =>
      resolveTemplate(template, parameters).Resources.AppTierIamRoleRule.Properties.Description;

    // Act
    const withTag = descriptionOf({});
    const longestTag = descriptionOf({
      AppTierTagKey: longest('AppTierTagKey'),
      AppTierTagValue: longest('AppTierTagValue'),
    });
    const fromSsm = descriptionOf({
      AppTierTagKey: '',
      AppTierTagValue: '',
      TagParameterName: 'app-tier-tag',
    });

    // Assess
    expect(withTag).toContain('(tag tier=app)');
    for (const description of [withTag, longestTag, fromSsm]) {
      expect(description).toMatch(/IAM role/);
      expect(description).toMatch(/instance profile/);
      expect(description).toMatch(/NON_COMPLIANT/);
      expect(description.length).toBeLessThanOrEqual(256);
    }
  });
});

describe('template.yaml: permissions', () => {
  it('lets only Config of this account invoke the function', () => {
    // Prepare
    const properties = permission.Properties;

    // Act
    const { Principal, SourceAccount, Action, FunctionName } = properties;

    // Assess
    expect(Principal).toBe('config.amazonaws.com');
    expect(SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
    expect(Action).toBe('lambda:InvokeFunction');
    expect(FunctionName).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
  });

  it('lets only Lambda, on behalf of this account, assume the function role', () => {
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('grants no wildcard action and no NotAction anywhere', () => {
    // Prepare
    const actionHolders = [...objectsIn(template.Resources)].filter((object) => 'Action' in object);

    // Act
    const actions = actionHolders.flatMap((object) => [...stringsIn(object.Action)]);
    const notActions = [...objectsIn(template.Resources)].filter((object) => 'NotAction' in object);

    // Assess
    expect(actions).toContain('ec2:DescribeInstances');
    expect(actions.filter((action) => /[*?]/.test(action))).toEqual([]);
    expect(notActions).toEqual([]);
  });

  it('runs the function with its own role, holding nothing but its own logs and queue beyond evaluating', () => {
    // Assess
    expect(ruleFunction.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(ruleFunction.Properties.Policies).toBeUndefined();
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it.each(EVALUATE_OPTION_CASES)('grants exactly the role contract, with the options %o', (options) => {
    // Prepare
    const targets = {
      logGroupArn: { 'Fn::GetAtt': [ruleFunction.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] },
      queueArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
    };

    // Act
    const statements = roleStatements({
      ...(options.tagParameterName === undefined ? {} : { TagParameterName: options.tagParameterName }),
      ...(options.requireRoleInProfile === true ? { RequireRoleInProfile: 'true' } : {}),
    });

    // Assess
    expectGrants(statements, singleAccountRoleGrants(targets, options));
  });

  it('writes every ARN partition-aware', () => {
    // Prepare
    const strings = [...stringsIn(template.Resources)];

    // Act
    const arns = strings.filter((text) => text.startsWith('arn:'));

    // Assess
    expect(arns.length).toBeGreaterThan(0);
    expect(arns.filter((arn) => !arn.startsWith('arn:${AWS::Partition}:'))).toEqual([]);
  });
});

describe('template.yaml: references', () => {
  it('refers only to parameters, resources and pseudo parameters that exist', () => {
    // Prepare
    const known = new Set<string>([
      ...Object.keys(template.Parameters),
      ...Object.keys(template.Resources),
      ...PSEUDO_PARAMETERS,
    ]);

    // Act
    const { targets } = referencesIn({ Resources: template.Resources, Outputs: template.Outputs });

    // Assess
    expect(targets.length).toBeGreaterThan(10);
    expect(targets.filter((target) => !known.has(target))).toEqual([]);
  });

  it('uses only conditions it defines, and defines none it does not use', () => {
    // Prepare
    const defined = Object.keys(template.Conditions);

    // Act
    const used = new Set(referencesIn(template).conditions);

    // Assess
    expect([...used].filter((name) => !defined.includes(name))).toEqual([]);
    expect(defined.filter((name) => !used.has(name))).toEqual([]);
  });
});

describe('template.yaml: optional auto-remediation', () => {
  const remediations = Object.values(resources).filter(
    (r) => r.Type === 'AWS::Config::RemediationConfiguration',
  );

  it('attaches a role with AWS-AttachIAMToInstance, never replacing an existing profile', () => {
    // Assess
    expect(remediations).toHaveLength(1);
    const [remediation] = remediations as [Template];
    expect(remediation.Properties.TargetId).toBe('AWS-AttachIAMToInstance');
    expect(remediation.Properties.ResourceType).toBe('AWS::EC2::Instance');
    expect(remediation.Properties.Parameters.ForceReplace).toEqual({ StaticValue: { Values: ['false'] } });
    expect(remediation.Properties.Parameters.InstanceId).toEqual({ ResourceValue: { Value: 'RESOURCE_ID' } });
  });

  const [remediationRoleId] = Object.entries(resources).find(
    ([, resource]) => resource.Type === 'AWS::IAM::Role' && resource.Condition === 'EnableRemediation',
  ) as [string, Template];
  const remediationOn = { Remediation: 'manual', RemediationRoleToAttach: 'app-tier-instance' };
  /** The statements that let the Automation role attach a profile, for these parameter values. */
  const attachStatements = (parameters: Record<string, string>) =>
    statementsAllowing(
      inlineStatements(
        resolveTemplate(template, { ...remediationOn, ...parameters }).Resources[remediationRoleId],
      ),
      'ec2:AssociateIamInstanceProfile',
    );

  it('lets Automation attach a profile only to instances that carry the app-tier tag', () => {
    // Act
    const listed = attachStatements({ AppTierTagKey: 'tier', AppTierTagValue: 'app,api' });
    const anyValue = attachStatements({ AppTierTagKey: 'aws:app/tier', AppTierTagValue: '*' });

    // Assess
    expect(listed.map(({ Effect, Resource }) => [Effect, Resource])).toEqual([
      ['Allow', 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*'],
    ]);
    expect(listed.map((statement) => statement.Condition)).toEqual([
      { StringEquals: { 'ec2:ResourceTag/tier': ['app', 'api'] } },
    ]);
    expect(anyValue.map((statement) => statement.Condition)).toEqual([
      { Null: { 'ec2:ResourceTag/aws:app/tier': 'false' } },
    ]);
  });

  it('grants Automation exactly the remediation contract, and denies it instances an Auto Scaling group or a stack owns', () => {
    // Act
    const statements = inlineStatements(
      resolveTemplate(template, { ...remediationOn, AppTierTagKey: 'tier', AppTierTagValue: 'app' })
        .Resources[remediationRoleId],
    );

    // Assess
    expectGrants(
      statements,
      remediationGrants('${AWS::Region}', 'app-tier-instance'),
      remediationDenials('${AWS::Region}'),
    );
  });

  it('writes a valid tag condition for every tag the parameters admit', () => {
    // Prepare: what AllowedPattern and MaxLength admit, printable
    const admitted = (name: string) => {
      const { AllowedPattern, MaxLength } = template.Parameters[name];
      return fc
        .string({ unit: fc.constantFrom(...'abzAZ09 _.:/=+-@*,\'"\\'), minLength: 1, maxLength: MaxLength })
        .filter((value) => new RegExp(AllowedPattern).test(value) && value !== ',' && !value.includes(',,'));
    };
    fc.assert(
      fc.property(admitted('AppTierTagKey'), admitted('AppTierTagValue'), (key, value) => {
        // Act
        const [statement] = attachStatements({ AppTierTagKey: key, AppTierTagValue: value });

        // Assess
        expect(statement?.Condition).toEqual(
          value === '*'
            ? { Null: { [`ec2:ResourceTag/${key}`]: 'false' } }
            : { StringEquals: { [`ec2:ResourceTag/${key}`]: value.split(',') } },
        );
      }),
    );
  });

  it('is refused without the app-tier tag it is limited to, or without a role to attach', () => {
    expect(failedAssertions(template, remediationOn)).toEqual([]);
    expect(failedAssertions(template, { ...remediationOn, AppTierTagKey: '' })).toHaveLength(1);
    expect(failedAssertions(template, { ...remediationOn, AppTierTagValue: '' })).toHaveLength(1);
    expect(failedAssertions(template, { Remediation: 'automatic' })).toHaveLength(1);
    expect(failedAssertions(template, { AppTierTagKey: '', TagParameterName: '/app-tier/tag' })).toEqual([]);
  });

  it('is off by default', () => {
    // Assess
    const [remediation] = remediations as [Template];
    expect(template.Parameters.Remediation.Default).toBe('off');
    expect(template.Conditions[remediation.Condition]).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Remediation' }, 'off'] }],
    });
  });
});

describe('template.yaml: alarms and outputs', () => {
  const alarms = Object.values(resources).filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm');
  const alarmOn = (namespace: string, metric: string) =>
    alarms.find((alarm) => alarm.Properties.Namespace === namespace && alarm.Properties.MetricName === metric)
      ?.Properties;

  it('alarms on any function error within 5 minutes', () => {
    // Prepare
    const metric = ['AWS/Lambda', 'Errors'] as const;

    // Act
    const alarm = alarmOn(...metric);

    // Assess
    expect(alarm?.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: functionId } }]);
    expect(alarm?.Period).toBe(300);
    expect(alarm?.Threshold).toBe(1);
    expect(alarm?.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
  });

  it('alarms on any message waiting in the dead-letter queue', () => {
    // Prepare
    const metric = ['AWS/SQS', 'ApproximateNumberOfMessagesVisible'] as const;

    // Act
    const alarm = alarmOn(...metric);

    // Assess
    expect(alarm?.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } },
    ]);
    expect(alarm?.Threshold).toBe(1);
    expect(alarm?.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
  });

  it('notifies the SNS topic only when one is given', () => {
    // Prepare
    const topic = 'arn:aws:sns:eu-west-1:123456789012:ops';

    const alarmsWith = (parameters: Record<string, string>) =>
      Object.values<Template>(resolveTemplate(template, parameters).Resources).filter(
        (resource) => resource.Type === 'AWS::CloudWatch::Alarm',
      );

    // Act
    const without = alarmsWith({});
    const withTopic = alarmsWith({ AlarmTopicArn: topic });

    // Assess
    expect(without).toHaveLength(alarms.length);
    expect(alarms.length).toBeGreaterThanOrEqual(2);
    expect(without.map((alarm) => alarm.Properties.AlarmActions)).toEqual(without.map(() => undefined));
    expect(withTopic.map((alarm) => alarm.Properties.AlarmActions)).toEqual(withTopic.map(() => [topic]));
  });

  it('outputs the function ARN, the rule name and the dead-letter queue URL', () => {
    // Prepare
    const values = Object.values<Template>(template.Outputs).map((output) => output.Value);

    // Act
    const [ruleId] = only('AWS::Config::ConfigRule');

    // Assess
    expect(values).toContainEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
    expect(values).toContainEqual({ Ref: ruleId });
    expect(values).toContainEqual({ Ref: queueId });
  });
});

describe("SAM's esbuild command line, as the contract test models it", () => {
  const properties = (extra: Record<string, unknown>) => ({ EntryPoints: ['app.ts'], ...extra });

  it("adds SAM's own flags and its defaults where the template sets none", () => {
    // Act
    const command = samEsbuildCommand(properties({}), '/artifacts');

    // Assess
    expect(command).toEqual([
      'app.ts',
      '--bundle',
      '--platform=node',
      '--outdir=/artifacts',
      '--target=es2020',
      '--format=cjs',
      '--minify',
    ]);
  });

  it('passes every other key on as a flag, in the order written, and drops what SAM sets itself', () => {
    // Prepare
    const buildProperties = properties({
      Minify: false,
      Platform: 'neutral',
      UseNpmCi: true,
      KeepNames: true,
      LegalComments: 'none',
      Loader: ['.png=file', '.svg=text'],
    });

    // Act
    const command = samEsbuildCommand(buildProperties, '/artifacts');

    // Assess
    expect(command.slice(5)).toEqual([
      '--format=cjs',
      '--keep-names',
      '--legal-comments=none',
      '--loader:.png=file',
      '--loader:.svg=text',
    ]);
  });
});
