import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCloudFormationTemplate } from '../../scripts/cfn-yaml.mjs';
import {
  AppTierIamRoleRule,
  AppTierIamRoleRuleCentralFunction,
  AppTierIamRoleRuleMemberRole,
} from '../../src/cdk/index.js';
import { ensureFunctionBuilt, idsOf, onlyOf, removeSynthesized, synthesize } from '../support/cdk.js';
import {
  inlineStatements,
  loadTemplate,
  resolveTemplate,
  type Statement,
  type Template,
} from '../support/cfn-template.js';
import {
  ACCOUNT,
  concretize,
  type Decision,
  decide,
  PARTITION,
  REGION,
  type Request,
} from '../support/policy-simulator.js';
import { EVALUATE_OPTION_CASES, type EvaluateOptions, OWNER_TAGS } from '../support/role-contract.js';
import { functionActions } from '../support/sdk-actions.js';

// What the roles allow, decided by an IAM policy evaluator over their concrete policies (intrinsics resolved
// for given parameter values), not by the shape of their statements: every action the function's code calls
// is allowed on what it needs, in every option state, and the actions beside them are denied.

const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const CENTRAL_ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '999999999999';
const SYNTH_TIMEOUT = 60_000;
const ROLE_TO_ATTACH = 'app-tier-instance';
const loadOrganization = (file: string): Template =>
  readCloudFormationTemplate(new URL(`../../templates/${file}`, import.meta.url));

/** The actions the function's code calls: read from src/, not written here. */
const CALLED = functionActions();

const arn = (service: string, resource: string, region = REGION, account = ACCOUNT) =>
  `arn:${PARTITION}:${service}:${region}:${account}:${resource}`;
const iamArn = (resource: string, account = ACCOUNT) => `arn:${PARTITION}:iam::${account}:${resource}`;
const parameterArn = (name: string, region = REGION) =>
  arn('ssm', `parameter${name.startsWith('/') ? '' : '/'}${name}`, region);

/** Where the role evaluates: one region (template.yaml), or every region (the member role). */
type Scope = 'region' | 'every region';

/**
 * The requests each action the code calls makes, on the resources it needs, in this option state. An action
 * the code calls that this table does not know fails the test: say what it needs.
 */
const neededRequests = (action: string, options: EvaluateOptions, scope: Scope): Request[] => {
  const regions = scope === 'region' ? [REGION] : [REGION, 'eu-west-1'];
  switch (action) {
    case 'config:PutEvaluations':
    case 'config:GetResourceConfigHistory':
    case 'config:GetComplianceDetailsByResource':
    case 'ec2:DescribeInstances':
      return [{ action }];
    case 'config:GetComplianceDetailsByConfigRule':
      return regions.flatMap((region) => [
        { action, resource: arn('config', 'config-rule/config-rule-a1b2c3', region) },
        ...(scope === 'every region'
          ? [
              {
                action,
                resource: arn(
                  'config',
                  'config-rule/aws-service-rule/config-multiaccountsetup.amazonaws.com/config-rule-x1y2z3',
                  region,
                ),
              },
            ]
          : []),
      ]);
    case 'iam:GetInstanceProfile':
      return options.requireRoleInProfile === true
        ? [{ action, resource: iamArn('instance-profile/app-profile') }]
        : [];
    case 'ssm:GetParameter':
      return options.tagParameterName === undefined
        ? []
        : regions.map((region) => ({
            action,
            resource: parameterArn(options.tagParameterName as string, region),
          }));
    default:
      throw new Error(`${action} is called by the function: add the resources it needs to this table`);
  }
};

/** Actions beside those the rule needs, and what an option left off must not allow. */
const deniedRequests = (options: EvaluateOptions): Request[] => [
  { action: 'ec2:AssociateIamInstanceProfile', resource: arn('ec2', 'instance/i-0123456789abcdef0') },
  { action: 'config:DeleteEvaluationResults', resource: arn('config', 'config-rule/config-rule-a1b2c3') },
  { action: 'config:PutConfigRule', resource: arn('config', 'config-rule/config-rule-a1b2c3') },
  { action: 'iam:PassRole', resource: iamArn('role/admin') },
  { action: 'ssm:GetParameter', resource: parameterArn('/other/secret') },
  { action: 'ssm:PutParameter', resource: parameterArn(options.tagParameterName ?? 'app-tier-tag') },
  { action: 'sts:AssumeRole', resource: iamArn('role/admin', OTHER_ACCOUNT) },
  ...(options.requireRoleInProfile === true
    ? []
    : [{ action: 'iam:GetInstanceProfile', resource: iamArn('instance-profile/app-profile') }]),
  ...(options.tagParameterName === undefined
    ? [{ action: 'ssm:GetParameter', resource: parameterArn('app-tier-tag') }]
    : []),
];

/** The role's inline statements, every intrinsic made concrete. */
const concreteStatements = (template: Template, roleId: string): Statement[] =>
  concretize(inlineStatements(template.Resources[roleId]), template.Resources) as Statement[];

const decisions = async (statements: readonly Statement[], requests: readonly Request[]) =>
  Promise.all(
    requests.map(async (request) => ({
      request: `${request.action} ${request.resource ?? '*'} ${JSON.stringify(request.context ?? {})}`,
      decision: await decide(statements, request),
    })),
  );

/** Asserts IAM's decision on every request. */
const expectDecisions = async (
  statements: readonly Statement[],
  requests: readonly Request[],
  expected: Decision,
) => {
  const decided = await decisions(statements, requests);
  expect(decided).toEqual(decided.map(({ request }) => ({ request, decision: expected })));
  expect(requests.length).toBeGreaterThan(0);
};

/** What a role that evaluates and reports must allow (all the code calls but AssumeRole), and must not. */
const expectEvaluatingRole = async (statements: Statement[], options: EvaluateOptions, scope: Scope) => {
  const needed = CALLED.filter((action) => action !== 'sts:AssumeRole').flatMap((action) =>
    neededRequests(action, options, scope),
  );
  await expectDecisions(statements, needed, 'Allowed');
  await expectDecisions(statements, deniedRequests(options), 'ImplicitlyDenied');
};

/** What the function's own role needs from the runtime: its log streams, its dead-letter queue. */
const runtimeRequests = (template: Template): Request[] => {
  const [logGroupId, logGroup] = onlyOf(template, 'AWS::Logs::LogGroup');
  const name = concretize(logGroup.Properties?.LogGroupName ?? logGroupId, template.Resources) as string;
  const stream = arn('logs', `log-group:${name}:log-stream:2026/12/07/[$LATEST]abc`);
  const [queueId] = onlyOf(template, 'AWS::SQS::Queue');
  return [
    { action: 'logs:CreateLogStream', resource: stream },
    { action: 'logs:PutLogEvents', resource: stream },
    { action: 'sqs:SendMessage', resource: arn('sqs', queueId) },
  ];
};

const templateOptions = ({ tagParameterName, requireRoleInProfile }: EvaluateOptions) => ({
  ...(tagParameterName === undefined ? {} : { TagParameterName: tagParameterName }),
  ...(requireRoleInProfile === true ? { RequireRoleInProfile: 'true' } : {}),
});

const functionRoleOf = (template: Template): string => {
  const [, fn] = idsOf(template, 'AWS::Serverless::Function').length
    ? onlyOf(template, 'AWS::Serverless::Function')
    : onlyOf(template, 'AWS::Lambda::Function');
  return fn.Properties.Role['Fn::GetAtt'][0];
};

/** The central function role, as member execution roles name it (the central account is ACCOUNT here). */
const CENTRAL_ROLE_ARN = iamArn('role/app-tier-iam-role-rule-central');

/** The trust policy of the member execution role, for a central function in ACCOUNT. */
const memberTrust = (): unknown => {
  const resolved = resolveTemplate(loadOrganization('member-execution-role.yaml'), {
    CentralAccountId: ACCOUNT,
    OrganizationId: ORGANIZATION_ID,
  });
  return concretize(resolved.Resources.ExecutionRole.Properties.AssumeRolePolicyDocument, resolved.Resources);
};

/** The central function role assuming a role whose account is in organization `org`, that role trusting it. */
const assumeFromCentral = (trust: unknown, role: string, org: string): Request => ({
  action: 'sts:AssumeRole',
  resource: role,
  principal: CENTRAL_ROLE_ARN,
  resourcePolicy: trust,
  context: {
    'aws:ResourceOrgID': org,
    'aws:PrincipalOrgID': ORGANIZATION_ID,
    'aws:PrincipalArn': CENTRAL_ROLE_ARN,
    'aws:PrincipalAccount': ACCOUNT,
  },
});

it('reads from src/ every action the function calls, from every SDK client it uses', () => {
  expect(CALLED).toEqual(
    expect.arrayContaining([
      'config:PutEvaluations',
      'ec2:DescribeInstances',
      'ssm:GetParameter',
      'sts:AssumeRole',
    ]),
  );
  expect(new Set(CALLED.map((action) => action.split(':')[0]))).toEqual(
    new Set(['config', 'ec2', 'iam', 'ssm', 'sts']),
  );
});

describe('template.yaml: the function role', () => {
  const template = loadTemplate();

  it.each(EVALUATE_OPTION_CASES)(
    'allows what the code calls and nothing beside it, with the options %o',
    async (options) => {
      // Prepare
      const resolved = resolveTemplate(template, templateOptions(options));

      // Act
      const statements = concreteStatements(resolved, functionRoleOf(resolved));

      // Assess
      await expectEvaluatingRole(statements, options, 'region');
      await expectDecisions(statements, runtimeRequests(resolved), 'Allowed');
    },
  );

  it('may use the log group’s KMS key for its dead-letter queue when one is given, and no other key', async () => {
    // Prepare
    const key = arn('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const other = arn('kms', 'key/00000000-0000-0000-0000-000000000000');
    const resolved = resolveTemplate(template, { LogGroupKmsKeyArn: key });
    const statements = concreteStatements(resolved, functionRoleOf(resolved));
    const byDefault = concreteStatements(resolveTemplate(template), functionRoleOf(resolved));
    // A key's policy must let IAM policies of the account decide, as the default key policy does.
    const keyPolicy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: iamArn('root') }, Action: 'kms:*', Resource: '*' }],
    };
    const useKey = (resource: string): Request[] => [
      { action: 'kms:GenerateDataKey', resource, resourcePolicy: keyPolicy },
      { action: 'kms:Decrypt', resource, resourcePolicy: keyPolicy },
    ];

    // Act & Assess
    await expectDecisions(statements, [...useKey(key), ...runtimeRequests(resolved)], 'Allowed');
    await expectDecisions(
      statements,
      [
        ...useKey(other),
        { action: 'kms:Encrypt', resource: key },
        { action: 'kms:CreateGrant', resource: key },
      ],
      'ImplicitlyDenied',
    );
    await expectDecisions(byDefault, useKey(key), 'ImplicitlyDenied');
  });
});

describe('the organization templates', () => {
  const central = loadOrganization('central-function.yaml');
  const member = loadOrganization('member-execution-role.yaml');

  it('central function role: assumes the member role in the organization only, and evaluates nothing itself', async () => {
    // Prepare
    const trust = memberTrust();
    const resolved = resolveTemplate(central, {
      OrganizationId: ORGANIZATION_ID,
      MemberAccountIds: '222222222222',
    });
    const statements = concreteStatements(resolved, functionRoleOf(resolved));
    const assume = (account: string, role: string, org: string): Request =>
      assumeFromCentral(trust, iamArn(`role/${role}`, account), org);

    // Act & Assess
    await expectDecisions(
      statements,
      [
        assume('222222222222', 'app-tier-iam-role-rule-execution', ORGANIZATION_ID),
        ...runtimeRequests(resolved),
      ],
      'Allowed',
    );
    await expectDecisions(
      statements,
      [
        assume(OTHER_ACCOUNT, 'app-tier-iam-role-rule-execution', 'o-otherorg99'),
        assume('222222222222', 'admin', ORGANIZATION_ID),
        ...CALLED.filter((action) => action !== 'sts:AssumeRole').flatMap((action) =>
          neededRequests(action, { tagParameterName: 't', requireRoleInProfile: true }, 'region'),
        ),
      ],
      'ImplicitlyDenied',
    );
  });

  it.each(EVALUATE_OPTION_CASES)(
    'member execution role: allows what the code calls and nothing beside it, with the options %o',
    async (options) => {
      // Prepare
      const resolved = resolveTemplate(member, {
        CentralAccountId: CENTRAL_ACCOUNT,
        OrganizationId: ORGANIZATION_ID,
        ...templateOptions(options),
      });

      // Act
      const statements = concreteStatements(resolved, 'ExecutionRole');

      // Assess
      await expectEvaluatingRole(statements, options, 'every region');
    },
  );
});

describe('the CDK constructs', { timeout: SYNTH_TIMEOUT }, () => {
  beforeAll(ensureFunctionBuilt, 120_000);
  afterAll(removeSynthesized);

  it.each(EVALUATE_OPTION_CASES)(
    'AppTierIamRoleRule: allows what the code calls and nothing beside it, with the options %o',
    async (options) => {
      // Prepare
      const { template } = synthesize(
        (stack) => new AppTierIamRoleRule(stack, 'Rule', { tagKey: 'tier', tagValues: ['app'], ...options }),
      );

      // Act
      const statements = concreteStatements(template, functionRoleOf(template));

      // Assess
      await expectEvaluatingRole(statements, options, 'region');
      await expectDecisions(statements, runtimeRequests(template), 'Allowed');
    },
  );

  it.each(EVALUATE_OPTION_CASES)(
    'member role: allows what the code calls and nothing beside it, with the options %o',
    async (options) => {
      // Prepare
      const { template } = synthesize(
        (stack) =>
          new AppTierIamRoleRuleMemberRole(stack, 'Member', {
            centralAccountId: CENTRAL_ACCOUNT,
            organizationId: ORGANIZATION_ID,
            ...options,
          }),
      );

      // Act
      const statements = concreteStatements(template, onlyOf(template, 'AWS::IAM::Role')[0]);

      // Assess
      await expectEvaluatingRole(statements, options, 'every region');
    },
  );

  it('central function role: assumes the member role in the organization only', async () => {
    // Prepare
    const { template } = synthesize(
      (stack) =>
        new AppTierIamRoleRuleCentralFunction(stack, 'Central', {
          organizationId: ORGANIZATION_ID,
          memberAccountIds: ['222222222222'],
        }),
    );
    const statements = concreteStatements(template, functionRoleOf(template));

    // Act & Assess
    await expectDecisions(
      statements,
      [
        assumeFromCentral(
          memberTrust(),
          iamArn('role/app-tier-iam-role-rule-execution', '222222222222'),
          ORGANIZATION_ID,
        ),
        ...runtimeRequests(template),
      ],
      'Allowed',
    );
    await expectDecisions(
      statements,
      [
        assumeFromCentral(
          memberTrust(),
          iamArn('role/app-tier-iam-role-rule-execution', OTHER_ACCOUNT),
          'o-otherorg99',
        ),
        { action: 'ec2:DescribeInstances' },
        { action: 'config:PutEvaluations' },
      ],
      'ImplicitlyDenied',
    );
  });
});

/** The remediation requests: attach to app-tier instances only, never to an owned one, pass the one role. */
const expectRemediationRole = async (statements: Statement[], scope: Scope) => {
  const instance = (region = REGION) => arn('ec2', 'instance/i-0123456789abcdef0', region);
  const tagged = (tags: Record<string, string>) =>
    Object.fromEntries(Object.entries(tags).map(([key, value]) => [`ec2:ResourceTag/${key}`, value]));
  const associate = (
    tags: Record<string, string>,
    action = 'ec2:AssociateIamInstanceProfile',
    region = REGION,
  ) => ({
    action,
    resource: instance(region),
    context: tagged(tags),
  });
  const pass = (role: string, service: string): Request => ({
    action: 'iam:PassRole',
    resource: iamArn(`role/${role}`),
    context: { 'iam:PassedToService': service },
  });

  await expectDecisions(
    statements,
    [
      associate({ tier: 'app' }),
      ...(scope === 'every region' ? [associate({ tier: 'app' }, undefined, 'eu-west-1')] : []),
      pass(ROLE_TO_ATTACH, 'ec2.amazonaws.com'),
      { action: 'ec2:DescribeIamInstanceProfileAssociations' },
    ],
    'Allowed',
  );
  await expectDecisions(
    statements,
    [
      associate({ tier: 'web' }),
      associate({}),
      associate({ tier: 'app' }, 'ec2:ReplaceIamInstanceProfileAssociation'),
      associate({ tier: 'app' }, 'ec2:DisassociateIamInstanceProfile'),
      pass('admin', 'ec2.amazonaws.com'),
      pass(ROLE_TO_ATTACH, 'lambda.amazonaws.com'),
    ],
    'ImplicitlyDenied',
  );
  // IAM compares condition key names without regard to case, tag keys included: `Tier=app` passes the tag
  // condition. Config never remediates such an instance: the rule reports it NOT_APPLICABLE (tag-key-case).
  expect(await decide(statements, associate({ Tier: 'app' }))).toBe('Allowed');
  await expectDecisions(
    statements,
    OWNER_TAGS.flatMap((owner) => [
      associate({ [owner]: 'owner-1' }),
      associate({ tier: 'app', [owner]: 'owner-1' }),
      associate({ tier: 'app', [owner]: 'owner-1' }, 'ec2:ReplaceIamInstanceProfileAssociation'),
    ]),
    'ExplicitlyDenied',
  );
};

describe('the remediation role', { timeout: SYNTH_TIMEOUT }, () => {
  afterAll(removeSynthesized);

  it('template.yaml: attaches only to app-tier instances, never to an owned one, and passes only the designated role', async () => {
    // Prepare
    const resolved = resolveTemplate(loadTemplate(), {
      Remediation: 'automatic',
      RemediationRoleToAttach: ROLE_TO_ATTACH,
    });

    // Act & Assess
    await expectRemediationRole(concreteStatements(resolved, 'RemediationAutomationRole'), 'region');
  });

  it('member-execution-role.yaml: the same, in every region', async () => {
    // Prepare
    const resolved = resolveTemplate(loadOrganization('member-execution-role.yaml'), {
      CentralAccountId: CENTRAL_ACCOUNT,
      OrganizationId: ORGANIZATION_ID,
      RemediationRoleToAttach: ROLE_TO_ATTACH,
    });

    // Act & Assess
    await expectRemediationRole(concreteStatements(resolved, 'RemediationAutomationRole'), 'every region');
  });

  it('the CDK constructs: the same', async () => {
    // Prepare
    const single = synthesize(
      (stack) =>
        new AppTierIamRoleRule(stack, 'Rule', {
          tagKey: 'tier',
          tagValues: ['app'],
          remediation: { mode: 'automatic', roleToAttach: ROLE_TO_ATTACH },
        }),
    ).template;
    const memberStack = synthesize(
      (stack) =>
        new AppTierIamRoleRuleMemberRole(stack, 'Member', {
          centralAccountId: CENTRAL_ACCOUNT,
          organizationId: ORGANIZATION_ID,
          remediationRoleToAttach: ROLE_TO_ATTACH,
          remediationTag: { key: 'tier', values: ['app'] },
        }),
    ).template;
    const automationRole = (template: Template) =>
      idsOf(template, 'AWS::IAM::Role').find((id) =>
        JSON.stringify(template.Resources[id].Properties.AssumeRolePolicyDocument).includes(
          'ssm.amazonaws.com',
        ),
      ) as string;

    // Act & Assess
    await expectRemediationRole(concreteStatements(single, automationRole(single)), 'region');
    await expectRemediationRole(concreteStatements(memberStack, automationRole(memberStack)), 'every region');
  });
});

describe('the remediation Automation role’s trust', () => {
  const assumeAsSsm = (trust: unknown, account: string) =>
    decide([], {
      action: 'sts:AssumeRole',
      resource: iamArn('role/app-tier-iam-role-rule-remediation'),
      principal: 'ssm.amazonaws.com',
      resourcePolicy: trust,
      context: {
        'aws:SourceAccount': account,
        'aws:SourceArn': arn(
          'ssm',
          'automation-execution/0123abcd-0000-1111-2222-333344445555',
          REGION,
          account,
        ),
      },
    });

  it.each([
    [
      'template.yaml',
      () =>
        resolveTemplate(loadTemplate(), { Remediation: 'manual', RemediationRoleToAttach: ROLE_TO_ATTACH }),
    ],
    [
      'member-execution-role.yaml',
      () =>
        resolveTemplate(loadOrganization('member-execution-role.yaml'), {
          CentralAccountId: CENTRAL_ACCOUNT,
          OrganizationId: ORGANIZATION_ID,
          RemediationRoleToAttach: ROLE_TO_ATTACH,
        }),
    ],
  ] as const)('%s: admits Systems Manager Automation of its own account only', async (_, resolved) => {
    // Prepare
    const template = resolved();
    const trust = concretize(
      template.Resources.RemediationAutomationRole.Properties.AssumeRolePolicyDocument,
      template.Resources,
    );

    // Act & Assess
    expect(await assumeAsSsm(trust, ACCOUNT)).toBe('Allowed');
    expect(await assumeAsSsm(trust, OTHER_ACCOUNT)).not.toBe('Allowed');
  });
});

describe('the member execution role’s trust', { timeout: SYNTH_TIMEOUT }, () => {
  afterAll(removeSynthesized);

  const centralRole = (account = CENTRAL_ACCOUNT, name = 'app-tier-iam-role-rule-central') =>
    iamArn(`role/${name}`, account);
  /** The central function role's own grant to assume, so that only the trust policy decides. */
  const mayAssumeAnything: Statement[] = [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }];
  const assume = (trust: unknown, principal: string, org: string) =>
    decide(
      mayAssumeAnything,
      {
        action: 'sts:AssumeRole',
        resource: iamArn('role/app-tier-iam-role-rule-execution'),
        principal,
        context: {
          'aws:PrincipalArn': principal,
          'aws:PrincipalAccount': principal.split(':')[4] as string,
          'aws:PrincipalOrgID': org,
        },
      },
      trust,
    );

  const expectTrust = async (trust: unknown) => {
    expect(await assume(trust, centralRole(), ORGANIZATION_ID)).toBe('Allowed');
    expect(await assume(trust, centralRole(), 'o-otherorg99')).not.toBe('Allowed');
    expect(await assume(trust, centralRole(OTHER_ACCOUNT), ORGANIZATION_ID)).not.toBe('Allowed');
    expect(await assume(trust, centralRole(CENTRAL_ACCOUNT, 'admin'), ORGANIZATION_ID)).not.toBe('Allowed');
  };

  it('member-execution-role.yaml admits the central function role of the organization, and no other', async () => {
    // Prepare
    const resolved = resolveTemplate(loadOrganization('member-execution-role.yaml'), {
      CentralAccountId: CENTRAL_ACCOUNT,
      OrganizationId: ORGANIZATION_ID,
    });

    // Act & Assess
    await expectTrust(
      concretize(resolved.Resources.ExecutionRole.Properties.AssumeRolePolicyDocument, resolved.Resources),
    );
  });

  it('the CDK member role: the same', async () => {
    // Prepare
    const { template } = synthesize(
      (stack) =>
        new AppTierIamRoleRuleMemberRole(stack, 'Member', {
          centralAccountId: CENTRAL_ACCOUNT,
          organizationId: ORGANIZATION_ID,
        }),
    );
    const [, role] = onlyOf(template, 'AWS::IAM::Role');

    // Act & Assess
    await expectTrust(concretize(role.Properties.AssumeRolePolicyDocument, template.Resources));
  });
});
