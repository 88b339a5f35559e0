import { EC2Client, type Filter, type Instance, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { awsClient, perAccount } from '../aws/client-options.js';
import { ANY_VALUE, type AppTierTag } from '../rule/parameters.js';

/** Lists live app-tier instances page by page, so a sweep never holds the whole fleet. */
export interface Inventory {
  appTierInstances(tag: AppTierTag): AsyncIterable<readonly Instance[]>;
}

/** The largest page DescribeInstances serves. */
export const DESCRIBE_PAGE_SIZE = 1000;

/** Every state but `shutting-down` and `terminated`: those are NOT_APPLICABLE anyway. */
const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

/** Server-side filters: only app-tier instances that are not terminated cross the wire. */
export const appTierFilters = (tag: AppTierTag): Filter[] => [
  tag.values === ANY_VALUE
    ? { Name: 'tag-key', Values: [tag.key] }
    : { Name: `tag:${tag.key}`, Values: [...tag.values] },
  { Name: 'instance-state-name', Values: LIVE_STATES },
];

/** This module (and the EC2 client with it) is loaded only by the sweep, keeping it off the change path. */
export const ec2Client = perAccount((access) => awsClient(EC2Client, access));

export const ec2Inventory = (client: EC2Client): Inventory => ({
  async *appTierInstances(tag) {
    const paginator = paginateDescribeInstances(
      { client, pageSize: DESCRIBE_PAGE_SIZE },
      { Filters: appTierFilters(tag) },
    );
    for await (const page of paginator) {
      yield (page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
    }
  },
});
