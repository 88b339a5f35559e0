import { describe, expect, it } from 'vitest';
import { readCloudFormationTemplate } from '../../scripts/cfn-yaml.mjs';
import { MAX_RULE_NAME_FOR_PREVIOUS_RESULTS } from '../../src/config/previous-results.js';
import { loadTemplate, type Template } from '../support/cfn-template.js';

// Config rule names may have 128 characters, but GetComplianceDetailsByConfigRule, with which the sweep reads the
// rule's results, is documented to take 64. Each template keeps the name Config gives the rule in an account
// within that, whatever Config adds to it.

const load = (file: string): Template =>
  readCloudFormationTemplate(new URL(`../../templates/${file}`, import.meta.url));

/** The longest value a parameter's AllowedPattern (`^[...]{1,N}$`) admits. */
const longestAllowed = (template: Template, parameter: string): number => {
  const pattern = template.Parameters[parameter]?.AllowedPattern as string | undefined;
  const bound = /\{1,(\d+)\}\$$/.exec(pattern ?? '')?.[1];
  expect(bound, `${parameter} has a length bound in its AllowedPattern`).toBeDefined();
  return Number(bound);
};

describe('rule names', () => {
  it.each([
    // [template, parameter, what Config adds to the name in an account]
    ['template.yaml', 'ConfigRuleName', 0],
    // <name>-conformance-pack-<9 characters>
    ['conformance-pack.yaml', 'ConfigRuleName', '-conformance-pack-'.length + 9],
    // OrgConfigRule-<name>-<8 characters>
    ['organization-rule.yaml', 'OrganizationConfigRuleName', 'OrgConfigRule-'.length + 1 + 8],
  ] as const)(
    '%s: the rule in an account keeps a name the previous results can be read with',
    (file, parameter, added) => {
      // Prepare
      const template = file === 'template.yaml' ? loadTemplate() : load(file);

      // Act
      const longest = longestAllowed(template, parameter) + added;

      // Assess
      expect(longest).toBeLessThanOrEqual(MAX_RULE_NAME_FOR_PREVIOUS_RESULTS);
      expect(longest).toBeGreaterThan(MAX_RULE_NAME_FOR_PREVIOUS_RESULTS - 2);
      expect(String(template.Parameters[parameter].Default).length + added).toBeLessThanOrEqual(
        MAX_RULE_NAME_FOR_PREVIOUS_RESULTS,
      );
    },
  );

  it('an organization rule name keeps to the characters Config allows there (no dot)', () => {
    // Act
    const pattern = new RegExp(
      load('organization-rule.yaml').Parameters.OrganizationConfigRuleName.AllowedPattern,
    );

    // Assess
    expect(pattern.test('app-tier_rule-1')).toBe(true);
    expect(pattern.test('app.tier')).toBe(false);
  });
});
