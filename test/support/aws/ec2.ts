import { ServiceError } from './errors.js';
import { assertSupportedFilters, inventoryFromArray } from './inventory.js';
import type { InstanceFilter, LocalAwsOptions, LocalInstance } from './types.js';
import { element, escapeXml, wrap, XML_DECLARATION } from './xml.js';

/** The API version the SDK sends and the namespace of every EC2 response. */
export const EC2_API_VERSION = '2016-11-15';
const EC2_NAMESPACE = `http://ec2.amazonaws.com/doc/${EC2_API_VERSION}/`;

const MIN_PAGE = 5;
const MAX_PAGE = 1000;

/** DescribeInstances parameters decoded from the query string into the SDK's input shape. */
export interface DescribeInstancesParams {
  Filters: InstanceFilter[];
  InstanceIds: string[];
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

// `Prefix.N` and `Prefix.N.Member.M` keys arrive in any order; the indices, not the order, say where.
const indexed = (form: URLSearchParams, pattern: RegExp): Map<number, Map<string, string>> => {
  const groups = new Map<number, Map<string, string>>();
  for (const [key, value] of form) {
    const match = pattern.exec(key);
    if (match?.[1] === undefined) continue;
    const index = Number(match[1]);
    const group = groups.get(index) ?? new Map<string, string>();
    group.set(match[2] ?? '', value);
    groups.set(index, group);
  }
  return new Map([...groups].sort(([a], [b]) => a - b));
};

/** Decodes the DescribeInstances query parameters (`Filter.N.Name`, `Filter.N.Value.M`, ...). */
export const decodeDescribeInstances = (form: URLSearchParams): DescribeInstancesParams => {
  const Filters = [...indexed(form, /^Filter\.(\d+)\.(.+)$/).values()].map((fields) => ({
    Name: fields.get('Name') ?? '',
    Values: [...fields]
      .filter(([field]) => /^Value\.\d+$/.test(field))
      .sort(([a], [b]) => Number(a.slice(6)) - Number(b.slice(6)))
      .map(([, value]) => value),
  }));
  const InstanceIds = [...indexed(form, /^InstanceId\.(\d+)()$/).values()].map(
    (fields) => fields.get('') ?? '',
  );
  const maxResults = form.get('MaxResults');
  const nextToken = form.get('NextToken');
  return {
    Filters,
    InstanceIds,
    ...(maxResults === null ? {} : { MaxResults: Number(maxResults) }),
    ...(nextToken === null ? {} : { NextToken: nextToken }),
    ...(form.get('DryRun') === 'true' ? { DryRun: true } : {}),
  };
};

const instanceXml = (instance: LocalInstance): string =>
  wrap(
    'item',
    [
      element('instanceId', instance.InstanceId),
      element('imageId', instance.ImageId),
      wrap('instanceState', element('code', instance.State.Code) + element('name', instance.State.Name)),
      element('privateDnsName', instance.PrivateDnsName),
      element('instanceType', instance.InstanceType),
      element('launchTime', instance.LaunchTime),
      instance.Placement === undefined
        ? ''
        : wrap(
            'placement',
            element('availabilityZone', instance.Placement.AvailabilityZone) +
              element('tenancy', instance.Placement.Tenancy ?? 'default'),
          ),
      element('subnetId', instance.SubnetId),
      element('vpcId', instance.VpcId),
      element('privateIpAddress', instance.PrivateIpAddress),
      element('architecture', instance.Architecture),
      instance.IamInstanceProfile === undefined
        ? ''
        : wrap(
            'iamInstanceProfile',
            element('arn', instance.IamInstanceProfile.Arn) + element('id', instance.IamInstanceProfile.Id),
          ),
      instance.Tags === undefined || instance.Tags.length === 0
        ? ''
        : wrap(
            'tagSet',
            instance.Tags.map((tag) =>
              wrap('item', element('key', tag.Key) + element('value', tag.Value)),
            ).join(''),
          ),
    ].join(''),
  );

// Each instance gets its own reservation, as one RunInstances call per instance would give.
const reservationXml = (instance: LocalInstance, accountId: string): string =>
  wrap(
    'item',
    element('reservationId', `r-${instance.InstanceId.replace(/^i-/, '')}`) +
      element('ownerId', instance.OwnerId ?? accountId) +
      '<groupSet/>' +
      wrap('instancesSet', instanceXml(instance)),
  );

/**
 * DescribeInstances: validates like EC2 (MaxResults 5..1000 and not with instance ids, known filter
 * names), asks the inventory for one page and renders it as EC2's XML.
 */
const describeInstances = async (
  params: DescribeInstancesParams,
  options: LocalAwsOptions,
  requestId: string,
  accountId: string,
): Promise<string> => {
  if (params.MaxResults !== undefined) {
    if (params.InstanceIds.length > 0) {
      throw new ServiceError(
        'InvalidParameterCombination',
        'The parameter instancesSet cannot be used with the parameter maxResults',
      );
    }
    if (
      !Number.isInteger(params.MaxResults) ||
      params.MaxResults < MIN_PAGE ||
      params.MaxResults > MAX_PAGE
    ) {
      throw new ServiceError(
        'InvalidParameterValue',
        `Value ( ${params.MaxResults} ) for parameter maxResults is invalid. Expecting a value between ${MIN_PAGE} and ${MAX_PAGE}.`,
      );
    }
  }
  assertSupportedFilters(params.Filters);
  if (params.DryRun === true) {
    throw new ServiceError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  }
  const filters =
    params.InstanceIds.length > 0
      ? [...params.Filters, { Name: 'instance-id', Values: params.InstanceIds }]
      : params.Filters;
  const configured = options.instances ?? [];
  const inventory = typeof configured === 'function' ? configured : inventoryFromArray(configured);
  const page = await inventory(filters, params.NextToken, params.MaxResults ?? MAX_PAGE);
  return [
    XML_DECLARATION,
    `<DescribeInstancesResponse xmlns="${EC2_NAMESPACE}">`,
    element('requestId', requestId),
    wrap('reservationSet', page.instances.map((instance) => reservationXml(instance, accountId)).join('')),
    element('nextToken', page.nextToken),
    '</DescribeInstancesResponse>',
  ].join('');
};

/** EC2's error body; the SDK reads `Code` and `Message` from it. */
export const ec2ErrorXml = (code: string, message: string, requestId: string): string =>
  `${XML_DECLARATION}<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`;

/** Answers one EC2 action with its XML body, or throws a `ServiceError` as EC2 would. */
export const handleEc2 = async (
  action: string,
  form: URLSearchParams,
  options: LocalAwsOptions,
  requestId: string,
  accountId: string,
): Promise<string> => {
  if (action === 'DescribeInstances') {
    return describeInstances(decodeDescribeInstances(form), options, requestId, accountId);
  }
  throw new ServiceError('InvalidAction', `The action ${action} is not valid for this web service.`);
};
