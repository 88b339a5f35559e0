// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${...} placeholders are CloudFormation's Fn::Sub
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCloudFormationTemplate } from '../../scripts/cfn-yaml.mjs';
import { toolCommand } from '../../scripts/python-tools.mjs';
import { parseRuleParameters } from '../../src/rule/parameters.js';
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
  centralRoleGrants,
  EVALUATE_OPTION_CASES,
  evaluateGrants,
  expectGrants,
  remediationDenials,
  remediationGrants,
} from '../support/role-contract.js';

const TEMPLATES_DIR = new URL('../../templates/', import.meta.url);
const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** The templates checked before deploy, documented in docs/before-deploy.md (test/template/custom-policy-rule.test.ts). */
const BEFORE_DEPLOY_FILES = ['custom-policy-rule.yaml', 'guard-hook.yaml'];
const ALL_TEMPLATE_FILES = readdirSync(TEMPLATES_DIR)
  .filter((file) => file.endsWith('.yaml'))
  .sort();
const TEMPLATE_FILES = ALL_TEMPLATE_FILES.filter((file) => !BEFORE_DEPLOY_FILES.includes(file));

const load = (file: string): Template => readCloudFormationTemplate(new URL(file, TEMPLATES_DIR));
const memberRole = load('member-execution-role.yaml');
const central = load('central-function.yaml');
const organizationRule = load('organization-rule.yaml');
const conformancePack = load('conformance-pack.yaml');

const THREE_TRIGGERS = [
  'ConfigurationItemChangeNotification',
  'OversizedConfigurationItemChangeNotification',
  'ScheduledNotification',
];
const FOR_EACH = 'Fn::ForEach::';

/** The `Fn::ForEach::*` entries of a template section: loop variable, collection, body. */
const forEachesIn = (section: Template = {}) =>
  Object.entries(section)
    .filter(([key]) => key.startsWith(FOR_EACH))
    .map(([key, [variable, collection, body]]) => ({ key, variable, collection, body }));

/**
 * The resources as AWS::LanguageExtensions expands them: each ForEach body repeated for every value,
 * `${Variable}` and `Ref: Variable` replaced.
 */
const expandForEach = (resources: Template, values: Record<string, string[]>): Template => {
  const expanded: Template = {};
  for (const [key, resource] of Object.entries(resources)) {
    if (!key.startsWith(FOR_EACH)) expanded[key] = resource;
  }
  for (const { variable, collection, body } of forEachesIn(resources)) {
    for (const value of values[collection.Ref] ?? []) {
      const text = JSON.stringify(body)
        .replaceAll(`\${${variable}}`, value)
        .replaceAll(JSON.stringify({ Ref: variable }), JSON.stringify(value));
      Object.assign(expanded, JSON.parse(text));
    }
  }
  return expanded;
};

const ofType = (resources: Template, type: string): [string, Template][] =>
  Object.entries<Template>(resources).filter(([, resource]) => resource.Type === type);

/** The one resource of a type; fails when there are none or several. */
const only = (template: Template, type: string): [string, Template] => {
  const matches = ofType(template.Resources, type);
  expect(matches, `resources of type ${type}`).toHaveLength(1);
  return matches[0] as [string, Template];
};

const statementsOf = (template: Template, roleId: string, parameters: Record<string, string> = {}) =>
  inlineStatements(resolveTemplate(template, parameters).Resources[roleId]);

const _statementWith = (statements: Statement[], action: string): Statement | undefined =>
  statements.find((statement) => [statement.Action].flat().includes(action));

/** Fn::Join as CloudFormation evaluates it, once the template is resolved. */
const joined = (value: unknown): string => {
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join === undefined) return String(value);
  const [delimiter, parts] = join;
  return parts.map(joined).join(delimiter);
};

/** Whether a template condition holds for these parameter values. */
const conditionHolds = (template: Template, name: string, parameters: Record<string, string>): boolean =>
  resolveTemplate(
    { Parameters: template.Parameters, Conditions: template.Conditions, Holds: { Condition: name } },
    parameters,
  ).Holds;

// On PATH, else in the project's .venv (scripts/python-tools.mjs).
const cfnLint = toolCommand('cfn-lint');
const cfnLintAvailable = cfnLint !== undefined;

describe('templates/: every template', () => {
  it('is one of the four documented templates, or one of those before deploy', () => {
    const beforeDeploy = readFileSync(new URL('../../docs/before-deploy.md', import.meta.url), 'utf8');
    for (const file of BEFORE_DEPLOY_FILES) expect(beforeDeploy).toContain(`templates/${file}`);
    expect(ALL_TEMPLATE_FILES.filter((file) => BEFORE_DEPLOY_FILES.includes(file))).toEqual(
      BEFORE_DEPLOY_FILES,
    );
    expect(TEMPLATE_FILES).toEqual([
      'central-function.yaml',
      'conformance-pack.yaml',
      'member-execution-role.yaml',
      'organization-rule.yaml',
    ]);
  });

  it.each(TEMPLATE_FILES)('%s is documented in docs/organization.md', (file) => {
    // Prepare
    const guide = readFileSync(new URL('../../docs/organization.md', import.meta.url), 'utf8');

    // Act
    const mentioned = guide.includes(`templates/${file}`);

    // Assess
    expect(mentioned).toBe(true);
  });

  it.each(TEMPLATE_FILES)(
    '%s refers only to parameters, resources and pseudo parameters that exist',
    (file) => {
      // Prepare
      const template = load(file);
      const known = new Set<string>([
        ...Object.keys(template.Parameters ?? {}),
        ...Object.keys(template.Resources),
        ...PSEUDO_PARAMETERS,
        ...forEachesIn(template.Resources).map(({ variable }) => variable as string),
      ]);

      // Act
      const { targets } = referencesIn({ Resources: template.Resources, Outputs: template.Outputs });

      // Assess
      expect(targets.length).toBeGreaterThan(0);
      expect(targets.filter((target) => !known.has(target))).toEqual([]);
    },
  );

  it.each(TEMPLATE_FILES)('%s uses only conditions it defines, and defines none it does not use', (file) => {
    // Prepare
    const template = load(file);
    const defined = Object.keys(template.Conditions ?? {});

    // Act
    const used = new Set(referencesIn(template).conditions);

    // Assess
    expect([...used].filter((name) => !defined.includes(name))).toEqual([]);
    expect(defined.filter((name) => !used.has(name))).toEqual([]);
  });

  it.each(TEMPLATE_FILES)('%s grants no wildcard action and no NotAction', (file) => {
    // Prepare
    const objects = [...objectsIn(load(file).Resources)];

    // Act
    const actions = objects
      .filter((object) => 'Action' in object)
      .flatMap((object) => [...stringsIn(object.Action)]);
    const notActions = objects.filter((object) => 'NotAction' in object || 'NotResource' in object);

    // Assess
    expect(actions.filter((action) => /[*?]/.test(action))).toEqual([]);
    expect(notActions).toEqual([]);
  });

  it.each(TEMPLATE_FILES)('%s writes every ARN partition-aware', (file) => {
    // Prepare
    const strings = [...stringsIn(load(file).Resources)];

    // Act
    const arns = strings.filter((text) => text.startsWith('arn:'));

    // Assess
    expect(arns.filter((arn) => !arn.startsWith('arn:${AWS::Partition}:'))).toEqual([]);
  });

  // cfn-lint is a Python process: seconds alone, tens of seconds on a busy machine.
  it.skipIf(!cfnLintAvailable)(
    'passes cfn-lint (with the SAM translator), template.yaml too',
    { timeout: 120_000 },
    () => {
      // Act
      const lint = spawnSync(
        cfnLint as string,
        ['template.yaml', ...TEMPLATE_FILES.map((file) => `templates/${file}`)],
        {
          cwd: PROJECT_DIR,
          encoding: 'utf8',
        },
      );

      // Assess
      expect(lint.stdout + lint.stderr).toBe('');
      expect(lint.status).toBe(0);
    },
  );
});

describe('templates/member-execution-role.yaml', () => {
  const [roleId, role] = ofType(memberRole.Resources, 'AWS::IAM::Role').find(
    ([, resource]) => resource.Condition === undefined,
  ) as [string, Template];
  const [remediationId, remediationRole] = ofType(memberRole.Resources, 'AWS::IAM::Role').find(
    ([, resource]) => resource.Condition !== undefined,
  ) as [string, Template];

  /** The role's trust policy, intrinsic functions resolved for the parameters given. */
  const trustOf = (overrides: Record<string, string> = {}) =>
    resolveTemplate(memberRole, overrides).Resources[roleId].Properties.AssumeRolePolicyDocument.Statement;
  const PARAMETERS = { CentralAccountId: '111111111111', OrganizationId: 'o-abcdefghij' };

  it('is trusted only by the central function role, inside the organization', () => {
    // Act
    const trust = trustOf(PARAMETERS);

    // Assess
    expect(trust).toEqual([
      {
        Sid: 'CentralRuleFunctionOnly',
        Effect: 'Allow',
        Principal: { AWS: 'arn:${AWS::Partition}:iam::111111111111:root' },
        Action: 'sts:AssumeRole',
        Condition: {
          ArnEquals: {
            'aws:PrincipalArn': 'arn:${AWS::Partition}:iam::111111111111:role/app-tier-iam-role-rule-central',
          },
          StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' },
        },
      },
    ]);
  });

  it('also trusts the organization audit role when one is named, with its external id when one is set', () => {
    // Prepare
    const auditor = 'arn:aws:iam::999999999999:role/security-audit';

    // Act
    const [, withAuditor] = trustOf({ ...PARAMETERS, AuditorPrincipalArn: auditor });
    const [, withExternalId] = trustOf({
      ...PARAMETERS,
      AuditorPrincipalArn: auditor,
      AuditorExternalId: 'x-42',
    });

    // Assess
    expect(withAuditor).toEqual({
      Sid: 'OrganizationAuditor',
      Effect: 'Allow',
      Principal: { AWS: 'arn:${AWS::Partition}:iam::999999999999:root' },
      Action: 'sts:AssumeRole',
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': auditor },
        StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' },
      },
    });
    expect(withExternalId.Condition.StringEquals).toEqual({
      'aws:PrincipalOrgID': 'o-abcdefghij',
      'sts:ExternalId': 'x-42',
    });
  });

  it('is named by a parameter whose default the central stack assumes', () => {
    expect(role.Properties.RoleName).toEqual({ Ref: 'ExecutionRoleName' });
    expect(memberRole.Parameters.ExecutionRoleName.Default).toBe(
      central.Parameters.ExecutionRoleName.Default,
    );
    expect(memberRole.Parameters.CentralFunctionRoleName.Default).toBe(
      central.Parameters.FunctionRoleName.Default,
    );
  });

  it.each(EVALUATE_OPTION_CASES)(
    'holds exactly what the rule and the organization audit call, in every region of this account, with the options %o',
    (options) => {
      // Act
      const statements = statementsOf(memberRole, roleId, {
        ...(options.tagParameterName === undefined ? {} : { TagParameterName: options.tagParameterName }),
        ...(options.requireRoleInProfile === true ? { RequireRoleInProfile: 'true' } : {}),
      });

      // Assess: and the regions enabled in the account, which the organization audit lists.
      expectGrants(statements, { ...evaluateGrants('*', options), 'ec2:DescribeRegions': { resource: '*' } });
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    },
  );

  it('creates the remediation role only when a role to attach is named', () => {
    // Act
    const byDefault = conditionHolds(memberRole, remediationRole.Condition, {});
    const withRole = conditionHolds(memberRole, remediationRole.Condition, {
      RemediationRoleToAttach: 'app-tier-instance',
    });

    // Assess
    expect(remediationRole.Condition).toBe('EnableRemediation');
    expect(byDefault).toBe(false);
    expect(withRole).toBe(true);
  });

  it('lets Automation attach only the designated role, never remove or replace a profile', () => {
    // Act
    const statements = statementsOf(memberRole, remediationId, {
      RemediationRoleToAttach: 'app-tier-instance',
    });

    // Assess
    expectGrants(statements, remediationGrants('*', 'app-tier-instance'), remediationDenials('*'));
  });

  it('lets Automation attach a profile only to instances that carry the app-tier tag', () => {
    // Prepare
    const attach = (AppTierTagValue: string) =>
      statementsAllowing(
        statementsOf(memberRole, remediationId, { RemediationRoleToAttach: 'role', AppTierTagValue }),
        'ec2:AssociateIamInstanceProfile',
      );

    // Act
    const [listed, anyValue] = [attach('app,api'), attach('*')];

    // Assess
    expect(listed.map((statement) => statement.Resource)).toEqual([
      'arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:instance/*',
    ]);
    expect([...listed, ...anyValue].map((statement) => statement.Condition)).toEqual([
      { StringEquals: { 'ec2:ResourceTag/tier': ['app', 'api'] } },
      { Null: { 'ec2:ResourceTag/tier': 'false' } },
    ]);
  });

  it('is refused a remediation role without the app-tier tag it is limited to', () => {
    const withRole = { RemediationRoleToAttach: 'app-tier-instance' };
    expect(failedAssertions(memberRole, withRole)).toEqual([]);
    expect(failedAssertions(memberRole, { ...withRole, AppTierTagKey: '' })).toHaveLength(1);
    expect(failedAssertions(memberRole, { AppTierTagKey: '' })).toEqual([]);
  });

  it('lets only Systems Manager Automation of this account assume the remediation role', () => {
    // Prepare
    const trust = remediationRole.Properties.AssumeRolePolicyDocument.Statement;

    // Act
    const [statement] = trust;

    // Assess
    expect(trust).toHaveLength(1);
    expect(statement.Principal).toEqual({ Service: 'ssm.amazonaws.com' });
    expect(statement.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
  });
});

describe('templates/central-function.yaml', () => {
  const [functionId, ruleFunction] = only(central, 'AWS::Serverless::Function');
  const [roleId, role] = only(central, 'AWS::IAM::Role');
  const singleAccount = loadTemplate();
  const [, singleAccountFunction] = ofType(singleAccount.Resources, 'AWS::Serverless::Function')[0] as [
    string,
    Template,
  ];

  it('is built by sam build like template.yaml, from the project root', () => {
    expect(ruleFunction.Metadata).toEqual(singleAccountFunction.Metadata);
    expect(ruleFunction.Properties.CodeUri).toBe('../');
    expect(fileURLToPath(new URL(ruleFunction.Properties.CodeUri, TEMPLATES_DIR))).toBe(PROJECT_DIR);
    for (const property of ['Handler', 'Runtime', 'Architectures', 'Timeout']) {
      expect(ruleFunction.Properties[property], property).toEqual(singleAccountFunction.Properties[property]);
    }
  });

  it('expands the per-account permissions with AWS::LanguageExtensions before the SAM transform', () => {
    expect(central.Transform).toEqual(['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31']);
  });

  it('keeps its log group when the stack is deleted or replaced, encrypted with the KMS key given', () => {
    // Prepare
    const logGroupId: string = ruleFunction.Properties.LoggingConfig.LogGroup.Ref;
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab';

    // Act
    const withKey = resolveTemplate(central, { LogGroupKmsKeyArn: keyArn }).Resources[logGroupId];
    const byDefault = resolveTemplate(central).Resources[logGroupId];

    // Assess
    expect(central.Resources[logGroupId]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(withKey.Properties.KmsKeyId).toBe(keyArn);
    expect(byDefault.Properties).not.toHaveProperty('KmsKeyId');
    expect(central.Parameters.LogGroupKmsKeyArn).toEqual(singleAccount.Parameters.LogGroupKmsKeyArn);
  });

  it('keeps failed events 4 days by default, encrypted with the log group’s key when given, as template.yaml', () => {
    // Prepare
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab';
    const queueId: string =
      ruleFunction.Properties.EventInvokeConfig.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
    const targets = {
      logGroupArn: { 'Fn::GetAtt': [ruleFunction.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] },
      queueArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
    };

    // Act
    const byDefault = resolveTemplate(central).Resources[queueId].Properties;
    const withKey = resolveTemplate(central, {
      LogGroupKmsKeyArn: keyArn,
      DeadLetterRetentionInDays: '14',
    }).Resources;

    // Assess
    expect(byDefault).toMatchObject({ MessageRetentionPeriod: 4 * 86_400, SqsManagedSseEnabled: true });
    expect(withKey[queueId].Properties).toEqual({
      MessageRetentionPeriod: 14 * 86_400,
      KmsMasterKeyId: keyArn,
    });
    expect(central.Parameters.DeadLetterRetentionInDays).toEqual(
      singleAccount.Parameters.DeadLetterRetentionInDays,
    );
    expectGrants(
      statementsOf(central, roleId, { LogGroupKmsKeyArn: keyArn }),
      centralRoleGrants(
        targets,
        central.Parameters.ExecutionRoleName.Default,
        { Ref: 'OrganizationId' },
        keyArn,
      ),
    );
  });

  it('gives the function its default execution role through EXECUTION_ROLE_NAME', () => {
    expect(ruleFunction.Properties.Environment.Variables.EXECUTION_ROLE_NAME).toEqual({
      Ref: 'ExecutionRoleName',
    });
    expect(ruleFunction.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });

  it('may only log, send failed events, and assume the execution role in the organization', () => {
    // Prepare
    const targets = {
      logGroupArn: { 'Fn::GetAtt': [ruleFunction.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] },
      queueArn: {
        'Fn::GetAtt': [
          ruleFunction.Properties.EventInvokeConfig.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0],
          'Arn',
        ],
      },
    };

    // Act
    const statements = statementsOf(central, roleId);

    // Assess
    expectGrants(
      statements,
      centralRoleGrants(targets, central.Parameters.ExecutionRoleName.Default, { Ref: 'OrganizationId' }),
    );
    expect(role.Properties.RoleName).toEqual({ Ref: 'FunctionRoleName' });
  });

  it('lets only Config of the listed member accounts invoke the function, one conditioned permission each', () => {
    // Prepare
    const members = ['222222222222', '333333333333'];

    // Act
    const expanded = expandForEach(central.Resources, { MemberAccountIds: members });
    const permissions = ofType(expanded, 'AWS::Lambda::Permission').map(
      ([, permission]) => permission.Properties,
    );

    // Assess
    expect(forEachesIn(central.Resources)).toHaveLength(1);
    expect(permissions).toEqual(
      members.map((account) => ({
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
        Principal: 'config.amazonaws.com',
        SourceAccount: account,
      })),
    );
  });

  it('never grants an invoke permission outside the per-account loop', () => {
    // Prepare
    const plain = Object.values<Template>(central.Resources).filter(
      (resource) => resource.Type !== undefined,
    );

    // Act
    const unconditioned = plain.filter((resource) => resource.Type === 'AWS::Lambda::Permission');

    // Assess
    expect(unconditioned).toEqual([]);
    expect(central.Parameters.MemberAccountIds.Type).toBe('CommaDelimitedList');
    expect(central.Parameters.MemberAccountIds.Default).toBeUndefined();
  });
});

describe('templates/organization-rule.yaml', () => {
  const [ruleId, rule] = only(organizationRule, 'AWS::Config::OrganizationConfigRule');
  const metadata = rule.Properties.OrganizationCustomRuleMetadata;
  const resolvedMetadata = (parameters: Record<string, string>) =>
    resolveTemplate(organizationRule, {
      RuleFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:f',
      ...parameters,
    }).Resources[ruleId].Properties.OrganizationCustomRuleMetadata;

  it('is a custom Lambda rule with all three triggers, scoped to EC2 instances', () => {
    expect(metadata.LambdaFunctionArn).toEqual({ Ref: 'RuleFunctionArn' });
    expect([...metadata.OrganizationConfigRuleTriggerTypes].sort()).toEqual(THREE_TRIGGERS);
    expect(metadata.ResourceTypesScope).toEqual(['AWS::EC2::Instance']);
    expect(metadata.MaximumExecutionFrequency).toEqual({ Ref: 'MaximumExecutionFrequency' });
    expect(organizationRule.Parameters.MaximumExecutionFrequency.Default).toBe('TwentyFour_Hours');
  });

  it('sends input parameters the rule parser accepts, leaving out those left empty', () => {
    // Prepare
    const inputOf = (parameters: Record<string, string>) =>
      joined(resolvedMetadata(parameters).InputParameters);

    // Act
    const defaults = inputOf({});
    const ssmOnly = inputOf({ AppTierTagKey: '', AppTierTagValue: '', TagParameterName: '/app-tier/tag' });
    const everything = inputOf({
      AllowedInstanceProfileArns: 'arn:aws:iam::123456789012:instance-profile/app',
      RequireRoleInProfile: 'true',
      ExecutionRoleName: 'member-exec',
    });

    // Assess
    expect(JSON.parse(defaults)).toEqual({
      requireRoleInProfile: 'false',
      appTierTagKey: 'tier',
      appTierTagValue: 'app',
    });
    expect(JSON.parse(ssmOnly)).toEqual({ requireRoleInProfile: 'false', tagParameterName: '/app-tier/tag' });
    expect(parseRuleParameters(everything)).toMatchObject({
      tag: { key: 'tier', values: ['app'] },
      executionRoleName: 'member-exec',
      requireRoleInProfile: true,
      allowedInstanceProfileArns: new Set(['arn:aws:iam::123456789012:instance-profile/app']),
    });
    expect(parseRuleParameters(ssmOnly).tagParameterName).toBe('/app-tier/tag');
  });

  it("passes IamInstanceProfileArnList, the managed rule's name, to the parser; refuses it unequal to AllowedInstanceProfileArns", () => {
    // Prepare
    const [a, b] = [
      'arn:aws:iam::123456789012:instance-profile/a',
      'arn:aws:iam::123456789012:instance-profile/b',
    ];

    // Act
    const input = joined(resolvedMetadata({ IamInstanceProfileArnList: a }).InputParameters);
    const conflicting = templateRuleHolds(organizationRule, 'OneAllowedProfileList', {
      IamInstanceProfileArnList: a,
      AllowedInstanceProfileArns: b,
    });
    const alone = templateRuleHolds(organizationRule, 'OneAllowedProfileList', {
      IamInstanceProfileArnList: a,
    });

    // Assess
    expect(JSON.parse(input)).toMatchObject({ IamInstanceProfileArnList: a });
    expect(parseRuleParameters(input).allowedInstanceProfileArns).toEqual(new Set([a]));
    expect([conflicting, alone]).toEqual([false, true]);
  });

  it('excludes accounts only when some are named', () => {
    // Act
    const none = resolveTemplate(organizationRule, {}).Resources[ruleId].Properties.ExcludedAccounts;
    const some = resolveTemplate(organizationRule, { ExcludedAccounts: '444444444444,555555555555' })
      .Resources[ruleId].Properties.ExcludedAccounts;

    // Assess
    expect(none).toBeUndefined();
    expect(some).toEqual(['444444444444', '555555555555']);
  });

  it('states the policy in its description, within the 256 characters allowed', () => {
    // Prepare
    const longest = (name: string) =>
      'x'.repeat(Number(/\{0,(\d+)\}/.exec(organizationRule.Parameters[name].AllowedPattern)?.[1]));

    // Act
    const descriptions = [
      resolvedMetadata({}).Description,
      resolvedMetadata({
        AppTierTagKey: longest('AppTierTagKey'),
        AppTierTagValue: longest('AppTierTagValue'),
      }).Description,
      resolvedMetadata({ AppTierTagKey: '', AppTierTagValue: '', TagParameterName: 'tag' }).Description,
    ] as string[];

    // Assess
    expect(descriptions[0]).toContain('(tag tier=app)');
    expect(descriptions[1]).toContain('x'.repeat(50));
    for (const description of descriptions) {
      expect(description).toMatch(/must use an IAM role/);
      expect(description).toMatch(/instance profile/);
      expect(description.length).toBeLessThanOrEqual(256);
    }
  });
});

describe('templates/conformance-pack.yaml', () => {
  const [ruleId, rule] = only(conformancePack, 'AWS::Config::ConfigRule');
  const [remediationId, remediation] = only(conformancePack, 'AWS::Config::RemediationConfiguration');
  const resolved = (parameters: Record<string, string>) =>
    resolveTemplate(conformancePack, {
      RuleFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:f',
      ...parameters,
    }).Resources;

  it('holds only what a conformance pack may hold: Config rules and remediation configurations', () => {
    expect(
      Object.values<Template>(conformancePack.Resources)
        .map((resource) => resource.Type)
        .sort(),
    ).toEqual(['AWS::Config::ConfigRule', 'AWS::Config::RemediationConfiguration']);
  });

  it('is a custom Lambda rule on the function ARN parameter, all three triggers, EC2 instances only', () => {
    // Prepare
    const { Source, Scope } = rule.Properties;

    // Act
    const messageTypes = Source.SourceDetails.map((detail: Template) => detail.MessageType).sort();

    // Assess
    expect(Source.Owner).toBe('CUSTOM_LAMBDA');
    expect(Source.SourceIdentifier).toEqual({ Ref: 'RuleFunctionArn' });
    expect(conformancePack.Parameters.RuleFunctionArn.Default).toBeUndefined();
    expect(messageTypes).toEqual(THREE_TRIGGERS);
    expect(Scope.ComplianceResourceTypes).toEqual(['AWS::EC2::Instance']);
  });

  it('sends input parameters the rule parser accepts', () => {
    // Act
    const input = resolved({ ExecutionRoleName: 'member-exec', RequireRoleInProfile: 'true' })[ruleId]
      .Properties.InputParameters;

    // Assess
    expect(input).toEqual({
      appTierTagKey: 'tier',
      appTierTagValue: 'app',
      requireRoleInProfile: 'true',
      executionRoleName: 'member-exec',
    });
    expect(parseRuleParameters(JSON.stringify(input)).executionRoleName).toBe('member-exec');
  });

  it("passes IamInstanceProfileArnList, the managed rule's name, to the parser", () => {
    // Prepare
    const arn = 'arn:aws:iam::123456789012:instance-profile/a';

    // Act
    const input = resolved({ IamInstanceProfileArnList: arn })[ruleId].Properties.InputParameters;

    // Assess
    expect(input).toEqual({ appTierTagKey: 'tier', appTierTagValue: 'app', IamInstanceProfileArnList: arn });
    expect(parseRuleParameters(JSON.stringify(input)).allowedInstanceProfileArns).toEqual(new Set([arn]));
  });

  it('states the policy in its description, within the 256 characters allowed', () => {
    // Prepare
    const longest = (name: string) => 'x'.repeat(conformancePack.Parameters[name].MaxLength);

    // Act
    const description: string = resolved({
      AppTierTagKey: longest('AppTierTagKey'),
      AppTierTagValue: longest('AppTierTagValue'),
    })[ruleId].Properties.Description;

    // Assess
    expect(description).toMatch(/must use an IAM role/);
    expect(description.length).toBeLessThanOrEqual(256);
  });

  it('has no remediation unless asked for', () => {
    // Act
    const byDefault = conditionHolds(conformancePack, remediation.Condition, {});
    const manual = conditionHolds(conformancePack, remediation.Condition, { Remediation: 'manual' });

    // Assess
    expect(conformancePack.Parameters.Remediation.Default).toBe('off');
    expect(remediation.Condition).toBe('EnableRemediation');
    expect(byDefault).toBe(false);
    expect(manual).toBe(true);
  });

  it('attaches the designated role with AWS-AttachIAMToInstance, never replacing an existing profile', () => {
    // Prepare
    const parameters = { Remediation: 'automatic', RemediationRoleToAttach: 'app-tier-instance' };

    // Act
    const properties = resolved(parameters)[remediationId].Properties;

    // Assess
    expect(properties).toMatchObject({
      ConfigRuleName: { Ref: ruleId },
      TargetType: 'SSM_DOCUMENT',
      TargetId: 'AWS-AttachIAMToInstance',
      ResourceType: 'AWS::EC2::Instance',
      Automatic: true,
    });
    expect(properties.Parameters).toEqual({
      InstanceId: { ResourceValue: { Value: 'RESOURCE_ID' } },
      RoleName: { StaticValue: { Values: ['app-tier-instance'] } },
      ForceReplace: { StaticValue: { Values: ['false'] } },
      AutomationAssumeRole: {
        StaticValue: {
          Values: ['arn:${AWS::Partition}:iam::${AWS::AccountId}:role/app-tier-iam-role-rule-remediation'],
        },
      },
    });
  });

  it('lets a person start the remediation in manual mode', () => {
    expect(
      resolved({ Remediation: 'manual', RemediationRoleToAttach: 'app-tier-instance' })[remediationId]
        .Properties.Automatic,
    ).toBe(false);
  });

  it('uses the automation role name the member template creates', () => {
    expect(conformancePack.Parameters.RemediationAutomationRoleName.Default).toBe(
      memberRole.Parameters.RemediationAutomationRoleName.Default,
    );
  });
});
