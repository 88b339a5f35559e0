import type { LocalService, RecordedRequest } from './types.js';

/** Every request the endpoint received, in arrival order, including retries and faulted attempts. */
export class RequestRecorder {
  readonly #requests: RecordedRequest[] = [];

  /** All recorded requests (a copy, so a test's assertion cannot change the log). */
  get all(): RecordedRequest[] {
    return [...this.#requests];
  }

  /** Adds one request; called by the server before any fault is applied. */
  record(request: RecordedRequest): void {
    this.#requests.push(request);
  }

  /** The requests for one operation, optionally of one service. */
  of(operation: string, service?: LocalService): RecordedRequest[] {
    return this.#requests.filter(
      (request) => request.operation === operation && (service === undefined || request.service === service),
    );
  }

  /** How many requests one operation received. */
  count(operation: string, service?: LocalService): number {
    return this.of(operation, service).length;
  }

  /** The most requests for one operation the endpoint was answering at once (0 when none came). */
  maxInFlight(operation: string, service?: LocalService): number {
    return this.of(operation, service).reduce((most, request) => Math.max(most, request.inFlight), 0);
  }

  /** The decoded parameters of every request for one operation. */
  params(operation: string, service?: LocalService): Record<string, unknown>[] {
    return this.of(operation, service).map((request) => request.params);
  }

  /** Forgets what was recorded, e.g. between the phases of a test. */
  clear(): void {
    this.#requests.length = 0;
  }
}
