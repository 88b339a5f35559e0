import { randomBytes } from 'node:crypto';
import { ServiceError } from './errors.js';
import { queryResponseXml } from './query-protocol.js';
import type { LocalAwsOptions } from './types.js';
import { element, wrap } from './xml.js';

/** The STS API version the SDK sends. */
export const STS_API_VERSION = '2011-06-15';
const STS_NAMESPACE = `https://sts.amazonaws.com/doc/${STS_API_VERSION}/`;

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const MIN_DURATION = 900;
const MAX_DURATION = 43_200;
const DEFAULT_DURATION = 3600;

/** Who a set of credentials belongs to. */
export interface CallerIdentity {
  accountId: string;
  arn: string;
}

/** The identities behind the access keys STS issued, so later requests know whose they are. */
export type IssuedCredentials = Map<string, CallerIdentity>;

const keyId = (prefix: string): string => `${prefix}${randomBytes(8).toString('hex').toUpperCase()}`;

// The caller that is not an assumed role is the Lambda function's own execution role.
const ownIdentity = (accountId: string): CallerIdentity => ({
  accountId,
  arn: `arn:aws:sts::${accountId}:assumed-role/local-function-role/local-function`,
});

/** The identity of an access key: one STS issued, else the endpoint's own account. */
export const identityOf = (
  accessKeyId: string | undefined,
  issued: IssuedCredentials,
  accountId: string,
): CallerIdentity =>
  (accessKeyId === undefined ? undefined : issued.get(accessKeyId)) ?? ownIdentity(accountId);

const assumeRole = (
  form: URLSearchParams,
  options: LocalAwsOptions,
  caller: CallerIdentity,
  issued: IssuedCredentials,
  requestId: string,
): string => {
  const roleArn = form.get('RoleArn') ?? '';
  const sessionName = form.get('RoleSessionName') ?? '';
  const duration = Number(form.get('DurationSeconds') ?? DEFAULT_DURATION);
  const role = ROLE_ARN.exec(roleArn);
  if (role === null) throw new ServiceError('ValidationError', `${roleArn} is invalid`);
  if (!SESSION_NAME.test(sessionName)) {
    throw new ServiceError(
      'ValidationError',
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  if (!Number.isInteger(duration) || duration < MIN_DURATION || duration > MAX_DURATION) {
    throw new ServiceError(
      'ValidationError',
      `The requested DurationSeconds exceeds the allowed range (${MIN_DURATION} to ${MAX_DURATION}).`,
    );
  }
  if (options.canAssumeRole?.(roleArn, sessionName) === false) {
    throw new ServiceError(
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  }
  const [, partition, accountId, roleName] = role as unknown as [string, string, string, string];
  const assumedArn = `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
  const accessKeyId = keyId('ASIA');
  issued.set(accessKeyId, { accountId, arn: assumedArn });
  return queryResponseXml(
    'AssumeRole',
    STS_NAMESPACE,
    wrap(
      'AssumedRoleUser',
      element('AssumedRoleId', `${keyId('AROA')}:${sessionName}`) + element('Arn', assumedArn),
    ) +
      wrap(
        'Credentials',
        element('AccessKeyId', accessKeyId) +
          element('SecretAccessKey', randomBytes(30).toString('base64')) +
          element('SessionToken', randomBytes(96).toString('base64')) +
          element('Expiration', new Date(Date.now() + duration * 1000).toISOString()),
      ),
    requestId,
  );
};

/**
 * Answers one STS action with its XML body: `GetCallerIdentity` (who signed the request) and
 * `AssumeRole` (credentials for another account, remembered so later requests are attributed to it).
 */
export const handleSts = (
  action: string,
  form: URLSearchParams,
  options: LocalAwsOptions,
  caller: CallerIdentity,
  issued: IssuedCredentials,
  requestId: string,
): string => {
  switch (action) {
    case 'GetCallerIdentity':
      return queryResponseXml(
        'GetCallerIdentity',
        STS_NAMESPACE,
        element('Arn', caller.arn) + element('UserId', keyId('AROA')) + element('Account', caller.accountId),
        requestId,
      );
    case 'AssumeRole':
      return assumeRole(form, options, caller, issued, requestId);
    default:
      throw new ServiceError('InvalidAction', `The local endpoint does not serve STS ${action}`);
  }
};
