// What moto does not serve, for tests, benchmarks and `npm start`: Config (PutEvaluations outside TestMode,
// the compliance reads, history of EC2 items), DescribeInstances over generated fleets, seeded faults.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONFIG_TARGET_PREFIX, type ConfigServiceState, handleConfigService } from './config-service.js';
import { decodeDescribeInstances, describeInstances, EC2_API_VERSION, escapeXml } from './ec2.js';
import { faultError } from './faults.js';
import type { LocalAwsOptions, RecordedRequest } from './types.js';
import { LocalService, type ServiceError, serviceError } from './types.js';

export type { AggregateSource, LocalAggregator } from './config-aggregator.js';
export { generatedInventory } from './ec2.js';
export * from './faults.js';
export * from './types.js';

/** Every request the endpoint received, in arrival order, retries and faulted attempts included. */
export class RequestRecorder {
  readonly #requests: RecordedRequest[] = [];
  get all(): RecordedRequest[] {
    return [...this.#requests];
  }
  readonly record = (request: RecordedRequest) => this.#requests.push(request);
  readonly of = (operation: string) => this.#requests.filter((request) => request.operation === operation);
  readonly count = (operation: string) => this.of(operation).length;
  readonly params = (operation: string) => this.of(operation).map((request) => request.params);
  /** The most requests for one operation the endpoint was answering at once (0 when none came). */
  readonly maxInFlight = (operation: string) =>
    Math.max(0, ...this.of(operation).map((request) => request.inFlight));
  readonly clear = () => this.#requests.splice(0);
}

/** A running endpoint (see `startLocalAws`). */
export type LocalAws = Awaited<ReturnType<typeof startLocalAws>>;

/** Config names the operation in `x-amz-target` over JSON; EC2 sends `Action` and `Version` in a form body. */
const route = (request: IncomingMessage, body: string, state: ConfigServiceState) => {
  const target = String(request.headers['x-amz-target'] ?? '');
  if (target.startsWith(CONFIG_TARGET_PREFIX)) {
    const [operation, params] = [target.slice(CONFIG_TARGET_PREFIX.length), JSON.parse(body || '{}')];
    const answer = async () => handleConfigService(operation, params, state);
    return { service: LocalService.CONFIG_SERVICE, operation, params, answer };
  }
  const form = new URLSearchParams(body);
  if (form.get('Action') !== 'DescribeInstances' || form.get('Version') !== EC2_API_VERSION) {
    throw serviceError('InvalidAction', `Not served here: ${target || `Action=${form.get('Action')}`}`);
  }
  const params = decodeDescribeInstances(form);
  const answer = () => describeInstances(params, state.options.instances ?? []);
  return { service: LocalService.EC2, operation: 'DescribeInstances', params, answer };
};

/**
 * Starts Config and EC2 DescribeInstances on 127.0.0.1: `env` points the real SDK clients at `url` (any
 * credentials do), `evaluations` are those `PutEvaluations` accepted, `options` are read on every request,
 * `stop()` closes every connection too, keep-alive and in-flight ones.
 */
export const startLocalAws = async (options: LocalAwsOptions = {}) => {
  const requests = new RequestRecorder();
  const state: ConfigServiceState = { options, evaluations: [], listing: [] };
  const inFlight: Record<string, number> = {};
  const server = createServer(async (request, response) => {
    const json = request.headers['x-amz-target'] !== undefined;
    let [status, body, errorCode] = [200, '', ''];
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const { answer, ...routed } = route(request, Buffer.concat(chunks).toString('utf8'), state);
      inFlight[routed.operation] = (inFlight[routed.operation] ?? 0) + 1;
      // 'close' comes once per response: answered, failed or dropped.
      response.once('close', () => (inFlight[routed.operation] = (inFlight[routed.operation] ?? 1) - 1));
      const recorded: RecordedRequest = {
        ...routed,
        attempt: Number(/attempt=(\d+)/.exec(String(request.headers['amz-sdk-request']))?.[1] ?? 1),
        invocationId: request.headers['amz-sdk-invocation-id'] as string | undefined,
        inFlight: inFlight[routed.operation] ?? 1,
      };
      const fault = options.faults?.(recorded);
      requests.record(fault === undefined ? recorded : { ...recorded, fault: fault.kind });
      const latency = options.latencyMs?.(recorded) ?? 0;
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      if (fault?.kind === 'drop') return void request.socket.destroy();
      if (fault !== undefined) throw faultError(routed.service, fault);
      body = await answer();
    } catch (thrown) {
      // Any other error is a bug of the endpoint: a 500 naming it fails the test with a reason.
      const error = (thrown as ServiceError).status
        ? (thrown as ServiceError)
        : serviceError('Bug', `${thrown}`, 500);
      [status, errorCode] = [error.status, error.code];
      body = json
        ? JSON.stringify({ __type: error.code, message: error.message })
        : `<Response><Errors><Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>` +
          '</Error></Errors></Response>';
    }
    const contentType = json ? 'application/x-amz-json-1.1' : 'text/xml';
    const headers = { 'content-type': contentType, 'x-amzn-errortype': errorCode };
    if (!response.headersSent) response.writeHead(status, headers).end(body);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    env: { AWS_ENDPOINT_URL_CONFIG_SERVICE: url, AWS_ENDPOINT_URL_EC2: url },
    requests,
    evaluations: state.evaluations,
    options,
    async stop() {
      const closed = new Promise((resolve) => server.close(resolve));
      // close() only ends idle connections; one waiting on a slow answer would keep the process alive.
      server.closeAllConnections();
      await closed;
    },
  };
};
