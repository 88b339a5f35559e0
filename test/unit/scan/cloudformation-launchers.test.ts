// What `scan` decides for each kind of resource of a template that launches instances, and how they combine:
// an instance with its launch template, an Auto Scaling group with its launch template (directly or in a mixed
// instances policy) or launch configuration, tags that propagate or not, what lies outside the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Reason } from '../../../src/rule/compliance.js';
import type { RuleParameters } from '../../../src/rule/parameters.js';
import { scanPaths } from '../../../src/scan/scan-paths.js';

const ARN_A = 'arn:aws:iam::123456789012:instance-profile/app-a';
const APP_TIER: RuleParameters = { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: false };

const work = mkdtempSync(join(tmpdir(), 'scan-launchers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A template of the given resources (YAML), beside a role and an instance profile that holds it. */
const template = (resources: string): string => `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Propagate: { Type: String, AllowedValues: ['true', 'false'] }
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
${resources}`;

let written = 0;
/** Scans the template as `scan FILE` does: the decision and notes of each resource, by logical id. */
const scan = (resources: string, parameters: RuleParameters = APP_TIER) => {
  written += 1;
  const file = join(work, `template-${written}.yaml`);
  writeFileSync(file, template(resources));
  const { findings } = scanPaths([file], parameters);
  return Object.fromEntries(
    findings.map((finding) => [
      finding.location.id,
      { reason: finding.decision.reason, notes: finding.notes, annotation: finding.decision.annotation },
    ]),
  );
};

const APP_TEMPLATE = `  AppTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: app-template
      LaunchTemplateData:
        ImageId: ami-0abcd1234abcd1234
        IamInstanceProfile: { Arn: !GetAtt Profile.Arn }
        TagSpecifications:
          - ResourceType: volume
            Tags: [{ Key: tier, Value: app }]
`;
const BARE_TEMPLATE = `  BareTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: bare-template
      LaunchTemplateData:
        ImageId: ami-0abcd1234abcd1234
        TagSpecifications:
          - ResourceType: instance
            Tags: [{ Key: tier, Value: web }]
`;
/** A group of the subnet given, with the launch settings and tags given (YAML, indented for Properties). */
const group = (name: string, launch: string, tags = '[]') => `  ${name}:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '2'
      VPCZoneIdentifier: [subnet-0abcd1234abcd1234]
${launch}      Tags: ${tags}
`;
const PROPAGATED_APP = '[{ Key: tier, Value: app, PropagateAtLaunch: true }]';

describe('a launch template', () => {
  it('takes the tags of its instance TagSpecifications only, and its profile by ARN or by name', () => {
    // Act
    const found = scan(`${APP_TEMPLATE}${BARE_TEMPLATE}  NamedTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        IamInstanceProfile: { Name: app-a }
        TagSpecifications:
          - ResourceType: instance
            Tags: [{ Key: tier, Value: app }]
  EmptyTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: empty
`);

    // Assess: volume tags do not make instances app tier; a name is attached, its ARN unknown before deploy
    expect(found).toMatchObject({
      AppTemplate: {
        reason: Reason.NotAppTier,
        notes: ['instance profile Profile of this template (GetAtt Profile.Arn): attached'],
      },
      BareTemplate: { reason: Reason.NotAppTier, notes: [] },
      NamedTemplate: {
        reason: Reason.UsesRole,
        notes: ['instance profile app-a: attached, not verifiable before deploy (its ARN names the account)'],
      },
      EmptyTemplate: { reason: Reason.NotAppTier, notes: [] },
    });
  });
});

describe('an Auto Scaling group', () => {
  it.each([
    [
      'LaunchTemplate, by id',
      '      LaunchTemplate: { LaunchTemplateId: !Ref AppTemplate, Version: !GetAtt AppTemplate.LatestVersionNumber }\n',
    ],
    [
      'a mixed instances policy',
      `      MixedInstancesPolicy:
        LaunchTemplate:
          LaunchTemplateSpecification: { LaunchTemplateId: !Ref AppTemplate, Version: '1' }
          Overrides: [{ InstanceType: t3.micro }, { InstanceType: t3a.micro }]
`,
    ],
    [
      'LaunchTemplate, by the name the template gives it',
      "      LaunchTemplate: { LaunchTemplateName: app-template, Version: '1' }\n",
    ],
  ])(
    'launches from its launch template (%s): the template’s profile, the group’s propagated tags',
    (_, launch) => {
      // Act
      const found = scan(`${APP_TEMPLATE}${group('Group', launch, PROPAGATED_APP)}`);

      // Assess
      expect(found.Group).toEqual({
        reason: Reason.UsesRole,
        notes: ['instance profile Profile of this template (GetAtt Profile.Arn): attached'],
        annotation: 'Has instance profile GetAtt Profile.Arn attached (app-tier tag tier=app)',
      });
    },
  );

  it('puts its propagated tags over its launch template’s, and leaves the others out', () => {
    // Act
    const found = scan(
      `${BARE_TEMPLATE}${group('Propagating', "      LaunchTemplate: { LaunchTemplateId: !Ref BareTemplate, Version: '1' }\n", PROPAGATED_APP)}${group(
        'NotPropagating',
        "      LaunchTemplate: { LaunchTemplateId: !Ref BareTemplate, Version: '1' }\n",
        '[{ Key: tier, Value: app, PropagateAtLaunch: false }]',
      )}`,
    );

    // Assess: tier=app reaches the instances of the first group only; the template itself says tier=web
    expect(found.Propagating).toMatchObject({ reason: Reason.NoProfile, notes: [] });
    expect(found.NotPropagating).toMatchObject({ reason: Reason.NotAppTier, notes: [] });
  });

  it('takes a PropagateAtLaunch known only at deploy as true, and says so', () => {
    // Act
    const found = scan(
      group(
        'Group',
        "      LaunchTemplate: { LaunchTemplateId: !Ref BareTemplate, Version: '1' }\n",
        '[{ Key: tier, Value: app, PropagateAtLaunch: !Ref Propagate }]',
      ) + BARE_TEMPLATE,
    );

    // Assess
    expect(found.Group).toMatchObject({
      reason: Reason.NoProfile,
      notes: [
        'PropagateAtLaunch is parameter Propagate (no default), unresolved before deploy: taken as true',
      ],
    });
  });

  it('launches from its launch configuration: the configuration’s profile', () => {
    // Act
    const found = scan(`  Configuration:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: ami-0abcd1234abcd1234
      InstanceType: t3.micro
      IamInstanceProfile: !Ref Profile
${group('Group', '      LaunchConfigurationName: !Ref Configuration\n', PROPAGATED_APP)}`);

    // Assess: the configuration alone carries no tags; the group's make its instances app tier
    expect(found.Configuration).toMatchObject({ reason: Reason.NotAppTier });
    expect(found.Group).toMatchObject({
      reason: Reason.UsesRole,
      notes: ['instance profile Profile of this template (Ref Profile): attached'],
    });
  });

  it.each([
    [
      'a launch template id',
      "      LaunchTemplate: { LaunchTemplateId: lt-0abcd1234abcd1234, Version: '1' }\n",
      'launch template lt-0abcd1234abcd1234',
    ],
    [
      'an imported launch template',
      "      LaunchTemplate: { LaunchTemplateId: !ImportValue shared-template, Version: '1' }\n",
      'launch template ImportValue "shared-template"',
    ],
    [
      'a launch configuration name',
      '      LaunchConfigurationName: shared-configuration\n',
      'launch configuration shared-configuration',
    ],
  ])('names %s outside the file: no profile can be seen, NON_COMPLIANT', (_, launch, named) => {
    // Act
    const found = scan(group('Group', launch, PROPAGATED_APP));

    // Assess
    expect(found.Group).toMatchObject({
      reason: Reason.NoProfile,
      notes: [`its ${named} is not in this file: no instance profile can be seen, check it`],
    });
  });

  it('that names neither (it adopts an instance): NON_COMPLIANT, check its instances', () => {
    // Act
    const found = scan(group('Group', '      InstanceId: i-0abcd1234abcd1234\n', PROPAGATED_APP));

    // Assess
    expect(found.Group).toMatchObject({
      reason: Reason.NoProfile,
      notes: ['it names no launch template or launch configuration of this file: check its instances'],
    });
  });
});

describe('an instance', () => {
  it('with a launch template of the file: the template’s tags under its own, its own profile over the template’s', () => {
    // Act
    const found = scan(`${APP_TEMPLATE}${BARE_TEMPLATE}  FromBare:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: { LaunchTemplateId: !Ref BareTemplate, Version: '1' }
      Tags: [{ Key: tier, Value: app }]
  FromApp:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: { LaunchTemplateName: app-template, Version: '1' }
      IamInstanceProfile: '${ARN_A}'
      Tags: [{ Key: tier, Value: app }]
  FromBareAsIs:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: { LaunchTemplateId: !Ref BareTemplate, Version: '1' }
`);

    // Assess
    expect(found.FromBare).toMatchObject({ reason: Reason.NoProfile });
    expect(found.FromApp).toEqual({
      reason: Reason.UsesRole,
      notes: [],
      annotation: 'Has instance profile app-a attached (app-tier tag tier=app)',
    });
    expect(found.FromBareAsIs).toMatchObject({ reason: Reason.NotAppTier });
  });

  it('created under a condition: decided, and the notes say when it exists', () => {
    // Act
    const found = scan(`  Conditional:
    Type: AWS::EC2::Instance
    Condition: IsProd
    Properties:
      ImageId: ami-0abcd1234abcd1234
      Tags: [{ Key: tier, Value: app }]
`);

    // Assess
    expect(found.Conditional).toMatchObject({
      reason: Reason.NoProfile,
      notes: ['created only when condition IsProd holds'],
    });
  });
});
