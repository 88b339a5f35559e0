import { ServiceError } from './errors.js';
import {
  type Fault,
  type FaultInjector,
  LocalService,
  type RecordedRequest,
  type WireEvaluation,
} from './types.js';

const SERVER_ERROR_CODES: Record<number, { json: string; ec2: string }> = {
  500: { json: 'InternalFailure', ec2: 'InternalError' },
  502: { json: 'BadGateway', ec2: 'InternalError' },
  503: { json: 'ServiceUnavailable', ec2: 'Unavailable' },
  504: { json: 'GatewayTimeout', ec2: 'Unavailable' },
};

/**
 * The error a service answers for an injected throttle or server fault. EC2 throttles with HTTP 503
 * `RequestLimitExceeded`, the others with HTTP 400 `ThrottlingException` / `Throttling`: all are what
 * the SDK's retry strategy recognises, so the fault exercises the real retry path.
 */
export const faultError = (service: LocalService, fault: Exclude<Fault, { kind: 'drop' }>): ServiceError => {
  if (fault.kind === 'error') return new ServiceError(fault.code, fault.message, fault.status ?? 400);
  const ec2 = service === LocalService.EC2;
  if (fault.kind === 'throttle') {
    if (ec2) return new ServiceError('RequestLimitExceeded', 'Request limit exceeded.', 503);
    // The query-protocol services (STS, IAM) name it `Throttling`, the JSON ones `ThrottlingException`.
    const query = service === LocalService.STS || service === LocalService.IAM;
    return new ServiceError(query ? 'Throttling' : 'ThrottlingException', 'Rate exceeded', 400);
  }
  const codes = SERVER_ERROR_CODES[fault.status] ?? { json: 'InternalFailure', ec2: 'InternalError' };
  return new ServiceError(
    ec2 ? codes.ec2 : codes.json,
    'We encountered an internal error. Please try again.',
    fault.status,
  );
};

/** Which requests a fault helper applies to; every field given must match. */
export interface RequestMatch {
  service?: LocalService;
  operation?: string;
}

const matches = (request: RecordedRequest, where: RequestMatch): boolean =>
  (where.service === undefined || request.service === where.service) &&
  (where.operation === undefined || request.operation === where.operation);

/**
 * Injects `fault` into the first `count` matching requests, then lets every request through: the
 * usual shape of a test that expects the SDK to retry and recover (or, with one attempt, to fail).
 */
export const failFirst = (count: number, fault: Fault, where: RequestMatch = {}): FaultInjector => {
  let remaining = count;
  return (request) => {
    if (remaining <= 0 || !matches(request, where)) return undefined;
    remaining -= 1;
    return fault;
  };
};

/** Injects `fault` into every matching request. */
export const failAlways =
  (fault: Fault, where: RequestMatch = {}): FaultInjector =>
  (request) =>
    matches(request, where) ? fault : undefined;

/**
 * A 32-bit hash of `text` under `seed` (FNV-1a, then the MurmurHash3 finaliser so near-identical texts
 * land far apart): a counter-based pseudo-random number that depends on the text, not on arrival order.
 */
const hash32 = (seed: number, text: string): number => {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
};

/** A number in [0, 1) drawn from `text` under `seed`. */
const draw = (seed: number, text: string): number => hash32(seed, text) / 2 ** 32;

/** The transient faults a seeded injector draws from by default, evenly. */
export const TRANSIENT_FAULTS: readonly Fault[] = [
  { kind: 'throttle' },
  { kind: 'http', status: 500 },
  { kind: 'http', status: 503 },
  { kind: 'drop' },
];

export interface SeededFaultOptions {
  /** The same seed fails the same attempts of the same requests in every run. */
  seed: number;
  /** The share of attempts that fail, from 0 to 1. */
  rate: number;
  /**
   * At most this many attempts of one SDK call fail in a row: attempt `maxConsecutive + 1` always goes
   * through, so a client that retries at least that often recovers.
   */
  maxConsecutive: number;
  /** The faults drawn from, evenly; TRANSIENT_FAULTS by default. */
  faults?: readonly Fault[];
  where?: RequestMatch;
}

/**
 * Fails a seeded share of attempts with transient faults. Whether an attempt fails, and how, is drawn from
 * the request's content and its attempt number (the SDK's `amz-sdk-request` header), not from the order of
 * arrival: concurrent calls racing each other meet the same faults in every run, so a test built on it
 * cannot flake.
 */
export const seededFaults = (options: SeededFaultOptions): FaultInjector => {
  const { seed, rate, maxConsecutive, faults = TRANSIENT_FAULTS, where = {} } = options;
  if (faults.length === 0) throw new RangeError('seededFaults needs at least one fault to draw from');
  return (request) => {
    if (request.attempt > maxConsecutive || !matches(request, where)) return undefined;
    const text = `${request.service} ${request.operation} ${JSON.stringify(request.params)} #${request.attempt}`;
    if (draw(seed, text) >= rate) return undefined;
    return faults[hash32(seed ^ 0x9e3779b9, text) % faults.length];
  };
};

/** Options of `seededFailedEntries`: the share of entries returned, and how often the same resource may be. */
export interface SeededEntryOptions {
  seed: number;
  rate: number;
  /** A resource's entry is returned in FailedEvaluations at most this many times, then accepted. */
  maxConsecutive: number;
}

/**
 * A `failEvaluation` hook that returns a seeded share of entries in `FailedEvaluations`, each resource at
 * most `maxConsecutive` times. The draw depends on the resource and how often it failed before, so the
 * same entries fail in every run.
 */
export const seededFailedEntries = (
  options: SeededEntryOptions,
): ((evaluation: WireEvaluation) => boolean) => {
  const failures = new Map<string, number>();
  return (evaluation) => {
    const resource = `${evaluation.ComplianceResourceType} ${evaluation.ComplianceResourceId}`;
    const failed = failures.get(resource) ?? 0;
    if (failed >= options.maxConsecutive || draw(options.seed, `${resource} #${failed}`) >= options.rate) {
      return false;
    }
    failures.set(resource, failed + 1);
    return true;
  };
};
