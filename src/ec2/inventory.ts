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

/**
 * The most filter values EC2 takes in one call, all filters of the call counted together: beyond it,
 * DescribeInstances answers `FilterLimitExceeded` ("The maximum number of filter values specified on a
 * single call is 200").
 */
export const MAX_FILTER_VALUES = 200;

/** Tag values per listing: what the cap leaves beside the live states. */
const TAG_VALUES_PER_LISTING = MAX_FILTER_VALUES - LIVE_STATES.length;

/**
 * A filter value that matches itself alone. EC2 reads `*` (any run of characters) and `?` (one
 * character) in a filter value as wildcards, and a backslash as their escape: `app*` would list `apple`.
 */
export const literalFilterValue = (value: string): string => value.replace(/[\\*?]/g, (char) => `\\${char}`);

/**
 * The server-side filters of each listing of the app tier: only app-tier instances that are not terminated
 * cross the wire. Values are taken literally; a list longer than one call takes is split into several
 * listings, each within MAX_FILTER_VALUES.
 */
export const appTierListings = (tag: AppTierTag): Filter[][] => {
  if (tag.values === ANY_VALUE) return [[{ Name: 'tag-key', Values: [literalFilterValue(tag.key)] }, LIVE]];
  const values = tag.values.map(literalFilterValue);
  const listings: Filter[][] = [];
  for (let start = 0; start < values.length; start += TAG_VALUES_PER_LISTING) {
    listings.push([
      { Name: `tag:${tag.key}`, Values: values.slice(start, start + TAG_VALUES_PER_LISTING) },
      LIVE,
    ]);
  }
  return listings;
};

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

/**
 * The pages of several listings, one after the other, each instance once. An instance retagged from a
 * value of one listing to a value of a later one is listed by both: the ids already yielded are kept (only
 * when there are several listings) and a repeat is left out.
 */
async function* mergedPages(
  client: EC2Client,
  listings: readonly Filter[][],
): AsyncIterable<readonly Instance[]> {
  if (listings.length === 1) {
    yield* instancePages(client, listings[0] as Filter[]);
    return;
  }
  const seen = new Set<string>();
  for (const filters of listings) {
    for await (const page of instancePages(client, filters)) {
      const fresh = page.filter((instance) => {
        const id = instance.InstanceId;
        if (id === undefined) return true;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      if (fresh.length > 0) yield fresh;
    }
  }
}

export const ec2Inventory = (client: EC2Client): Ec2Inventory => ({
  appTierInstances: (tag) => mergedPages(client, appTierListings(tag)),
  async *otherCaseInstances(tag) {
    const variants = keyCaseVariants(tag.key).map(literalFilterValue);
    if (variants.length > 0) yield* instancePages(client, [{ Name: 'tag-key', Values: variants }, LIVE]);
  },
});
