import { ServiceError } from './errors.js';
import { queryResponseXml } from './query-protocol.js';
import type { LocalAwsOptions } from './types.js';
import { element, wrap } from './xml.js';

/** The IAM API version the SDK sends. */
export const IAM_API_VERSION = '2010-05-08';
const IAM_NAMESPACE = `https://iam.amazonaws.com/doc/${IAM_API_VERSION}/`;
const CREATED = '2024-01-01T00:00:00Z';

// IAM ids are 21 characters after a 4-letter prefix; derive them from the name so they are stable.
const idFor = (prefix: string, name: string): string =>
  `${prefix}${Buffer.from(name).toString('hex').toUpperCase().padEnd(17, '0').slice(0, 17)}`;

/**
 * `GetInstanceProfile`: the stored profile with its roles, or `NoSuchEntity` (HTTP 404) as IAM answers
 * for a profile that does not exist.
 */
const getInstanceProfile = (
  form: URLSearchParams,
  options: LocalAwsOptions,
  accountId: string,
  requestId: string,
) => {
  const name = form.get('InstanceProfileName') ?? '';
  const profile = options.instanceProfiles?.find((candidate) => candidate.InstanceProfileName === name);
  if (profile === undefined)
    throw new ServiceError('NoSuchEntity', `Instance Profile ${name} cannot be found.`, 404);
  const roles = profile.Roles.map((role) =>
    wrap(
      'member',
      element('Path', '/') +
        element('RoleName', role.RoleName) +
        element('RoleId', idFor('AROA', role.RoleName)) +
        element('Arn', role.Arn ?? `arn:aws:iam::${accountId}:role/${role.RoleName}`) +
        element('CreateDate', CREATED),
    ),
  ).join('');
  return queryResponseXml(
    'GetInstanceProfile',
    IAM_NAMESPACE,
    wrap(
      'InstanceProfile',
      element('Path', '/') +
        element('InstanceProfileName', profile.InstanceProfileName) +
        element(
          'InstanceProfileId',
          profile.InstanceProfileId ?? idFor('AIPA', profile.InstanceProfileName),
        ) +
        element(
          'Arn',
          profile.Arn ?? `arn:aws:iam::${accountId}:instance-profile/${profile.InstanceProfileName}`,
        ) +
        element('CreateDate', CREATED) +
        wrap('Roles', roles),
    ),
    requestId,
  );
};

/** Answers one IAM action with its XML body, or throws a `ServiceError` as IAM would. */
export const handleIam = (
  action: string,
  form: URLSearchParams,
  options: LocalAwsOptions,
  accountId: string,
  requestId: string,
): string => {
  if (action === 'GetInstanceProfile') return getInstanceProfile(form, options, accountId, requestId);
  throw new ServiceError('InvalidAction', `The local endpoint does not serve IAM ${action}`);
};
