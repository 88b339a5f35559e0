import { createHash } from 'node:crypto';
import { type Fault, type FaultInjector, LocalService, ServiceError, type WireEvaluation } from './types.js';

// Config's and EC2's names of the server errors; the SDK retries each, so a fault takes the real retry path.
const SERVER_ERRORS: Record<number, string[]> = {
  502: ['BadGateway', 'InternalError'],
  503: ['ServiceUnavailable', 'Unavailable'],
  504: ['GatewayTimeout', 'Unavailable'],
};

/** The error a service answers for an injected fault (EC2 throttles with HTTP 503, Config with 400). */
export const faultError = (service: LocalService, fault: Exclude<Fault, { kind: 'drop' }>): ServiceError => {
  const ec2 = service === LocalService.EC2 ? 1 : 0;
  if (fault.kind === 'error') return new ServiceError(fault.code, fault.message, fault.status);
  if (fault.kind === 'throttle')
    return new ServiceError(ec2 ? 'RequestLimitExceeded' : 'ThrottlingException', '', 400 + 103 * ec2);
  const code = SERVER_ERRORS[fault.status]?.[ec2] ?? (ec2 ? 'InternalError' : 'InternalFailure');
  return new ServiceError(code, 'We encountered an internal error.', fault.status);
};

/** Injects `fault` into the first `count` requests, then lets every request through. */
export const failFirst = (count: number, fault: Fault): FaultInjector => {
  let remaining = count;
  return () => (remaining-- > 0 ? fault : undefined);
};

/** A number in [0, 1) drawn from `text` under `seed`: it depends on the text, not on the order of arrival. */
const draw = (seed: number, text: string): number =>
  createHash('sha256').update(`${seed} ${text}`).digest().readUInt32BE(0) / 2 ** 32;

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
export const seededFaults = (options: {
  seed: number;
  rate: number;
  maxConsecutive: number;
  faults?: readonly Fault[];
}): FaultInjector => {
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
export const seededFailedEntries = (options: { seed: number; rate: number; maxConsecutive: number }) => {
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
