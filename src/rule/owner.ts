/**
 * Who launched an instance and keeps it running, read from the tags AWS and the managing services put on
 * it. A profile attached to such an instance by hand lasts until its owner replaces the instance (or, for
 * a CloudFormation stack, until the next update undoes the drift): the fix belongs at the owner.
 */
export interface Owner {
  /** Where the fix goes: the outermost manager among the tags (see OWNER_KINDS). */
  readonly kind: OwnerKind;
  readonly autoScalingGroup?: string;
  readonly launchTemplate?: { readonly id: string; readonly version?: string };
  readonly stack?: { readonly name: string; readonly logicalId?: string };
  readonly eksNodeGroup?: { readonly cluster: string; readonly name: string };
  readonly elasticBeanstalkEnvironment?: string;
  readonly ec2Fleet?: string;
  readonly spotFleetRequest?: string;
  readonly karpenterNodePool?: string;
}

/** The kinds of owner, each named after where its instances' profile is set. */
export const OwnerKind = {
  EksNodeGroup: 'eks-nodegroup',
  ElasticBeanstalk: 'elastic-beanstalk',
  Karpenter: 'karpenter',
  AutoScalingGroup: 'auto-scaling-group',
  Ec2Fleet: 'ec2-fleet',
  SpotFleet: 'spot-fleet',
  CloudFormationStack: 'cloudformation-stack',
  LaunchTemplate: 'launch-template',
} as const;
export type OwnerKind = (typeof OwnerKind)[keyof typeof OwnerKind];

/** The tags that say who owns an instance, as AWS and the services write them. */
export const OwnerTag = {
  AutoScalingGroup: 'aws:autoscaling:groupName',
  LaunchTemplateId: 'aws:ec2launchtemplate:id',
  LaunchTemplateVersion: 'aws:ec2launchtemplate:version',
  StackName: 'aws:cloudformation:stack-name',
  LogicalId: 'aws:cloudformation:logical-id',
  EksCluster: 'eks:cluster-name',
  EksNodeGroup: 'eks:nodegroup-name',
  ElasticBeanstalkEnvironment: 'elasticbeanstalk:environment-name',
  Ec2Fleet: 'aws:ec2:fleet-id',
  SpotFleetRequest: 'aws:ec2spot:fleet-request-id',
  KarpenterNodePool: 'karpenter.sh/nodepool',
} as const;

type Facts = Omit<Owner, 'kind'>;

/**
 * The kinds in the order that decides where the fix goes: a service that manages the group or stack it
 * runs on comes before them. An Elastic Beanstalk instance also carries its environment's stack and Auto
 * Scaling group, but editing Beanstalk's own stack is undone by Beanstalk; an EKS node group's launch
 * template is EKS's. A launch template alone (RunInstances from a template) comes last.
 */
const OWNER_KINDS: readonly [OwnerKind, (facts: Facts) => boolean][] = [
  [OwnerKind.EksNodeGroup, (facts) => facts.eksNodeGroup !== undefined],
  [OwnerKind.ElasticBeanstalk, (facts) => facts.elasticBeanstalkEnvironment !== undefined],
  [OwnerKind.Karpenter, (facts) => facts.karpenterNodePool !== undefined],
  [OwnerKind.AutoScalingGroup, (facts) => facts.autoScalingGroup !== undefined],
  [OwnerKind.Ec2Fleet, (facts) => facts.ec2Fleet !== undefined],
  [OwnerKind.SpotFleet, (facts) => facts.spotFleetRequest !== undefined],
  [OwnerKind.CloudFormationStack, (facts) => facts.stack !== undefined],
  [OwnerKind.LaunchTemplate, (facts) => facts.launchTemplate !== undefined],
];

/** The owner an instance's tags name, if any. Pure: no AWS call, the tags say it all. */
export const ownerFromTags = (tags: ReadonlyMap<string, string>): Owner | undefined => {
  const get = (key: string) => {
    const value = tags.get(key)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const launchTemplateId = get(OwnerTag.LaunchTemplateId);
  const launchTemplateVersion = get(OwnerTag.LaunchTemplateVersion);
  const stackName = get(OwnerTag.StackName);
  const logicalId = get(OwnerTag.LogicalId);
  const eksCluster = get(OwnerTag.EksCluster);
  const eksNodeGroup = get(OwnerTag.EksNodeGroup);
  const facts: { -readonly [K in keyof Facts]: Facts[K] } = {
    autoScalingGroup: get(OwnerTag.AutoScalingGroup),
    launchTemplate:
      launchTemplateId === undefined
        ? undefined
        : {
            id: launchTemplateId,
            ...(launchTemplateVersion === undefined ? {} : { version: launchTemplateVersion }),
          },
    stack:
      stackName === undefined
        ? undefined
        : { name: stackName, ...(logicalId === undefined ? {} : { logicalId }) },
    eksNodeGroup:
      eksCluster === undefined || eksNodeGroup === undefined
        ? undefined
        : { cluster: eksCluster, name: eksNodeGroup },
    elasticBeanstalkEnvironment: get(OwnerTag.ElasticBeanstalkEnvironment),
    ec2Fleet: get(OwnerTag.Ec2Fleet),
    spotFleetRequest: get(OwnerTag.SpotFleetRequest),
    karpenterNodePool: get(OwnerTag.KarpenterNodePool),
  };
  // Absent, not undefined: views are compared and printed as plain objects.
  for (const key of Object.keys(facts) as (keyof Facts)[]) if (facts[key] === undefined) delete facts[key];
  const kind = OWNER_KINDS.find(([, applies]) => applies(facts))?.[0];
  return kind === undefined ? undefined : { kind, ...facts };
};
