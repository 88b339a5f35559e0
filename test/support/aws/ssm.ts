import { ServiceError } from './errors.js';
import type { LocalAwsOptions } from './types.js';

/** The `x-amz-target` prefix of Systems Manager. */
export const SSM_TARGET_PREFIX = 'AmazonSSM.';

/** Where a request came from, for the ARNs in a response. */
export interface RequestScope {
  region: string;
  accountId: string;
}

// A parameter may be asked for by name or by ARN; the store is keyed by name.
const nameOf = (nameOrArn: string): string => {
  const match = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(nameOrArn);
  if (match?.[1] === undefined) return nameOrArn;
  // A name without a leading slash appears in the ARN after "parameter/".
  const path = match[1];
  return path.indexOf('/', 1) === -1 ? path.slice(1) : path;
};

/**
 * `GetParameter`: the stored value, or `ParameterNotFound` as SSM answers. A SecureString read
 * without `WithDecryption` comes back as an opaque blob, so a caller that forgets decryption notices.
 */
const getParameter = (
  params: Record<string, unknown>,
  options: LocalAwsOptions,
  scope: RequestScope,
): unknown => {
  if (typeof params.Name !== 'string' || params.Name === '') {
    throw new ServiceError(
      'ValidationException',
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  }
  const name = nameOf(params.Name);
  const stored = options.parameters?.[name];
  if (stored === undefined) throw new ServiceError('ParameterNotFound', `Parameter ${name} not found.`);
  const { Value, Type = 'String' } = typeof stored === 'string' ? { Value: stored } : stored;
  const value =
    Type === 'SecureString' && params.WithDecryption !== true
      ? Buffer.from(`encrypted:${Value}`, 'utf8').toString('base64')
      : Value;
  return {
    Parameter: {
      Name: name,
      Type,
      Value: value,
      Version: 1,
      LastModifiedDate: Date.UTC(2024, 0, 1) / 1000,
      ARN: `arn:aws:ssm:${scope.region}:${scope.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
      DataType: 'text',
    },
  };
};

/** Answers one SSM operation, or throws a `ServiceError` as SSM would. */
export const handleSsm = (
  operation: string,
  params: Record<string, unknown>,
  options: LocalAwsOptions,
  scope: RequestScope,
): unknown => {
  if (operation === 'GetParameter') return getParameter(params, options, scope);
  throw new ServiceError('UnknownOperationException', `The local endpoint does not serve SSM ${operation}`);
};
