import { Stack, Token } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/** Where an ARN of the rule's own account may be used: this stack's region, or any (IAM is global). */
export type ArnRegion = 'stack' | 'any';

const arn = (scope: IConstruct, region: ArnRegion, service: string, resource: string): string =>
  Stack.of(scope).formatArn({
    service,
    resource,
    ...(service === 'iam' ? { region: '' } : region === 'any' ? { region: '*' } : {}),
  });

/** The ARN of the SSM parameter that supplies the tag: a name (plain or hierarchical) or an ARN. */
const parameterArn = (scope: IConstruct, region: ArnRegion, name: string): string => {
  if (Token.isUnresolved(name)) {
    throw new Error(
      'tagParameterName must be a literal name: its ARN (plain or hierarchical) is written at synthesis',
    );
  }
  if (name.startsWith('arn:')) return name;
  // A hierarchical name (/a/b) has no extra slash in its ARN (parameter/a/b); a plain name (ab) does.
  return arn(scope, region, 'ssm', `parameter/${name.replace(/^\//, '')}`);
};

/** The rule options that add a read to what the rule needs to evaluate and report. */
export interface EvaluateOptions {
  readonly tagParameterName?: string;
  readonly requireRoleInProfile?: boolean;
}

/**
 * The statements that let the rule evaluate instances and report: the same as the role of template.yaml and
 * the member execution role, each optional read only when its option is on.
 */
export const evaluateStatements = (
  scope: IConstruct,
  region: ArnRegion,
  options: EvaluateOptions,
): PolicyStatement[] => [
  // EC2 Describe* actions support no resource-level permissions.
  new PolicyStatement({
    sid: 'ListInstances',
    effect: Effect.ALLOW,
    actions: ['ec2:DescribeInstances'],
    resources: ['*'],
  }),
  // PutEvaluations, GetResourceConfigHistory and GetComplianceDetailsByResource support no resource-level
  // permissions.
  new PolicyStatement({
    sid: 'ReportAndReadConfig',
    effect: Effect.ALLOW,
    actions: [
      'config:PutEvaluations',
      'config:GetResourceConfigHistory',
      'config:GetComplianceDetailsByResource',
    ],
    resources: ['*'],
  }),
  // Rule ARNs carry the rule id, unknown before creation; scoped to this account's rules.
  new PolicyStatement({
    sid: 'ReadPreviousResults',
    effect: Effect.ALLOW,
    actions: ['config:GetComplianceDetailsByConfigRule'],
    resources: [arn(scope, region, 'config', 'config-rule/*')],
  }),
  ...(options.tagParameterName === undefined
    ? []
    : [
        new PolicyStatement({
          sid: 'ReadTagParameter',
          effect: Effect.ALLOW,
          actions: ['ssm:GetParameter'],
          resources: [parameterArn(scope, region, options.tagParameterName)],
        }),
      ]),
  ...(options.requireRoleInProfile === true
    ? [
        new PolicyStatement({
          sid: 'ReadInstanceProfiles',
          effect: Effect.ALLOW,
          actions: ['iam:GetInstanceProfile'],
          resources: [arn(scope, region, 'iam', 'instance-profile/*')],
        }),
      ]
    : []),
];

/** The app-tier tag, as the remediation role's condition needs it: known at synthesis. */
export interface AppTierTagOf {
  readonly key: string;
  /** The values; `['*']` for any value of the key. */
  readonly values: readonly string[];
}

/** `ec2:ResourceTag/<key>` equal to one of the values, or present with any value for `*`. */
const appTierTagCondition = ({ key, values }: AppTierTagOf): Record<string, unknown> => {
  if (Token.isUnresolved(key) || values.some((value) => Token.isUnresolved(value))) {
    throw new Error(
      'Remediation needs the app-tier tag known at synthesis (tagKey and tagValues, not deployment-time tokens): its role may attach a profile only to instances carrying that tag',
    );
  }
  const condition = `ec2:ResourceTag/${key}`;
  return values.includes('*')
    ? { Null: { [condition]: 'false' } }
    : { StringEquals: { [condition]: [...values] } };
};

/** The tags an owner writes on the instances it launches, with the Sid of the statement denying them. */
const OWNER_TAGS = [
  ['DenyAutoScalingGroupInstances', 'aws:autoscaling:groupName'],
  ['DenyCloudFormationStackInstances', 'aws:cloudformation:stack-name'],
] as const;

/**
 * The statements of the Systems Manager Automation role that runs AWS-AttachIAMToInstance with ForceReplace
 * false: it may attach the one designated role, never remove or replace a profile.
 */
export const attachProfileStatements = (
  scope: IConstruct,
  region: ArnRegion,
  roleToAttach: string,
  tag: AppTierTagOf,
): PolicyStatement[] => {
  const designatedRole = arn(scope, region, 'iam', `role/${roleToAttach}`);
  return [
    // The runbook's first step; Describe* actions support no resource-level permissions.
    new PolicyStatement({
      sid: 'ReadProfileAssociations',
      actions: ['ec2:DescribeIamInstanceProfileAssociations'],
      resources: ['*'],
    }),
    // No ec2:DisassociateIamInstanceProfile: with ForceReplace false the runbook never removes a profile.
    // Only to app-tier instances: the role never reaches an instance outside the rule's policy.
    new PolicyStatement({
      sid: 'AttachProfile',
      actions: ['ec2:AssociateIamInstanceProfile'],
      resources: [arn(scope, region, 'ec2', 'instance/*')],
      conditions: appTierTagCondition(tag),
    }),
    new PolicyStatement({
      sid: 'FindRoleProfiles',
      actions: ['iam:ListInstanceProfilesForRole'],
      resources: [designatedRole],
    }),
    // The runbook may create a profile for the role, named as it chooses; PassRole limits what goes in.
    new PolicyStatement({
      sid: 'CreateProfileForRole',
      actions: ['iam:CreateInstanceProfile', 'iam:AddRoleToInstanceProfile', 'iam:GetInstanceProfile'],
      resources: [arn(scope, region, 'iam', 'instance-profile/*')],
    }),
    new PolicyStatement({
      sid: 'PassOnlyTheDesignatedRole',
      actions: ['iam:PassRole'],
      resources: [designatedRole],
      conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    }),
    // Never an instance an Auto Scaling group or a CloudFormation stack owns (its owner would launch the next
    // one without the profile, or drift): explicit Deny statements, one per owner tag, that no Allow added
    // later can undo, covering a replaced profile too. Config shows such a remediation as failed.
    ...OWNER_TAGS.map(
      ([sid, tag]) =>
        new PolicyStatement({
          sid,
          effect: Effect.DENY,
          actions: ['ec2:AssociateIamInstanceProfile', 'ec2:ReplaceIamInstanceProfileAssociation'],
          resources: [arn(scope, region, 'ec2', 'instance/*')],
          conditions: { Null: { [`ec2:ResourceTag/${tag}`]: 'false' } },
        }),
    ),
  ];
};

/** The trust policy condition that binds a service principal to this account's own resources. */
export const automationTrustConditions = (scope: IConstruct, region: ArnRegion) => ({
  StringEquals: { 'aws:SourceAccount': Stack.of(scope).account },
  ArnLike: { 'aws:SourceArn': arn(scope, region, 'ssm', 'automation-execution/*') },
});
