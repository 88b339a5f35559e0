import { readFileSync } from 'node:fs';
import type {
  IPolicyValidationContextBeta1,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
  PolicyViolationBeta1,
} from 'aws-cdk-lib';
import { isRecord } from '../json.js';
import { ComplianceType } from '../rule/compliance.js';
import { completeParameters, parseRuleParameters, type RuleParameters } from '../rule/parameters.js';
import { readTemplate } from '../scan/cloudformation.js';
import { decideScanned } from '../scan/decide-scanned.js';
import { FINDING_RULES } from '../scan/sarif.js';
import { DEFAULT_TAG, type RulePolicyProps, ruleInputParameters } from './rule-input.js';

/** The rule's parameters for the check at synthesis: the tag must be given (no SSM is read). */
export type AppTierIamRoleValidationProps = Omit<RulePolicyProps, 'tagParameterName'>;

/**
 * A CDK policy validation plugin (`new App({ policyValidationBeta1: [...] })`) that decides, in-process and
 * with no binary, every EC2 instance, launch template and Auto Scaling group of the synthesized templates
 * with the rule's own decision, as `app-tier-iam-role-rule scan` does. `cdk synth` fails on a NON_COMPLIANT
 * one, naming its construct path and the fix.
 */
export class AppTierIamRoleValidation implements IPolicyValidationPluginBeta1 {
  readonly name = 'app-tier-iam-role-rule';
  readonly ruleIds = FINDING_RULES.map(([id]) => id);
  private readonly parameters: RuleParameters;

  constructor(props: AppTierIamRoleValidationProps = {}) {
    const input = ruleInputParameters({
      ...props,
      tagKey: props.tagKey ?? DEFAULT_TAG.key,
      tagValues: props.tagValues ?? DEFAULT_TAG.values,
    });
    this.parameters = completeParameters(parseRuleParameters(JSON.stringify(input)));
  }

  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const byReason = new Map<string, PolicyViolationBeta1['violatingResources'][number][]>();
    for (const templatePath of context.templatePaths) {
      const template: unknown = JSON.parse(readFileSync(templatePath, 'utf8'));
      if (!isRecord(template)) continue;
      for (const scanned of readTemplate({ file: templatePath, template, lineOf: () => 1 })) {
        const { decision, notes } = decideScanned(scanned, this.parameters);
        if (decision.compliance !== ComplianceType.NonCompliant) continue;
        const found = byReason.get(decision.reason) ?? [];
        found.push({
          resourceLogicalId: scanned.location.id,
          templatePath,
          locations: [decision.annotation, ...notes],
        });
        byReason.set(decision.reason, found);
      }
    }
    const violations: PolicyViolationBeta1[] = [...byReason].map(([reason, violatingResources]) => {
      const [, title, fix] = FINDING_RULES.find(([id]) => id === reason) ?? [reason, reason, ''];
      return { ruleName: reason, description: title, fix, severity: 'error', violatingResources };
    });
    return { success: violations.length === 0, violations };
  }
}
