import {
  type ComplianceResult,
  type ComplianceResultsSource,
  type LocalAwsOptions,
  pageOf,
  type ReceivedEvaluation,
  ServiceError,
  type WireEvaluation,
} from './types.js';

/** The `x-amz-target` prefix of AWS Config (the service's internal name). */
export const CONFIG_TARGET_PREFIX = 'StarlingDoveService.';

/** What the Config operations read and write. */
export interface ConfigServiceState {
  options: LocalAwsOptions;
  evaluations: ReceivedEvaluation[];
  /** With `recordedAs`: the results one pagination of GetComplianceDetailsByConfigRule pages through. */
  listing: ComplianceResult[];
}
type Params = Record<string, unknown>;

/** `PutEvaluations`: asks `failEvaluation` which entries fail, stores the others. */
const putEvaluations = (params: Params, { options, evaluations }: ConfigServiceState) => {
  const failed: WireEvaluation[] = [];
  const {
    Evaluations = [],
    ResultToken,
    TestMode,
  } = params as { Evaluations?: WireEvaluation[]; ResultToken: string; TestMode?: boolean };
  for (const [index, entry] of Evaluations.entries()) {
    const verdict = options.failEvaluation?.(entry, index) ?? false;
    if (verdict !== false) failed.push(verdict === true ? entry : verdict);
    else
      evaluations.push({
        ...entry,
        OrderingTimestamp: new Date(entry.OrderingTimestamp * 1000),
        ResultToken,
        TestMode: TestMode === true,
      });
  }
  return { FailedEvaluations: failed };
};

/** `GetResourceConfigHistory`: the stored items of one resource, newest first. */
const getResourceConfigHistory = (params: Params, { options }: ConfigServiceState) => {
  const items = (options.configHistory ?? []).filter(
    (item) => item.resourceType === params.resourceType && item.resourceId === params.resourceId,
  );
  if (items.length === 0) throw new ServiceError('ResourceNotDiscoveredException', 'Resource not discovered');
  const captured = (item: Params) => new Date(item.configurationItemCaptureTime as string).getTime();
  return {
    configurationItems: items
      .sort((a, b) => captured(b) - captured(a))
      .slice(0, (params.limit as number) || 10),
  };
};

/** A compliance source over a fixed list: one rule's results, filtered by type, in list order. */
export const complianceResultsFromArray =
  (results: readonly ComplianceResult[]): ComplianceResultsSource =>
  (ruleName, types, nextToken, limit) => {
    const ofRule = results.filter(
      (result) =>
        result.EvaluationResultIdentifier.EvaluationResultQualifier.ConfigRuleName === ruleName &&
        (types.length === 0 || types.includes(result.ComplianceType)),
    );
    const { items, ...next } = pageOf(ofRule, nextToken, limit, 'InvalidNextTokenException');
    return { results: items, ...next };
  };

const asResult = (ruleName: string, evaluation: ReceivedEvaluation): ComplianceResult => ({
  EvaluationResultIdentifier: {
    EvaluationResultQualifier: {
      ConfigRuleName: ruleName,
      ResourceType: evaluation.ComplianceResourceType,
      ResourceId: evaluation.ComplianceResourceId,
    },
    OrderingTimestamp: evaluation.OrderingTimestamp,
  },
  ComplianceType: evaluation.ComplianceType,
  ResultRecordedTime: evaluation.OrderingTimestamp,
  ConfigRuleInvokedTime: evaluation.OrderingTimestamp,
  ...(evaluation.Annotation === undefined ? {} : { Annotation: evaluation.Annotation }),
});

/** What Config keeps of the accepted evaluations: the newest per resource, TestMode ones apart. */
const latest = (evaluations: ReceivedEvaluation[]): Map<string, ReceivedEvaluation> => {
  const held = new Map<string, ReceivedEvaluation>();
  for (const evaluation of evaluations) {
    const key = `${evaluation.ComplianceResourceType} ${evaluation.ComplianceResourceId}`;
    const before = held.get(key);
    if (evaluation.TestMode || (before?.OrderingTimestamp ?? 0) > evaluation.OrderingTimestamp) continue;
    held.set(key, evaluation);
  }
  return held;
};

/** `GetComplianceDetailsByConfigRule`: one page of a rule's previous results (Limit 10 by default). */
const getComplianceDetailsByConfigRule = (params: Params, state: ConfigServiceState) => {
  const { recordedAs, complianceResults = [] } = state.options;
  let source =
    typeof complianceResults === 'function'
      ? complianceResults
      : complianceResultsFromArray(complianceResults);
  if (recordedAs !== undefined) {
    // A pagination reads one listing, made afresh on its first page.
    if (params.NextToken === undefined) {
      state.listing = [...latest(state.evaluations).values()].map((received) =>
        asResult(recordedAs, received),
      );
    }
    source = complianceResultsFromArray(state.listing);
  }
  const types = (params.ComplianceTypes ?? []) as string[];
  const page = source(
    params.ConfigRuleName as string,
    types,
    params.NextToken as string | undefined,
    (params.Limit as number) || 10,
  );
  return { EvaluationResults: page.results, NextToken: page.nextToken };
};

/** `GetComplianceDetailsByResource`: the resource's recorded result (with `recordedAs`), else none. */
const getComplianceDetailsByResource = (params: Params, state: ConfigServiceState) => {
  const { recordedAs } = state.options;
  const held = latest(state.evaluations).get(`${params.ResourceType} ${params.ResourceId}`);
  const types = (params.ComplianceTypes ?? []) as string[];
  const wanted =
    held && recordedAs !== undefined && (types.length === 0 || types.includes(held.ComplianceType));
  return { EvaluationResults: wanted ? [asResult(recordedAs, held)] : [] };
};

const OPERATIONS: Record<string, (params: Params, state: ConfigServiceState) => unknown> = {
  PutEvaluations: putEvaluations,
  GetResourceConfigHistory: getResourceConfigHistory,
  GetComplianceDetailsByConfigRule: getComplianceDetailsByConfigRule,
  GetComplianceDetailsByResource: getComplianceDetailsByResource,
};

/** The JSON protocol's shape: timestamps (Dates, ISO strings in `…Time` / `…Timestamp` fields) in epoch seconds. */
const onWire = (value: unknown, key = ''): unknown => {
  if (value instanceof Date || (typeof value === 'string' && /(Time|Timestamp)$/.test(key))) {
    return new Date(value).getTime() / 1000;
  }
  if (Array.isArray(value)) return value.map((item) => onWire(item));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([field, inner]) => [field, onWire(inner, field)]));
};

/** Answers one Config operation with its JSON body, or throws a `ServiceError` as Config would. */
export const handleConfigService = (operation: string, params: Params, state: ConfigServiceState): string => {
  const handle = OPERATIONS[operation];
  if (handle === undefined) throw new ServiceError('UnknownOperationException', `Not served: ${operation}`);
  return JSON.stringify(onWire(handle(params, state)));
};
