// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${...} placeholders are CloudFormation's Fn::Sub
// What `scan` makes of the intrinsic functions of a template: each is written, as people write them (YAML short
// forms), where an app-tier instance takes its tag value or its instance profile, and the decision says what
// the value came to: resolved (and to what), absent, or known only at deploy (and named so). cfn-lint passes
// every template here but the rows named as mistakes (it warns of the parameters a row leaves unused).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ComplianceType, Reason } from '../../../src/rule/compliance.js';
import {
  completeParameters,
  parseRuleParameters,
  type RuleParameters,
} from '../../../src/rule/parameters.js';
import { readTemplate } from '../../../src/scan/cloudformation.js';
import { decideScanned } from '../../../src/scan/decide-scanned.js';
import { scanPaths } from '../../../src/scan/scan-paths.js';
import { parseTemplateText } from '../../../src/scan/template-text.js';

const ARN_A = 'arn:aws:iam::123456789012:instance-profile/app-a';
const ARN_B = 'arn:aws:iam::123456789012:instance-profile/app-b';

const work = mkdtempSync(join(tmpdir(), 'scan-values-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const parameters = (tagValue: string, allowed?: string): RuleParameters =>
  completeParameters(
    parseRuleParameters(
      JSON.stringify({
        appTierTagKey: 'tier',
        appTierTagValue: tagValue,
        ...(allowed === undefined ? {} : { allowedInstanceProfileArns: allowed }),
      }),
    ),
  );

/**
 * A template whose instance `Subject` has the tag `tier` and the profile given (YAML, on one line each), with
 * the parameters, mappings, conditions and resources the values below refer to.
 */
const template = ({ tag, profile, tags }: { tag?: string; profile?: string; tags?: string }): string => `
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Tier: { Type: String, Default: app }
  NoDefault: { Type: String }
  FromSsm: { Type: 'AWS::SSM::Parameter::Value<String>', Default: /platform/tier }
  Tiers: { Type: CommaDelimitedList, Default: 'app,web' }
  ProfileName: { Type: String, Default: app-a }
  ProfileArn: { Type: String, Default: '${ARN_A}' }
  ProfileArns: { Type: CommaDelimitedList, Default: '${ARN_A},${ARN_B}' }
  Empty: { Type: String, Default: '' }
Mappings:
  Environments:
    prod: { tier: app, profile: '${ARN_A}' }
    test: { tier: web, profile: '${ARN_B}' }
  Regions:
    us-east-1: { tier: app }
    eu-west-1: { tier: web }
Conditions:
  IsProd: !Equals [!Ref 'AWS::AccountId', '123456789012']
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - { Effect: Allow, Principal: { Service: ec2.amazonaws.com }, Action: 'sts:AssumeRole' }
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [!Ref Role]
  Subject:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abcd1234abcd1234
${profile === undefined ? '' : `      IamInstanceProfile: ${profile}\n`}${
  tags !== undefined
    ? `      Tags: ${tags}\n`
    : `      Tags:\n        - Key: tier\n          Value: ${tag ?? 'app'}\n`
}`;

let written = 0;
/** Scans the template as a file of its own, as `scan FILE` does, and returns the one finding. */
const scanOne = (text: string, ruleParameters: RuleParameters) => {
  written += 1;
  const file = join(work, `template-${written}.yaml`);
  writeFileSync(file, text);
  const { findings } = scanPaths([file], ruleParameters);
  expect(findings).toHaveLength(1);
  return findings[0] as (typeof findings)[number];
};

/** What a tag value comes to: a text, nothing, or a value known only at deploy, named as the notes name it. */
type TagOutcome = { readonly text: string } | { readonly absent: true } | { readonly unresolved: string };

const TAG_VALUES: readonly [string, string, TagOutcome][] = [
  ['a literal', 'app', { text: 'app' }],
  ['a number', '42', { text: '42' }],
  ['a boolean', 'true', { text: 'true' }],
  ['Ref to a parameter with a default', '!Ref Tier', { text: 'app' }],
  [
    'Ref to a parameter without a default',
    '!Ref NoDefault',
    { unresolved: 'parameter NoDefault (no default)' },
  ],
  [
    'Ref to an SSM parameter (its default is the name)',
    '!Ref FromSsm',
    { unresolved: 'parameter FromSsm (from SSM)' },
  ],
  ['Ref to a pseudo parameter', "!Ref 'AWS::Region'", { unresolved: 'Ref AWS::Region' }],
  ['Ref to a resource', '!Ref Role', { unresolved: 'Ref Role' }],
  [
    'a mistake cfn-lint names: Ref to a name the template does not hold',
    '!Ref Elsewhere',
    { unresolved: 'Ref Elsewhere (not in the template)' },
  ],
  [
    'a mistake cfn-lint names: Ref whose argument is not a name',
    '!Ref [Tier]',
    { unresolved: 'Ref ["Tier"]' },
  ],
  ['Sub of a parameter', "!Sub '${Tier}'", { text: 'app' }],
  ['Sub with its own variables', "!Sub ['${First}pp', { First: a }]", { text: 'app' }],
  ['Sub whose variable is an intrinsic', "!Sub ['${Value}', { Value: !Ref Tier }]", { text: 'app' }],
  ['Sub with an escaped ${!...}', "!Sub 'a${!Literal}'", { text: 'a${Literal}' }],
  ['Sub of a pseudo parameter', "!Sub 'app-${AWS::Region}'", { unresolved: 'Sub "app-${AWS::Region}"' }],
  ['Sub of a resource attribute', "!Sub '${Role.Arn}'", { unresolved: 'Sub "${Role.Arn}"' }],
  [
    'a mistake cfn-lint names: Sub whose pattern is not a text',
    '!Sub [[app], {}]',
    { unresolved: 'Sub [["app"],{}]' },
  ],
  ['Join of literals', "!Join ['', [a, p, p]]", { text: 'app' }],
  ['Join of a parameter and a literal', "!Join ['-', [!Ref Tier, blue]]", { text: 'app-blue' }],
  [
    'Join of a pseudo parameter',
    "!Join ['-', [app, !Ref 'AWS::Region']]",
    { unresolved: 'Join ["-",["app",{"Ref":"AWS::Region"}]]' },
  ],
  [
    'a mistake cfn-lint names: Join whose list is not a list',
    "!Join ['', app]",
    { unresolved: 'Join ["","app"]' },
  ],
  ['Select of a literal list', '!Select [1, [web, app]]', { text: 'app' }],
  ['Select with the index as text', "!Select ['0', [!Ref Tier, web]]", { text: 'app' }],
  ['Select past the end', '!Select [2, [web, app]]', { unresolved: 'Select [2,["web","app"]]' }],
  ['Select of a Split', "!Select [0, !Split [',', 'app,web']]", { text: 'app' }],
  ['Select of a list parameter', '!Select [1, !Ref Tiers]', { text: 'web' }],
  [
    'Select of a Split of a pseudo parameter',
    "!Select [0, !Split ['-', !Ref 'AWS::Region']]",
    { unresolved: 'Select [0,{"Fn::Split":["-",{"Ref":"AWS::Region"}]}]' },
  ],
  ['FindInMap with literal keys', '!FindInMap [Environments, prod, tier]', { text: 'app' }],
  [
    'FindInMap keyed by a pseudo parameter',
    "!FindInMap [Regions, !Ref 'AWS::Region', tier]",
    { unresolved: 'FindInMap ["Regions",{"Ref":"AWS::Region"},"tier"]' },
  ],
  [
    'a mistake cfn-lint names: FindInMap of a key the map lacks',
    '!FindInMap [Environments, staging, tier]',
    { unresolved: 'FindInMap ["Environments","staging","tier"]' },
  ],
  ['If whose branches agree', '!If [IsProd, app, !Ref Tier]', { text: 'app' }],
  ['If whose branches differ', '!If [IsProd, app, web]', { unresolved: 'If IsProd' }],
  ['GetAtt', '!GetAtt Role.RoleId', { unresolved: 'GetAtt Role.RoleId' }],
  ['ImportValue', '!ImportValue platform-tier', { unresolved: 'ImportValue "platform-tier"' }],
  ['Base64', '!Base64 app', { unresolved: 'Base64 "app"' }],
  [
    'a value too long to show whole',
    `!ImportValue ${'x'.repeat(100)}`,
    { unresolved: `ImportValue "${'x'.repeat(76)}...` },
  ],
];

describe('a tag value written with an intrinsic function', () => {
  it.each(TAG_VALUES)('%s (%s)', (_, value, outcome) => {
    // Act: the instance has no profile; tier=app and tier=other are the rule's app tier in turn
    const asApp = scanOne(template({ tag: value }), parameters('app'));
    const asOther = scanOne(template({ tag: value }), parameters('other'));

    // Assess
    if ('text' in outcome) {
      // Resolved: app tier exactly when the text is the rule's value, with nothing left unresolved
      const asText = scanOne(template({ tag: value }), parameters(outcome.text));
      expect(asText.decision).toMatchObject({
        compliance: ComplianceType.NonCompliant,
        reason: Reason.NoProfile,
      });
      expect(asText.notes).toEqual([]);
      expect(asOther.decision.reason).toBe(Reason.NotAppTier);
      expect(asApp.decision.reason).toBe(outcome.text === 'app' ? Reason.NoProfile : Reason.NotAppTier);
    } else if ('unresolved' in outcome) {
      // Known only at deploy: app tier whatever the rule's value, and the notes say what the file holds
      for (const finding of [asApp, asOther]) {
        expect(finding.decision).toMatchObject({
          compliance: ComplianceType.NonCompliant,
          reason: Reason.NoProfile,
        });
        expect(finding.notes[0]).toBe(
          `tag tier is ${outcome.unresolved}, unresolved before deploy: decided as app tier`,
        );
      }
    } else {
      expect([asApp.decision.reason, asOther.decision.reason]).toEqual([
        Reason.NotAppTier,
        Reason.NotAppTier,
      ]);
    }
  });
});

describe('a tag value known only at deploy, against any value of the key (*)', () => {
  it('is app tier, and the notes say so', () => {
    // Act
    const finding = scanOne(template({ tag: "!Ref 'AWS::Region'" }), parameters('*'));

    // Assess
    expect(finding.decision).toMatchObject({
      compliance: ComplianceType.NonCompliant,
      reason: Reason.NoProfile,
    });
    expect(finding.notes).toEqual([
      'tag tier is Ref AWS::Region, unresolved before deploy: decided as app tier',
    ]);
  });
});

describe('a tag list written with an intrinsic function', () => {
  it.each([
    [
      'If of a list and AWS::NoValue',
      "!If [IsProd, [{ Key: tier, Value: app }], !Ref 'AWS::NoValue']",
      'If IsProd',
    ],
    ['a list parameter', '!Ref Tiers', 'not a list'],
  ])('%s: app tier, named in the notes', (_, tags, named) => {
    // Act
    const finding = scanOne(template({ tags }), parameters('app'));

    // Assess
    expect(finding.decision).toMatchObject({
      compliance: ComplianceType.NonCompliant,
      reason: Reason.NoProfile,
    });
    expect(finding.notes[0]).toBe(`tag tier is ${named}, unresolved before deploy: decided as app tier`);
  });

  it('AWS::NoValue: no tags, so not app tier', () => {
    // Act
    const finding = scanOne(template({ tags: "!Ref 'AWS::NoValue'" }), parameters('app'));

    // Assess
    expect(finding.decision.reason).toBe(Reason.NotAppTier);
    expect(finding.notes).toEqual([]);
  });

  it('a key known only at deploy: the tag is left out, and the notes say so', () => {
    // Act
    const finding = scanOne(
      template({
        tags: "[{ Key: !Ref 'AWS::StackName', Value: app }]",
      }),
      parameters('app'),
    );

    // Assess
    expect(finding.decision.reason).toBe(Reason.NotAppTier);
    expect(finding.notes).toEqual(['a tag key is Ref AWS::StackName, unresolved before deploy']);
  });
});

/** What the instance's profile comes to, against an allowed list of ARN_A alone. */
const PROFILES: readonly [string, string, Reason, string?][] = [
  ['the allowed ARN', ARN_A, Reason.UsesRole],
  ['another ARN', ARN_B, Reason.ProfileNotAllowed],
  ['Ref to a parameter whose default is the allowed ARN', '!Ref ProfileArn', Reason.UsesRole],
  [
    'Sub of the account, the name from a parameter default',
    "!Sub 'arn:aws:iam::123456789012:instance-profile/${ProfileName}'",
    Reason.UsesRole,
  ],
  [
    'Join of the allowed ARN',
    "!Join ['', ['arn:aws:iam::123456789012:instance-profile/', app-a]]",
    Reason.UsesRole,
  ],
  ['FindInMap of the allowed ARN', '!FindInMap [Environments, prod, profile]', Reason.UsesRole],
  ['Select of a Split of the allowed ARN', `!Select [0, !Split [' ', '${ARN_A} ${ARN_B}']]`, Reason.UsesRole],
  ['Select of a list parameter', '!Select [1, !Ref ProfileArns]', Reason.ProfileNotAllowed],
  ['If whose branches agree', `!If [IsProd, '${ARN_A}', !Ref ProfileArn]`, Reason.UsesRole],
  [
    'Sub of the account pseudo parameter',
    "!Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:instance-profile/app-a'",
    Reason.ProfileNotVerifiable,
    'the instance profile is Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:instance-profile/app-a": attached, not verifiable before deploy',
  ],
  [
    'a name',
    'app-a',
    Reason.ProfileNotVerifiable,
    'instance profile app-a: attached, not verifiable before deploy (its ARN names the account)',
  ],
  [
    'Ref to a parameter without a default',
    '!Ref NoDefault',
    Reason.ProfileNotVerifiable,
    'the instance profile is parameter NoDefault (no default): attached, not verifiable before deploy',
  ],
  [
    'Ref to the template’s own profile',
    '!Ref Profile',
    Reason.ProfileNotVerifiable,
    'instance profile Profile of this template (Ref Profile): attached',
  ],
  [
    'a mistake cfn-lint names: GetAtt of a resource the template does not hold',
    '!GetAtt Elsewhere.Arn',
    Reason.ProfileNotVerifiable,
    'the instance profile is GetAtt Elsewhere.Arn: attached, not verifiable before deploy',
  ],
  [
    'ImportValue',
    '!ImportValue platform-profile',
    Reason.ProfileNotVerifiable,
    'the instance profile is ImportValue "platform-profile": attached, not verifiable before deploy',
  ],
  [
    'If of the profile and AWS::NoValue',
    "!If [IsProd, !Ref Profile, !Ref 'AWS::NoValue']",
    Reason.NoProfile,
    'the instance profile is If IsProd, which leaves it out under one branch',
  ],
  [
    'If of the profile and an empty parameter',
    '!If [IsProd, !Ref Profile, !Ref Empty]',
    Reason.NoProfile,
    'the instance profile is If IsProd, which leaves it out under one branch',
  ],
  [
    'If with AWS::NoValue in both branches',
    "!If [IsProd, !Ref 'AWS::NoValue', !Ref 'AWS::NoValue']",
    Reason.NoProfile,
  ],
  ['AWS::NoValue', "!Ref 'AWS::NoValue'", Reason.NoProfile],
  ['an empty text', "''", Reason.NoProfile],
  ['Ref to a parameter whose default is empty', '!Ref Empty', Reason.NoProfile],
];

describe('an instance profile written with an intrinsic function', () => {
  it.each(PROFILES)('%s (%s): %s', (_, profile, reason, note) => {
    // Act
    const finding = scanOne(template({ profile }), parameters('app', ARN_A));

    // Assess
    expect(finding.decision.reason).toBe(reason);
    expect(finding.notes).toEqual(note === undefined ? [] : [note]);
  });

  it('without an allowed list, a profile known only at deploy is attached: COMPLIANT, named in the annotation', () => {
    // Act
    const finding = scanOne(template({ profile: "!ImportValue 'platform-profile'" }), parameters('app'));

    // Assess
    expect(finding.decision).toEqual({
      compliance: ComplianceType.Compliant,
      reason: Reason.UsesRole,
      annotation: 'Has instance profile ImportValue "platform-profile" attached (app-tier tag tier=app)',
    });
  });
});

/** `value` written through one more intrinsic that CloudFormation resolves to the same text. */
const wrapped = (value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc
      .tuple(value, fc.constantFrom('', '-', ','))
      .map(([inner, delimiter]) => ({ 'Fn::Join': [delimiter, [inner]] })),
    value.map((inner) => ({ 'Fn::Sub': ['${Value}', { Value: inner }] })),
    fc
      .tuple(value, fc.array(fc.string(), { maxLength: 3 }), fc.array(fc.string(), { maxLength: 3 }))
      .map(([inner, before, after]) => ({ 'Fn::Select': [before.length, [...before, inner, ...after]] })),
    value.map((inner) => ({ 'Fn::If': ['IsProd', inner, inner] })),
  );

/** The decision of `scan` for an app-tier instance without a profile whose tag tier is `value`. */
const decideTag = (value: unknown, ruleValue: string) => {
  const text = JSON.stringify({
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, '123456789012'] } },
    Resources: {
      Subject: {
        Type: 'AWS::EC2::Instance',
        Properties: { ImageId: 'ami-0abcd1234abcd1234', Tags: [{ Key: 'tier', Value: value }] },
      },
    },
  });
  const [scanned] = readTemplate({ file: 'property.json', ...parseTemplateText(text, 'property.json') });
  if (scanned === undefined) throw new Error('the instance was not read');
  return decideScanned(scanned, { tag: { key: 'tier', values: [ruleValue] }, requireRoleInProfile: false });
};

describe('any nesting of Join, Sub, Select and If', () => {
  it('resolves a literal tag value to itself: scan decides as for the literal', () => {
    const written = fc.string({ minLength: 1, maxLength: 20 }).chain((literal) =>
      fc.tuple(
        fc.constant(literal),
        fc.letrec<{ value: unknown }>((tie) => ({
          value: fc.oneof({ depthSize: 'small' }, fc.constant(literal), wrapped(tie('value'))),
        })).value,
      ),
    );
    fc.assert(
      fc.property(written, ([literal, value]) => {
        // The same decision as the literal's, for the literal as the rule's value and for another value
        for (const ruleValue of [literal, `${literal}-other`]) {
          expect(decideTag(value, ruleValue)).toEqual(decideTag(literal, ruleValue));
        }
        expect(decideTag(value, literal).decision.reason).toBe(Reason.NoProfile);
      }),
    );
  });
});
