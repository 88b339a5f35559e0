import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type AwsAccess,
  CONNECTION_TIMEOUT_MS,
  clientOptions,
  MAX_ATTEMPTS,
  MAX_KEPT_CLIENTS,
  PerCallRetryStrategy,
  perAccount,
  REQUEST_TIMEOUT_MS,
} from '../../../src/aws/client-options.js';
import { BudgetedHttpHandler } from '../../../src/aws/time-budget.js';

/** A client stand-in that records what it was made for and whether it was destroyed. */
class FakeClient {
  destroyed = false;
  constructor(readonly access: AwsAccess) {}
  destroy() {
    this.destroyed = true;
  }
}

const provider = async () => ({ accessKeyId: 'ASIA', secretAccessKey: 'secret' });
const assumed = (accountId: string, role = 'exec'): AwsAccess => ({
  accountId,
  credentials: provider,
  credentialsKey: `arn:aws:iam::${accountId}:role/${role}\nrule`,
});

describe('clientOptions', () => {
  it('sets the retry strategy and enforced timeouts, and no credentials for the own account', async () => {
    // Act
    const options = clientOptions({ accountId: '111111111111' });

    // Assess
    expect(options.maxAttempts).toBe(MAX_ATTEMPTS);
    expect(options.retryStrategy).toBeInstanceOf(PerCallRetryStrategy);
    expect(options.requestHandler).toBeInstanceOf(BudgetedHttpHandler);
    await options.requestHandler
      .handle(
        // An aborted call never reaches the network, but resolves the handler's configuration first.
        { protocol: 'http:', hostname: '127.0.0.1', method: 'GET', path: '/', headers: {} } as never,
        { abortSignal: AbortSignal.abort() },
      )
      .catch(() => undefined);
    expect(options.requestHandler.httpHandlerConfigs()).toMatchObject({
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    });
    expect(options).not.toHaveProperty('credentials');
  });

  it('takes fewer attempts and another handler from overrides, the strategy following the attempts', () => {
    // Prepare
    const requestHandler = new BudgetedHttpHandler({ requestTimeout: 100 });

    // Act
    const options = clientOptions({ accountId: '111111111111' }, { maxAttempts: 2, requestHandler });

    // Assess
    expect(options).toMatchObject({ maxAttempts: 2, requestHandler });
  });

  it('passes an assumed role’s credential provider through, so the SDK refreshes through it', () => {
    expect(clientOptions(assumed('222222222222'))).toHaveProperty('credentials', provider);
  });
});

/** A transient fault (HTTP 500 and the like): the SDK's standard strategy charges its quota most for these. */
const transient = {
  errorType: 'TRANSIENT',
  error: new Error('We encountered an internal error'),
} as RetryErrorInfo;

/** Calls that each fail twice before succeeding; the number of them that got both retries. */
const callsRetried = async (strategy: RetryStrategyV2, calls: number): Promise<number> => {
  let retried = 0;
  for (let call = 0; call < calls; call += 1) {
    let token: RetryToken | undefined = await strategy.acquireInitialRetryToken('');
    for (let failure = 0; failure < 2 && token !== undefined; failure += 1) {
      // A refused retry (the SDK gives up on the call) resolves to undefined.
      const refreshed: Promise<RetryToken | undefined> = strategy
        .refreshRetryTokenForRetry(token, transient)
        .catch(() => undefined);
      await vi.runAllTimersAsync();
      token = await refreshed;
    }
    if (token === undefined) continue;
    strategy.recordSuccess(token);
    retried += 1;
  }
  return retried;
};

describe('PerCallRetryStrategy', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries every call of a long run of faults, where the shared quota of the standard strategy runs dry', async () => {
    // Prepare: backoff delays pass at once
    vi.useFakeTimers();

    // Act
    const perCall = await callsRetried(new PerCallRetryStrategy(MAX_ATTEMPTS), 200);
    const shared = await callsRetried(new StandardRetryStrategy(MAX_ATTEMPTS), 200);

    // Assess
    expect(perCall).toBe(200);
    expect(shared).toBeLessThan(200);
  });

  it('still stops a call at its last attempt, and on an error that is not worth retrying', async () => {
    // Prepare
    vi.useFakeTimers();
    const strategy = new PerCallRetryStrategy(2);
    const token = await strategy.acquireInitialRetryToken('');

    // Act
    const retried = strategy.refreshRetryTokenForRetry(token, transient);
    await vi.runAllTimersAsync();
    const second = await retried;

    // Assess
    await expect(strategy.refreshRetryTokenForRetry(second, transient)).rejects.toThrow(
      'No retry token available',
    );
    const fresh = await strategy.acquireInitialRetryToken('');
    await expect(
      strategy.refreshRetryTokenForRetry(fresh, {
        errorType: 'CLIENT_ERROR',
        error: new Error('ValidationException'),
      } as RetryErrorInfo),
    ).rejects.toThrow('No retry token available');
  });

  it('accepts a token it did not issue, and a success it knows nothing of', async () => {
    // Prepare
    vi.useFakeTimers();
    const strategy = new PerCallRetryStrategy(3);
    const foreign = await new StandardRetryStrategy(3).acquireInitialRetryToken('');

    // Act
    const refreshed = strategy.refreshRetryTokenForRetry(foreign, transient);
    await vi.runAllTimersAsync();

    // Assess
    expect((await refreshed).getRetryCount()).toBe(1);
    expect(() => strategy.recordSuccess(foreign)).not.toThrow();
  });
});

describe('perAccount', () => {
  it('keeps one client for the own account, whatever account the access names', () => {
    // Prepare
    const client = perAccount((access) => new FakeClient(access));

    // Act
    const first = client({ accountId: '111111111111' });
    const second = client({ accountId: '111111111111' });

    // Assess
    expect(second).toBe(first);
  });

  it('keeps a client per assumed role, reused while its provider refreshes the credentials', () => {
    // Prepare
    const made: AwsAccess[] = [];
    const client = perAccount((access) => {
      made.push(access);
      return new FakeClient(access);
    });

    // Act
    const inB = client(assumed('222222222222'));
    const inBLater = client({
      ...assumed('222222222222'),
      credentials: async () => ({ accessKeyId: 'NEW', secretAccessKey: 's' }),
    });
    const inC = client(assumed('333333333333'));
    const otherRoleInB = client(assumed('222222222222', 'other'));
    const own = client({ accountId: '111111111111' });

    // Assess
    expect(inBLater).toBe(inB);
    expect(new Set([inB, inC, otherRoleInB, own]).size).toBe(4);
    expect(made.map((access) => access.accountId)).toEqual([
      '222222222222',
      '333333333333',
      '222222222222',
      '111111111111',
    ]);
  });

  it('drops and destroys the least recently used client past the limit', () => {
    // Prepare
    const client = perAccount((access) => new FakeClient(access));
    const account = (index: number) => assumed(String(200000000000 + index));
    const first = client(account(0));
    const second = client(account(1));
    for (let index = 2; index < MAX_KEPT_CLIENTS; index += 1) client(account(index));
    client(account(0)); // used again: now the most recent

    // Act
    client(account(MAX_KEPT_CLIENTS));

    // Assess
    expect(second.destroyed).toBe(true);
    expect(first.destroyed).toBe(false);
    expect(client(account(0))).toBe(first);
    expect(client(account(1))).not.toBe(second);
  });

  it('drops a kept value without destroy without failing', () => {
    // Prepare
    const client = perAccount((access) => ({ accountId: access.accountId }));
    const first = client(assumed('200000000000'));

    // Act
    for (let index = 1; index <= MAX_KEPT_CLIENTS; index += 1) client(assumed(String(200000000000 + index)));

    // Assess
    expect(client(assumed('200000000000'))).not.toBe(first);
  });
});
