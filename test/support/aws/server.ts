import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONFIG_TARGET_PREFIX, handleConfigService } from './config-service.js';
import { decodeDescribeInstances, EC2_API_VERSION, ec2ErrorXml, handleEc2 } from './ec2.js';
import { ServiceError } from './errors.js';
import { faultError } from './faults.js';
import { handleIam, IAM_API_VERSION } from './iam.js';
import { JSON_CONTENT_TYPE, jsonErrorBody } from './json-protocol.js';
import { formParams, queryErrorXml } from './query-protocol.js';
import { RequestRecorder } from './recorder.js';
import { handleSsm, SSM_TARGET_PREFIX } from './ssm.js';
import {
  type CallerIdentity,
  handleSts,
  type IssuedCredentials,
  identityOf,
  STS_API_VERSION,
} from './sts.js';
import {
  type LocalAwsOptions,
  LocalService,
  type ReceivedEvaluation,
  type RecordedRequest,
} from './types.js';

/** The environment variables that point the AWS SDK v3 clients at the endpoint. */
export const ENDPOINT_ENV_VARS = {
  [LocalService.CONFIG_SERVICE]: 'AWS_ENDPOINT_URL_CONFIG_SERVICE',
  [LocalService.EC2]: 'AWS_ENDPOINT_URL_EC2',
  [LocalService.SSM]: 'AWS_ENDPOINT_URL_SSM',
  [LocalService.STS]: 'AWS_ENDPOINT_URL_STS',
  [LocalService.IAM]: 'AWS_ENDPOINT_URL_IAM',
} as const;

const DEFAULT_ACCOUNT_ID = '123456789012';
const DEFAULT_REGION = 'us-east-1';

/** A running endpoint. */
export interface LocalAws {
  /** `http://127.0.0.1:<port>`, the endpoint of every service. */
  url: string;
  /** The `AWS_ENDPOINT_URL_<SERVICE>` variables of Config, EC2, SSM, STS and IAM, set to `url`. */
  env: Record<string, string>;
  /** Every request received, faulted ones included. */
  requests: RequestRecorder;
  /** The evaluations accepted by `PutEvaluations`, in arrival order (failed entries are not here). */
  evaluations: ReceivedEvaluation[];
  /** The options the endpoint reads on every request; change a field to change what it serves. */
  options: LocalAwsOptions;
  /** Closes the server and every open connection, keep-alive and in-flight ones included. */
  stop(): Promise<void>;
}

/** How a service frames its responses and errors. */
type Protocol = 'json' | 'ec2' | 'query';

/** A request the server could route to one of its services. */
type Routed =
  | {
      protocol: 'json';
      service: typeof LocalService.CONFIG_SERVICE | typeof LocalService.SSM;
      operation: string;
      params: Record<string, unknown>;
    }
  | {
      protocol: 'ec2' | 'query';
      service: typeof LocalService.EC2 | typeof LocalService.STS | typeof LocalService.IAM;
      operation: string;
      params: Record<string, unknown>;
      form: URLSearchParams;
    };

const QUERY_SERVICES: Record<
  string,
  typeof LocalService.EC2 | typeof LocalService.STS | typeof LocalService.IAM
> = {
  [EC2_API_VERSION]: LocalService.EC2,
  [STS_API_VERSION]: LocalService.STS,
  [IAM_API_VERSION]: LocalService.IAM,
};

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

// SigV4 names the key and the region: `Credential=<access key>/<date>/<region>/<service>/aws4_request`.
const CREDENTIAL = /Credential=([^/]+)\/\d+\/([^/]+)\//;
const ATTEMPT = /attempt=(\d+)/;
/** The SDK numbers the attempts of one call (`amz-sdk-request: attempt=2; max=8`) under one invocation id. */
const attemptOf = (request: IncomingMessage): Pick<RecordedRequest, 'attempt' | 'invocationId'> => {
  const header = request.headers['amz-sdk-request'];
  const attempt = Number(ATTEMPT.exec(typeof header === 'string' ? header : '')?.[1] ?? 1);
  const invocationId = request.headers['amz-sdk-invocation-id'];
  return typeof invocationId === 'string' ? { attempt, invocationId } : { attempt };
};

const signedBy = (request: IncomingMessage): { accessKeyId?: string; region: string } => {
  const match = CREDENTIAL.exec(request.headers.authorization ?? '');
  return match?.[1] === undefined
    ? { region: DEFAULT_REGION }
    : { accessKeyId: match[1], region: match[2] ?? DEFAULT_REGION };
};

/** The protocol of a request, known before it is routed, so even a routing error has the right shape. */
const protocolOf = (request: IncomingMessage, body: string): Protocol => {
  if (request.headers['x-amz-target'] !== undefined) return 'json';
  return new URLSearchParams(body).get('Version') === EC2_API_VERSION ? 'ec2' : 'query';
};

/**
 * Routes on what the SDK sends: JSON protocols name the operation in `x-amz-target`; the query
 * protocols (EC2, STS, IAM) send `Action` and the API `Version` in a form body.
 */
const route = (request: IncomingMessage, body: string): Routed => {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    const [prefix = '', operation = ''] = target.split('.');
    let params: Record<string, unknown>;
    try {
      params = body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
    } catch {
      throw new ServiceError('SerializationException', 'The request body is not valid JSON');
    }
    if (`${prefix}.` === CONFIG_TARGET_PREFIX) {
      return { protocol: 'json', service: LocalService.CONFIG_SERVICE, operation, params };
    }
    if (`${prefix}.` === SSM_TARGET_PREFIX)
      return { protocol: 'json', service: LocalService.SSM, operation, params };
    throw new ServiceError('UnknownOperationException', `The local endpoint does not serve ${target}`);
  }
  const form = new URLSearchParams(body);
  const action = form.get('Action');
  const service = QUERY_SERVICES[form.get('Version') ?? ''];
  if (action === null || service === undefined) {
    throw new ServiceError(
      'InvalidAction',
      `The local endpoint does not serve Action=${action} Version=${form.get('Version')}`,
    );
  }
  const ec2 = service === LocalService.EC2;
  const params =
    ec2 && action === 'DescribeInstances' ? { ...decodeDescribeInstances(form) } : formParams(form);
  return { protocol: ec2 ? 'ec2' : 'query', service, operation: action, params, form };
};

const send = (
  response: ServerResponse,
  protocol: Protocol,
  requestId: string,
  status: number,
  body: string,
  errorCode?: string,
) => {
  response.writeHead(status, {
    'content-type': protocol === 'json' ? JSON_CONTENT_TYPE : 'text/xml;charset=UTF-8',
    'x-amzn-requestid': requestId,
    ...(errorCode === undefined ? {} : { 'x-amzn-errortype': errorCode }),
  });
  response.end(body);
};

const errorBody = (protocol: Protocol, error: ServiceError, requestId: string): string => {
  switch (protocol) {
    case 'json':
      return jsonErrorBody(error.code, error.message);
    case 'ec2':
      return ec2ErrorXml(error.code, error.message, requestId);
    case 'query':
      return queryErrorXml(error.code, error.message, error.status, requestId);
  }
};

/**
 * Starts the endpoint on 127.0.0.1. Point the real SDK clients at it with `env` (or their `endpoint`
 * option); they sign requests with any credentials, which the endpoint does not check.
 */
export const startLocalAws = async (options: LocalAwsOptions = {}): Promise<LocalAws> => {
  const requests = new RequestRecorder();
  const evaluations: ReceivedEvaluation[] = [];
  const issued: IssuedCredentials = new Map();

  const answer = async (
    routed: Routed,
    region: string,
    caller: CallerIdentity,
    requestId: string,
  ): Promise<string> => {
    if (routed.protocol === 'json') {
      return JSON.stringify(
        routed.service === LocalService.CONFIG_SERVICE
          ? await handleConfigService(routed.operation, routed.params, { options, evaluations })
          : handleSsm(routed.operation, routed.params, options, { region, accountId: caller.accountId }),
      );
    }
    switch (routed.service) {
      case LocalService.EC2:
        return handleEc2(routed.operation, routed.form, options, requestId, caller.accountId);
      case LocalService.STS:
        return handleSts(routed.operation, routed.form, options, caller, issued, requestId);
      case LocalService.IAM:
        return handleIam(routed.operation, routed.form, options, caller.accountId, requestId);
    }
  };

  const inFlight = new Map<string, number>();
  const server = createServer(async (request, response) => {
    const requestId = randomUUID();
    let protocol: Protocol = request.headers['x-amz-target'] === undefined ? 'query' : 'json';
    try {
      const body = await readBody(request);
      protocol = protocolOf(request, body);
      const routed = route(request, body);
      const signer = signedBy(request);
      const caller = identityOf(signer.accessKeyId, issued, options.accountId ?? DEFAULT_ACCOUNT_ID);
      const operation = `${routed.service} ${routed.operation}`;
      const concurrent = (inFlight.get(operation) ?? 0) + 1;
      inFlight.set(operation, concurrent);
      // 'close' comes once per response: answered, failed or dropped.
      response.once('close', () => inFlight.set(operation, (inFlight.get(operation) ?? 1) - 1));
      const recorded: RecordedRequest = {
        service: routed.service,
        operation: routed.operation,
        params: routed.params,
        accountId: caller.accountId,
        ...attemptOf(request),
        inFlight: concurrent,
      };
      const fault = options.faults?.(recorded);
      requests.record(fault === undefined ? recorded : { ...recorded, fault: fault.kind });
      const latency = options.latencyMs?.(recorded);
      if (latency !== undefined && latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      if (fault?.kind === 'drop') {
        request.socket.destroy();
        return;
      }
      if (fault !== undefined) throw faultError(routed.service, fault);
      send(response, protocol, requestId, 200, await answer(routed, signer.region, caller, requestId));
    } catch (error) {
      // Anything but a ServiceError is a bug of the endpoint: answer 500 with its message, so the test
      // that hit it fails with a reason instead of a hang.
      const serviceError =
        error instanceof ServiceError
          ? error
          : new ServiceError('InternalFailure', `Local endpoint failure: ${String(error)}`, 500);
      if (!response.headersSent) {
        send(
          response,
          protocol,
          requestId,
          serviceError.status,
          errorBody(protocol, serviceError, requestId),
          serviceError.code,
        );
      }
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    env: Object.fromEntries(Object.values(ENDPOINT_ENV_VARS).map((name) => [name, url])),
    requests,
    evaluations,
    options,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // close() only ends idle connections; one waiting on a slow answer would keep the process alive.
        server.closeAllConnections();
      }),
  };
};
