import { Duration, Stack } from 'aws-cdk-lib';
import {
  AccountPrincipal,
  PolicyDocument,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RuleFunction, type RuleFunctionOptions } from './rule-function.js';
import { attachProfileStatements, automationTrustConditions, evaluateStatements } from './statements.js';

/** The names templates/central-function.yaml and templates/member-execution-role.yaml agree on. */
export const ORGANIZATION_DEFAULTS = {
  executionRoleName: 'app-tier-iam-role-rule-execution',
  centralFunctionRoleName: 'app-tier-iam-role-rule-central',
  remediationAutomationRoleName: 'app-tier-iam-role-rule-remediation',
} as const;

/** The props of {@link AppTierIamRoleRuleCentralFunction}; every default is central-function.yaml's. */
export interface AppTierIamRoleRuleCentralFunctionProps extends RuleFunctionOptions {
  /** The function may assume the execution role only in accounts of this organization (o-...). */
  readonly organizationId: string;
  /** Every account whose AWS Config may invoke the function: one invoke permission each. */
  readonly memberAccountIds: readonly string[];
  /** The role assumed in each member account (EXECUTION_ROLE_NAME). @default 'app-tier-iam-role-rule-execution' */
  readonly executionRoleName?: string;
  /** The name member execution roles trust. @default 'app-tier-iam-role-rule-central' */
  readonly functionRoleName?: string;
  /** @default 10 */
  readonly reservedConcurrency?: number;
}

/**
 * templates/central-function.yaml for the AWS CDK: one function that serves the rule in every member account,
 * assuming the member execution role of each event's account. Its own role may only write its logs, send
 * failed events and assume that role inside the organization. Pair it with {@link AppTierIamRoleRuleMemberRole}
 * in every member account and an organization rule or conformance pack naming `ruleFunction.function`.
 */
export class AppTierIamRoleRuleCentralFunction extends Construct {
  readonly ruleFunction: RuleFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: AppTierIamRoleRuleCentralFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const executionRoleName = props.executionRoleName ?? ORGANIZATION_DEFAULTS.executionRoleName;
    const policy = new PolicyDocument({
      statements: [
        // Every EC2, Config, SSM and IAM call runs with the member role's credentials, this account included.
        new PolicyStatement({
          sid: 'AssumeMemberExecutionRole',
          actions: ['sts:AssumeRole'],
          resources: [
            stack.formatArn({
              service: 'iam',
              region: '',
              account: '*',
              resource: 'role',
              resourceName: executionRoleName,
            }),
          ],
          conditions: { StringEquals: { 'aws:ResourceOrgID': props.organizationId } },
        }),
      ],
    });
    this.role = new Role(this, 'Role', {
      roleName: props.functionRoleName ?? ORGANIZATION_DEFAULTS.centralFunctionRoleName,
      description:
        'Execution role of the central app-tier IAM role Config rule function: it may only write its logs and failed events, and assume the member execution role in the organization accounts.',
      assumedBy: new ServicePrincipal('lambda.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      inlinePolicies: { 'app-tier-iam-role-rule-central': policy },
    });
    this.ruleFunction = new RuleFunction(this, 'RuleFunction', {
      ...props,
      role: this.role,
      policy,
      logGroupName: `/aws/lambda/config-rule/${stack.stackName}`,
      reservedConcurrency: props.reservedConcurrency ?? 10,
      description:
        "Evaluates app-tier EC2 instances of the organization's accounts for an IAM instance profile and reports to AWS Config, through the member execution role of each account.",
      environment: { EXECUTION_ROLE_NAME: executionRoleName },
      alarmSubject: 'central app-tier IAM role Config rule function',
    });
    // A Lambda permission takes PrincipalOrgID only for account principals, not for config.amazonaws.com:
    // SourceAccount per member account is the one condition that binds Config to the organization.
    for (const account of props.memberAccountIds) {
      new CfnPermission(this, `ConfigInvokePermission${account}`, {
        action: 'lambda:InvokeFunction',
        functionName: this.ruleFunction.function.functionArn,
        principal: 'config.amazonaws.com',
        sourceAccount: account,
      });
    }
  }
}

/** The props of {@link AppTierIamRoleRuleMemberRole}; every default is member-execution-role.yaml's. */
export interface AppTierIamRoleRuleMemberRoleProps {
  /** The account of {@link AppTierIamRoleRuleCentralFunction}. */
  readonly centralAccountId: string;
  /** The organization of the central account; the role trusts callers of this organization only. */
  readonly organizationId: string;
  /** @default 'app-tier-iam-role-rule-execution' */
  readonly executionRoleName?: string;
  /** The central function's role name; only it may assume this role. @default 'app-tier-iam-role-rule-central' */
  readonly centralFunctionRoleName?: string;
  /** The SSM parameter (in this account) that supplies the tag, when the rule names one. */
  readonly tagParameterName?: string;
  /** True when the rule runs with requireRoleInProfile (adds iam:GetInstanceProfile). @default false */
  readonly requireRoleInProfile?: boolean;
  /** The role remediation attaches; when set, the Systems Manager Automation role is created. */
  readonly remediationRoleToAttach?: string;
  /**
   * The app-tier tag of the rule, required with `remediationRoleToAttach`: the Automation role may attach a
   * profile only to instances carrying it. Its values are `['*']` for any value of the key.
   */
  readonly remediationTag?: { readonly key: string; readonly values: readonly string[] };
  /** @default 'app-tier-iam-role-rule-remediation' */
  readonly remediationAutomationRoleName?: string;
}

/**
 * templates/member-execution-role.yaml for the AWS CDK: the role the central function assumes in a member
 * account (IAM is global: one per account), and optionally the Automation role of the remediation.
 */
export class AppTierIamRoleRuleMemberRole extends Construct {
  readonly role: Role;
  readonly remediationAutomationRole?: Role;

  constructor(scope: Construct, id: string, props: AppTierIamRoleRuleMemberRoleProps) {
    super(scope, id);
    const centralRoleArn = Stack.of(this).formatArn({
      service: 'iam',
      region: '',
      account: props.centralAccountId,
      resource: 'role',
      resourceName: props.centralFunctionRoleName ?? ORGANIZATION_DEFAULTS.centralFunctionRoleName,
    });
    this.role = new Role(this, 'Role', {
      roleName: props.executionRoleName ?? ORGANIZATION_DEFAULTS.executionRoleName,
      description:
        'Assumed by the central app-tier IAM role Config rule function to evaluate this account EC2 instances and report to AWS Config (read-only but for PutEvaluations).',
      maxSessionDuration: Duration.hours(1),
      // Named by ARN in a condition, so member roles can exist before the central role does.
      assumedBy: new AccountPrincipal(props.centralAccountId).withConditions({
        ArnEquals: { 'aws:PrincipalArn': centralRoleArn },
        StringEquals: { 'aws:PrincipalOrgID': props.organizationId },
      }),
      inlinePolicies: {
        'app-tier-iam-role-rule-evaluate': new PolicyDocument({
          statements: evaluateStatements(this, 'any', props),
        }),
      },
    });
    if (props.remediationRoleToAttach !== undefined) {
      if (props.remediationTag === undefined) {
        throw new Error(
          'remediationRoleToAttach needs remediationTag: the Automation role may attach a profile only to instances carrying the app-tier tag',
        );
      }
      this.remediationAutomationRole = new Role(this, 'RemediationAutomationRole', {
        roleName: props.remediationAutomationRoleName ?? ORGANIZATION_DEFAULTS.remediationAutomationRoleName,
        description:
          'Assumed by Systems Manager Automation (AWS-AttachIAMToInstance, started by AWS Config remediation) to attach the designated instance profile to app-tier instances that have none.',
        assumedBy: new ServicePrincipal('ssm.amazonaws.com', {
          conditions: automationTrustConditions(this, 'any'),
        }),
        inlinePolicies: {
          'attach-iam-instance-profile': new PolicyDocument({
            statements: attachProfileStatements(
              this,
              'any',
              props.remediationRoleToAttach,
              props.remediationTag,
            ),
          }),
        },
      });
    }
  }
}
