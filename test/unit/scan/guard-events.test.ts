import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GuardTarget, guardRules, MAX_POLICY_TEXT } from '../../../src/guard/rules.js';
import { decide } from '../../../src/rule/decide.js';
import { viewFromConfigurationItem } from '../../../src/rule/instance-view.js';
import { completeParameters, parseRuleParameters } from '../../../src/rule/parameters.js';
import { complianceOfStatus, guardStatuses } from '../../support/cfn-guard.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every configuration item of the sample and peer events, with the event's rule parameters. */
const itemsOfEvents = () => {
  const found: { name: string; item: unknown; ruleParameters: string; leftScope: boolean }[] = [];
  for (const dir of ['events', 'test/fixtures/peer-events']) {
    for (const file of readdirSync(`${ROOT}${dir}`).filter((name) => name.endsWith('.json'))) {
      const event = JSON.parse(readFileSync(`${ROOT}${dir}/${file}`, 'utf8'));
      const invoking = typeof event.invokingEvent === 'string' ? JSON.parse(event.invokingEvent) : undefined;
      if (invoking?.configurationItem === undefined) continue;
      found.push({
        name: `${dir}/${file}`,
        item: invoking.configurationItem,
        ruleParameters: event.ruleParameters ?? '{}',
        leftScope: event.eventLeftScope === true,
      });
    }
  }
  return found;
};

describe('the generated Config rules on every configuration item in events/', () => {
  const items = itemsOfEvents();

  it('finds the items', () => {
    expect(items.length).toBeGreaterThanOrEqual(8);
  });

  it('agree with decide on each, under the real cfn-guard', () => {
    for (const { name, item, ruleParameters, leftScope } of items) {
      const parsed = parseRuleParameters(ruleParameters);
      // An SSM-held tag (tagParameterName) is given here as the event's own stand-in would read it.
      const parameters = completeParameters(parsed, { key: 'tier', values: ['app'] });
      const statuses = guardStatuses(guardRules(parameters, GuardTarget.Config, 'test'), { item });
      // Config applies the rule's scope before a custom policy rule sees an item: an event that left scope
      // is decided here as the item alone, which is what Guard receives.
      const decision = decide(viewFromConfigurationItem(item), parameters, { eventLeftScope: false });
      const status = statuses.get('item');
      expect({ name, leftScope, compliance: status && complianceOfStatus[status] }).toEqual({
        name,
        leftScope,
        compliance: decision.compliance,
      });
    }
  });

  it('keep a Config policy within 10,000 characters, and refuse one that would not', () => {
    const parameters = completeParameters(
      parseRuleParameters('{"appTierTagKey":"tier","appTierTagValue":"app"}'),
    );
    expect(guardRules(parameters, GuardTarget.Config, 'test').length).toBeLessThan(MAX_POLICY_TEXT);
    const arns = Array.from(
      { length: 200 },
      (_, index) => `arn:aws:iam::123456789012:instance-profile/profile-${index}`,
    );
    const many = { ...parameters, allowedInstanceProfileArns: new Set(arns) };
    expect(() => guardRules(many, GuardTarget.Config, 'test')).toThrow(/10000/);
  });

  it('use no Guard 3 function', () => {
    const parameters = completeParameters(
      parseRuleParameters(
        '{"appTierTagKey":"tier","appTierTagValue":"*","allowedInstanceProfileArns":"arn:aws:iam::123456789012:instance-profile/a"}',
      ),
    );
    for (const target of Object.values(GuardTarget)) {
      const rules = guardRules(parameters, target, 'test').replace(/^#.*$/gm, '');
      expect(rules).not.toMatch(
        /\b(count|json_parse|regex_replace|substring|to_upper|to_lower|join|url_decode|parse_int|parse_float|parse_string|parse_boolean|parse_char|parse_epoch|now)\s*\(/,
      );
    }
  });
});
