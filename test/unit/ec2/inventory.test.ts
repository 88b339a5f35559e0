import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { appTierFilters, ec2Inventory } from '../../../src/ec2/inventory.js';

const ec2 = mockClient(EC2Client);

describe('appTierFilters', () => {
  it('filters on the tag values and on live states', () => {
    expect(appTierFilters({ key: 'tier', values: ['app', 'api'] })).toEqual([
      { Name: 'tag:tier', Values: ['app', 'api'] },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ]);
  });

  it('filters on the key alone when any value will do', () => {
    expect(appTierFilters({ key: 'tier', values: '*' })[0]).toEqual({ Name: 'tag-key', Values: ['tier'] });
  });
});

describe('ec2Inventory', () => {
  beforeEach(() => ec2.reset());

  it('yields the instances of every reservation, page by page, at the largest page size', async () => {
    // Prepare
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [{ Instances: [{ InstanceId: 'i-1' }, { InstanceId: 'i-2' }] }, {}],
        NextToken: 'n',
      })
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-3' }] }] });

    // Act
    const pages = [];
    for await (const page of ec2Inventory(new EC2Client({})).appTierInstances({
      key: 'tier',
      values: ['app'],
    })) {
      pages.push(page.map((instance) => instance.InstanceId));
    }

    // Assess
    expect(pages).toEqual([['i-1', 'i-2'], ['i-3']]);
    expect(ec2).toHaveReceivedCommandTimes(DescribeInstancesCommand, 2);
    expect(ec2).toHaveReceivedNthCommandWith(DescribeInstancesCommand, 1, { MaxResults: 1000 });
    expect(ec2).toHaveReceivedNthCommandWith(DescribeInstancesCommand, 2, {
      NextToken: 'n',
      MaxResults: 1000,
    });
  });
});
