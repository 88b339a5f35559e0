import { aws_config as config } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { GuardTarget, guardRules } from '../guard/rules.js';
import { completeParameters, parseRuleParameters } from '../rule/parameters.js';
import type { AppTierIamRoleValidationProps } from './policy-validation.js';
import { DEFAULT_TAG, ruleDescription, ruleInputParameters } from './rule-input.js';

/** Props of the custom policy rule: the rule's parameters but requireRoleInProfile (that needs IAM). */
export interface AppTierIamRoleCustomPolicyRuleProps
  extends Omit<AppTierIamRoleValidationProps, 'requireRoleInProfile'> {
  /** @default 'app-tier-ec2-instance-uses-iam-role-policy' */
  readonly configRuleName?: string;
}

/**
 * The rule as an AWS Config custom policy rule (Guard, guard-2.x.x): no Lambda function, detective and
 * proactive evaluation, as templates/custom-policy-rule.yaml deploys it. It checks the tag, an attached
 * profile and the allowed list; for requireRoleInProfile use AppTierIamRoleRule.
 */
export class AppTierIamRoleCustomPolicyRule extends Construct {
  readonly rule: config.CfnConfigRule;

  constructor(scope: Construct, id: string, props: AppTierIamRoleCustomPolicyRuleProps = {}) {
    super(scope, id);
    const input = ruleInputParameters({
      ...props,
      tagKey: props.tagKey ?? DEFAULT_TAG.key,
      tagValues: props.tagValues ?? DEFAULT_TAG.values,
    });
    const parameters = completeParameters(parseRuleParameters(JSON.stringify(input)));
    this.rule = new config.CfnConfigRule(this, 'Rule', {
      configRuleName: props.configRuleName ?? 'app-tier-ec2-instance-uses-iam-role-policy',
      description: ruleDescription(input),
      scope: { complianceResourceTypes: ['AWS::EC2::Instance'] },
      evaluationModes: [{ mode: 'DETECTIVE' }, { mode: 'PROACTIVE' }],
      source: {
        owner: 'CUSTOM_POLICY',
        sourceDetails: [
          { eventSource: 'aws.config', messageType: 'ConfigurationItemChangeNotification' },
          { eventSource: 'aws.config', messageType: 'OversizedConfigurationItemChangeNotification' },
        ],
        customPolicyDetails: {
          policyRuntime: 'guard-2.x.x',
          enableDebugLogDelivery: false,
          policyText: guardRules(parameters, GuardTarget.Config, 'AppTierIamRoleCustomPolicyRule (CDK)'),
        },
      },
    });
  }
}
