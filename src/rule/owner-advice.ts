import { type Elastic, name } from './annotation.js';
import { Reason } from './compliance.js';
import { type Owner, OwnerKind } from './owner.js';

/** The NON_COMPLIANT reasons: each has its own fix at the source. */
export type NonCompliantReason =
  | typeof Reason.NoProfile
  | typeof Reason.ProfileWithoutArn
  | typeof Reason.ProfileNotAllowed
  | typeof Reason.ProfileNotVerifiable
  | typeof Reason.ProfileWithoutRole;

const launchTemplateOf = (owner: Owner): (string | Elastic)[] => {
  const template = owner.launchTemplate;
  if (template === undefined) return [];
  return [
    ' from launch template ',
    // An id is what finds the template: the last part to give way.
    { ...name(template.id), order: 3 },
    ...(template.version === undefined ? [] : [' (version ', name(template.version), ')']),
  ];
};

/**
 * Who owns the instance, as annotation parts (names shorten first when the annotation is too long):
 * `launched by Auto Scaling group web-asg from launch template lt-0abc (version 3)`.
 */
export const describeOwner = (owner: Owner): (string | Elastic)[] => {
  switch (owner.kind) {
    case OwnerKind.EksNodeGroup: {
      const group = owner.eksNodeGroup as NonNullable<Owner['eksNodeGroup']>;
      return ['in EKS managed node group ', name(group.name), ' of cluster ', name(group.cluster)];
    }
    case OwnerKind.ElasticBeanstalk:
      return ['in Elastic Beanstalk environment ', name(owner.elasticBeanstalkEnvironment ?? '')];
    case OwnerKind.Karpenter:
      return ['launched by Karpenter NodePool ', name(owner.karpenterNodePool ?? '')];
    case OwnerKind.AutoScalingGroup:
      return [
        'launched by Auto Scaling group ',
        name(owner.autoScalingGroup ?? ''),
        ...launchTemplateOf(owner),
      ];
    case OwnerKind.Ec2Fleet:
      return ['launched by EC2 Fleet ', name(owner.ec2Fleet ?? ''), ...launchTemplateOf(owner)];
    case OwnerKind.SpotFleet:
      return [
        'launched by Spot Fleet request ',
        name(owner.spotFleetRequest ?? ''),
        ...launchTemplateOf(owner),
      ];
    case OwnerKind.CloudFormationStack: {
      const stack = owner.stack as NonNullable<Owner['stack']>;
      return [
        'in CloudFormation stack ',
        name(stack.name),
        ...(stack.logicalId === undefined ? [] : [' (resource ', name(stack.logicalId), ')']),
      ];
    }
    case OwnerKind.LaunchTemplate:
      return ['launched', ...launchTemplateOf(owner)];
  }
};

/** Where the owner sets its instances' profile. */
const placeOf = (owner: Owner): (string | Elastic)[] => {
  const inStack = owner.stack === undefined ? [] : [' in stack ', name(owner.stack.name)];
  switch (owner.kind) {
    case OwnerKind.EksNodeGroup:
      return ['the node group (its node role)'];
    case OwnerKind.ElasticBeanstalk:
      return ["the environment's IamInstanceProfile option"];
    case OwnerKind.Karpenter:
      return ['its EC2NodeClass (role or instanceProfile)'];
    case OwnerKind.AutoScalingGroup:
      return [
        owner.launchTemplate === undefined ? 'a new launch configuration' : 'the launch template',
        ...inStack,
      ];
    case OwnerKind.Ec2Fleet:
    case OwnerKind.LaunchTemplate:
      return ['the launch template'];
    case OwnerKind.SpotFleet:
      return ['a new request'];
    case OwnerKind.CloudFormationStack:
      return ["the stack's template"];
  }
};

/** What follows a change at the source: what a profile attached to this instance alone would come to. */
const consequenceOf = (owner: Owner): string => {
  switch (owner.kind) {
    case OwnerKind.CloudFormationStack:
      return ' and update the stack; by hand it is drift';
    case OwnerKind.LaunchTemplate:
      return ' for new launches; here: ec2 associate-iam-instance-profile';
    default:
      return ', or replacements repeat this';
  }
};

/**
 * The fix at the source of an owned instance, for a NON_COMPLIANT reason, as annotation parts: `set an
 * instance profile in the launch template, or replacements repeat this`. `profileHoldsRole` tells the two
 * cases of ProfileWithoutRole apart (false: no role; undefined: not checked).
 */
export const fixAtSource = (
  owner: Owner,
  reason: NonCompliantReason,
  profileHoldsRole?: boolean,
): (string | Elastic)[] => {
  const place = placeOf(owner);
  switch (reason) {
    case Reason.NoProfile:
      return ['set an instance profile in ', ...place, consequenceOf(owner)];
    case Reason.ProfileNotAllowed:
      return ['set an allowed profile in ', ...place, consequenceOf(owner)];
    case Reason.ProfileNotVerifiable:
      return ['name an allowed profile ARN in ', ...place];
    case Reason.ProfileWithoutRole:
      return profileHoldsRole === false
        ? ['add a role to it, or set another in ', ...place]
        : ['check it with iam get-instance-profile; set in ', ...place];
    case Reason.ProfileWithoutArn:
      return ['check the association; the profile is set in ', ...place];
  }
};

/** `fixAtSource` as plain text, for the command line. */
export const fixAtSourceText = (
  owner: Owner,
  reason: NonCompliantReason,
  profileHoldsRole?: boolean,
): string =>
  fixAtSource(owner, reason, profileHoldsRole)
    .map((part) => (typeof part === 'string' ? part : part.text))
    .join('');

const templateLabel = (template: NonNullable<Owner['launchTemplate']>): string =>
  `launch template ${template.id}${template.version === undefined ? '' : ` v${template.version}`}`;

/** The owner in a few words, for a table's column: `Auto Scaling group web-asg, launch template lt-0abc v3`. */
export const ownerLabel = (owner: Owner): string => {
  const withTemplate = (label: string) =>
    owner.launchTemplate === undefined ? label : `${label}, ${templateLabel(owner.launchTemplate)}`;
  switch (owner.kind) {
    case OwnerKind.EksNodeGroup:
      return `EKS node group ${owner.eksNodeGroup?.name} (cluster ${owner.eksNodeGroup?.cluster})`;
    case OwnerKind.ElasticBeanstalk:
      return `Elastic Beanstalk environment ${owner.elasticBeanstalkEnvironment}`;
    case OwnerKind.Karpenter:
      return `Karpenter NodePool ${owner.karpenterNodePool}`;
    case OwnerKind.AutoScalingGroup:
      return withTemplate(
        `Auto Scaling group ${owner.autoScalingGroup}${owner.stack === undefined ? '' : ` (stack ${owner.stack.name})`}`,
      );
    case OwnerKind.Ec2Fleet:
      return withTemplate(`EC2 Fleet ${owner.ec2Fleet}`);
    case OwnerKind.SpotFleet:
      return withTemplate(`Spot Fleet request ${owner.spotFleetRequest}`);
    case OwnerKind.CloudFormationStack:
      return `CloudFormation stack ${owner.stack?.name}${owner.stack?.logicalId === undefined ? '' : ` (${owner.stack.logicalId})`}`;
    case OwnerKind.LaunchTemplate:
      return templateLabel(owner.launchTemplate as NonNullable<Owner['launchTemplate']>);
  }
};

/**
 * The source a fix is made at, as a key: instances with the same key are fixed by one change. Instances
 * launched from one launch template share it whatever launched them from it (groups, fleets, by hand) and
 * whichever version they came from: the fix is a new version of that template.
 */
export const sourceKey = (owner: Owner): string => {
  const template = owner.launchTemplate;
  switch (owner.kind) {
    case OwnerKind.EksNodeGroup:
      return `eks:${owner.eksNodeGroup?.cluster}/${owner.eksNodeGroup?.name}`;
    case OwnerKind.ElasticBeanstalk:
      return `elasticbeanstalk:${owner.elasticBeanstalkEnvironment}`;
    case OwnerKind.Karpenter:
      return `karpenter:${owner.karpenterNodePool}`;
    case OwnerKind.CloudFormationStack:
      return `cloudformation:${owner.stack?.name}`;
    default:
      if (template !== undefined) return `launch-template:${template.id}`;
      return owner.kind === OwnerKind.AutoScalingGroup
        ? `autoscaling:${owner.autoScalingGroup}`
        : `${owner.kind}:${owner.ec2Fleet ?? owner.spotFleetRequest}`;
  }
};
