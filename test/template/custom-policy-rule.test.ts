import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GuardTarget, guardRules, MAX_POLICY_TEXT } from '../../src/guard/rules.js';
import { completeParameters, parseRuleParameters } from '../../src/rule/parameters.js';
import { parseTemplateText } from '../../src/scan/template-text.js';
import { complianceOfStatus, guardStatuses } from '../support/cfn-guard.js';
import { POLICY_CASES } from '../support/policy-cases.js';

const FILE = fileURLToPath(new URL('../../templates/custom-policy-rule.yaml', import.meta.url));
const { template } = parseTemplateText(readFileSync(FILE, 'utf8'), FILE);
type Json = Record<string, unknown>;
const resources = template.Resources as Record<string, { Properties: Json }>;
const rule = resources.AppTierIamRolePolicyRule?.Properties as Json;

/** The few intrinsics the template uses, resolved for given parameter values. */
const resolve = (
  value: unknown,
  parameters: Record<string, string | string[]>,
  conditions: Json,
): unknown => {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => resolve(item, parameters, conditions));
  const [[name, argument]] = Object.entries(value) as [[string, unknown]];
  const again = (item: unknown) => resolve(item, parameters, conditions);
  switch (name) {
    case 'Ref':
      return parameters[argument as string];
    case 'Fn::Join': {
      const [delimiter, list] = argument as [string, unknown];
      return (again(list) as string[]).join(delimiter);
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      return again(conditions[condition] ? whenTrue : whenFalse);
    }
    case 'Fn::Sub': {
      const [pattern, variables] = argument as [string, Json];
      const values = Object.fromEntries(Object.entries(variables).map(([key, item]) => [key, again(item)]));
      return pattern.replace(/\$\{([^}]+)\}/g, (_, key: string) => String(values[key] ?? parameters[key]));
    }
    default:
      throw new Error(`unexpected ${name}`);
  }
};

const policyOf = (parameters: { key: string; values: string[]; allowed: string[] }) =>
  resolve(
    (rule.Source as Json).CustomPolicyDetails &&
      ((rule.Source as Json).CustomPolicyDetails as Json).PolicyText,
    {
      AppTierTagKey: parameters.key,
      AppTierTagValues: parameters.values,
      AllowedInstanceProfileArns: parameters.allowed,
    },
    { AnyValue: parameters.values.join('') === '*', HasAllowList: parameters.allowed.join('') !== '' },
  ) as string;

/** The rule lines, without comments, blank lines or indentation. */
const ruleLines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

const SETS = [
  { key: 'tier', values: ['app'], allowed: [''] },
  { key: 'tier', values: ['app', 'web'], allowed: ['arn:aws:iam::123456789012:instance-profile/app-a'] },
  { key: 'Tier', values: ['*'], allowed: [''] },
];

describe('templates/custom-policy-rule.yaml', () => {
  it('is a custom policy rule on guard-2.x.x, detective and proactive, with no Lambda', () => {
    expect(rule.Source).toMatchObject({
      Owner: 'CUSTOM_POLICY',
      CustomPolicyDetails: { PolicyRuntime: 'guard-2.x.x' },
    });
    expect(rule.EvaluationModes).toEqual([{ Mode: 'DETECTIVE' }, { Mode: 'PROACTIVE' }]);
    expect(Object.values(resources).map((resource) => (resource as unknown as Json).Type)).toEqual([
      'AWS::Config::ConfigRule',
    ]);
  });

  it.each(SETS)('holds the rules `guard --target config` prints ($key=$values, allowed $allowed)', (set) => {
    const parameters = completeParameters(
      parseRuleParameters(
        JSON.stringify({
          appTierTagKey: set.key,
          appTierTagValue: set.values.join(','),
          allowedInstanceProfileArns: set.allowed.join(','),
        }),
      ),
    );
    const policy = policyOf(set);
    expect(ruleLines(policy)).toEqual(ruleLines(guardRules(parameters, GuardTarget.Config, 'test')));
    expect(policy.length).toBeLessThanOrEqual(MAX_POLICY_TEXT);
  });

  it('decides the shared cases as decide does, under the real cfn-guard', () => {
    const rows = POLICY_CASES.filter(
      (row) =>
        row.item !== undefined &&
        row.cannot?.['guard-config'] === undefined &&
        row.parameters.appTierTagValue === 'app',
    );
    const policy = policyOf({
      key: 'tier',
      values: ['app'],
      allowed: [
        rows.find((row) => row.parameters.allowedInstanceProfileArns)?.parameters
          .allowedInstanceProfileArns ?? '',
      ],
    });
    const basic = policyOf({ key: 'tier', values: ['app'], allowed: [''] });
    for (const [text, chosen] of [
      [policy, rows.filter((row) => row.parameters.allowedInstanceProfileArns !== undefined)],
      [basic, rows.filter((row) => row.parameters.allowedInstanceProfileArns === undefined)],
    ] as const) {
      const statuses = guardStatuses(
        text,
        Object.fromEntries(chosen.map((row, index) => [`row-${index}`, row.item])),
      );
      chosen.forEach((row, index) => {
        const status = statuses.get(`row-${index}`);
        expect({ row: row.name, compliance: status && complianceOfStatus[status] }).toEqual({
          row: row.name,
          compliance: row.expected.compliance,
        });
      });
    }
  });
});
