import { ServiceError } from './errors.js';
import { decodeToken, encodeToken, pageOf } from './pagination.js';
import type { InstanceFilter, Inventory, LocalInstance } from './types.js';

/** The DescribeInstances filters the endpoint applies, besides `tag:<key>`. */
const NAMED_FILTERS = ['tag-key', 'instance-state-name', 'instance-id'];

/**
 * Rejects a filter this endpoint cannot apply with EC2's error for an unknown filter, so a test never
 * passes on a filter that was silently ignored.
 */
export const assertSupportedFilters = (filters: readonly InstanceFilter[]): void => {
  for (const filter of filters) {
    const known =
      (filter.Name.startsWith('tag:') && filter.Name.length > 4) || NAMED_FILTERS.includes(filter.Name);
    if (!known) {
      throw new ServiceError('InvalidParameterValue', `The filter '${filter.Name}' is invalid`);
    }
    if (filter.Values.length === 0) {
      throw new ServiceError('InvalidParameterCombination', `The filter '${filter.Name}' has no values`);
    }
  }
};

const globCache = new Map<string, RegExp>();

// EC2 filter values accept `*` (any run of characters) and `?` (one character), case-sensitively.
const valueMatches = (pattern: string, value: string): boolean => {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  let regex = globCache.get(pattern);
  if (regex === undefined) {
    const source = pattern
      .split('')
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${source}$`, 's');
    globCache.set(pattern, regex);
  }
  return regex.test(value);
};

const anyMatches = (patterns: readonly string[], value: string | undefined): boolean =>
  value !== undefined && patterns.some((pattern) => valueMatches(pattern, value));

/** Whether an instance passes every filter (filters are ANDed, the values of one filter ORed, as in EC2). */
export const matchesFilters = (instance: LocalInstance, filters: readonly InstanceFilter[]): boolean =>
  filters.every(({ Name, Values }) => {
    const tags = instance.Tags ?? [];
    if (Name.startsWith('tag:')) {
      const key = Name.slice(4);
      return tags.some((tag) => tag.Key === key && anyMatches(Values, tag.Value));
    }
    switch (Name) {
      case 'tag-key':
        return tags.some((tag) => anyMatches(Values, tag.Key));
      case 'instance-state-name':
        return anyMatches(Values, instance.State.Name);
      case 'instance-id':
        return anyMatches(Values, instance.InstanceId);
      default:
        return false;
    }
  });

/** An inventory over a fixed list: filters applied, then paged in list order. */
export const inventoryFromArray =
  (instances: readonly LocalInstance[]): Inventory =>
  (filters, nextToken, maxResults) => {
    const page = pageOf(
      instances.filter((instance) => matchesFilters(instance, filters)),
      nextToken,
      maxResults,
      'InvalidParameterValue',
    );
    return page.nextToken === undefined
      ? { instances: page.items }
      : { instances: page.items, nextToken: page.nextToken };
  };

/**
 * An inventory of `count` instances made on demand by `instanceAt(index)`: only the page being served
 * exists in memory, so a test can serve a fleet of 100,000 and watch the client's memory, not ours.
 * The token is the index where the next page starts scanning.
 */
export const generatedInventory =
  (count: number, instanceAt: (index: number) => LocalInstance): Inventory =>
  (filters, nextToken, maxResults) => {
    const instances: LocalInstance[] = [];
    let index = decodeToken(nextToken, 'InvalidParameterValue');
    while (index < count && instances.length < maxResults) {
      const instance = instanceAt(index);
      index += 1;
      if (matchesFilters(instance, filters)) instances.push(instance);
    }
    return index < count ? { instances, nextToken: encodeToken(index) } : { instances };
  };
