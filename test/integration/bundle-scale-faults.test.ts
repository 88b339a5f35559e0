import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS } from '../../src/aws/client-options.js';
import { MAX_BATCH } from '../../src/config/reporter.js';
import { type Fault, seededFailedEntries, seededFaults } from '../support/aws/index.js';
import { invokeBundle, lambdaNodeOptions } from '../support/bundle.js';
import { loadEvent } from '../support/events.js';
import { appTierFleet, sweepCalls } from '../support/fleet.js';
import { fleetEndpoints } from '../support/fleet-endpoints.js';
import { replayRetryQuota } from '../support/retry-quota.js';

// The built bundle sweeping 100,000 app-tier instances in one invocation while 30 % of all calls fail
// transiently. The SDK's standard retry strategy shares a quota of 500 tokens per client; a retry after
// such a fault costs 14, and the quota refills by 1 a success: over the 2,070 calls of this sweep it runs
// dry, and from then on the client gave up on the first fault of any call. Counts are asserted, never times.

const SCHEDULED = loadEvent('scheduled');
const SEED = 20261128;
const N = 100_000;
/**
 * Server errors and dropped connections: the faults the shared quota charges most. Throttling is left to
 * the 10,000 sweep of bundle-faults.test.ts: the SDK backs off about a second after each, which would add
 * a minute of waiting to the 1,060 listing calls here without exercising anything more.
 */
const FAULTS: readonly Fault[] = [
  { kind: 'http', status: 500 },
  { kind: 'http', status: 503 },
  { kind: 'drop' },
];
const LAMBDA_NODE_OPTIONS = lambdaNodeOptions();

describe(`a sweep of ${N.toLocaleString('en-US')} instances with 30 % of all calls failing`, () => {
  const serve = fleetEndpoints();
  const fleet = appTierFleet(N);

  it('makes exactly the minimum of calls without faults', { timeout: 180_000 }, async () => {
    // Prepare
    const aws = await serve(fleet);

    // Act
    const invocation = await invokeBundle(SCHEDULED, { env: aws.env, execArgv: LAMBDA_NODE_OPTIONS });

    // Assess
    expect(invocation.error).toBeUndefined();
    expect(sweepCalls(aws.requests)).toEqual(fleet.minimumCalls);
    expect(aws.evaluations).toHaveLength(fleet.appTier + fleet.stale);
  });

  it('delivers every evaluation in one invocation, with no call beyond the minimum but re-sends', {
    timeout: 300_000,
  }, async () => {
    // Prepare: 30 % of attempts fail, at most twice in a row per call; 2 % of entries are refused
    const aws = await serve(fleet);
    aws.options.faults = seededFaults({ seed: SEED, rate: 0.3, maxConsecutive: 2, faults: FAULTS });
    const refuse = seededFailedEntries({ seed: SEED, rate: 0.02, maxConsecutive: 2 });
    let refused = 0;
    aws.options.failEvaluation = (entry) => {
      const failed = refuse(entry);
      if (failed) refused += 1;
      return failed;
    };

    // Act
    const invocation = await invokeBundle(SCHEDULED, { env: aws.env, execArgv: LAMBDA_NODE_OPTIONS });

    // Assess: 100 % delivered, as decided
    expect(invocation.error).toBeUndefined();
    expect(invocation.result?.report.delivered).toBe(fleet.appTier + fleet.stale);
    expect(aws.evaluations).toHaveLength(fleet.appTier + fleet.stale);
    expect(new Map(aws.evaluations.map((e) => [e.ComplianceResourceId, e.ComplianceType]))).toEqual(
      fleet.expected(),
    );

    // Assess: every listing call made once (retries aside); PutEvaluations once per batch, plus the
    // refused entries gathered into full batches (at most one partial batch per round of re-sending)
    const firstAttempts = aws.requests.all.filter((request) => request.attempt === 1);
    const calls = (operation: string) => firstAttempts.filter((r) => r.operation === operation).length;
    expect(calls('DescribeInstances')).toBe(fleet.minimumCalls.DescribeInstances);
    expect(calls('GetComplianceDetailsByConfigRule')).toBe(
      fleet.minimumCalls.GetComplianceDetailsByConfigRule,
    );
    expect(calls('PutEvaluations')).toBeGreaterThan(fleet.minimumCalls.PutEvaluations);
    expect(calls('PutEvaluations')).toBeLessThanOrEqual(
      fleet.minimumCalls.PutEvaluations + Math.ceil(refused / MAX_BATCH) + 2,
    );

    // Assess: the faults were there, and the SDK's shared quota would have given up on some calls
    const faulted = firstAttempts.filter((request) => request.fault !== undefined).length;
    expect(faulted / firstAttempts.length).toBeGreaterThan(0.25);
    expect(faulted / firstAttempts.length).toBeLessThan(0.35);
    expect(refused).toBeGreaterThan(1_000);
    expect(replayRetryQuota(aws.requests.all, MAX_ATTEMPTS).unpaid).toBeGreaterThan(0);
  });
});
