import { createHash } from 'node:crypto';
import type { Fault, FaultInjector, ServiceError, WireEvaluation } from './types.js';
import { LocalService, serviceError } from './types.js';

/** The error Config or EC2 answers for a fault; the SDK retries each, so a fault takes the real retry path. */
export const faultError = (service: LocalService, fault: Exclude<Fault, { kind: 'drop' }>): ServiceError => {
  const ec2 = service === LocalService.EC2;
  if (fault.kind === 'error') return serviceError(fault.code, fault.message, fault.status);
  const throttled = ec2 ? 'RequestLimitExceeded' : 'ThrottlingException';
  if (fault.kind === 'throttle') return serviceError(throttled, 'Rate exceeded', ec2 ? 503 : 400);
  const [unavailable, internal] = ec2
    ? ['Unavailable', 'InternalError']
    : ['ServiceUnavailable', 'InternalFailure'];
  return serviceError(fault.status === 503 ? unavailable : internal, 'Internal error', fault.status);
};

/** Injects `fault` into the first `count` requests, then lets every request through. */
export const failFirst = (count: number, fault: Fault): FaultInjector => {
  let remaining = count;
  return () => (remaining-- > 0 ? fault : undefined);
};

/** A number in [0, 1) drawn from `text` under `seed`: it depends on the text, not on the order of arrival. */
const draw = (seed: number, text: string): number =>
  createHash('sha256').update(`${seed} ${text}`).digest().readUInt32BE(0) / 2 ** 32;

/** Options of the seeded injectors: the same seed fails the same requests in every run. */
type Seeded = { seed: number; rate: number; maxConsecutive: number };

/** The transient faults a seeded injector draws from by default, evenly. */
export const TRANSIENT_FAULTS: readonly Fault[] = [
  { kind: 'throttle' },
  { kind: 'http', status: 500 },
  { kind: 'http', status: 503 },
  { kind: 'drop' },
];

/**
 * Fails a share `rate` of attempts, each SDK call at most `maxConsecutive` times in a row, with faults drawn
 * evenly from `faults`. The draw depends on the request's content and attempt number (the SDK's
 * `amz-sdk-request` header), not on the order of arrival: calls racing each other meet the same faults in
 * every run with the same seed, so a test built on it cannot flake.
 */
export const seededFaults = (options: Seeded & { faults?: readonly Fault[] }): FaultInjector => {
  const { seed, rate, maxConsecutive, faults = TRANSIENT_FAULTS } = options;
  return (request) => {
    if (request.attempt > maxConsecutive) return undefined;
    const text = `${request.service} ${request.operation} ${JSON.stringify(request.params)} #${request.attempt}`;
    return draw(seed, text) < rate ? faults[Math.floor(draw(seed + 1, text) * faults.length)] : undefined;
  };
};

/**
 * A `failEvaluation` hook that returns a seeded share `rate` of entries in `FailedEvaluations`, each resource
 * at most `maxConsecutive` times; the draw depends on the resource and its failures so far.
 */
export const seededFailedEntries = (options: Seeded) => {
  const failures = new Map<string, number>();
  return (evaluation: WireEvaluation): boolean => {
    const resource = `${evaluation.ComplianceResourceType} ${evaluation.ComplianceResourceId}`;
    const failed = failures.get(resource) ?? 0;
    if (failed >= options.maxConsecutive || draw(options.seed, `${resource} #${failed}`) >= options.rate) {
      return false;
    }
    failures.set(resource, failed + 1);
    return true;
  };
};
