import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { awsClient, type ClientOverrides, REQUEST_TIMEOUT_MS } from '../../src/aws/client-options.js';
import { BudgetedHttpHandler, withTimeBudget } from '../../src/aws/time-budget.js';
import { cliClients } from '../../src/cli/clients.js';
import { main } from '../../src/cli/main.js';
import { createReporter, ReportMode } from '../../src/config/reporter.js';
import { ec2Inventory } from '../../src/ec2/inventory.js';
import { AwsCallTimeoutError, EvaluationDeliveryError } from '../../src/errors.js';
import { startLocalAws } from '../support/aws/index.js';
import { invokeBundle } from '../support/bundle.js';
import { loadEvent } from '../support/events.js';
import { type SilentEndpoint, startSilentEndpoint } from '../support/silent-endpoint.js';

// An endpoint that accepts the connection and never answers: the SDK's request timeout only logs a warning
// unless it is enforced, and without a time budget the call would hold the invocation until Lambda kills it.

/** Timeouts short enough for a test; the rule's own are 3 s and 15 s. */
const SHORT: ClientOverrides = {
  requestHandler: new BudgetedHttpHandler({
    connectionTimeout: 300,
    requestTimeout: 300,
    throwOnRequestTimeout: true,
  }),
};

const evaluation = {
  ComplianceResourceType: 'AWS::EC2::Instance',
  ComplianceResourceId: 'i-0a763ac3ee37d8d2b',
  ComplianceType: 'NON_COMPLIANT' as const,
  OrderingTimestamp: new Date('2026-11-28T00:00:00Z'),
};

describe('a silent endpoint', () => {
  const endpoints: SilentEndpoint[] = [];
  const previousEnv = { ...process.env };
  const silent = async (...variables: string[]) => {
    const endpoint = await startSilentEndpoint();
    endpoints.push(endpoint);
    for (const variable of variables) process.env[variable] = endpoint.url;
    return endpoint;
  };
  afterEach(async () => {
    process.env = { ...previousEnv };
    await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.stop()));
  });

  it('is abandoned after the request timeout and retried; the call then fails naming its operation', async () => {
    // Prepare
    const endpoint = await silent('AWS_ENDPOINT_URL_CONFIG_SERVICE');
    const reporter = createReporter({
      client: awsClient(ConfigServiceClient, {}, { ...SHORT, maxAttempts: 3 }),
      resultToken: 'token',
      mode: ReportMode.Live,
    });

    // Act
    await reporter.add(evaluation);
    const error = await reporter.flush().catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(EvaluationDeliveryError);
    expect((error as Error).message).toContain('ConfigService PutEvaluations timed out after 3 attempt(s)');
    expect(endpoint.requests()).toBe(3);
  });

  it('cannot outlast the time budget, whatever the retry settings', async () => {
    // Prepare: attempts enough for minutes of retries
    const endpoint = await silent('AWS_ENDPOINT_URL_EC2');
    const inventory = ec2Inventory(awsClient(EC2Client, {}, { ...SHORT, maxAttempts: 1_000 }));

    // Act
    const error = await withTimeBudget(2_000, async () => {
      for await (const _ of inventory.appTierInstances({ key: 'tier', values: ['app'] })) {
        // nothing comes
      }
    }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(AwsCallTimeoutError);
    expect((error as AwsCallTimeoutError).operation).toBe('EC2 DescribeInstances');
    expect((error as Error).message).toMatch(
      /^EC2 DescribeInstances abandoned: no answer before the invocation's time budget for AWS calls ran out \(2\.0 s/,
    );
    expect(endpoint.requests()).toBeGreaterThan(1);
    expect(endpoint.requests()).toBeLessThan(1_000);
  });

  it('fails the command line naming the operation, instead of hanging it', async () => {
    // Prepare
    await silent('AWS_ENDPOINT_URL_EC2');
    const stderr: string[] = [];

    // Act
    const code = await main(['audit', '--region', 'us-east-1', '--tag-key', 'tier', '--tag-value', 'app'], {
      stdout: () => {},
      stderr: (text) => stderr.push(text),
      clients: () => cliClients({ ...SHORT, maxAttempts: 2 }),
    });

    // Assess
    expect(code).toBe(2);
    expect(stderr.join('')).toContain('EC2 DescribeInstances timed out after 2 attempt(s)');
  });

  it('never holds the built function until its timeout: it retries, then fails naming the call', {
    timeout: 90_000,
  }, async () => {
    // Prepare: a Config endpoint and an EC2 endpoint that never answer; a function timeout that leaves
    // room for one request timeout and a retry
    const config = await silent();
    const ec2 = await silent();
    // The sweep reads the rule's previous results from Config before it lists EC2: a Config that answers.
    const answering = await startLocalAws();
    const timeoutMs = REQUEST_TIMEOUT_MS + 5_000;

    // Act: a change event reports to Config; a scheduled one lists EC2 first
    const [change, sweep] = await Promise.all([
      invokeBundle(loadEvent('no-profile'), {
        env: { AWS_ENDPOINT_URL_CONFIG_SERVICE: config.url },
        timeoutMs,
      }),
      invokeBundle(loadEvent('scheduled'), {
        env: { ...answering.env, AWS_ENDPOINT_URL_EC2: ec2.url },
        timeoutMs,
      }),
    ]).finally(() => answering.stop());

    // Assess
    expect(change.error?.name).toBe('EvaluationDeliveryError');
    expect(change.error?.message).toContain(
      "ConfigService PutEvaluations abandoned: no answer before the invocation's time budget",
    );
    expect(change.error?.undelivered).toEqual(['AWS::EC2::Instance i-0a763ac3ee37d8d2b']);
    expect(sweep.error?.name).toBe('AwsCallTimeoutError');
    expect(sweep.error?.message).toContain('EC2 DescribeInstances abandoned');
    for (const invocation of [change, sweep]) expect(invocation.remainingMs).toBeGreaterThan(1_000);
    // The first attempt was abandoned at the request timeout and the call retried.
    expect(config.requests()).toBeGreaterThanOrEqual(2);
    expect(ec2.requests()).toBeGreaterThanOrEqual(2);
  });
});
