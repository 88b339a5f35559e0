import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  appTierListings,
  ec2Inventory,
  literalFilterValue,
  MAX_FILTER_VALUES,
} from '../../../src/ec2/inventory.js';
import { matchesFilters } from '../../support/aws/ec2.js';

const ec2 = mockClient(EC2Client);
const LIVE = { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] };

/** Every value the filters of one call hold. */
const valuesOf = (filters: readonly { Values?: string[] }[]) =>
  filters.flatMap((filter) => filter.Values ?? []);

const collect = async (pages: AsyncIterable<readonly { InstanceId?: string }[]>) => {
  const ids: (string | undefined)[][] = [];
  for await (const page of pages) ids.push(page.map((instance) => instance.InstanceId));
  return ids;
};

describe('literalFilterValue', () => {
  it('escapes the wildcards * and ? and the escape character itself, as EC2 documents', () => {
    expect(literalFilterValue('app*')).toBe('app\\*');
    expect(literalFilterValue('a?b\\c')).toBe('a\\?b\\\\c');
    expect(literalFilterValue('app')).toBe('app');
  });

  it('makes every value match itself alone on a server with EC2’s wildcard semantics', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'p', '*', '?', '\\', 'x'), maxLength: 12 }),
        fc.string({ unit: fc.constantFrom('a', 'p', '*', '?', '\\', 'x'), maxLength: 12 }),
        (value, other) => {
          const filter = { Name: 'tag:tier', Values: [literalFilterValue(value)] };
          const tagged = (tier: string) => ({
            InstanceId: 'i-1',
            State: { Code: 16, Name: 'running' as const },
            Tags: [{ Key: 'tier', Value: tier }],
          });
          expect(matchesFilters(tagged(value), [filter])).toBe(true);
          expect(matchesFilters(tagged(other), [filter])).toBe(other === value);
        },
      ),
    );
  });
});

describe('appTierListings', () => {
  it('filters on the tag values, taken literally, and on live states', () => {
    expect(appTierListings({ key: 'tier', values: ['app', 'api*'] })).toEqual([
      [{ Name: 'tag:tier', Values: ['app', 'api\\*'] }, LIVE],
    ]);
  });

  it('filters on the key alone, taken literally, when any value will do', () => {
    expect(appTierListings({ key: 'tier?', values: '*' })).toEqual([
      [{ Name: 'tag-key', Values: ['tier\\?'] }, LIVE],
    ]);
  });

  it('splits a long list so that no call holds more filter values than EC2 takes, every value once', () => {
    // Prepare
    const values = Array.from({ length: 500 }, (_, index) => `v${index}`);

    // Act
    const listings = appTierListings({ key: 'tier', values });

    // Assess
    expect(listings.length).toBe(3);
    for (const filters of listings) {
      expect(valuesOf(filters).length).toBeLessThanOrEqual(MAX_FILTER_VALUES);
      expect(filters[1]).toEqual(LIVE);
    }
    expect(listings.flatMap((filters) => filters[0]?.Values ?? [])).toEqual(values);
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
    const pages = await collect(
      ec2Inventory(new EC2Client({})).appTierInstances({ key: 'tier', values: ['app'] }),
    );

    // Assess
    expect(pages).toEqual([['i-1', 'i-2'], ['i-3']]);
    expect(ec2).toHaveReceivedCommandTimes(DescribeInstancesCommand, 2);
    expect(ec2).toHaveReceivedNthCommandWith(DescribeInstancesCommand, 1, { MaxResults: 1000 });
    expect(ec2).toHaveReceivedNthCommandWith(DescribeInstancesCommand, 2, {
      NextToken: 'n',
      MaxResults: 1000,
    });
  });

  it('lists a long value list in several listings, each within the cap, and yields each instance once', async () => {
    // Prepare: i-2 is retagged between two listings, so both list it.
    const values = Array.from({ length: 500 }, (_, index) => `v${index}`);
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-1' }, { InstanceId: 'i-2' }] }] })
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-2' }, { InstanceId: 'i-3' }] }] })
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-4' }] }] });

    // Act
    const pages = await collect(ec2Inventory(new EC2Client({})).appTierInstances({ key: 'tier', values }));

    // Assess
    expect(pages.flat()).toEqual(['i-1', 'i-2', 'i-3', 'i-4']);
    const calls = ec2.commandCalls(DescribeInstancesCommand);
    expect(calls).toHaveLength(3);
    const sent = calls.map((call) => call.args[0].input.Filters ?? []);
    for (const filters of sent) expect(valuesOf(filters).length).toBeLessThanOrEqual(MAX_FILTER_VALUES);
    expect(sent.flatMap((filters) => filters[0]?.Values ?? [])).toEqual(values);
  });

  it('looks for the key in another case with every spelling taken literally', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });

    // Act
    await collect(ec2Inventory(new EC2Client({})).otherCaseInstances({ key: 'tier*', values: ['app'] }));

    // Assess
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [{ Name: 'tag-key', Values: ['TIER\\*', 'Tier\\*'] }, LIVE],
    });
  });
});
