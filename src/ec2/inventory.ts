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

const LIVE = { Name: 'instance-state-name', Values: LIVE_STATES };

/** Server-side filters: only app-tier instances that are not terminated cross the wire. */
export const appTierFilters = (tag: AppTierTag): Filter[] => [
  tag.values === ANY_VALUE
    ? { Name: 'tag-key', Values: [tag.key] }
    : { Name: `tag:${tag.key}`, Values: [...tag.values] },
  LIVE,
];

/** The spellings of a tag key people write that differ from it only in case: `tier`, `Tier`, `TIER`. */
export const keyCaseVariants = (key: string): string[] => {
  const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  const lower = key.toLowerCase();
  return [...new Set([lower, key.toUpperCase(), capitalised(lower), capitalised(key)])].filter(
    (variant) => variant !== key,
  );
};

/** EC2 lists instances page by page, including those that carry the app-tier key in another case. */
export interface Ec2Inventory extends Inventory {
  /**
   * Live instances with the app-tier key spelled in another case (`keyCaseVariants`), any value. EC2's tag
   * filters are case-sensitive, so `appTierInstances` never lists them; the audit shows them.
   */
  otherCaseInstances(tag: AppTierTag): AsyncIterable<readonly Instance[]>;
}

/** This module (and the EC2 client with it) is loaded only by the sweep, keeping it off the change path. */
export const ec2Client = perAccount((access) => awsClient(EC2Client, access));

async function* instancePages(client: EC2Client, filters: Filter[]): AsyncIterable<readonly Instance[]> {
  const paginator = paginateDescribeInstances({ client, pageSize: DESCRIBE_PAGE_SIZE }, { Filters: filters });
  for await (const page of paginator) {
    yield (page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
  }
}

export const ec2Inventory = (client: EC2Client): Ec2Inventory => ({
  appTierInstances: (tag) => instancePages(client, appTierFilters(tag)),
  async *otherCaseInstances(tag) {
    const variants = keyCaseVariants(tag.key);
    if (variants.length > 0) yield* instancePages(client, [{ Name: 'tag-key', Values: variants }, LIVE]);
  },
});
