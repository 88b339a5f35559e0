import { describe, expect, it } from 'vitest';
import { viewFromEc2Instance } from '../../../src/ec2/instance-view.js';

describe('viewFromEc2Instance', () => {
  it('reads a DescribeInstances instance', () => {
    // Act
    const view = viewFromEc2Instance({
      InstanceId: 'i-1',
      State: { Name: 'running', Code: 16 },
      IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/app', Id: 'AIPA' },
      Tags: [{ Key: 'tier', Value: 'app' }, { Key: 'empty' }],
    });

    // Assess
    expect(view).toEqual({
      resourceType: 'AWS::EC2::Instance',
      resourceId: 'i-1',
      hasConfiguration: true,
      state: 'running',
      tags: new Map([
        ['tier', 'app'],
        ['empty', ''],
      ]),
      instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/app',
    });
  });

  it('reads an instance without profile or tags', () => {
    expect(viewFromEc2Instance({ InstanceId: 'i-2' })).toMatchObject({
      instanceProfileArn: undefined,
      tags: new Map(),
    });
  });

  it('reads a profile association without an ARN as such', () => {
    // Act
    const idOnly = viewFromEc2Instance({ InstanceId: 'i-3', IamInstanceProfile: { Id: 'AIPA' } });
    const empty = viewFromEc2Instance({ InstanceId: 'i-4', IamInstanceProfile: { Arn: '' } });

    // Assess
    expect(idOnly).toMatchObject({ instanceProfileArn: undefined, profileWithoutArn: { id: 'AIPA' } });
    expect(empty).toMatchObject({ instanceProfileArn: undefined, profileWithoutArn: {} });
  });
});
