import { describe, expect, it } from 'vitest';
import { MAX_ANNOTATION_LENGTH } from '../../../src/rule/annotation.js';
import { ComplianceType, Reason } from '../../../src/rule/compliance.js';
import { decide } from '../../../src/rule/decide.js';
import type { InstanceView } from '../../../src/rule/instance-view.js';
import { type Owner, OwnerKind, OwnerTag, ownerFromTags } from '../../../src/rule/owner.js';
import { fixAtSourceText, ownerLabel, sourceKey } from '../../../src/rule/owner-advice.js';
import type { RuleParameters } from '../../../src/rule/parameters.js';
import { APP_PROFILE, appInstance } from '../../support/instances.js';

const PARAMETERS: RuleParameters = { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: false };
const ALLOW_OTHER: RuleParameters = {
  ...PARAMETERS,
  allowedInstanceProfileArns: new Set(['arn:aws:iam::123456789012:instance-profile/approved']),
};
const REQUIRE_ROLE: RuleParameters = { ...PARAMETERS, requireRoleInProfile: true };

const ownedBy = (tags: Record<string, string>): Owner => {
  const owner = ownerFromTags(new Map(Object.entries(tags)));
  if (owner === undefined) throw new Error('no owner in the tags');
  return owner;
};

/**
 * One owner of every kind (and the variants of a kind), with what its annotation must name, where it says the
 * fix goes, the owner in a few words (a table's column) and the source one fix serves.
 */
const OWNERS: readonly {
  owner: Owner;
  names: string;
  place: string;
  after: string;
  label: string;
  key: string;
}[] = [
  {
    owner: ownedBy({ [OwnerTag.EksCluster]: 'prod', [OwnerTag.EksNodeGroup]: 'workers' }),
    names: 'in EKS managed node group workers of cluster prod',
    place: 'the node group (its node role)',
    after: ', or replacements repeat this',
    label: 'EKS node group workers (cluster prod)',
    key: 'eks:prod/workers',
  },
  {
    owner: ownedBy({ [OwnerTag.ElasticBeanstalkEnvironment]: 'api-prod' }),
    names: 'in Elastic Beanstalk environment api-prod',
    place: "the environment's IamInstanceProfile option",
    after: ', or replacements repeat this',
    label: 'Elastic Beanstalk environment api-prod',
    key: 'elasticbeanstalk:api-prod',
  },
  {
    owner: ownedBy({ [OwnerTag.KarpenterNodePool]: 'default' }),
    names: 'launched by Karpenter NodePool default',
    place: 'its EC2NodeClass (role or instanceProfile)',
    after: ', or replacements repeat this',
    label: 'Karpenter NodePool default',
    key: 'karpenter:default',
  },
  {
    owner: ownedBy({
      [OwnerTag.AutoScalingGroup]: 'web-asg',
      [OwnerTag.LaunchTemplateId]: 'lt-0abc',
      [OwnerTag.LaunchTemplateVersion]: '3',
    }),
    names: 'launched by Auto Scaling group web-asg from launch template lt-0abc (version 3)',
    place: 'the launch template',
    after: ', or replacements repeat this',
    label: 'Auto Scaling group web-asg, launch template lt-0abc v3',
    key: 'launch-template:lt-0abc',
  },
  {
    owner: ownedBy({ [OwnerTag.AutoScalingGroup]: 'web-asg', [OwnerTag.StackName]: 'prod-web' }),
    names: 'launched by Auto Scaling group web-asg',
    place: 'a new launch configuration in stack prod-web',
    after: ', or replacements repeat this',
    label: 'Auto Scaling group web-asg (stack prod-web)',
    key: 'autoscaling:web-asg',
  },
  {
    owner: ownedBy({ [OwnerTag.Ec2Fleet]: 'fleet-0abc', [OwnerTag.LaunchTemplateId]: 'lt-0abc' }),
    names: 'launched by EC2 Fleet fleet-0abc from launch template lt-0abc',
    place: 'the launch template',
    after: ', or replacements repeat this',
    label: 'EC2 Fleet fleet-0abc, launch template lt-0abc',
    key: 'launch-template:lt-0abc',
  },
  {
    owner: ownedBy({ [OwnerTag.SpotFleetRequest]: 'sfr-0abc' }),
    names: 'launched by Spot Fleet request sfr-0abc',
    place: 'a new request',
    after: ', or replacements repeat this',
    label: 'Spot Fleet request sfr-0abc',
    key: 'spot-fleet:sfr-0abc',
  },
  {
    owner: ownedBy({ [OwnerTag.StackName]: 'prod-web', [OwnerTag.LogicalId]: 'WebServer' }),
    names: 'in CloudFormation stack prod-web (resource WebServer)',
    place: "the stack's template",
    after: ' and update the stack; by hand it is drift',
    label: 'CloudFormation stack prod-web (WebServer)',
    key: 'cloudformation:prod-web',
  },
  {
    owner: ownedBy({ [OwnerTag.LaunchTemplateId]: 'lt-0abc', [OwnerTag.LaunchTemplateVersion]: '7' }),
    names: 'launched from launch template lt-0abc (version 7)',
    place: 'the launch template',
    after: ' for new launches; here: ec2 associate-iam-instance-profile',
    label: 'launch template lt-0abc v7',
    key: 'launch-template:lt-0abc',
  },
  {
    owner: ownedBy({ [OwnerTag.Ec2Fleet]: 'fleet-0def' }),
    names: 'launched by EC2 Fleet fleet-0def',
    place: 'the launch template',
    after: ', or replacements repeat this',
    label: 'EC2 Fleet fleet-0def',
    key: 'ec2-fleet:fleet-0def',
  },
  {
    owner: ownedBy({ [OwnerTag.SpotFleetRequest]: 'sfr-0abc', [OwnerTag.LaunchTemplateId]: 'lt-0abc' }),
    names: 'launched by Spot Fleet request sfr-0abc from launch template lt-0abc',
    place: 'a new request',
    after: ', or replacements repeat this',
    label: 'Spot Fleet request sfr-0abc, launch template lt-0abc',
    key: 'launch-template:lt-0abc',
  },
  {
    owner: ownedBy({ [OwnerTag.StackName]: 'prod-web' }),
    names: 'in CloudFormation stack prod-web',
    place: "the stack's template",
    after: ' and update the stack; by hand it is drift',
    label: 'CloudFormation stack prod-web',
    key: 'cloudformation:prod-web',
  },
];

/** Every NON_COMPLIANT case: the instance, the parameters, the reason, and the fix at the source. */
const REASONS: readonly {
  name: string;
  view: Partial<InstanceView>;
  parameters: RuleParameters;
  reason: Reason;
  fix: (place: string, after: string) => string;
}[] = [
  {
    name: 'no profile',
    view: { instanceProfileArn: undefined },
    parameters: PARAMETERS,
    reason: Reason.NoProfile,
    fix: (place, after) => `set an instance profile in ${place}${after}`,
  },
  {
    name: 'a profile without an ARN',
    view: { instanceProfileArn: undefined, profileWithoutArn: { id: 'AIPA1' } },
    parameters: PARAMETERS,
    reason: Reason.ProfileWithoutArn,
    fix: (place) => `check the association; the profile is set in ${place}`,
  },
  {
    name: 'a profile not allowed',
    view: {},
    parameters: ALLOW_OTHER,
    reason: Reason.ProfileNotAllowed,
    fix: (place, after) => `set an allowed profile in ${place}${after}`,
  },
  {
    name: 'a profile holding no role',
    view: { profileHoldsRole: false },
    parameters: REQUIRE_ROLE,
    reason: Reason.ProfileWithoutRole,
    fix: (place) => `add a role to it, or set another in ${place}`,
  },
  {
    name: 'a profile whose role could not be checked',
    view: {},
    parameters: REQUIRE_ROLE,
    reason: Reason.ProfileWithoutRole,
    fix: (place) => `check it with iam get-instance-profile; set in ${place}`,
  },
];

const TABLE = OWNERS.flatMap((owned) => REASONS.map((reason) => ({ ...owned, ...reason })));

describe('the owner in a few words, and the source a fix is made at', () => {
  it.each(OWNERS)('$owner.kind: $label', ({ owner, label, key }) => {
    expect(ownerLabel(owner)).toBe(label);
    expect(sourceKey(owner)).toBe(key);
  });

  it('is one source for the instances of one launch template, whatever launched them and from which version', () => {
    // Prepare: a group, a fleet and RunInstances, each from a version of lt-0abc; another group's template
    const launchers: Record<string, string>[] = [
      { [OwnerTag.AutoScalingGroup]: 'web-asg', [OwnerTag.LaunchTemplateVersion]: '3' },
      { [OwnerTag.Ec2Fleet]: 'fleet-0abc', [OwnerTag.LaunchTemplateVersion]: '4' },
      { [OwnerTag.SpotFleetRequest]: 'sfr-0abc' },
      {},
    ];
    const fromTemplate = launchers.map((tags) =>
      ownedBy({ ...tags, [OwnerTag.LaunchTemplateId]: 'lt-0abc' }),
    );
    const other = ownedBy({ [OwnerTag.AutoScalingGroup]: 'web-asg', [OwnerTag.LaunchTemplateId]: 'lt-0def' });

    // Assess
    expect(new Set(fromTemplate.map(sourceKey))).toEqual(new Set(['launch-template:lt-0abc']));
    expect(sourceKey(other)).toBe('launch-template:lt-0def');
  });

  it('keeps apart the same name of different kinds, and node groups of different clusters', () => {
    // Prepare
    const tagSets: Record<string, string>[] = [
      { [OwnerTag.AutoScalingGroup]: 'shared' },
      { [OwnerTag.StackName]: 'shared' },
      { [OwnerTag.ElasticBeanstalkEnvironment]: 'shared' },
      { [OwnerTag.KarpenterNodePool]: 'shared' },
      { [OwnerTag.Ec2Fleet]: 'shared' },
      { [OwnerTag.SpotFleetRequest]: 'shared' },
      { [OwnerTag.EksCluster]: 'prod', [OwnerTag.EksNodeGroup]: 'shared' },
      { [OwnerTag.EksCluster]: 'test', [OwnerTag.EksNodeGroup]: 'shared' },
    ];
    const owners = tagSets.map(ownedBy);

    // Assess
    expect(new Set(owners.map(sourceKey)).size).toBe(owners.length);
  });

  it('words the fix as plain text as the annotation words it, long names whole', () => {
    // Prepare: a stack name long enough that the annotation shortens it
    const stack = 'prod-web-'.repeat(12);
    const owner = ownedBy({ [OwnerTag.AutoScalingGroup]: 'web-asg', [OwnerTag.StackName]: stack });

    // Assess
    expect(fixAtSourceText(owner, Reason.NoProfile)).toBe(
      `set an instance profile in a new launch configuration in stack ${stack}, or replacements repeat this`,
    );
    expect(fixAtSourceText(owner, Reason.ProfileWithoutRole, false)).toBe(
      `add a role to it, or set another in a new launch configuration in stack ${stack}`,
    );
  });
});

describe('the annotation of an owned NON_COMPLIANT instance', () => {
  it('says what the issue example says, reason first', () => {
    // Act
    const decision = decide(
      appInstance({ instanceProfileArn: undefined, owner: OWNERS[3]?.owner }),
      PARAMETERS,
      {
        eventLeftScope: false,
      },
    );

    // Assess
    expect(decision.annotation).toBe(
      'No IAM instance profile; launched by Auto Scaling group web-asg from launch template lt-0abc (version 3): ' +
        'set an instance profile in the launch template, or replacements repeat this (app-tier tag tier=app)',
    );
  });

  it.each(TABLE)('$owner.kind, $name: the reason, the owner and the fix at the source', (row) => {
    // Prepare
    const unowned = decide(appInstance(row.view), row.parameters, { eventLeftScope: false });

    // Act
    const owned = decide(appInstance({ ...row.view, owner: row.owner }), row.parameters, {
      eventLeftScope: false,
    });

    // Assess: the same result; the reason as the unowned annotation words it, then who owns it and the fix
    const reasonText = unowned.annotation.slice(0, unowned.annotation.indexOf(': '));
    expect(owned).toMatchObject({ compliance: ComplianceType.NonCompliant, reason: row.reason });
    expect(unowned.reason).toBe(row.reason);
    expect(owned.annotation).toBe(
      `${reasonText}; ${row.names}: ${row.fix(row.place, row.after)} (app-tier tag tier=app)`,
    );
    expect(owned.annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
  });

  it('covers every kind of owner', () => {
    expect(new Set(OWNERS.map((row) => row.owner.kind))).toEqual(new Set(Object.values(OwnerKind)));
  });

  it("keeps today's advice for an instance without an owner", () => {
    // Act
    const decision = decide(appInstance({ instanceProfileArn: undefined }), PARAMETERS, {
      eventLeftScope: false,
    });

    // Assess
    expect(decision.annotation).toBe(
      'No IAM instance profile: attach one with ec2 associate-iam-instance-profile (app-tier tag tier=app)',
    );
  });

  it('does not change the advice of a COMPLIANT owned instance', () => {
    // Act
    const decision = decide(appInstance({ owner: OWNERS[3]?.owner }), PARAMETERS, { eventLeftScope: false });

    // Assess
    expect(decision).toEqual({
      compliance: ComplianceType.Compliant,
      reason: Reason.UsesRole,
      annotation: 'Has instance profile app attached (app-tier tag tier=app)',
    });
    expect(APP_PROFILE.endsWith('/app')).toBe(true);
  });

  it('keeps the reason and the fix whole when the names are as long as AWS allows', () => {
    // Prepare: a real group name of 130 characters and a stack name as long
    const group = `status-page-web-graphql--stg-west2--314741c3cad246cebf35d178c10d086750--2019-12-11-00-56-utc--ohdjsjstilmha6fg--WebServer`;
    const owner = ownedBy({
      [OwnerTag.AutoScalingGroup]: group,
      [OwnerTag.StackName]: group.slice(0, 110),
      [OwnerTag.LaunchTemplateId]: 'lt-0123456789abcdef0',
      [OwnerTag.LaunchTemplateVersion]: '12',
    });

    // Act
    const { annotation } = decide(appInstance({ instanceProfileArn: undefined, owner }), PARAMETERS, {
      eventLeftScope: false,
    });

    // Assess
    expect(annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
    expect(annotation.startsWith('No IAM instance profile; launched by Auto Scaling group status-page')).toBe(
      true,
    );
    expect(annotation).toContain('from launch template lt-0123456789abcdef0 (version 12): ');
    expect(annotation).toMatch(
      /: set an instance profile in the launch template in stack status-page-.*….*, or replacements repeat this$/,
    );
    expect(annotation.endsWith('or replacements repeat this')).toBe(true);
  });
});
