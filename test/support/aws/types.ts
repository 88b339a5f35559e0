/** Shapes of the local endpoint. Items use the AWS API field names, so fixtures paste from AWS CLI output. */

/** The services the endpoint answers, named as in the `AWS_ENDPOINT_URL_<SERVICE>` variables. */
export const LocalService = { CONFIG_SERVICE: 'config-service', EC2: 'ec2' } as const;
export type LocalService = (typeof LocalService)[keyof typeof LocalService];

/** One request as the endpoint understood it; `params` is the decoded body. */
export interface RecordedRequest {
  service: LocalService;
  operation: string;
  params: Record<string, unknown>;
  /** Which attempt of one SDK call this is (the SDK's `amz-sdk-request` header), 1 when absent. */
  attempt: number;
  /** The SDK's `amz-sdk-invocation-id` header: the same for every attempt of one call. */
  invocationId?: string;
  /** Requests for the same operation being answered when this one arrived, this one included. */
  inFlight: number;
  fault?: Fault['kind'];
}

/** A failure injected instead of an answer (`drop` destroys the socket before any byte of the response). */
export type Fault =
  | { kind: 'throttle' }
  | { kind: 'http'; status: 500 | 502 | 503 | 504 }
  | { kind: 'drop' }
  | { kind: 'error'; code: string; message: string; status?: number };

/** Decides per request whether to inject a fault; `undefined` lets the request through. */
export type FaultInjector = (request: RecordedRequest) => Fault | undefined;

export type InstanceStateName =
  | 'pending'
  | 'running'
  | 'shutting-down'
  | 'terminated'
  | 'stopping'
  | 'stopped';

/** An instance as DescribeInstances serves it; other fields (`LaunchTime`, `Placement`...) are served too. */
export interface LocalInstance {
  InstanceId: string;
  State: { Code: number; Name: InstanceStateName };
  IamInstanceProfile?: { Arn: string; Id: string };
  Tags?: { Key: string; Value: string }[];
  /** The account that owns the reservation, 123456789012 when absent. */
  OwnerId?: string;
  [field: string]: unknown;
}

export interface InstanceFilter {
  Name: string;
  Values: string[];
}

type Page<T> = { items: T[]; nextToken?: string };

/** Serves DescribeInstances one page at a time, filters applied, so a fleet of any size is never held. */
export type Inventory = (
  filters: InstanceFilter[],
  nextToken: string | undefined,
  maxResults: number,
) => Page<LocalInstance> | Promise<Page<LocalInstance>>;

/** A previous result of a rule, as in `GetComplianceDetailsByConfigRule`'s `EvaluationResults`. */
export interface ComplianceResult {
  EvaluationResultIdentifier: {
    EvaluationResultQualifier: { ConfigRuleName: string; ResourceType: string; ResourceId: string };
    OrderingTimestamp: string | Date;
  };
  ComplianceType: string;
  ResultRecordedTime: string | Date;
  ConfigRuleInvokedTime: string | Date;
  Annotation?: string;
}

/** Serves `GetComplianceDetailsByConfigRule` one page at a time (as `Inventory` does). */
export type ComplianceResultsSource = (
  ruleName: string,
  complianceTypes: string[],
  nextToken: string | undefined,
  limit: number,
) => { results: ComplianceResult[]; nextToken?: string };

/** An evaluation entry as sent on the wire (OrderingTimestamp in epoch seconds). */
export interface WireEvaluation {
  ComplianceResourceType: string;
  ComplianceResourceId: string;
  ComplianceType: string;
  Annotation?: string;
  OrderingTimestamp: number;
}

/** An evaluation `PutEvaluations` accepted, with the call's token and mode. */
export interface ReceivedEvaluation extends Omit<WireEvaluation, 'OrderingTimestamp'> {
  OrderingTimestamp: Date;
  ResultToken: string;
  TestMode: boolean;
}

/** What the endpoint serves and how it misbehaves; read on every request, so a test may change it. */
export interface LocalAwsOptions {
  instances?: LocalInstance[] | Inventory;
  /** Configuration items as `GetResourceConfigHistory` returns them (`configuration` a JSON string). */
  configHistory?: Record<string, unknown>[];
  complianceResults?: ComplianceResult[] | ComplianceResultsSource;
  /** A rule name: accepted evaluations become its results, which the compliance reads then answer. */
  recordedAs?: string;
  faults?: FaultInjector;
  /** Milliseconds before an answer, so calls overlap as they do against AWS. */
  latencyMs?: (request: RecordedRequest) => number | undefined;
  /** `true` returns the entry in `FailedEvaluations` as sent; an entry returns that one instead. */
  failEvaluation?: (evaluation: WireEvaluation, index: number) => boolean | WireEvaluation;
}

/** An error answered in the service's own code, in the protocol of the request. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The offset a next token holds (0 for none); a token the endpoint did not make is rejected, as AWS does. */
export const offsetOf = (token: string | undefined, errorCode: string): number => {
  const offset = Number(token ?? 0);
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new ServiceError(errorCode, `Invalid token ${token}`);
  return offset;
};

/** One page of a list, in list order; the token is present only when something is left. */
export const pageOf = <T>(
  items: readonly T[],
  token: string | undefined,
  size: number,
  errorCode: string,
) => {
  const offset = offsetOf(token, errorCode);
  const page: Page<T> = { items: items.slice(offset, offset + size) };
  return offset + size < items.length ? { ...page, nextToken: String(offset + size) } : page;
};
