import { StandardRetryStrategy } from '@smithy/core/retry';
import type {
  AwsCredentialIdentityProvider,
  RetryErrorInfo,
  RetryStrategyV2,
  RetryToken,
} from '@smithy/types';
import { BudgetedHttpHandler, timeBudgetPlugin } from './time-budget.js';

/**
 * Retries for every AWS call: the SDK's standard strategy (exponential backoff with full jitter, its error
 * classification, retry-after hints) with more attempts than its default of 3, so throttling during a
 * large sweep is ridden out rather than failing the invocation.
 */
export const RETRY_MODE = 'standard';
export const MAX_ATTEMPTS = 8;

/**
 * A hung connection or request is abandoned after these times and retried, instead of consuming the
 * Lambda's remaining time (the request timeout is enforced: `throwOnRequestTimeout`).
 */
export const CONNECTION_TIMEOUT_MS = 3_000;
export const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The SDK's standard retry strategy with a retry quota per call instead of per client. The standard
 * strategy draws every retry of a client from one bucket of 500 tokens and refills it slowly: a sweep of
 * thousands of calls meeting steady transient faults drains it, after which the client gives up on the
 * first fault of any call. Here each call gets a strategy of its own, so its retries are bounded by
 * MAX_ATTEMPTS and its backoff alone; what keeps a failing service from a retry storm is the bounded
 * number of calls in flight (one page at a time, a few PutEvaluations) and the invocation's time budget.
 */
export class PerCallRetryStrategy implements RetryStrategyV2 {
  readonly mode = RETRY_MODE;
  readonly #maxAttempts: number;
  /** The strategy each token came from: a call's tokens all belong to the strategy of its first one. */
  readonly #strategies = new WeakMap<RetryToken, StandardRetryStrategy>();

  constructor(maxAttempts: number) {
    this.#maxAttempts = maxAttempts;
  }

  #track(strategy: StandardRetryStrategy, token: RetryToken): RetryToken {
    this.#strategies.set(token, strategy);
    return token;
  }

  async acquireInitialRetryToken(retryTokenScope: string): Promise<RetryToken> {
    const strategy = new StandardRetryStrategy(this.#maxAttempts);
    return this.#track(strategy, await strategy.acquireInitialRetryToken(retryTokenScope));
  }

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const strategy = this.#strategies.get(token) ?? new StandardRetryStrategy(this.#maxAttempts);
    const next = await strategy.refreshRetryTokenForRetry(
      token as Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[0],
      errorInfo,
    );
    return this.#track(strategy, next);
  }

  recordSuccess(token: RetryToken): void {
    this.#strategies
      .get(token)
      ?.recordSuccess(token as Parameters<StandardRetryStrategy['recordSuccess']>[0]);
  }
}

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

/** The options of an SDK client that this rule sets. */
export interface ClientOptions {
  readonly region?: string;
  readonly maxAttempts: number;
  readonly retryStrategy: RetryStrategyV2;
  readonly requestHandler: BudgetedHttpHandler;
  readonly credentials?: AwsCredentialIdentityProvider;
  /** The named profile of the shared config files whose settings (the region) the client reads. */
  readonly profile?: string;
}

/**
 * What a caller may set: a region, a named profile (the command line's --profile), or shorter timeouts and
 * fewer attempts in tests.
 */
export type ClientOverrides = Partial<
  Pick<ClientOptions, 'region' | 'maxAttempts' | 'requestHandler' | 'profile'>
>;

/** Options shared by every client this rule creates (see `awsClient`). */
export const clientOptions = (
  access: Partial<AwsAccess> = {},
  overrides: ClientOverrides = {},
): ClientOptions => {
  const maxAttempts = overrides.maxAttempts ?? MAX_ATTEMPTS;
  return {
    ...overrides,
    maxAttempts,
    retryStrategy: new PerCallRetryStrategy(maxAttempts),
    requestHandler:
      overrides.requestHandler ??
      new BudgetedHttpHandler({
        connectionTimeout: CONNECTION_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      }),
    ...(access.credentials === undefined ? {} : { credentials: access.credentials }),
  };
};

/** What `awsClient` needs of an SDK client: its middleware stack, to add the time budget to. */
interface BudgetableClient {
  readonly middlewareStack: { use(plugin: typeof timeBudgetPlugin): void };
}

/**
 * An SDK client with this rule's options (retries, enforced timeouts) whose every call runs under the
 * invocation's time budget (`withTimeBudget`) and names its operation when it times out.
 */
export const awsClient = <Client extends BudgetableClient>(
  Create: new (config: ClientOptions) => Client,
  access: Partial<AwsAccess> = {},
  overrides: ClientOverrides = {},
): Client => {
  const client = new Create(clientOptions(access, overrides));
  client.middlewareStack.use(timeBudgetPlugin);
  return client;
};

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
