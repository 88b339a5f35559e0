import type { InstanceStateName } from '@aws-sdk/client-ec2';
import type { LocalAggregator } from './config-aggregator.js';

/** The services the endpoint answers, named as in the `AWS_ENDPOINT_URL_<SERVICE>` variables. */
export const LocalService = { CONFIG_SERVICE: 'config-service', EC2: 'ec2' } as const;
export type LocalService = (typeof LocalService)[keyof typeof LocalService];

/** A request: `attempt` and `invocationId` from the SDK's headers, `inFlight` the same operation's at arrival. */
export interface RecordedRequest {
  service: LocalService;
  operation: string;
  params: Record<string, unknown>;
  attempt: number;
  invocationId?: string;
  inFlight: number;
  fault?: Fault['kind'];
}

/** A failure injected instead of an answer (`drop` destroys the socket before any byte of the response). */
export type Fault =
  | { kind: 'throttle' }
  | { kind: 'http'; status: 500 | 502 | 503 | 504 }
  | { kind: 'drop' }
  | { kind: 'error'; code: string; message: string; status?: number };
export type FaultInjector = (request: RecordedRequest) => Fault | undefined;

/** An instance as DescribeInstances serves it (AWS CLI field names); `OwnerId` is the reservation's. */
export interface LocalInstance {
  InstanceId: string;
  State: { Code: number; Name: InstanceStateName };
  IamInstanceProfile?: { Arn: string; Id: string };
  Tags?: { Key: string; Value: string }[];
  [field: string]: unknown;
}
export type InstanceFilter = { Name: string; Values: string[] };
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
  Annotation?: string | undefined;
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
export type ReceivedEvaluation = Omit<WireEvaluation, 'OrderingTimestamp'> & {
  OrderingTimestamp: Date;
  ResultToken: string;
  TestMode: boolean;
};

/**
 * What the endpoint serves and how it misbehaves, read on every request. `recordedAs`: the rule whose results
 * accepted evaluations become; `failEvaluation`: `true` fails the entry as sent, an entry fails as that one.
 */
export interface LocalAwsOptions {
  instances?: LocalInstance[] | Inventory;
  configHistory?: Record<string, unknown>[];
  complianceResults?: ComplianceResult[] | ComplianceResultsSource;
  recordedAs?: string;
  faults?: FaultInjector;
  latencyMs?: (request: RecordedRequest) => number | undefined;
  failEvaluation?: (evaluation: WireEvaluation, index: number) => boolean | WireEvaluation;
  /** A Config aggregator over the accepted evaluations (config-aggregator.ts). */
  aggregator?: LocalAggregator;
}

/** An error answered in the service's own code, in the protocol of the request. */
export type ServiceError = Error & { code: string; status: number };
export const serviceError = (code: string, message: string, status = 400): ServiceError =>
  Object.assign(new Error(message), { code, status });

/** The offset a next token holds (0 for none); a token the endpoint did not make is rejected, as AWS does. */
export const offsetOf = (token: string | undefined, code: string): number => {
  const offset = Number(token ?? 0);
  if (Number.isSafeInteger(offset) && offset >= 0) return offset;
  throw serviceError(code, `Invalid token ${token}`);
};
