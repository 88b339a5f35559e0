import { describe, expect, it } from 'vitest';
import { type Invocation, invokeBundle, lambdaNodeOptions } from '../support/bundle.js';
import { loadEvent } from '../support/events.js';
import { appTierFleet, sweepCalls } from '../support/fleet.js';
import { fleetEndpoints } from '../support/fleet-endpoints.js';

// The built bundle, in a fresh process per invocation with the Node options Lambda gives it, sweeping
// fleets generated page by page by the local endpoint. Assertions are on counts, never on seconds.

const SCHEDULED = loadEvent('scheduled');
/**
 * Where the memory of a sweep is judged from. The process's heap grows to its working size over the first
 * ten pages or so (V8 enlarges its young generation and its old generation's limit as the sweep allocates),
 * then stays: a sweep of 1,000 peaks lower than any larger one, the more so as the bundle shrinks.
 */
const FLAT_FROM = 10_000;
/** The largest sweep of this suite: 20,000 by default, quick everywhere; SWEEP_MAX_N=100000 for the full scale. */
const MAX_N = Math.max(Number(process.env.SWEEP_MAX_N ?? 0), 2 * FLAT_FROM);
/** PutEvaluations calls the reporter keeps in flight (src/config/reporter.ts). */
const PUT_CONCURRENCY = 4;
const LAMBDA_NODE_OPTIONS = lambdaNodeOptions();

describe('the built function at scale', () => {
  const serve = fleetEndpoints();

  // Three sweeps in fresh processes: tens of seconds on a busy machine.
  it(`sweeps 1,000 to ${MAX_N.toLocaleString('en-US')} instances with the minimum of calls, in flat memory`, {
    timeout: 240_000,
  }, async () => {
    const peaks: number[] = [];
    for (const n of [1_000, FLAT_FROM, MAX_N]) {
      // Prepare
      const fleet = appTierFleet(n);
      const aws = await serve(fleet);

      // Act
      const invocation: Invocation = await invokeBundle(SCHEDULED, {
        env: aws.env,
        execArgv: LAMBDA_NODE_OPTIONS,
      });

      // Assess
      expect(invocation.error).toBeUndefined();
      expect(sweepCalls(aws.requests)).toEqual(fleet.minimumCalls);
      expect(aws.requests.all).toHaveLength(
        Object.values(fleet.minimumCalls).reduce((sum, calls) => sum + calls, 0),
      );
      expect(new Set(aws.requests.params('DescribeInstances').map((params) => params.MaxResults))).toEqual(
        new Set([1000]),
      );
      expect(
        aws.requests.params('PutEvaluations').every((params) => (params.Evaluations as []).length <= 100),
      ).toBe(true);
      expect(aws.evaluations).toHaveLength(fleet.appTier + fleet.stale);
      expect(new Map(aws.evaluations.map((e) => [e.ComplianceResourceId, e.ComplianceType]))).toEqual(
        fleet.expected(),
      );
      expect(invocation.result?.sweep).toEqual({
        pages: fleet.minimumCalls.DescribeInstances,
        stale: fleet.stale,
      });
      peaks.push(invocation.maxRssKb);
    }

    // Assess: once the heap has its working size, the peak resident memory hardly grows with the fleet
    const [, from = 0, largest = 0] = peaks;
    expect(largest / from).toBeLessThanOrEqual(1.5);
  });

  it('keeps a bounded number of PutEvaluations in flight, and pages one call at a time', async () => {
    // Prepare: every call takes 20 ms, so calls overlap when the client lets them
    const fleet = appTierFleet(2_000);
    const aws = await serve(fleet);
    aws.options.latencyMs = () => 20;

    // Act
    const invocation = await invokeBundle(SCHEDULED, { env: aws.env });

    // Assess
    expect(invocation.error).toBeUndefined();
    expect(aws.requests.maxInFlight('PutEvaluations')).toBe(PUT_CONCURRENCY);
    expect(aws.requests.maxInFlight('DescribeInstances')).toBe(1);
    expect(aws.requests.maxInFlight('GetComplianceDetailsByConfigRule')).toBe(1);
    expect(aws.evaluations).toHaveLength(fleet.appTier + fleet.stale);
  });

  it('completes a sweep that fits under a 30 s function timeout', async () => {
    // Prepare
    const fleet = appTierFleet(2_000);
    const aws = await serve(fleet);

    // Act
    const invocation = await invokeBundle(SCHEDULED, { env: aws.env, timeoutMs: 30_000 });

    // Assess
    expect(invocation.error).toBeUndefined();
    expect(aws.evaluations).toHaveLength(fleet.appTier + fleet.stale);
    expect(invocation.result?.sweep).toEqual({ pages: 2, stale: fleet.stale });
  });

  it('stops before the Lambda timeout, keeps what it delivered, and says how far it got', async () => {
    // Prepare: pages come one a second, and the function has 8 s: ten pages cannot fit
    const fleet = appTierFleet(10_000);
    const aws = await serve(fleet);
    aws.options.latencyMs = (request) => (request.operation === 'DescribeInstances' ? 1_000 : undefined);

    // Act
    const invocation = await invokeBundle(SCHEDULED, { env: aws.env, timeoutMs: 8_000 });

    // Assess
    expect(invocation.error?.name).toBe('SweepTimeoutError');
    const [, evaluated = '', pages = ''] =
      /(\d+) instance\(s\) evaluated from (\d+) page\(s\) were delivered/.exec(
        invocation.error?.message ?? '',
      ) ?? [];
    expect(Number(pages)).toBeGreaterThan(0);
    expect(Number(pages)).toBeLessThan(fleet.minimumCalls.DescribeInstances);
    expect(aws.requests.count('DescribeInstances')).toBe(Number(pages));
    expect(Number(evaluated)).toBe(Number(pages) * 1_000);
    expect(aws.evaluations).toHaveLength(Number(evaluated));
    expect(new Set(aws.evaluations.map((e) => e.ComplianceResourceId)).size).toBe(Number(evaluated));
    // The previous results were read first; nothing was marked stale from an incomplete walk.
    expect(aws.requests.count('GetComplianceDetailsByConfigRule')).toBe(
      fleet.minimumCalls.GetComplianceDetailsByConfigRule,
    );
    expect(aws.evaluations.filter((e) => e.ComplianceType === 'NOT_APPLICABLE')).toEqual([]);
    expect(invocation.remainingMs).toBeGreaterThan(0);
  });
});
