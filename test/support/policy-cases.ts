// The shared table of cases: one decision, three paths. Each row is run through the Lambda (a configuration
// item, through the real handler), `scan` (a template resource and a Terraform plan resource) and Guard (the
// generated rules under the real cfn-guard, on the item and on the template). A path that cannot express a
// row says why in `cannot`; test/unit/scan/policy-cases.test.ts checks every other path runs it.
import { ComplianceType, Reason } from '../../src/rule/compliance.js';
import { invokingOf } from './events.js';

/** The paths a case runs through. */
export const PolicyPath = {
  Lambda: 'lambda',
  ScanTemplate: 'scan-template',
  ScanPlan: 'scan-plan',
  GuardConfig: 'guard-config',
  GuardTemplate: 'guard-template',
} as const;
export type PolicyPath = (typeof PolicyPath)[keyof typeof PolicyPath];

type Json = Record<string, unknown>;

export interface PolicyCase {
  readonly name: string;
  /** The rule's InputParameters. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly expected: { readonly compliance: ComplianceType; readonly reason: Reason };
  /** The configuration item (Lambda and Guard on Config), and whether the event left scope. */
  readonly item?: Json;
  readonly eventLeftScope?: boolean;
  /** What IAM answers for the profile's roles (requireRoleInProfile). */
  readonly profileRoles?: readonly string[];
  /** A template whose resource `Subject` is decided. */
  readonly template?: Json;
  /** A Terraform plan (terraform show -json) whose resource `subject` address is decided. */
  readonly plan?: { readonly subject: string; readonly plan: Json };
  /** Paths that cannot express the case, and why. */
  readonly cannot?: Partial<Record<PolicyPath, string>>;
}

export const BASIC = { appTierTagKey: 'tier', appTierTagValue: 'app' } as const;
export const ARN_A = 'arn:aws:iam::123456789012:instance-profile/app-a';
export const ARN_B = 'arn:aws:iam::123456789012:instance-profile/app-b';
const ALLOW_A = { ...BASIC, allowedInstanceProfileArns: ARN_A };
const REQUIRE_ROLE = { ...BASIC, requireRoleInProfile: 'true' };

/** A real configuration item (events/compliant.json) with the given changes. */
export const itemWith = (change: {
  tags?: Record<string, string>;
  profile?: Json | null;
  state?: string;
  status?: string;
  resourceType?: string;
  configuration?: null;
}): Json => {
  const item = structuredClone(invokingOf('compliant').configurationItem) as Json;
  const configuration = item.configuration as Json;
  if (change.tags !== undefined) {
    item.tags = change.tags;
    configuration.tags = Object.entries(change.tags).map(([key, value]) => ({ key, value }));
  }
  if (change.profile !== undefined) configuration.iamInstanceProfile = change.profile;
  if (change.state !== undefined) configuration.state = { code: 48, name: change.state };
  if (change.status !== undefined) item.configurationItemStatus = change.status;
  if (change.resourceType !== undefined) item.resourceType = change.resourceType;
  if (change.configuration === null) item.configuration = null;
  return item;
};

const profileArn = (arn: string | null) => ({ arn, id: 'AIPAS5S4WFUBL72S3QXW5' });

/** A template with one resource `Subject` (and whatever else it needs). */
const template = (subject: Json, more: Json = {}, parameters: Json = {}): Json => ({
  AWSTemplateFormatVersion: '2010-09-09',
  ...(Object.keys(parameters).length === 0 ? {} : { Parameters: parameters }),
  Resources: { ...more, Subject: subject },
});
const instance = (properties: Json): Json => ({
  Type: 'AWS::EC2::Instance',
  Properties: { ImageId: 'ami-0abcd1234abcd1234', ...properties },
});
const tags = (entries: Record<string, unknown>) =>
  Object.entries(entries).map(([Key, Value]) => ({ Key, Value }));
const PROFILE_RESOURCES = {
  Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
  Profile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [{ Ref: 'Role' }] } },
};
const EMPTY_PROFILE = { Profile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [] } } };

/** A plan (terraform show -json) of the given resource changes, with their configuration expressions. */
const plan = (
  subject: string,
  changes: {
    address: string;
    type: string;
    after: Json;
    unknown?: Json;
    actions?: string[];
    expressions?: Json;
  }[],
) => ({
  subject,
  plan: {
    format_version: '1.2',
    terraform_version: '1.9.0',
    resource_changes: changes.map((change) => ({
      address: change.address,
      mode: 'managed',
      type: change.type,
      name: change.address.split('.')[1],
      change: {
        actions: change.actions ?? ['create'],
        before: null,
        after: change.actions?.[0] === 'delete' ? null : change.after,
        after_unknown: change.unknown ?? {},
      },
    })),
    configuration: {
      root_module: {
        resources: changes.map((change) => ({
          address: change.address,
          mode: 'managed',
          type: change.type,
          name: change.address.split('.')[1],
          expressions: change.expressions ?? {},
        })),
      },
    },
  },
});
const awsInstance = (after: Json, unknown: Json = {}, expressions: Json = {}) => ({
  address: 'aws_instance.subject',
  type: 'aws_instance',
  after: { ami: 'ami-0abcd1234abcd1234', tags: null, tags_all: null, iam_instance_profile: null, ...after },
  unknown,
  expressions,
});

const NO_ITEM_FOR_FILES = 'a configuration item records a launched instance, not a template value';
const NO_FILE_FOR_ITEMS = 'a file declares what will be launched: it has no such item state';
const GUARD_NO_IAM = 'requireRoleInProfile needs IAM (iam:GetInstanceProfile), which Guard cannot call';
const GUARD_NO_REFERENCES = 'Guard checks each resource alone and cannot follow a reference to another';
const GUARD_NO_VALUES = 'Guard sees the intrinsic function, not the value it resolves to';
const CONFIG_ITEMS_ARE_INSTANCES = 'the rule records AWS::EC2::Instance configuration items only';
const PLAN_HAS_NO_INTRINSICS = 'a plan holds values, not template intrinsics';

/** Each decision step, each resource kind and each unknown. */
export const POLICY_CASES: readonly PolicyCase[] = [
  {
    name: 'another resource type',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NotApplicable, reason: Reason.WrongResourceType },
    item: itemWith({ resourceType: 'AWS::EC2::Volume' }),
    template: template({ Type: 'AWS::EC2::Volume', Properties: { Size: 1, Tags: tags({ tier: 'app' }) } }),
    plan: plan('aws_ebs_volume.subject', [
      {
        address: 'aws_ebs_volume.subject',
        type: 'aws_ebs_volume',
        after: { size: 1, tags: { tier: 'app' } },
      },
    ]),
  },
  {
    name: 'the event left scope',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NotApplicable, reason: Reason.LeftScope },
    item: itemWith({ tags: { tier: 'app' }, profile: null }),
    eventLeftScope: true,
    cannot: {
      'scan-template': NO_FILE_FOR_ITEMS,
      'scan-plan': NO_FILE_FOR_ITEMS,
      'guard-template': NO_FILE_FOR_ITEMS,
      'guard-config': "eventLeftScope is in the event, not the item: Config applies the rule's scope itself",
    },
  },
  {
    name: 'a deleted instance',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NotApplicable, reason: Reason.Deleted },
    item: itemWith({ tags: { tier: 'app' }, profile: null, status: 'ResourceDeleted' }),
    plan: plan('aws_instance.subject', [{ ...awsInstance({ tags: { tier: 'app' } }), actions: ['delete'] }]),
    cannot: {
      'scan-template': 'a template declares what will exist; a removed resource is not in it',
      'guard-template': 'a template declares what will exist; a removed resource is not in it',
    },
  },
  {
    name: 'an instance Config does not record',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NotApplicable, reason: Reason.NotRecorded },
    item: itemWith({ tags: { tier: 'app' }, profile: null, status: 'ResourceNotRecorded' }),
    cannot: {
      'scan-template': NO_FILE_FOR_ITEMS,
      'scan-plan': NO_FILE_FOR_ITEMS,
      'guard-template': NO_FILE_FOR_ITEMS,
    },
  },
  {
    name: 'an item without configuration',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NotApplicable, reason: Reason.NoConfiguration },
    item: itemWith({ tags: { tier: 'app' }, configuration: null }),
    cannot: {
      'scan-template': NO_FILE_FOR_ITEMS,
      'scan-plan': NO_FILE_FOR_ITEMS,
      'guard-template': NO_FILE_FOR_ITEMS,
    },
  },
  {
    name: 'a terminated instance',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NotApplicable, reason: Reason.Terminated },
    item: itemWith({ tags: { tier: 'app' }, profile: null, state: 'terminated' }),
    cannot: {
      'scan-template': NO_FILE_FOR_ITEMS,
      'scan-plan': NO_FILE_FOR_ITEMS,
      'guard-template': NO_FILE_FOR_ITEMS,
    },
  },
  {
    name: 'another tier',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NotApplicable, reason: Reason.NotAppTier },
    item: itemWith({ tags: { tier: 'web' }, profile: null }),
    template: template(instance({ Tags: tags({ tier: 'web' }) })),
    plan: plan('aws_instance.subject', [awsInstance({ tags: { tier: 'web' } })]),
  },
  {
    name: 'no tags at all',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NotApplicable, reason: Reason.NotAppTier },
    item: itemWith({ tags: {}, profile: null }),
    template: template(instance({})),
    plan: plan('aws_instance.subject', [awsInstance({})]),
  },
  {
    name: 'the tag key in another case',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NotApplicable, reason: Reason.TagKeyCase },
    item: itemWith({ tags: { Tier: 'app' }, profile: null }),
    template: template(instance({ Tags: tags({ Tier: 'app' }) })),
    plan: plan('aws_instance.subject', [awsInstance({ tags: { Tier: 'app' } })]),
  },
  {
    name: 'any value of the key (*)',
    parameters: { appTierTagKey: 'tier', appTierTagValue: '*' },
    expected: { compliance: ComplianceType.NonCompliant, reason: Reason.NoProfile },
    item: itemWith({ tags: { tier: 'whatever' }, profile: null }),
    template: template(instance({ Tags: tags({ tier: 'whatever' }) })),
    plan: plan('aws_instance.subject', [awsInstance({ tags: { tier: 'whatever' } })]),
  },
  {
    name: 'an app-tier instance without a profile',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NonCompliant, reason: Reason.NoProfile },
    item: itemWith({ tags: { tier: 'app' }, profile: null }),
    template: template(instance({ Tags: tags({ tier: 'app' }) })),
    plan: plan('aws_instance.subject', [awsInstance({ tags: { tier: 'app' } })]),
  },
  {
    name: 'an empty profile, or AWS::NoValue',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NonCompliant, reason: Reason.NoProfile },
    item: itemWith({ tags: { tier: 'app' }, profile: null }),
    template: template(
      instance({ Tags: tags({ tier: 'app' }), IamInstanceProfile: { Ref: 'AWS::NoValue' } }),
    ),
    plan: plan('aws_instance.subject', [awsInstance({ tags: { tier: 'app' }, iam_instance_profile: '' })]),
  },
  {
    name: 'a profile association without an ARN',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NonCompliant, reason: Reason.ProfileWithoutArn },
    item: itemWith({ tags: { tier: 'app' }, profile: profileArn(null) }),
    cannot: {
      'scan-template': 'a template names a profile or none; only a recorded association can lack its ARN',
      'scan-plan': 'a plan names a profile or none; only a recorded association can lack its ARN',
      'guard-template': 'a template names a profile or none; only a recorded association can lack its ARN',
    },
  },
  {
    name: 'an app-tier instance with a profile (a profile of the same template, a name in the plan)',
    parameters: BASIC,
    expected: { compliance: ComplianceType.Compliant, reason: Reason.UsesRole },
    item: itemWith({ tags: { tier: 'app' }, profile: profileArn(ARN_A) }),
    template: template(
      instance({ Tags: tags({ tier: 'app' }), IamInstanceProfile: { Ref: 'Profile' } }),
      PROFILE_RESOURCES,
    ),
    plan: plan('aws_instance.subject', [
      awsInstance({ tags: { tier: 'app' }, iam_instance_profile: 'app-a' }),
    ]),
  },
  {
    name: 'an allowed profile',
    parameters: ALLOW_A,
    expected: { compliance: ComplianceType.Compliant, reason: Reason.UsesRole },
    item: itemWith({ tags: { tier: 'app' }, profile: profileArn(ARN_A) }),
    template: template(instance({ Tags: tags({ tier: 'app' }), IamInstanceProfile: ARN_A })),
    plan: plan('aws_launch_template.subject', [
      {
        address: 'aws_launch_template.subject',
        type: 'aws_launch_template',
        after: {
          iam_instance_profile: [{ arn: ARN_A, name: null }],
          tag_specifications: [{ resource_type: 'instance', tags: { tier: 'app' } }],
        },
      },
    ]),
  },
  {
    name: 'a profile outside the allowed list',
    parameters: ALLOW_A,
    expected: { compliance: ComplianceType.NonCompliant, reason: Reason.ProfileNotAllowed },
    item: itemWith({ tags: { tier: 'app' }, profile: profileArn(ARN_B) }),
    template: template(instance({ Tags: tags({ tier: 'app' }), IamInstanceProfile: ARN_B })),
    plan: plan('aws_launch_template.subject', [
      {
        address: 'aws_launch_template.subject',
        type: 'aws_launch_template',
        after: {
          iam_instance_profile: [{ arn: ARN_B, name: null }],
          tag_specifications: [{ resource_type: 'instance', tags: { tier: 'app' } }],
        },
      },
    ]),
  },
  {
    name: 'requireRoleInProfile: a profile without a role',
    parameters: REQUIRE_ROLE,
    expected: { compliance: ComplianceType.NonCompliant, reason: Reason.ProfileWithoutRole },
    item: itemWith({ tags: { tier: 'app' }, profile: profileArn(ARN_A) }),
    profileRoles: [],
    template: template(
      instance({ Tags: tags({ tier: 'app' }), IamInstanceProfile: { Ref: 'Profile' } }),
      EMPTY_PROFILE,
    ),
    plan: plan('aws_instance.subject', [
      awsInstance(
        { tags: { tier: 'app' } },
        { iam_instance_profile: true },
        {
          iam_instance_profile: {
            references: ['aws_iam_instance_profile.app.name', 'aws_iam_instance_profile.app'],
          },
        },
      ),
      { address: 'aws_iam_instance_profile.app', type: 'aws_iam_instance_profile', after: { role: null } },
    ]),
    cannot: { 'guard-config': GUARD_NO_IAM, 'guard-template': GUARD_NO_IAM },
  },
  {
    name: 'requireRoleInProfile: a profile with a role',
    parameters: REQUIRE_ROLE,
    expected: { compliance: ComplianceType.Compliant, reason: Reason.UsesRole },
    item: itemWith({ tags: { tier: 'app' }, profile: profileArn(ARN_A) }),
    profileRoles: ['app-role'],
    template: template(
      instance({ Tags: tags({ tier: 'app' }), IamInstanceProfile: { 'Fn::GetAtt': ['Profile', 'Arn'] } }),
      PROFILE_RESOURCES,
    ),
    plan: plan('aws_instance.subject', [
      awsInstance(
        { tags: { tier: 'app' } },
        { iam_instance_profile: true },
        {
          iam_instance_profile: {
            references: ['aws_iam_instance_profile.app.name', 'aws_iam_instance_profile.app'],
          },
        },
      ),
      {
        address: 'aws_iam_instance_profile.app',
        type: 'aws_iam_instance_profile',
        after: { role: 'app-role' },
      },
    ]),
    cannot: { 'guard-config': GUARD_NO_IAM, 'guard-template': GUARD_NO_IAM },
  },
  {
    name: 'unknown: a profile known only at deploy (parameter without default, known after apply)',
    parameters: BASIC,
    expected: { compliance: ComplianceType.Compliant, reason: Reason.UsesRole },
    template: template(
      instance({ Tags: tags({ tier: 'app' }), IamInstanceProfile: { Ref: 'ProfileName' } }),
      {},
      { ProfileName: { Type: 'String' } },
    ),
    plan: plan('aws_instance.subject', [
      awsInstance({ tags: { tier: 'app' } }, { iam_instance_profile: true }),
    ]),
    cannot: { lambda: NO_ITEM_FOR_FILES, 'guard-config': NO_ITEM_FOR_FILES },
  },
  {
    name: 'unknown: a profile known only at deploy, against an allowed list',
    parameters: ALLOW_A,
    expected: { compliance: ComplianceType.NonCompliant, reason: Reason.ProfileNotVerifiable },
    template: template(
      instance({ Tags: tags({ tier: 'app' }), IamInstanceProfile: { Ref: 'ProfileName' } }),
      {},
      { ProfileName: { Type: 'String' } },
    ),
    plan: plan('aws_instance.subject', [
      awsInstance({ tags: { tier: 'app' } }, { iam_instance_profile: true }),
    ]),
    cannot: { lambda: NO_ITEM_FOR_FILES, 'guard-config': NO_ITEM_FOR_FILES },
  },
  {
    name: 'unknown: a tag value known only at deploy counts as app tier',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NonCompliant, reason: Reason.NoProfile },
    template: template(instance({ Tags: tags({ tier: { Ref: 'Tier' } }) }), {}, { Tier: { Type: 'String' } }),
    plan: plan('aws_instance.subject', [awsInstance({ tags: {} }, { tags: { tier: true } })]),
    cannot: { lambda: NO_ITEM_FOR_FILES, 'guard-config': NO_ITEM_FOR_FILES },
  },
  {
    name: 'unknown: a parameter default names an allowed profile',
    parameters: ALLOW_A,
    expected: { compliance: ComplianceType.Compliant, reason: Reason.UsesRole },
    template: template(
      instance({ Tags: tags({ tier: 'app' }), IamInstanceProfile: { Ref: 'ProfileArn' } }),
      {},
      { ProfileArn: { Type: 'String', Default: ARN_A } },
    ),
    cannot: {
      lambda: NO_ITEM_FOR_FILES,
      'guard-config': NO_ITEM_FOR_FILES,
      'scan-plan': PLAN_HAS_NO_INTRINSICS,
      'guard-template': GUARD_NO_VALUES,
    },
  },
  {
    name: 'unknown: a condition that may leave the profile out',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NonCompliant, reason: Reason.NoProfile },
    template: template(
      instance({
        Tags: tags({ tier: 'app' }),
        IamInstanceProfile: { 'Fn::If': ['WithProfile', { Ref: 'Profile' }, { Ref: 'AWS::NoValue' }] },
      }),
      PROFILE_RESOURCES,
    ),
    cannot: {
      lambda: NO_ITEM_FOR_FILES,
      'guard-config': NO_ITEM_FOR_FILES,
      'scan-plan': PLAN_HAS_NO_INTRINSICS,
      'guard-template': GUARD_NO_VALUES,
    },
  },
  {
    name: 'a launch template for app-tier instances without a profile',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NonCompliant, reason: Reason.NoProfile },
    template: template({
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: {
        LaunchTemplateData: {
          ImageId: 'ami-0abcd1234abcd1234',
          TagSpecifications: [{ ResourceType: 'instance', Tags: tags({ tier: 'app' }) }],
        },
      },
    }),
    plan: plan('aws_launch_template.subject', [
      {
        address: 'aws_launch_template.subject',
        type: 'aws_launch_template',
        after: {
          iam_instance_profile: [],
          tag_specifications: [{ resource_type: 'instance', tags: { tier: 'app' } }],
        },
      },
    ]),
    cannot: { lambda: CONFIG_ITEMS_ARE_INSTANCES, 'guard-config': CONFIG_ITEMS_ARE_INSTANCES },
  },
  {
    name: 'a launch template for app-tier instances with a profile name',
    parameters: BASIC,
    expected: { compliance: ComplianceType.Compliant, reason: Reason.UsesRole },
    template: template({
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: {
        LaunchTemplateData: {
          IamInstanceProfile: { Name: 'app-a' },
          TagSpecifications: [{ ResourceType: 'instance', Tags: tags({ tier: 'app' }) }],
        },
      },
    }),
    plan: plan('aws_launch_template.subject', [
      {
        address: 'aws_launch_template.subject',
        type: 'aws_launch_template',
        after: {
          iam_instance_profile: [{ arn: null, name: 'app-a' }],
          tag_specifications: [{ resource_type: 'instance', tags: { tier: 'app' } }],
        },
      },
    ]),
    cannot: { lambda: CONFIG_ITEMS_ARE_INSTANCES, 'guard-config': CONFIG_ITEMS_ARE_INSTANCES },
  },
  {
    name: 'an Auto Scaling group propagating the app tier to a launch template without a profile',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NonCompliant, reason: Reason.NoProfile },
    template: template(
      {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: {
          MinSize: '1',
          MaxSize: '1',
          LaunchTemplate: {
            LaunchTemplateId: { Ref: 'Launch' },
            Version: { 'Fn::GetAtt': ['Launch', 'LatestVersionNumber'] },
          },
          Tags: [{ Key: 'tier', Value: 'app', PropagateAtLaunch: true }],
        },
      },
      {
        Launch: {
          Type: 'AWS::EC2::LaunchTemplate',
          Properties: { LaunchTemplateData: { ImageId: 'ami-0abcd1234abcd1234' } },
        },
      },
    ),
    plan: plan('aws_autoscaling_group.subject', [
      {
        address: 'aws_autoscaling_group.subject',
        type: 'aws_autoscaling_group',
        after: {
          launch_template: [{ id: null, name: null, version: '$Latest' }],
          tag: [{ key: 'tier', value: 'app', propagate_at_launch: true }],
        },
        expressions: {
          launch_template: [
            { id: { references: ['aws_launch_template.launch.id', 'aws_launch_template.launch'] } },
          ],
        },
      },
      {
        address: 'aws_launch_template.launch',
        type: 'aws_launch_template',
        after: { iam_instance_profile: [], tag_specifications: [] },
      },
    ]),
    cannot: {
      lambda: CONFIG_ITEMS_ARE_INSTANCES,
      'guard-config': CONFIG_ITEMS_ARE_INSTANCES,
      'guard-template': GUARD_NO_REFERENCES,
    },
  },
  {
    name: 'an Auto Scaling group that does not propagate the tag',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NotApplicable, reason: Reason.NotAppTier },
    template: template(
      {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: {
          MinSize: '1',
          MaxSize: '1',
          LaunchConfigurationName: { Ref: 'Launch' },
          Tags: [{ Key: 'tier', Value: 'app', PropagateAtLaunch: false }],
        },
      },
      {
        Launch: {
          Type: 'AWS::AutoScaling::LaunchConfiguration',
          Properties: { ImageId: 'ami-0abcd1234abcd1234', InstanceType: 't3.micro' },
        },
      },
    ),
    plan: plan('aws_autoscaling_group.subject', [
      {
        address: 'aws_autoscaling_group.subject',
        type: 'aws_autoscaling_group',
        after: {
          launch_configuration: 'launch',
          tag: [{ key: 'tier', value: 'app', propagate_at_launch: false }],
        },
      },
      {
        address: 'aws_launch_configuration.launch',
        type: 'aws_launch_configuration',
        after: { name: 'launch', iam_instance_profile: null },
      },
    ]),
    cannot: { lambda: CONFIG_ITEMS_ARE_INSTANCES, 'guard-config': CONFIG_ITEMS_ARE_INSTANCES },
  },
  {
    name: 'an Auto Scaling group whose launch configuration has a profile',
    parameters: BASIC,
    expected: { compliance: ComplianceType.Compliant, reason: Reason.UsesRole },
    template: template(
      {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: {
          MinSize: '1',
          MaxSize: '1',
          LaunchConfigurationName: { Ref: 'Launch' },
          Tags: [{ Key: 'tier', Value: 'app', PropagateAtLaunch: 'true' }],
        },
      },
      {
        ...PROFILE_RESOURCES,
        Launch: {
          Type: 'AWS::AutoScaling::LaunchConfiguration',
          Properties: {
            ImageId: 'ami-0abcd1234abcd1234',
            InstanceType: 't3.micro',
            IamInstanceProfile: { Ref: 'Profile' },
          },
        },
      },
    ),
    plan: plan('aws_autoscaling_group.subject', [
      {
        address: 'aws_autoscaling_group.subject',
        type: 'aws_autoscaling_group',
        after: {
          launch_configuration: 'launch',
          tag: [{ key: 'tier', value: 'app', propagate_at_launch: true }],
        },
      },
      {
        address: 'aws_launch_configuration.launch',
        type: 'aws_launch_configuration',
        after: { name: 'launch', iam_instance_profile: 'app-a' },
      },
    ]),
    cannot: {
      lambda: CONFIG_ITEMS_ARE_INSTANCES,
      'guard-config': CONFIG_ITEMS_ARE_INSTANCES,
      'guard-template': GUARD_NO_REFERENCES,
    },
  },
  {
    name: 'a launch configuration alone (it carries no tags)',
    parameters: BASIC,
    expected: { compliance: ComplianceType.NotApplicable, reason: Reason.NotAppTier },
    template: template({
      Type: 'AWS::AutoScaling::LaunchConfiguration',
      Properties: { ImageId: 'ami-0abcd1234abcd1234', InstanceType: 't3.micro' },
    }),
    cannot: {
      lambda: CONFIG_ITEMS_ARE_INSTANCES,
      'guard-config': CONFIG_ITEMS_ARE_INSTANCES,
      'scan-plan': 'an aws_launch_configuration is read only through the group that uses it',
    },
  },
];
