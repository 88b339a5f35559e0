/**
 * Shapes shared by the local AWS endpoint: what it stores, what it records and the hooks a test sets.
 *
 * Stored items use the field names of the AWS APIs (PascalCase for EC2 and the Config compliance API,
 * camelCase for configuration items) so fixtures can be pasted from AWS CLI output.
 */

/** The services the endpoint answers, named as in the `AWS_ENDPOINT_URL_<SERVICE>` variables. */
export const LocalService = {
  CONFIG_SERVICE: 'config-service',
  EC2: 'ec2',
  SSM: 'ssm',
  STS: 'sts',
  IAM: 'iam',
} as const;
export type LocalService = (typeof LocalService)[keyof typeof LocalService];

/** One request as the endpoint understood it; `params` is the decoded body (see each service). */
export interface RecordedRequest {
  service: LocalService;
  operation: string;
  params: Record<string, unknown>;
  /**
   * The account whose credentials signed the request: the account of a role assumed through this
   * endpoint's STS, else the endpoint's own account.
   */
  accountId: string;
  /**
   * Which attempt of one SDK call this is (1 for the first), from the SDK's `amz-sdk-request` header;
   * 1 when the header is absent.
   */
  attempt: number;
  /** The SDK's `amz-sdk-invocation-id` header: the same for every attempt of one call. */
  invocationId?: string;
  /** Requests for the same operation being answered when this one arrived, this one included. */
  inFlight: number;
  /** The fault injected into this request, if any. */
  fault?: Fault['kind'];
}

/**
 * A failure the endpoint can inject instead of answering.
 * - `throttle`: the service's own throttling error (`ThrottlingException`, EC2 `RequestLimitExceeded`).
 * - `http`: a server error with that status and the service's error body.
 * - `drop`: the socket is destroyed before any byte of the response is written.
 * - `error`: any service error, e.g. one whose message echoes what the request sent.
 */
export type Fault =
  | { kind: 'throttle' }
  | { kind: 'http'; status: 500 | 502 | 503 | 504 }
  | { kind: 'drop' }
  | { kind: 'error'; code: string; message: string; status?: number };

/** Decides per request whether to inject a fault; `undefined` lets the request through. */
export type FaultInjector = (request: RecordedRequest) => Fault | undefined;

/** EC2 instance state names, as DescribeInstances reports them. */
export type InstanceStateName =
  | 'pending'
  | 'running'
  | 'shutting-down'
  | 'terminated'
  | 'stopping'
  | 'stopped';

/** An instance as the endpoint serves it: the DescribeInstances fields our code and tests care about. */
export interface LocalInstance {
  InstanceId: string;
  State: { Code: number; Name: InstanceStateName };
  IamInstanceProfile?: { Arn: string; Id: string };
  Tags?: { Key: string; Value: string }[];
  InstanceType?: string;
  ImageId?: string;
  /** ISO 8601, as in the CLI output. */
  LaunchTime?: string;
  Placement?: { AvailabilityZone: string; Tenancy?: string };
  PrivateDnsName?: string;
  PrivateIpAddress?: string;
  SubnetId?: string;
  VpcId?: string;
  Architecture?: string;
  /** The account that owns the reservation; the endpoint's account when absent. */
  OwnerId?: string;
}

/** One `Filter.N` of a DescribeInstances request. */
export interface InstanceFilter {
  Name: string;
  Values: string[];
}

/** One page of an inventory; `nextToken` is absent on the last page. */
export interface InventoryPage {
  instances: LocalInstance[];
  nextToken?: string;
}

/**
 * Serves DescribeInstances one page at a time, so a test can serve a fleet of any size without
 * holding it. It receives the request's filters and must apply them (see `matchesFilters`).
 */
export type Inventory = (
  filters: InstanceFilter[],
  nextToken: string | undefined,
  maxResults: number,
) => InventoryPage | Promise<InventoryPage>;

/**
 * A configuration item as `GetResourceConfigHistory` returns it: `configuration` a JSON string (an
 * object is accepted and serialised), times as ISO 8601 strings or `Date` (sent as epoch seconds).
 */
export interface HistoryItem {
  resourceType: string;
  resourceId: string;
  configurationItemCaptureTime: string | Date;
  configuration?: string | Record<string, unknown> | null;
  [field: string]: unknown;
}

/** A previous result of a rule, in the shape of `GetComplianceDetailsByConfigRule`'s `EvaluationResults`. */
export interface ComplianceResult {
  EvaluationResultIdentifier: {
    EvaluationResultQualifier: {
      ConfigRuleName: string;
      ResourceType: string;
      ResourceId: string;
      EvaluationMode?: string;
    };
    OrderingTimestamp: string | Date;
    ResourceEvaluationId?: string;
  };
  ComplianceType: string;
  ResultRecordedTime: string | Date;
  ConfigRuleInvokedTime: string | Date;
  Annotation?: string;
}

/** One page of previous results; `nextToken` is absent on the last page. */
export interface ComplianceResultsPage {
  results: ComplianceResult[];
  nextToken?: string;
}

/** Serves `GetComplianceDetailsByConfigRule` one page at a time (same idea as `Inventory`). */
export type ComplianceResultsSource = (
  ruleName: string,
  complianceTypes: string[],
  nextToken: string | undefined,
  limit: number,
) => ComplianceResultsPage | Promise<ComplianceResultsPage>;

/** An SSM parameter; a bare string is a `String` parameter. */
export type LocalParameter = string | { Value: string; Type?: 'String' | 'StringList' | 'SecureString' };

/** An instance profile as IAM `GetInstanceProfile` serves it; absent fields are derived from the name. */
export interface LocalInstanceProfile {
  InstanceProfileName: string;
  Arn?: string;
  InstanceProfileId?: string;
  Roles: { RoleName: string; Arn?: string }[];
}

/** An evaluation the endpoint accepted through `PutEvaluations`, with the call's token and mode. */
export interface ReceivedEvaluation {
  ComplianceResourceType: string;
  ComplianceResourceId: string;
  ComplianceType: string;
  Annotation?: string;
  OrderingTimestamp: Date;
  ResultToken: string;
  TestMode: boolean;
}

/** The evaluation entry as sent on the wire (OrderingTimestamp in epoch seconds). */
export interface WireEvaluation {
  ComplianceResourceType: string;
  ComplianceResourceId: string;
  ComplianceType: string;
  Annotation?: string;
  OrderingTimestamp: number;
}

/**
 * What the endpoint serves and how it misbehaves. The object is read on every request, so a test may
 * change a field of `LocalAws.options` between calls.
 */
export interface LocalAwsOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * The endpoint's own account: what STS GetCallerIdentity answers for the caller's credentials, and
   * where a response needs one (reservation owner, parameter ARNs). Default 123456789012.
   */
  accountId?: string;
  instances?: LocalInstance[] | Inventory;
  configHistory?: HistoryItem[];
  complianceResults?: ComplianceResult[] | ComplianceResultsSource;
  /**
   * A rule name: what `PutEvaluations` accepts is filed as that rule's results, and the compliance reads
   * (`GetComplianceDetailsByConfigRule`, `GetComplianceDetailsByResource`) answer from them, newest
   * OrderingTimestamp per resource, instead of from `complianceResults`.
   */
  recordedAs?: string;
  parameters?: Record<string, LocalParameter>;
  instanceProfiles?: LocalInstanceProfile[];
  /** Whether STS lets the caller assume a role; every role by default. A refusal is `AccessDenied`. */
  canAssumeRole?: (roleArn: string, sessionName: string) => boolean;
  faults?: FaultInjector;
  /**
   * How long the endpoint takes to answer a request, in milliseconds (none by default): lets calls overlap as
   * they do against AWS, so a test can see how many a client keeps in flight.
   */
  latencyMs?: (request: RecordedRequest) => number | undefined;
  /**
   * Marks entries of a `PutEvaluations` call as failed (not stored): `true` returns the entry in
   * `FailedEvaluations` as sent; an entry returns that one instead (an adversarial Config's answer).
   */
  failEvaluation?: (evaluation: WireEvaluation, index: number) => boolean | WireEvaluation;
}
