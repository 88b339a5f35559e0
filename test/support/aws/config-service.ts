import { ServiceError } from './errors.js';
import { toEpochSeconds } from './json-protocol.js';
import { pageOf } from './pagination.js';
import type {
  ComplianceResult,
  ComplianceResultsSource,
  HistoryItem,
  LocalAwsOptions,
  ReceivedEvaluation,
  WireEvaluation,
} from './types.js';

/** The `x-amz-target` prefix of AWS Config (the service's internal name). */
export const CONFIG_TARGET_PREFIX = 'StarlingDoveService.';

/** What the Config handlers read and write. */
export interface ConfigServiceState {
  options: LocalAwsOptions;
  evaluations: ReceivedEvaluation[];
}

const COMPLIANCE_TYPES = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'];
const DEFAULT_PAGE = 10;
const MAX_PAGE = 100;

// Config's validation errors list every broken constraint in one message; so do we, so a test sees
// the same text the handler would log in AWS.
const validationError = (problems: string[]): ServiceError =>
  new ServiceError(
    'ValidationException',
    `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
  );

// Every string member of these operations is at least 1 character long; optional ones may be absent.
const lengthProblem = (value: unknown, at: string, max: number, required = true): string | undefined => {
  if (value === undefined || value === null) {
    return required
      ? `Value null at '${at}' failed to satisfy constraint: Member must not be null`
      : undefined;
  }
  if (typeof value !== 'string')
    return `Value at '${at}' failed to satisfy constraint: Member must be a string`;
  if (value.length < 1) {
    return `Value '' at '${at}' failed to satisfy constraint: Member must have length greater than or equal to 1`;
  }
  if (value.length > max) {
    return `Value '${value}' at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;
  }
  return undefined;
};

const pageSize = (limit: unknown, at: string): number => {
  if (limit === undefined || limit === null || limit === 0) return DEFAULT_PAGE;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE) {
    throw validationError([
      `Value '${String(limit)}' at '${at}' failed to satisfy constraint: Member must have value less than or equal to ${MAX_PAGE}`,
    ]);
  }
  return limit;
};

const evaluationProblems = (evaluation: unknown, position: number): string[] => {
  const at = `evaluations.${position}.member`;
  if (typeof evaluation !== 'object' || evaluation === null) return [`Value at '${at}' must be a structure`];
  const entry = evaluation as Record<string, unknown>;
  const problems = [
    lengthProblem(entry.ComplianceResourceType, `${at}.complianceResourceType`, 256),
    lengthProblem(entry.ComplianceResourceId, `${at}.complianceResourceId`, 768),
    lengthProblem(entry.Annotation, `${at}.annotation`, 256, false),
  ];
  if (!COMPLIANCE_TYPES.includes(entry.ComplianceType as string)) {
    problems.push(
      `Value '${String(entry.ComplianceType)}' at '${at}.complianceType' failed to satisfy constraint: Member must satisfy enum value set: [${COMPLIANCE_TYPES.join(', ')}]`,
    );
  }
  if (typeof entry.OrderingTimestamp !== 'number') {
    problems.push(
      `Value null at '${at}.orderingTimestamp' failed to satisfy constraint: Member must not be null`,
    );
  }
  return problems.filter((problem): problem is string => problem !== undefined);
};

/**
 * `PutEvaluations`: validates like Config (at most 100 entries, annotation 1..256 characters, no
 * INSUFFICIENT_DATA from a custom rule), asks `failEvaluation` which entries fail, stores the others.
 */
const putEvaluations = (params: Record<string, unknown>, state: ConfigServiceState): unknown => {
  const evaluations = params.Evaluations ?? [];
  const problems: string[] = [];
  const tokenProblem = lengthProblem(params.ResultToken, 'resultToken', Number.MAX_SAFE_INTEGER);
  if (tokenProblem !== undefined) problems.push(tokenProblem);
  if (!Array.isArray(evaluations)) {
    throw validationError([
      ...problems,
      "Value at 'evaluations' failed to satisfy constraint: Member must be a list",
    ]);
  }
  if (evaluations.length > MAX_PAGE) {
    problems.push(
      `Value at 'evaluations' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAGE}`,
    );
  }
  evaluations.forEach((evaluation, index) => {
    problems.push(...evaluationProblems(evaluation, index + 1));
  });
  if (problems.length > 0) throw validationError(problems);

  const entries = evaluations as WireEvaluation[];
  if (entries.some((entry) => entry.ComplianceType === 'INSUFFICIENT_DATA')) {
    throw new ServiceError(
      'InvalidParameterValueException',
      'The ComplianceType INSUFFICIENT_DATA cannot be reported by a custom rule.',
    );
  }
  const failed: WireEvaluation[] = [];
  entries.forEach((entry, index) => {
    const verdict = state.options.failEvaluation?.(entry, index) ?? false;
    if (verdict !== false) {
      failed.push(verdict === true ? entry : verdict);
      return;
    }
    state.evaluations.push({
      ComplianceResourceType: entry.ComplianceResourceType,
      ComplianceResourceId: entry.ComplianceResourceId,
      ComplianceType: entry.ComplianceType,
      ...(entry.Annotation === undefined ? {} : { Annotation: entry.Annotation }),
      OrderingTimestamp: new Date(entry.OrderingTimestamp * 1000),
      ResultToken: params.ResultToken as string,
      TestMode: params.TestMode === true,
    });
  });
  return { FailedEvaluations: failed };
};

const HISTORY_TIME_FIELDS = ['configurationItemCaptureTime', 'resourceCreationTime'] as const;

/** A stored history item in the API's wire shape: configuration as a string, times in epoch seconds. */
const historyItemOnWire = (item: HistoryItem): Record<string, unknown> => {
  const wire: Record<string, unknown> = { ...item };
  for (const field of HISTORY_TIME_FIELDS) {
    const value = item[field];
    if (typeof value === 'string' || value instanceof Date) wire[field] = toEpochSeconds(value);
  }
  if (
    item.configuration !== undefined &&
    item.configuration !== null &&
    typeof item.configuration !== 'string'
  ) {
    wire.configuration = JSON.stringify(item.configuration);
  }
  return wire;
};

/** `GetResourceConfigHistory`: the stored items of one resource, newest first unless `Forward`. */
const getResourceConfigHistory = (params: Record<string, unknown>, state: ConfigServiceState): unknown => {
  const problems = [
    lengthProblem(params.resourceType, 'resourceType', 256),
    lengthProblem(params.resourceId, 'resourceId', 768),
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) throw validationError(problems);
  const limit = pageSize(params.limit, 'limit');
  const earliest = typeof params.earlierTime === 'number' ? params.earlierTime : Number.NEGATIVE_INFINITY;
  const latest = typeof params.laterTime === 'number' ? params.laterTime : Number.POSITIVE_INFINITY;

  const items = (state.options.configHistory ?? [])
    .filter((item) => item.resourceType === params.resourceType && item.resourceId === params.resourceId)
    .map(historyItemOnWire);
  if (items.length === 0) {
    throw new ServiceError(
      'ResourceNotDiscoveredException',
      `Resource ${String(params.resourceId)} of resourceType:${String(params.resourceType)} is unknown or has not been discovered`,
    );
  }
  const captured = (item: Record<string, unknown>): number => item.configurationItemCaptureTime as number;
  const forward = params.chronologicalOrder === 'Forward';
  const inWindow = items
    .filter((item) => captured(item) >= earliest && captured(item) <= latest)
    .sort((a, b) => (forward ? captured(a) - captured(b) : captured(b) - captured(a)));
  const page = pageOf(inWindow, params.nextToken as string | undefined, limit, 'InvalidNextTokenException');
  return {
    configurationItems: page.items,
    ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
  };
};

/** A compliance source over a fixed list: one rule's results, filtered by type, in list order. */
export const complianceResultsFromArray =
  (results: readonly ComplianceResult[]): ComplianceResultsSource =>
  (ruleName, complianceTypes, nextToken, limit) => {
    const page = pageOf(
      results.filter(
        (result) =>
          result.EvaluationResultIdentifier.EvaluationResultQualifier.ConfigRuleName === ruleName &&
          (complianceTypes.length === 0 || complianceTypes.includes(result.ComplianceType)),
      ),
      nextToken,
      limit,
      'InvalidNextTokenException',
    );
    return page.nextToken === undefined
      ? { results: page.items }
      : { results: page.items, nextToken: page.nextToken };
  };

const complianceResultOnWire = (result: ComplianceResult): Record<string, unknown> => ({
  ...result,
  EvaluationResultIdentifier: {
    ...result.EvaluationResultIdentifier,
    OrderingTimestamp: toEpochSeconds(result.EvaluationResultIdentifier.OrderingTimestamp),
  },
  ResultRecordedTime: toEpochSeconds(result.ResultRecordedTime),
  ConfigRuleInvokedTime: toEpochSeconds(result.ConfigRuleInvokedTime),
});

const FILTERABLE_COMPLIANCE_TYPES = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'];

interface Recorded {
  seen: number;
  latest: Map<string, ReceivedEvaluation>;
  /** The list the pages of one GetComplianceDetailsByConfigRule pagination come from. */
  listing: ComplianceResult[];
}
const recordedOf = new WeakMap<ReceivedEvaluation[], Recorded>();

/** What Config keeps of the evaluations received: the newest per resource (TestMode ones are not kept). */
const latestRecorded = (evaluations: ReceivedEvaluation[]): Recorded => {
  let recorded = recordedOf.get(evaluations);
  if (recorded === undefined || recorded.seen > evaluations.length) {
    recorded = { seen: 0, latest: new Map(), listing: [] };
    recordedOf.set(evaluations, recorded);
  }
  for (; recorded.seen < evaluations.length; recorded.seen += 1) {
    const evaluation = evaluations[recorded.seen] as ReceivedEvaluation;
    if (evaluation.TestMode) continue;
    const key = `${evaluation.ComplianceResourceType} ${evaluation.ComplianceResourceId}`;
    const held = recorded.latest.get(key);
    if (held === undefined || held.OrderingTimestamp <= evaluation.OrderingTimestamp) {
      recorded.latest.set(key, evaluation);
    }
  }
  return recorded;
};

const asComplianceResult = (ruleName: string, evaluation: ReceivedEvaluation): ComplianceResult => ({
  EvaluationResultIdentifier: {
    EvaluationResultQualifier: {
      ConfigRuleName: ruleName,
      ResourceType: evaluation.ComplianceResourceType,
      ResourceId: evaluation.ComplianceResourceId,
      EvaluationMode: 'DETECTIVE',
    },
    OrderingTimestamp: evaluation.OrderingTimestamp,
  },
  ComplianceType: evaluation.ComplianceType,
  ResultRecordedTime: evaluation.OrderingTimestamp,
  ConfigRuleInvokedTime: evaluation.OrderingTimestamp,
  ...(evaluation.Annotation === undefined ? {} : { Annotation: evaluation.Annotation }),
});

/** The rule's recorded results, listed afresh on each first page (a pagination reads one listing). */
const recordedResults =
  (ruleName: string, evaluations: ReceivedEvaluation[]): ComplianceResultsSource =>
  (requested, complianceTypes, nextToken, limit) => {
    const recorded = latestRecorded(evaluations);
    if (nextToken === undefined) {
      recorded.listing =
        requested === ruleName
          ? [...recorded.latest.values()].map((evaluation) => asComplianceResult(ruleName, evaluation))
          : [];
    }
    return complianceResultsFromArray(recorded.listing)(requested, complianceTypes, nextToken, limit);
  };

/** `GetComplianceDetailsByConfigRule`: one page of a rule's previous results. */
const getComplianceDetailsByConfigRule = async (
  params: Record<string, unknown>,
  state: ConfigServiceState,
): Promise<unknown> => {
  const nameProblem = lengthProblem(params.ConfigRuleName, 'configRuleName', 64);
  if (nameProblem !== undefined) throw validationError([nameProblem]);
  const complianceTypes = (params.ComplianceTypes ?? []) as string[];
  const unfilterable = complianceTypes.filter((type) => !FILTERABLE_COMPLIANCE_TYPES.includes(type));
  if (unfilterable.length > 0) {
    throw new ServiceError(
      'InvalidParameterValueException',
      `ComplianceTypes ${unfilterable.join(', ')} cannot be used for filtering; use ${FILTERABLE_COMPLIANCE_TYPES.join(', ')}.`,
    );
  }
  const limit = pageSize(params.Limit, 'limit');
  const configured = state.options.complianceResults ?? [];
  const { recordedAs } = state.options;
  const source =
    recordedAs !== undefined
      ? recordedResults(recordedAs, state.evaluations)
      : typeof configured === 'function'
        ? configured
        : complianceResultsFromArray(configured);
  const page = await source(
    params.ConfigRuleName as string,
    complianceTypes,
    params.NextToken as string | undefined,
    limit,
  );
  return {
    EvaluationResults: page.results.map(complianceResultOnWire),
    ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }),
  };
};

/** `GetComplianceDetailsByResource`: the resource's recorded result (with `recordedAs`), else none; one page. */
const getComplianceDetailsByResource = (
  params: Record<string, unknown>,
  state: ConfigServiceState,
): unknown => {
  const problems = [
    lengthProblem(params.ResourceType, 'resourceType', 256),
    lengthProblem(params.ResourceId, 'resourceId', 768),
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) throw validationError(problems);
  const { recordedAs } = state.options;
  const held =
    recordedAs === undefined
      ? undefined
      : latestRecorded(state.evaluations).latest.get(
          `${String(params.ResourceType)} ${String(params.ResourceId)}`,
        );
  const types = (params.ComplianceTypes ?? []) as string[];
  return {
    EvaluationResults:
      held === undefined ||
      recordedAs === undefined ||
      (types.length > 0 && !types.includes(held.ComplianceType))
        ? []
        : [complianceResultOnWire(asComplianceResult(recordedAs, held))],
  };
};

/** Answers one Config operation, or throws a `ServiceError` as Config would. */
export const handleConfigService = async (
  operation: string,
  params: Record<string, unknown>,
  state: ConfigServiceState,
): Promise<unknown> => {
  switch (operation) {
    case 'PutEvaluations':
      return putEvaluations(params, state);
    case 'GetResourceConfigHistory':
      return getResourceConfigHistory(params, state);
    case 'GetComplianceDetailsByConfigRule':
      return getComplianceDetailsByConfigRule(params, state);
    case 'GetComplianceDetailsByResource':
      return getComplianceDetailsByResource(params, state);
    default:
      throw new ServiceError(
        'UnknownOperationException',
        `The local endpoint does not serve Config ${operation}`,
      );
  }
};
