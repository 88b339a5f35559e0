import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ChangeNotification, parseConfigEvent } from '../../src/config/event.js';
import { completeParameters, parseRuleParameters } from '../../src/rule/parameters.js';
import { evaluateChange } from '../../src/run/evaluate-change.js';
import { type SampleEvent, withChanges } from '../support/events.js';

/**
 * The table of docs/migrating-from-the-managed-rule.md comes from here: for each case, what the managed
 * rule EC2_INSTANCE_PROFILE_ATTACHED reports (as its documentation says, [n] = the sources listed in the
 * guide) and what this rule reports, computed by its own event parser and decision. The test fails when
 * the guide's table differs; `UPDATE_DOCS=1 npx vitest run test/unit/migration-guide.test.ts` rewrites it.
 */
const GUIDE = new URL('../../docs/migrating-from-the-managed-rule.md', import.meta.url);
const START = '<!-- migration-table:start (written by test/unit/migration-guide.test.ts) -->';
const END = '<!-- migration-table:end -->';

const ALLOWED = 'arn:aws:iam::123456789012:instance-profile/app-tier';
const FOREIGN = 'arn:aws:iam::123456789012:instance-profile/other-team';
/** The managed rule's parameter, under its own name: the migrated rule keeps it as it is. */
const WITH_LIST = { appTierTagKey: 'tier', appTierTagValue: 'app', IamInstanceProfileArnList: ALLOWED };
const TAG_ONLY = { appTierTagKey: 'tier', appTierTagValue: 'app' };

interface Case {
  readonly instance: string;
  readonly sample: SampleEvent;
  readonly parameters: Record<string, string>;
  /** Changes to the sample's configuration item. */
  readonly item?: (item: Record<string, unknown>, configuration: Record<string, unknown>) => void;
  readonly eventLeftScope?: boolean;
  /** What IAM says of the attached profile, when requireRoleInProfile asks. */
  readonly profileHoldsRole?: boolean;
  readonly managed: string;
}

const state = (name: string) => (_item: Record<string, unknown>, configuration: Record<string, unknown>) => {
  configuration.state = { code: name === 'running' ? 16 : 80, name };
};

/** The sample instance, with this profile attached. */
const profile = (arn: string) => (_item: Record<string, unknown>, configuration: Record<string, unknown>) => {
  configuration.iamInstanceProfile = { arn, id: 'AIPAS5S4WFUBL72S3QXW5' };
};

const CASES: readonly Case[] = [
  {
    instance: 'app tier (`tier=app`), running, no instance profile',
    sample: 'no-profile',
    parameters: TAG_ONLY,
    managed: 'NON_COMPLIANT [1]',
  },
  {
    instance: 'app tier, **stopped**, no instance profile',
    sample: 'no-profile',
    parameters: TAG_ONLY,
    item: state('stopped'),
    managed: 'NON_COMPLIANT: the documented check has no state condition [1]',
  },
  {
    instance: 'app tier, a profile in `IamInstanceProfileArnList`',
    sample: 'compliant',
    parameters: WITH_LIST,
    item: profile(ALLOWED),
    managed: 'COMPLIANT [1]',
  },
  {
    instance: 'app tier, a **foreign** profile (not in `IamInstanceProfileArnList`)',
    sample: 'compliant',
    parameters: WITH_LIST,
    item: profile(FOREIGN),
    managed: 'NON_COMPLIANT [1]',
  },
  {
    instance: 'app tier, a profile, no list set',
    sample: 'compliant',
    parameters: TAG_ONLY,
    item: profile(ALLOWED),
    managed: 'COMPLIANT [1]',
  },
  {
    instance: 'app tier, a profile that holds **no IAM role**',
    sample: 'compliant',
    parameters: TAG_ONLY,
    item: profile(ALLOWED),
    profileHoldsRole: false,
    managed: 'COMPLIANT: only the attachment is checked [1]',
  },
  {
    instance: 'the same, with `requireRoleInProfile: true`',
    sample: 'compliant',
    parameters: { ...TAG_ONLY, requireRoleInProfile: 'true' },
    item: profile(ALLOWED),
    profileHoldsRole: false,
    managed: '(no such option)',
  },
  {
    instance: '**no app-tier tag** (or `tier=web`), no instance profile',
    sample: 'no-profile',
    parameters: TAG_ONLY,
    item: (item, configuration) => {
      item.tags = { tier: 'web' };
      configuration.tags = [{ key: 'tier', value: 'web' }];
    },
    managed:
      'NON_COMPLIANT when the rule has no tag scope: it checks every instance [1]; not evaluated when its scope names the tag (`TagKey`/`TagValue`, one value) [2]',
  },
  {
    instance: 'app tier, state **terminated** (item still recorded)',
    sample: 'no-profile',
    parameters: TAG_ONLY,
    item: state('terminated'),
    managed: 'not documented; the documented check would find no profile [1]',
  },
  {
    instance: 'app tier, **deleted** (`ResourceDeleted`)',
    sample: 'deleted',
    parameters: TAG_ONLY,
    managed: 'NOT_APPLICABLE: managed rules report deleted resources so [3]',
  },
  {
    instance: 'the tag removed, the rule scoped on it (`eventLeftScope`)',
    sample: 'no-profile',
    parameters: TAG_ONLY,
    eventLeftScope: true,
    managed: 'NOT_APPLICABLE [3]',
  },
  {
    instance: 'app tier, a profile association **without an ARN** (`{"arn": null}`)',
    sample: 'no-profile',
    parameters: TAG_ONLY,
    item: (_item, configuration) => {
      configuration.iamInstanceProfile = { arn: null, id: 'AIPAJ5EXAMPLE' };
    },
    managed: 'not documented',
  },
];

/** This rule's result for a case: the sample event, changed, through the parser and the decision. */
const ours = async (one: Case): Promise<{ compliance: string; annotation: string }> => {
  const event = withChanges(one.sample, {
    invoking: (invoking) => {
      const item = invoking.configurationItem as Record<string, unknown>;
      one.item?.(item, item.configuration as Record<string, unknown>);
    },
    envelope: {
      ruleParameters: JSON.stringify(one.parameters),
      ...(one.eventLeftScope === undefined ? {} : { eventLeftScope: one.eventLeftScope }),
    },
  });
  const { envelope, invoking } = parseConfigEvent(event);
  const parameters = completeParameters(parseRuleParameters(envelope.ruleParameters));
  const { decision } = await evaluateChange({
    invoking: invoking as ChangeNotification,
    eventLeftScope: envelope.eventLeftScope,
    parameters,
    history: () => {
      throw new Error('a change notification needs no history');
    },
    ...(one.profileHoldsRole === undefined
      ? {}
      : { enrich: async (view) => ({ ...view, profileHoldsRole: one.profileHoldsRole }) }),
  });
  return decision;
};

const cell = (text: string) => text.replaceAll('|', '\\|');

const renderTable = async (): Promise<string> => {
  const rows = await Promise.all(
    CASES.map(async (one) => {
      const { compliance, annotation } = await ours(one);
      return `| ${one.instance} | ${one.managed} | **${compliance}** | ${cell(annotation)} |`;
    }),
  );
  return [
    "| instance | `EC2_INSTANCE_PROFILE_ATTACHED` | this rule | this rule's annotation |",
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
};

describe('docs/migrating-from-the-managed-rule.md', () => {
  it('shows, case by case, what this rule reports, as it reports it', async () => {
    // Prepare
    const guide = readFileSync(GUIDE, 'utf8');
    const [before, rest] = guide.split(START);
    const after = rest?.split(END)[1];
    expect(before, `the guide marks its table with ${START}`).toBeDefined();
    expect(after, `the guide ends its table with ${END}`).toBeDefined();

    // Act
    const table = await renderTable();
    const expected = `${before}${START}\n${table}\n${END}${after}`;
    if (process.env.UPDATE_DOCS === '1') writeFileSync(GUIDE, expected);

    // Assess
    expect(readFileSync(GUIDE, 'utf8'), 'the table in the guide (UPDATE_DOCS=1 rewrites it)').toBe(expected);
  });

  it('reads the managed rule parameter name in every case that sets the list', async () => {
    // Act
    const withList = CASES.filter((one) => 'IamInstanceProfileArnList' in one.parameters);
    const results = await Promise.all(withList.map(ours));

    // Assess
    expect(withList.length).toBeGreaterThan(1);
    expect(results.map((result) => result.compliance)).toEqual(['COMPLIANT', 'NON_COMPLIANT']);
  });
});
