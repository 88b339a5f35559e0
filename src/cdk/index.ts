/**
 * The AWS CDK constructs of the app-tier IAM role Config rule (`app-tier-iam-role-rule/cdk`): the same
 * function, role and rule as template.yaml and the organization templates, with the same defaults.
 *
 * @example
 * new AppTierIamRoleRule(stack, 'AppTierIamRoleRule', { tagKey: 'tier', tagValues: ['app'] });
 */
export {
  AppTierIamRoleRule,
  type AppTierIamRoleRuleProps,
  DEFAULT_CONFIG_RULE_NAME,
  type RemediationProps,
} from './app-tier-iam-role-rule.js';
export {
  AppTierIamRoleCustomPolicyRule,
  type AppTierIamRoleCustomPolicyRuleProps,
} from './custom-policy-rule.js';
export { FUNCTION_DIR } from './function-code.js';
export {
  AppTierIamRoleRuleCentralFunction,
  type AppTierIamRoleRuleCentralFunctionProps,
  AppTierIamRoleRuleMemberRole,
  type AppTierIamRoleRuleMemberRoleProps,
  ORGANIZATION_DEFAULTS,
} from './organization.js';
export { AppTierIamRoleValidation, type AppTierIamRoleValidationProps } from './policy-validation.js';
export { type ReportMode, RuleFunction, type RuleFunctionOptions } from './rule-function.js';
export type { RulePolicyProps } from './rule-input.js';
