import { readFileSync } from 'node:fs';
import type { Instance } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { viewFromEc2Instance } from '../../../src/ec2/instance-view.js';
import { decide } from '../../../src/rule/decide.js';
import { viewFromConfigurationItem } from '../../../src/rule/instance-view.js';
import { type Owner, OwnerKind, OwnerTag, ownerFromTags } from '../../../src/rule/owner.js';
import { instanceView, owner, ruleParameters } from '../../support/arbitraries.js';
import { invokingOf } from '../../support/events.js';

const tags = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('ownerFromTags', () => {
  it.each<[string, Record<string, string>, Owner]>([
    [
      'an Auto Scaling group launching from a launch template',
      {
        [OwnerTag.AutoScalingGroup]: 'web-asg',
        [OwnerTag.LaunchTemplateId]: 'lt-0abc',
        [OwnerTag.LaunchTemplateVersion]: '3',
      },
      {
        kind: OwnerKind.AutoScalingGroup,
        autoScalingGroup: 'web-asg',
        launchTemplate: { id: 'lt-0abc', version: '3' },
      },
    ],
    [
      "an Auto Scaling group of a stack (the group's tags propagated)",
      {
        [OwnerTag.AutoScalingGroup]: 'prod-web-Asg-1ABC',
        [OwnerTag.StackName]: 'prod-web',
        [OwnerTag.LogicalId]: 'Asg',
      },
      {
        kind: OwnerKind.AutoScalingGroup,
        autoScalingGroup: 'prod-web-Asg-1ABC',
        stack: { name: 'prod-web', logicalId: 'Asg' },
      },
    ],
    [
      "a stack's own instance",
      { [OwnerTag.StackName]: 'prod-web', [OwnerTag.LogicalId]: 'WebServer' },
      { kind: OwnerKind.CloudFormationStack, stack: { name: 'prod-web', logicalId: 'WebServer' } },
    ],
    [
      'an EKS managed node group (over its Auto Scaling group and launch template)',
      {
        [OwnerTag.EksCluster]: 'prod',
        [OwnerTag.EksNodeGroup]: 'workers',
        [OwnerTag.AutoScalingGroup]: 'eks-workers-1234',
        [OwnerTag.LaunchTemplateId]: 'lt-0eks',
      },
      {
        kind: OwnerKind.EksNodeGroup,
        eksNodeGroup: { cluster: 'prod', name: 'workers' },
        autoScalingGroup: 'eks-workers-1234',
        launchTemplate: { id: 'lt-0eks' },
      },
    ],
    [
      'an Elastic Beanstalk environment',
      { [OwnerTag.ElasticBeanstalkEnvironment]: 'api-prod' },
      { kind: OwnerKind.ElasticBeanstalk, elasticBeanstalkEnvironment: 'api-prod' },
    ],
    [
      'Karpenter',
      { [OwnerTag.KarpenterNodePool]: 'default', [OwnerTag.LaunchTemplateId]: 'lt-0karp' },
      { kind: OwnerKind.Karpenter, karpenterNodePool: 'default', launchTemplate: { id: 'lt-0karp' } },
    ],
    [
      'an EC2 Fleet',
      { [OwnerTag.Ec2Fleet]: 'fleet-0abc', [OwnerTag.LaunchTemplateId]: 'lt-0fleet' },
      { kind: OwnerKind.Ec2Fleet, ec2Fleet: 'fleet-0abc', launchTemplate: { id: 'lt-0fleet' } },
    ],
    [
      'a Spot Fleet request',
      { [OwnerTag.SpotFleetRequest]: 'sfr-0abc' },
      { kind: OwnerKind.SpotFleet, spotFleetRequest: 'sfr-0abc' },
    ],
    [
      'a launch template alone',
      { [OwnerTag.LaunchTemplateId]: 'lt-0abc', [OwnerTag.LaunchTemplateVersion]: '7' },
      { kind: OwnerKind.LaunchTemplate, launchTemplate: { id: 'lt-0abc', version: '7' } },
    ],
  ])('reads %s', (_name, given, expected) => {
    expect(ownerFromTags(tags({ tier: 'app', ...given }))).toEqual(expected);
  });

  it.each([
    ['no owner tag', {}],
    ['an EKS cluster without a node group (not a managed node group)', { [OwnerTag.EksCluster]: 'prod' }],
    ['empty owner tags', { [OwnerTag.AutoScalingGroup]: ' ', [OwnerTag.StackName]: '' }],
    [
      'tags that only look alike',
      { 'aws:autoscaling:groupname': 'web-asg', 'AWS:CloudFormation:Stack-Name': 'x' },
    ],
  ])('finds no owner with %s', (_name, given) => {
    expect(ownerFromTags(tags({ tier: 'app', ...given }))).toBeUndefined();
  });
});

describe('the owner on the instance view, from every source', () => {
  it('a real Auto Scaling instance, in a change event', () => {
    // Act
    const view = viewFromConfigurationItem(invokingOf('auto-scaling-no-profile').configurationItem);

    // Assess
    expect(view.owner).toEqual({
      kind: OwnerKind.AutoScalingGroup,
      autoScalingGroup: 'tf-asg-20201029190753469500000003',
      launchTemplate: { id: 'lt-05f6f9c818fbd5b1f', version: '1' },
    });
  });

  it('a real Elastic Beanstalk instance: the environment, over its stack and Auto Scaling group', () => {
    // Prepare
    const event = JSON.parse(
      readFileSync(new URL('../../fixtures/peer-events/beanstalk-instance.json', import.meta.url), 'utf8'),
    ) as { invokingEvent: string };

    // Act
    const view = viewFromConfigurationItem(JSON.parse(event.invokingEvent).configurationItem);

    // Assess
    expect(view.owner).toMatchObject({
      kind: OwnerKind.ElasticBeanstalk,
      elasticBeanstalkEnvironment: 'keyc-Envi-RMB7RVXA37P6',
      stack: { name: 'awseb-e-2fs3xmpxw9-stack', logicalId: 'AWSEBAutoScalingGroup' },
      autoScalingGroup: 'awseb-e-2fs3xmpxw9-stack-AWSEBAutoScalingGroup-1JTJVMJLXOBW4',
    });
  });

  it('a history item (oversized path), whose configuration is a JSON string', () => {
    // Prepare
    const item = {
      resourceType: 'AWS::EC2::Instance',
      resourceId: 'i-1',
      configurationItemStatus: 'OK',
      configurationItemCaptureTime: '2026-01-01T00:00:00Z',
      tags: { tier: 'app', [OwnerTag.StackName]: 'web', [OwnerTag.LogicalId]: 'Server' },
      configuration: JSON.stringify({ state: { name: 'running' } }),
    };

    // Act
    const view = viewFromConfigurationItem(item);

    // Assess
    expect(view.owner).toEqual({
      kind: OwnerKind.CloudFormationStack,
      stack: { name: 'web', logicalId: 'Server' },
    });
  });

  it('a DescribeInstances instance (the sweep and the command line)', () => {
    // Prepare
    const instance: Instance = {
      InstanceId: 'i-1',
      State: { Name: 'running' },
      Tags: [
        { Key: 'tier', Value: 'app' },
        { Key: OwnerTag.AutoScalingGroup, Value: 'web-asg' },
        { Key: OwnerTag.LaunchTemplateId, Value: 'lt-0abc' },
        { Key: OwnerTag.LaunchTemplateVersion, Value: '3' },
      ],
    };

    // Act
    const view = viewFromEc2Instance(instance);

    // Assess
    expect(view.owner).toEqual({
      kind: OwnerKind.AutoScalingGroup,
      autoScalingGroup: 'web-asg',
      launchTemplate: { id: 'lt-0abc', version: '3' },
    });
  });

  it('is absent without owner tags', () => {
    expect(viewFromConfigurationItem(invokingOf('no-profile').configurationItem)).not.toHaveProperty('owner');
  });
});

describe('the owner never changes the compliance type', () => {
  it('decides the same type and reason with or without an owner, for any view and parameters', () => {
    fc.assert(
      fc.property(instanceView, ruleParameters, owner, fc.boolean(), (view, parameters, found, leftScope) => {
        const context = { eventLeftScope: leftScope };
        const { owner: _none, ...unowned } = view;
        const withOwner = decide({ ...unowned, owner: found }, parameters, context);
        const without = decide(unowned, parameters, context);
        expect(withOwner.compliance).toBe(without.compliance);
        expect(withOwner.reason).toBe(without.reason);
      }),
    );
  });
});
