import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * Retries for every AWS call: the SDK's standard strategy (exponential backoff with jitter, retry quota)
 * with more attempts than its default of 3, so throttling during a large sweep is ridden out rather than
 * failing the invocation.
 */
export const RETRY_MODE = 'standard';
export const MAX_ATTEMPTS = 8;

/** A hung connection is abandoned and retried instead of consuming the Lambda's remaining time. */
const CONNECTION_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 15_000;

/** Whose AWS account a client acts in; without credentials, the function's own. */
export interface AwsAccess {
  readonly accountId: string;
  readonly credentials?: AwsCredentialIdentityProvider;
}

/** Options shared by every client this rule creates. */
export const clientOptions = (access: AwsAccess) => ({
  retryMode: RETRY_MODE,
  maxAttempts: MAX_ATTEMPTS,
  requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  ...(access.credentials === undefined ? {} : { credentials: access.credentials }),
});

/**
 * One client per account, created on first use and kept for later invocations of the same container
 * (creating clients is not free, and their connections are reused).
 */
export const perAccount = <T>(create: (access: AwsAccess) => T): ((access: AwsAccess) => T) => {
  const clients = new Map<string, T>();
  return (access) => {
    const key = access.credentials === undefined ? '' : access.accountId;
    let client = clients.get(key);
    if (client === undefined) {
      client = create(access);
      clients.set(key, client);
    }
    return client;
  };
};
