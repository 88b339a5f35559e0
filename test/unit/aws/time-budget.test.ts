import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { awsClient } from '../../../src/aws/client-options.js';
import {
  BudgetedHttpHandler,
  MAX_BUDGET_MARGIN_MS,
  timeBudgetFor,
  withTimeBudget,
} from '../../../src/aws/time-budget.js';
import { AwsCallTimeoutError } from '../../../src/errors.js';
import { type SilentEndpoint, startSilentEndpoint } from '../../support/silent-endpoint.js';

// The calls go to an endpoint on 127.0.0.1 that accepts connections and never answers.

const put = new PutEvaluationsCommand({ ResultToken: 'token', Evaluations: [] });

/** Eventually true, or the test times out: for what happens on a socket after a call settled. */
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('timeBudgetFor', () => {
  it('keeps back a tenth of the remaining time, at most 5 s', () => {
    expect(timeBudgetFor(300_000)).toBe(295_000);
    expect(timeBudgetFor(20_000)).toBe(18_000);
    expect(timeBudgetFor(0)).toBe(0);
  });

  it('always ends before the deadline, and never more than 5 s before it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 900_000 }), (remainingMs) => {
        const budget = timeBudgetFor(remainingMs);
        expect(budget).toBeLessThan(remainingMs);
        expect(remainingMs - budget).toBeLessThanOrEqual(MAX_BUDGET_MARGIN_MS);
      }),
    );
  });
});

describe('a client built by awsClient', () => {
  let endpoint: SilentEndpoint;
  const client = (options: { maxAttempts: number; requestTimeout?: number; endpoint?: string }) => {
    process.env.AWS_ENDPOINT_URL_CONFIG_SERVICE = options.endpoint ?? endpoint.url;
    return awsClient(
      ConfigServiceClient,
      {},
      {
        maxAttempts: options.maxAttempts,
        requestHandler: new BudgetedHttpHandler({
          connectionTimeout: 1_000,
          requestTimeout: options.requestTimeout ?? 0,
          throwOnRequestTimeout: true,
        }),
      },
    );
  };
  const silent = async () => {
    endpoint = await startSilentEndpoint();
  };
  afterEach(async () => {
    delete process.env.AWS_ENDPOINT_URL_CONFIG_SERVICE;
    await endpoint?.stop();
  });

  it('abandons a call the endpoint never answers when the budget runs out, closing its socket', async () => {
    // Prepare: no request timeout at all, many attempts
    await silent();
    const config = client({ maxAttempts: 100 });

    // Act
    const error = await withTimeBudget(300, () => config.send(put)).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(AwsCallTimeoutError);
    expect(error).toMatchObject({ name: 'AwsCallTimeoutError', operation: 'ConfigService PutEvaluations' });
    expect((error as Error).message).toMatch(/^ConfigService PutEvaluations abandoned: no answer before/);
    expect(endpoint.requests()).toBe(1);
    await until(() => endpoint.open() === 0);
  });

  it('fails a call made after the budget ran out at once, without sending it', async () => {
    // Prepare
    await silent();
    const config = client({ maxAttempts: 3 });

    // Act
    const error = await withTimeBudget(0, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return config.send(put);
    }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(AwsCallTimeoutError);
    expect(endpoint.requests()).toBe(0);
  });

  it('names the operation when every attempt timed out, with the number of attempts', async () => {
    // Prepare
    await silent();
    const config = client({ maxAttempts: 2, requestTimeout: 100 });

    // Act
    const error = await config.send(put).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(AwsCallTimeoutError);
    expect((error as Error).message).toMatch(
      /^ConfigService PutEvaluations timed out after 2 attempt\(s\) \(the last: .*100 ms requestTimeout/,
    );
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
    expect(endpoint.requests()).toBe(2);
  });

  it('leaves other errors as the SDK raised them', async () => {
    // Prepare: nothing listens on the port any more
    await silent();
    const closed = endpoint.url;
    await endpoint.stop();
    const config = client({ maxAttempts: 1, endpoint: closed });

    // Act
    const error = await withTimeBudget(5_000, () => config.send(put)).catch((caught: unknown) => caught);

    // Assess
    expect(error).not.toBeInstanceOf(AwsCallTimeoutError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it("honours the caller's own abort signal within a budget", async () => {
    // Prepare
    await silent();
    const config = client({ maxAttempts: 1 });
    const controller = new AbortController();

    // Act
    const call = withTimeBudget(60_000, () => config.send(put, { abortSignal: controller.signal }));
    await until(() => endpoint.requests() === 1);
    controller.abort();
    const error = await call.catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'AbortError' });
    await until(() => endpoint.open() === 0);
  });
});
