// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${...} placeholders are CloudFormation's Fn::Sub
import { expect } from 'vitest';
import { actionsOf, type Statement } from './cfn-template.js';

/**
 * The least-privilege contract of the rule's IAM roles, written once and checked against every way the
 * project builds them: template.yaml and the organization templates (resolved), and the CDK constructs
 * (synthesized). Resources are in Fn::Sub form: `arn:${AWS::Partition}:...`.
 */

/** `${AWS::Region}` for a role used in one region; `*` for a role used in every region (member roles). */
export type ContractRegion = '${AWS::Region}' | '*';

/** The options that add a read to the roles that evaluate instances. */
export interface EvaluateOptions {
  readonly tagParameterName?: string;
  readonly requireRoleInProfile?: boolean;
}

/** The option sets every role contract test runs through: none, each read alone, both. */
export const EVALUATE_OPTION_CASES: readonly EvaluateOptions[] = [
  {},
  { tagParameterName: 'app-tier-tag' },
  { requireRoleInProfile: true },
  { tagParameterName: '/app-tier/tag', requireRoleInProfile: true },
];

/** What one action may do: on which resource, under which condition (none when absent). */
export interface Grant {
  readonly resource: unknown;
  readonly condition?: unknown;
}

const ACCOUNT = '${AWS::AccountId}';
const PARTITION = 'arn:${AWS::Partition}';

/** The grants of a role that evaluates instances and reports: template.yaml's function role, the member role. */
export const evaluateGrants = (
  region: ContractRegion,
  options: EvaluateOptions = {},
): Record<string, Grant> => {
  const name = options.tagParameterName;
  return {
    // No resource-level permissions exist for these four.
    'config:PutEvaluations': { resource: '*' },
    'config:GetResourceConfigHistory': { resource: '*' },
    'config:GetComplianceDetailsByResource': { resource: '*' },
    'ec2:DescribeInstances': { resource: '*' },
    'config:GetComplianceDetailsByConfigRule': {
      resource: `${PARTITION}:config:${region}:${ACCOUNT}:config-rule/*`,
    },
    ...(name === undefined
      ? {}
      : {
          // A hierarchical name (/a/b) has no extra slash in its ARN; a plain name does.
          'ssm:GetParameter': {
            resource: `${PARTITION}:ssm:${region}:${ACCOUNT}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
          },
        }),
    ...(options.requireRoleInProfile === true
      ? { 'iam:GetInstanceProfile': { resource: `${PARTITION}:iam::${ACCOUNT}:instance-profile/*` } }
      : {}),
  };
};

/** The Fn::GetAtt (or other reference) to the function's log group and dead-letter queue ARNs. */
export interface FunctionTargets {
  readonly logGroupArn: unknown;
  readonly queueArn: unknown;
}

/**
 * What every rule function's own role holds: writing its logs, sending failed events to its queue, and, when
 * the queue is encrypted with a KMS key, what SQS needs of that key to take a message from the sender.
 */
export const functionGrants = (targets: FunctionTargets, keyArn?: unknown): Record<string, Grant> => ({
  'logs:CreateLogStream': { resource: targets.logGroupArn },
  'logs:PutLogEvents': { resource: targets.logGroupArn },
  'sqs:SendMessage': { resource: targets.queueArn },
  ...(keyArn === undefined
    ? {}
    : { 'kms:GenerateDataKey': { resource: keyArn }, 'kms:Decrypt': { resource: keyArn } }),
});

/** The single-account function role (template.yaml, AppTierIamRoleRule). */
export const singleAccountRoleGrants = (
  targets: FunctionTargets,
  options: EvaluateOptions = {},
  keyArn?: unknown,
): Record<string, Grant> => ({
  ...evaluateGrants('${AWS::Region}', options),
  ...functionGrants(targets, keyArn),
});

/** The central function role: no evaluation of its own, only the member role inside the organization. */
export const centralRoleGrants = (
  targets: FunctionTargets,
  executionRoleName: string,
  organizationId: unknown,
  keyArn?: unknown,
): Record<string, Grant> => ({
  ...functionGrants(targets, keyArn),
  'sts:AssumeRole': {
    resource: `${PARTITION}:iam::*:role/${executionRoleName}`,
    condition: { StringEquals: { 'aws:ResourceOrgID': organizationId } },
  },
});

/** The Systems Manager Automation role of the remediation: attach the designated role, never remove one. */
export const remediationGrants = (
  region: ContractRegion,
  roleToAttach: string,
  tag: { readonly key: string; readonly values: readonly string[] } = { key: 'tier', values: ['app'] },
): Record<string, Grant> => {
  const tagCondition = `ec2:ResourceTag/${tag.key}`;
  const profiles = { resource: `${PARTITION}:iam::${ACCOUNT}:instance-profile/*` };
  const role = `${PARTITION}:iam::${ACCOUNT}:role/${roleToAttach}`;
  return {
    'ec2:DescribeIamInstanceProfileAssociations': { resource: '*' },
    // Only to instances carrying the app-tier tag.
    'ec2:AssociateIamInstanceProfile': {
      resource: `${PARTITION}:ec2:${region}:${ACCOUNT}:instance/*`,
      condition: tag.values.includes('*')
        ? { Null: { [tagCondition]: 'false' } }
        : { StringEquals: { [tagCondition]: [...tag.values] } },
    },
    'iam:ListInstanceProfilesForRole': { resource: role },
    'iam:CreateInstanceProfile': profiles,
    'iam:AddRoleToInstanceProfile': profiles,
    'iam:GetInstanceProfile': profiles,
    'iam:PassRole': {
      resource: role,
      condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    },
  };
};

/** What a role is explicitly denied: these actions, on this resource, under this condition. */
export interface Denial {
  readonly actions: readonly string[];
  readonly resource: unknown;
  readonly condition: unknown;
}

/** The tags an owner (an Auto Scaling group, a CloudFormation stack) writes on the instances it launches. */
export const OWNER_TAGS = ['aws:autoscaling:groupName', 'aws:cloudformation:stack-name'] as const;

/**
 * The remediation role never attaches or replaces a profile on an instance something else owns: one Deny per
 * owner tag (conditions of one statement are ANDed; these must be ORed).
 */
export const remediationDenials = (region: ContractRegion): Denial[] =>
  OWNER_TAGS.map((tag) => ({
    actions: ['ec2:AssociateIamInstanceProfile', 'ec2:ReplaceIamInstanceProfileAssociation'],
    resource: `${PARTITION}:ec2:${region}:${ACCOUNT}:instance/*`,
    condition: { Null: { [`ec2:ResourceTag/${tag}`]: 'false' } },
  }));

/**
 * Asserts that a role's Allow statements grant exactly these actions (no other, no wildcard), each on its
 * resource and under its condition, and that its Deny statements are exactly `denials`.
 */
export const expectGrants = (
  statements: readonly Statement[],
  grants: Record<string, Grant>,
  denials: readonly Denial[] = [],
): void => {
  const denies = statements.filter((statement) => statement.Effect === 'Deny');
  expect(
    denies.map((statement) => ({
      actions: [statement.Action].flat().sort(),
      resource: statement.Resource,
      condition: (statement as Statement & { Condition?: unknown }).Condition,
    })),
  ).toEqual(denials.map((denial) => ({ ...denial, actions: [...denial.actions].sort() })));
  const allows = statements.filter((statement) => statement.Effect !== 'Deny');
  expect(actionsOf(allows)).toEqual(Object.keys(grants).sort());
  for (const statement of allows) {
    expect(statement.Effect).toBe('Allow');
    for (const action of [statement.Action].flat()) {
      const grant = grants[action] as Grant;
      const { Condition } = statement as Statement & { Condition?: unknown };
      expect({ action, resource: statement.Resource, condition: Condition }).toEqual({
        action,
        resource: grant.resource,
        condition: grant.condition,
      });
    }
  }
};
