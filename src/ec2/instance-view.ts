import type { Instance } from '@aws-sdk/client-ec2';
import { EC2_INSTANCE } from '../rule/compliance.js';
import { type InstanceView, ownerOf, profileWithoutArn, text } from '../rule/instance-view.js';

/** Builds the view the decision reads from a live instance, as DescribeInstances returns it. */
export const viewFromEc2Instance = (instance: Instance): InstanceView => {
  const tags = new Map<string, string>();
  for (const tag of instance.Tags ?? []) {
    if (tag.Key !== undefined) tags.set(tag.Key, tag.Value ?? '');
  }
  const profile = instance.IamInstanceProfile;
  const arn = text(profile?.Arn);
  return {
    resourceType: EC2_INSTANCE,
    resourceId: instance.InstanceId ?? '',
    hasConfiguration: true,
    state: instance.State?.Name,
    tags,
    ...ownerOf(tags),
    instanceProfileArn: arn,
    ...profileWithoutArn(profile != null, arn, profile?.Id),
  };
};
