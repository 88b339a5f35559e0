import { Stack } from 'aws-cdk-lib';
import {
  CfnConfigRule,
  CfnRemediationConfiguration,
  MaximumExecutionFrequency,
} from 'aws-cdk-lib/aws-config';
import { PolicyDocument, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RuleFunction, type RuleFunctionOptions } from './rule-function.js';
import { type RulePolicyProps, ruleDescription, ruleInputParameters } from './rule-input.js';
import { attachProfileStatements, automationTrustConditions, evaluateStatements } from './statements.js';

/** Optional remediation of NON_COMPLIANT instances with the AWS-managed runbook AWS-AttachIAMToInstance. */
export interface RemediationProps {
  /** manual: a person starts it from the Config console; automatic: Config starts it for each instance. */
  readonly mode: 'manual' | 'automatic';
  /** The IAM role (name, in this account, trusting ec2.amazonaws.com) attached to instances without a profile. */
  readonly roleToAttach: string;
}

/** The props of {@link AppTierIamRoleRule}; every default is template.yaml's. */
export interface AppTierIamRoleRuleProps extends RulePolicyProps, RuleFunctionOptions {
  /** @default 'app-tier-ec2-instance-uses-iam-role' */
  readonly configRuleName?: string;
  /** How often the periodic sweep runs. @default MaximumExecutionFrequency.TWENTY_FOUR_HOURS */
  readonly maximumExecutionFrequency?: MaximumExecutionFrequency;
  /** Reserved concurrent executions, so a burst of changes cannot flood the EC2 and Config APIs. @default 5 */
  readonly reservedConcurrency?: number;
  /** @default no remediation */
  readonly remediation?: RemediationProps;
}

/** template.yaml's name of the rule. */
export const DEFAULT_CONFIG_RULE_NAME = 'app-tier-ec2-instance-uses-iam-role';

const MESSAGE_TYPES = ['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification'];

/**
 * The single-account rule of template.yaml, for the AWS CDK: the function (the same built files, Node.js 24,
 * arm64), its least-privilege role, log group, dead-letter queue and alarms, the invoke permission for AWS
 * Config bound to this account, and the `AWS::Config::ConfigRule` with its three triggers on EC2 instances.
 */
export class AppTierIamRoleRule extends Construct {
  readonly ruleFunction: RuleFunction;
  readonly role: Role;
  readonly configRule: CfnConfigRule;
  readonly remediation?: CfnRemediationConfiguration;

  constructor(scope: Construct, id: string, props: AppTierIamRoleRuleProps = {}) {
    super(scope, id);
    const configRuleName = props.configRuleName ?? DEFAULT_CONFIG_RULE_NAME;
    const input = ruleInputParameters(props);

    const policy = new PolicyDocument({
      statements: evaluateStatements(this, 'stack', props),
    });
    this.role = new Role(this, 'Role', {
      description: 'Execution role of the app-tier IAM role Config rule function (least privilege).',
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: { 'app-tier-iam-role-rule': policy },
    });
    this.ruleFunction = new RuleFunction(this, 'RuleFunction', {
      ...props,
      role: this.role,
      policy,
      logGroupName: `/aws/lambda/config-rule/${configRuleName}`,
      reservedConcurrency: props.reservedConcurrency ?? 5,
      description: 'Evaluates app-tier EC2 instances for an IAM instance profile and reports to AWS Config.',
      alarmSubject: `${configRuleName} Config rule function`,
    });

    // Only Config rules of this account may invoke the function.
    const permission = new CfnPermission(this, 'ConfigInvokePermission', {
      action: 'lambda:InvokeFunction',
      functionName: this.ruleFunction.function.functionArn,
      principal: 'config.amazonaws.com',
      sourceAccount: Stack.of(this).account,
    });
    this.configRule = new CfnConfigRule(this, 'ConfigRule', {
      configRuleName,
      // Security Hub shows the name and this description, not the per-resource annotation.
      description: ruleDescription(input),
      scope: { complianceResourceTypes: ['AWS::EC2::Instance'] },
      inputParameters: input,
      source: {
        owner: 'CUSTOM_LAMBDA',
        sourceIdentifier: this.ruleFunction.function.functionArn,
        sourceDetails: [
          ...MESSAGE_TYPES.map((messageType) => ({ eventSource: 'aws.config', messageType })),
          {
            eventSource: 'aws.config',
            messageType: 'ScheduledNotification',
            maximumExecutionFrequency:
              props.maximumExecutionFrequency ?? MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
          },
        ],
      },
    });
    // Config checks on creation that it may invoke the function.
    this.configRule.node.addDependency(permission);

    if (props.remediation !== undefined) this.remediation = this.remediate(props.remediation, input);
  }

  /**
   * AWS-AttachIAMToInstance with ForceReplace false: the runbook's default (true) would silently replace a
   * profile the instance already has. An instance whose profile is outside the allowed list, or holds no
   * role, keeps it; its remediation fails visibly and a person decides.
   */
  private remediate(
    remediation: RemediationProps,
    input: Record<string, string>,
  ): CfnRemediationConfiguration {
    const { appTierTagKey: key, appTierTagValue: values } = input;
    if (key === undefined || values === undefined) {
      throw new Error(
        'Remediation needs tagKey and tagValues: its role may attach a profile only to instances carrying the app-tier tag, which an SSM parameter cannot name at deployment',
      );
    }
    const automationRole = new Role(this, 'RemediationAutomationRole', {
      description:
        'Assumed by Systems Manager Automation (AWS-AttachIAMToInstance, started by AWS Config remediation) to attach the designated instance profile to app-tier instances that have none.',
      assumedBy: new ServicePrincipal('ssm.amazonaws.com', {
        conditions: automationTrustConditions(this, 'stack'),
      }),
      inlinePolicies: {
        'attach-iam-instance-profile': new PolicyDocument({
          statements: attachProfileStatements(this, 'stack', remediation.roleToAttach, {
            key,
            values: values.split(','),
          }),
        }),
      },
    });
    const value = (text: string) => ({ StaticValue: { Values: [text] } });
    return new CfnRemediationConfiguration(this, 'Remediation', {
      configRuleName: this.configRule.ref,
      resourceType: 'AWS::EC2::Instance',
      targetType: 'SSM_DOCUMENT',
      targetId: 'AWS-AttachIAMToInstance',
      automatic: remediation.mode === 'automatic',
      maximumAutomaticAttempts: 3,
      retryAttemptSeconds: 60,
      executionControls: { ssmControls: { concurrentExecutionRatePercentage: 10, errorPercentage: 10 } },
      parameters: {
        InstanceId: { ResourceValue: { Value: 'RESOURCE_ID' } },
        RoleName: value(remediation.roleToAttach),
        ForceReplace: value('false'),
        AutomationAssumeRole: value(automationRole.roleArn),
      },
    });
  }
}
