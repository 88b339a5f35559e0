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

/**
 * How many clients of one kind a container keeps. A central function serving a large organization sees
 * many accounts over its lifetime; each kept client holds its own connections, so the least recently used
 * one is dropped past this number.
 */
export const MAX_KEPT_CLIENTS = 32;

/** Whose AWS account a client acts in; without credentials, the function's own. */
export interface AwsAccess {
  readonly accountId: string;
  /**
   * Credentials of a role assumed in `accountId`. A provider, not a value: the SDK asks it again when the
   * credentials near their expiry, so a client kept between invocations keeps working.
   */
  readonly credentials?: AwsCredentialIdentityProvider;
  /**
   * Which credentials `credentials` provides (role ARN and session name). Clients are kept per key, so
   * two roles in one account never share a client.
   */
  readonly credentialsKey?: string;
}

/** Options shared by every client this rule creates. */
export const clientOptions = (access: Partial<AwsAccess> = {}) => ({
  retryMode: RETRY_MODE,
  maxAttempts: MAX_ATTEMPTS,
  requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  ...(access.credentials === undefined ? {} : { credentials: access.credentials }),
});

const keyOf = (access: AwsAccess): string =>
  access.credentials === undefined ? '' : `${access.accountId}\n${access.credentialsKey ?? ''}`;

/** Closes an SDK client's connections; anything without `destroy` (a Powertools provider) is left to GC. */
const release = (client: unknown): void => {
  const destroy = (client as { destroy?: unknown } | null)?.destroy;
  if (typeof destroy === 'function') destroy.call(client);
};

/**
 * One client per account (and per assumed role), created on first use and kept for later invocations of
 * the same container: creating clients is not free, and their connections are reused. At most
 * MAX_KEPT_CLIENTS are kept; the least recently used goes first. A container runs one invocation at a time,
 * and an invocation works in one account, so the client dropped is never one in use.
 */
export const perAccount = <T>(create: (access: AwsAccess) => T): ((access: AwsAccess) => T) => {
  const clients = new Map<string, T>();
  return (access) => {
    const key = keyOf(access);
    let client = clients.get(key);
    if (client === undefined) client = create(access);
    // Re-inserting moves the key to the end: the map's order is the order of last use.
    clients.delete(key);
    clients.set(key, client);
    if (clients.size > MAX_KEPT_CLIENTS) {
      const [oldestKey, oldest] = clients.entries().next().value as [string, T];
      clients.delete(oldestKey);
      release(oldest);
    }
    return client;
  };
};
