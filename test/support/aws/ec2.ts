import { type InstanceFilter, type Inventory, type LocalInstance, offsetOf, serviceError } from './types.js';

/** The API version the SDK sends; the namespace of every EC2 response. */
export const EC2_API_VERSION = '2016-11-15';

/** DescribeInstances parameters decoded from the query form (`Filter.N.Name`, `Filter.N.Value.M`, ...). */
export const decodeDescribeInstances = (form: URLSearchParams) => {
  const filters = new Map<string, InstanceFilter>();
  const InstanceIds: string[] = [];
  for (const [key, value] of form) {
    if (/^InstanceId\.\d+$/.test(key)) InstanceIds.push(value);
    const [, index = '', field] = /^Filter\.(\d+)\.(Name|Value\.\d+)$/.exec(key) ?? [];
    if (field === undefined) continue;
    const filter = filters.get(index) ?? { Name: '', Values: [] };
    if (field === 'Name') filter.Name = value;
    else filter.Values.push(value);
    filters.set(index, filter);
  }
  const [max, NextToken] = [form.get('MaxResults'), form.get('NextToken') ?? undefined];
  const page = { ...(max === null ? {} : { MaxResults: Number(max) }), ...(NextToken && { NextToken }) };
  return { Filters: [...filters.values()], InstanceIds, ...page };
};

// EC2 filter values: `*` any run of characters, `?` one character, and a backslash takes the next character
// literally (`\*`, `\?`, `\\`), case-sensitively.
const GLOB: Record<string, string> = { '*': '.*', '?': '.' };
const regExpChar = (char: string) => char.replace(/[.+^${}()|[\]\\*?]/, '\\$&');
const valueMatches = (pattern: string, value: string | undefined): boolean => {
  if (value === undefined || !/[*?\\]/.test(pattern)) return pattern === value;
  const source = pattern.replace(/\\([\s\S])|[*?]|[.+^${}()|[\]\\]/g, (token, escaped?: string) =>
    escaped === undefined ? (GLOB[token] ?? regExpChar(token)) : regExpChar(escaped),
  );
  return new RegExp(`^${source}$`, 's').test(value);
};

/** The most filter values one DescribeInstances call takes, all its filters together. */
export const MAX_FILTER_VALUES = 200;

/** Whether an instance passes every filter (filters ANDed, the values of one filter ORed, as in EC2). */
export const matchesFilters = (instance: LocalInstance, filters: readonly InstanceFilter[]): boolean =>
  filters.every(({ Name, Values }) => {
    const tags = instance.Tags ?? [];
    const any = (value: string | undefined) => Values.some((pattern) => valueMatches(pattern, value));
    if (Name.startsWith('tag:')) return tags.some((tag) => tag.Key === Name.slice(4) && any(tag.Value));
    if (Name === 'tag-key') return tags.some((tag) => any(tag.Key));
    return any(Name === 'instance-id' ? instance.InstanceId : instance.State.Name);
  });

/**
 * An inventory of `count` instances made on demand by `instanceAt(index)`: only the page being served
 * exists, so a test can serve 100,000 and watch the client's memory. The token is where the next page starts.
 */
export const generatedInventory =
  (count: number, instanceAt: (index: number) => LocalInstance): Inventory =>
  (filters, nextToken, maxResults) => {
    const items: LocalInstance[] = [];
    let index = offsetOf(nextToken, 'InvalidParameterValue');
    for (; index < count && items.length < maxResults; index += 1) {
      const instance = instanceAt(index);
      if (matchesFilters(instance, filters)) items.push(instance);
    }
    return index < count ? { items, nextToken: String(index) } : { items };
  };

export const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

// EC2's XML names a field in camelCase and each list member `<item>`; two fields have names of their own.
const XML_NAMES: Record<string, string> = { State: 'instanceState', Tags: 'tagSet', OwnerId: '' };
const toXml = (value: unknown): string => {
  if (Array.isArray(value)) return value.map((item) => `<item>${toXml(item)}</item>`).join('');
  if (typeof value !== 'object' || value === null) return escapeXml(String(value));
  return Object.entries(value)
    .map(([key, field]) => [XML_NAMES[key] ?? key.charAt(0).toLowerCase() + key.slice(1), field] as const)
    .map(([name, field]) => (name === '' || field === undefined ? '' : `<${name}>${toXml(field)}</${name}>`))
    .join('');
};

/** DescribeInstances: one page of the inventory (each instance in a reservation of its own), as EC2's XML. */
export const describeInstances = async (
  params: ReturnType<typeof decodeDescribeInstances>,
  instances: LocalInstance[] | Inventory,
): Promise<string> => {
  // A filter silently ignored would let a test pass on instances the rule should never have seen.
  const unknown = params.Filters.find(
    ({ Name }) => !/^(tag:.+|tag-key|instance-state-name|instance-id)$/.test(Name),
  );
  if (unknown) throw serviceError('InvalidParameterValue', `The filter '${unknown.Name}' is invalid`);
  if (params.Filters.reduce((count, filter) => count + filter.Values.length, 0) > MAX_FILTER_VALUES) {
    throw serviceError(
      'FilterLimitExceeded',
      `The maximum number of filter values specified on a single call is ${MAX_FILTER_VALUES}`,
    );
  }
  const ids = params.InstanceIds.length > 0 ? [{ Name: 'instance-id', Values: params.InstanceIds }] : [];
  const inventory =
    typeof instances === 'function'
      ? instances
      : generatedInventory(instances.length, (i) => instances[i] as LocalInstance);
  const page = await inventory([...params.Filters, ...ids], params.NextToken, params.MaxResults ?? 1000);
  const reservations = page.items.map(
    (instance) =>
      `<item><reservationId>r-${instance.InstanceId.slice(2)}</reservationId><ownerId>${instance.OwnerId ?? '123456789012'}` +
      `</ownerId><groupSet/><instancesSet><item>${toXml(instance)}</item></instancesSet></item>`,
  );
  return (
    `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/${EC2_API_VERSION}/">` +
    `<reservationSet>${reservations.join('')}</reservationSet>${toXml({ NextToken: page.nextToken })}` +
    '</DescribeInstancesResponse>'
  );
};
