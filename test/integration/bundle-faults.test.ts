import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS } from '../../src/aws/client-options.js';
import {
  type Fault,
  type FaultInjector,
  LocalService,
  type ReceivedEvaluation,
  type RecordedRequest,
  seededFailedEntries,
  seededFaults,
  startLocalAws,
  type WireEvaluation,
} from '../support/aws/index.js';
import { invokeBundle } from '../support/bundle.js';
import { loadEvent } from '../support/events.js';
import { appTierFleet } from '../support/fleet.js';
import { fleetEndpoints } from '../support/fleet-endpoints.js';
import { replayRetryQuota } from '../support/retry-quota.js';

// The built bundle, in a fresh process per invocation, against the local endpoint: every fault reaches the
// function over the wire and goes through the SDK's own retry strategy (RETRY_MODE, MAX_ATTEMPTS).

const SCHEDULED = loadEvent('scheduled');
const SEED = 20261128;
/** The share of attempts that fail, and how many attempts of one call may fail in a row. */
const FAULT_RATE = 0.3;
const MAX_FAULTS_IN_A_ROW = 2;

/** What Config keeps of an evaluation, by resource id. */
const byResource = (evaluations: readonly ReceivedEvaluation[]) =>
  new Map(evaluations.map((evaluation) => [evaluation.ComplianceResourceId, evaluation]));

const ec2Key = (resourceId: string) => `AWS::EC2::Instance ${resourceId}`;

/** The resource ids of a PutEvaluations request. */
const resourcesOf = (request: RecordedRequest): string[] =>
  ((request.params.Evaluations ?? []) as { ComplianceResourceId: string }[]).map(
    (entry) => entry.ComplianceResourceId,
  );

describe('the built function under faults on the wire', () => {
  const serve = fleetEndpoints();

  describe('a sweep of 10,000 instances', () => {
    const fleet = appTierFleet(10_000);
    let withoutFaults: Map<string, ReceivedEvaluation>;

    beforeAll(async () => {
      const aws = await startLocalAws({
        instances: fleet.inventory,
        complianceResults: fleet.complianceResults,
      });
      try {
        const invocation = await invokeBundle(SCHEDULED, { env: aws.env });
        if (invocation.error !== undefined) throw new Error(invocation.error.message);
        withoutFaults = byResource(aws.evaluations);
      } finally {
        await aws.stop();
      }
    });

    it('without faults, reports every instance once, as expected', () => {
      // Assess
      expect(new Map([...withoutFaults].map(([id, evaluation]) => [id, evaluation.ComplianceType]))).toEqual(
        fleet.expected(),
      );
    });

    it('with 30 % of all calls failing transiently, delivers every evaluation exactly as without faults', async () => {
      // Prepare
      const aws = await serve(fleet);
      aws.options.faults = seededFaults({
        seed: SEED,
        rate: FAULT_RATE,
        maxConsecutive: MAX_FAULTS_IN_A_ROW,
      });
      const failEntry = seededFailedEntries({ seed: SEED, rate: 0.02, maxConsecutive: MAX_FAULTS_IN_A_ROW });
      let failedEntries = 0;
      aws.options.failEvaluation = (entry) => {
        const failed = failEntry(entry);
        if (failed) failedEntries += 1;
        return failed;
      };

      // Act
      const invocation = await invokeBundle(SCHEDULED, { env: aws.env });

      // Assess
      expect(invocation.error).toBeUndefined();
      expect(invocation.result?.report.delivered).toBe(fleet.appTier + fleet.stale);
      expect(aws.evaluations).toHaveLength(withoutFaults.size);
      expect(byResource(aws.evaluations)).toEqual(withoutFaults);

      // Assess: the faults happened, of every kind, on every operation of the sweep
      const requests = aws.requests.all;
      const faulted = requests.filter((request) => request.fault !== undefined);
      const firstAttempts = requests.filter((request) => request.attempt === 1);
      const callsHit = firstAttempts.filter((request) => request.fault !== undefined).length;
      expect(callsHit / firstAttempts.length).toBeGreaterThan(0.2);
      expect(callsHit / firstAttempts.length).toBeLessThan(0.4);
      expect(new Set(faulted.map((request) => request.fault))).toEqual(new Set(['throttle', 'http', 'drop']));
      expect(new Set(faulted.map((request) => request.operation))).toEqual(
        new Set(['DescribeInstances', 'GetComplianceDetailsByConfigRule', 'PutEvaluations']),
      );
      expect(Math.max(...requests.map((request) => request.attempt))).toBe(MAX_FAULTS_IN_A_ROW + 1);
      expect(failedEntries).toBeGreaterThan(0);

      // Assess: the SDK's retry quota (per client) always had a retry to spare
      const quota = replayRetryQuota(requests, MAX_ATTEMPTS);
      expect(quota.refused).toBe(0);
      expect(quota.lowest[LocalService.CONFIG_SERVICE]).toBeGreaterThan(100);
      expect(quota.lowest[LocalService.EC2]).toBeGreaterThan(100);
    });
  });

  describe('a permanent failure fails the invocation, naming every resource not delivered', () => {
    const fleet = appTierFleet(1_000);

    it('when Config keeps returning some entries in FailedEvaluations', async () => {
      // Prepare: two app-tier instances and one stale result are never accepted
      const refused = ['i-00000000000000005', 'i-000000000000003e7', 'i-e0000000000000000'];
      const aws = await serve(fleet);
      aws.options.failEvaluation = (entry) => refused.includes(entry.ComplianceResourceId);

      // Act
      const invocation = await invokeBundle(SCHEDULED, { env: aws.env });

      // Assess
      expect(invocation.error?.name).toBe('EvaluationDeliveryError');
      // Batches finish in any order: the names are a set.
      expect([...(invocation.error?.undelivered ?? [])].sort()).toEqual(refused.map(ec2Key).sort());
      for (const id of refused) expect(invocation.error?.message).toContain(id);
      const delivered = byResource(aws.evaluations);
      expect(aws.evaluations).toHaveLength(fleet.appTier + fleet.stale - refused.length);
      expect(refused.filter((id) => delivered.has(id))).toEqual([]);
    });

    it('when a PutEvaluations call keeps failing with HTTP 503 through every retry', async () => {
      // Prepare: the batch holding instance 250 (the third: instances 200 to 299) always fails
      const broken = 'i-000000000000000fa';
      const aws = await serve(fleet);
      const fault: Fault = { kind: 'http', status: 503 };
      const faults: FaultInjector = (request) =>
        request.operation === 'PutEvaluations' && resourcesOf(request).includes(broken) ? fault : undefined;
      aws.options.faults = faults;

      // Act
      const invocation = await invokeBundle(SCHEDULED, { env: aws.env });

      // Assess
      const batch = Array.from(
        { length: 100 },
        (_, index) => `i-${(200 + index).toString(16).padStart(17, '0')}`,
      );
      expect(invocation.error?.name).toBe('EvaluationDeliveryError');
      expect(invocation.error?.undelivered).toEqual(batch.map(ec2Key));
      // The message names the first 20 and counts the rest; the error (and the log) holds them all.
      expect(invocation.error?.message).toMatch(/^100 evaluation\(s\) not delivered to AWS Config/);
      for (const id of batch.slice(0, 20)) expect(invocation.error?.message).toContain(id);
      expect(invocation.error?.message).toContain(`${batch[19]} and 80 more`);
      const attempts = aws.requests
        .of('PutEvaluations')
        .filter((request) => resourcesOf(request).includes(broken))
        .map((request) => request.attempt);
      expect(attempts).toEqual(Array.from({ length: MAX_ATTEMPTS }, (_, index) => index + 1));
      expect(aws.evaluations).toHaveLength(fleet.appTier + fleet.stale - batch.length);
    });

    it('when listing fails for good: what was decided before is delivered, and the listing error fails the invocation', async () => {
      // Prepare: the second page of DescribeInstances always fails
      const twoPages = appTierFleet(2_000);
      const aws = await serve(twoPages);
      aws.options.faults = (request) =>
        request.operation === 'DescribeInstances' && request.params.NextToken !== undefined
          ? { kind: 'http', status: 500 }
          : undefined;

      // Act
      const invocation = await invokeBundle(SCHEDULED, { env: aws.env });

      // Assess
      expect(invocation.error?.name).toBe('InternalError');
      expect(aws.requests.of('DescribeInstances').map((request) => request.attempt)).toEqual([
        1,
        ...Array.from({ length: MAX_ATTEMPTS }, (_, index) => index + 1),
      ]);
      const expected = [...twoPages.expected()].slice(0, 1_000);
      expect(new Map(aws.evaluations.map((e) => [e.ComplianceResourceId, e.ComplianceType]))).toEqual(
        new Map(expected),
      );
      // Read before the listing; nothing is marked stale after a listing that did not complete.
      expect(aws.requests.count('GetComplianceDetailsByConfigRule')).toBe(
        twoPages.minimumCalls.GetComplianceDetailsByConfigRule,
      );
    });
  });

  describe('an adversarial Config: every evaluation decided is accepted or named in a failed invocation', () => {
    const fleet = appTierFleet(1_000);
    /** Each resource's entry is refused once, one in fifty in each way, by its id. */
    const oddAnswer = (kinds: readonly ('respelled' | 'retyped' | 'retimed')[]) => {
      const refused = new Map<string, string>();
      const failEvaluation = (entry: WireEvaluation): boolean | WireEvaluation => {
        const id = entry.ComplianceResourceId;
        const kind = kinds[Number.parseInt(id.slice(-4), 16) % 50];
        if (kind === undefined || refused.has(id)) return false;
        refused.set(id, kind);
        if (kind === 'respelled') return { ...entry, ComplianceResourceId: id.toUpperCase() };
        if (kind === 'retyped') return { ...entry, ComplianceResourceType: 'AWS::EC2::Volume' };
        return { ...entry, OrderingTimestamp: entry.OrderingTimestamp - 3600 };
      };
      const refusedAs = (kind: string) => [...refused].filter(([, how]) => how === kind).map(([id]) => id);
      return { failEvaluation, refusedAs };
    };

    it('when refused entries come back under another id spelling or another type', async () => {
      // Prepare
      const aws = await serve(fleet);
      const odd = oddAnswer(['respelled', 'retyped', 'retimed']);
      aws.options.failEvaluation = odd.failEvaluation;

      // Act
      const invocation = await invokeBundle(SCHEDULED, { env: aws.env });

      // Assess: the invocation failed, and nothing decided is neither accepted nor named
      expect(invocation.error?.name).toBe('EvaluationDeliveryError');
      expect(invocation.error?.message).toContain('in FailedEvaluations that match nothing sent');
      const accepted = new Set(aws.evaluations.map((evaluation) => evaluation.ComplianceResourceId));
      const named = new Set(invocation.error?.undelivered);
      const decided = [...fleet.expected().keys()];
      expect(decided.filter((id) => !accepted.has(id) && !named.has(ec2Key(id)))).toEqual([]);
      for (const id of [...odd.refusedAs('respelled'), ...odd.refusedAs('retyped')]) {
        expect(named.has(ec2Key(id))).toBe(true);
      }
      // Those Config returned with their own id and type were re-sent, and accepted.
      expect(odd.refusedAs('retimed').length).toBeGreaterThan(0);
      for (const id of odd.refusedAs('retimed')) expect(accepted.has(id)).toBe(true);
    });

    it('when refused entries come back with another timestamp only: re-sent, all delivered', async () => {
      // Prepare
      const aws = await serve(fleet);
      const odd = oddAnswer(['retimed', 'retimed', 'retimed']);
      aws.options.failEvaluation = odd.failEvaluation;

      // Act
      const invocation = await invokeBundle(SCHEDULED, { env: aws.env });

      // Assess
      expect(invocation.error).toBeUndefined();
      expect(odd.refusedAs('retimed').length).toBeGreaterThan(0);
      expect(new Map(aws.evaluations.map((e) => [e.ComplianceResourceId, e.ComplianceType]))).toEqual(
        fleet.expected(),
      );
    });
  });
});
