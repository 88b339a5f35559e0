import { AGGREGATOR_OPERATIONS } from './config-aggregator.js';
import type { ComplianceResult, LocalAwsOptions, ReceivedEvaluation, WireEvaluation } from './types.js';
import { type ComplianceResultsSource, offsetOf, serviceError } from './types.js';

/** The `x-amz-target` prefix of AWS Config (the service's internal name). */
export const CONFIG_TARGET_PREFIX = 'StarlingDoveService.';

export interface ConfigServiceState {
  options: LocalAwsOptions;
  evaluations: ReceivedEvaluation[];
  /** With `recordedAs`: the results one pagination of GetComplianceDetailsByConfigRule pages through. */
  listing: ComplianceResult[];
}
type Params = Record<string, unknown> & { NextToken?: string; ComplianceTypes?: string[] };

/** A compliance source over a fixed list: one rule's results, filtered by type, in list order. */
export const complianceResultsFromArray =
  (all: readonly ComplianceResult[]): ComplianceResultsSource =>
  (ruleName, types, nextToken, limit) => {
    const ofRule = all.filter(
      (result) =>
        result.EvaluationResultIdentifier.EvaluationResultQualifier.ConfigRuleName === ruleName &&
        (types.length === 0 || types.includes(result.ComplianceType)),
    );
    const start = offsetOf(nextToken, 'InvalidNextTokenException');
    const [results, end] = [ofRule.slice(start, start + limit), start + limit];
    return end < ofRule.length ? { results, nextToken: String(end) } : { results };
  };

const asResult = (ConfigRuleName: string, evaluation: ReceivedEvaluation): ComplianceResult => {
  const [ResourceType, ResourceId] = [evaluation.ComplianceResourceType, evaluation.ComplianceResourceId];
  const { ComplianceType, Annotation, OrderingTimestamp } = evaluation;
  const EvaluationResultIdentifier = {
    EvaluationResultQualifier: { ConfigRuleName, ResourceType, ResourceId },
    OrderingTimestamp,
  };
  const times = { ResultRecordedTime: OrderingTimestamp, ConfigRuleInvokedTime: OrderingTimestamp };
  return { EvaluationResultIdentifier, ComplianceType, Annotation, ...times };
};

/** What Config keeps of the accepted evaluations: the newest per resource, TestMode ones apart. */
const latest = (evaluations: ReceivedEvaluation[]): Map<string, ReceivedEvaluation> => {
  const held = new Map<string, ReceivedEvaluation>();
  for (const evaluation of evaluations) {
    const key = `${evaluation.ComplianceResourceType} ${evaluation.ComplianceResourceId}`;
    const before = held.get(key);
    if (!evaluation.TestMode && (before?.OrderingTimestamp ?? 0) <= evaluation.OrderingTimestamp) {
      held.set(key, evaluation);
    }
  }
  return held;
};

const OPERATIONS: Record<string, (params: Params, state: ConfigServiceState) => unknown> = {
  /** Asks `failEvaluation` which entries fail, stores the others. */
  PutEvaluations: (params, { options, evaluations }) => {
    const failed: WireEvaluation[] = [];
    const call = { ResultToken: params.ResultToken as string, TestMode: params.TestMode === true };
    for (const [index, entry] of ((params.Evaluations ?? []) as WireEvaluation[]).entries()) {
      const verdict = options.failEvaluation?.(entry, index) ?? false;
      if (verdict !== false) failed.push(verdict === true ? entry : verdict);
      else
        evaluations.push({ ...entry, OrderingTimestamp: new Date(entry.OrderingTimestamp * 1000), ...call });
    }
    return { FailedEvaluations: failed };
  },
  /** The stored items of one resource, newest first. */
  GetResourceConfigHistory: (params, { options }) => {
    const captured = (item: Params) => new Date(item.configurationItemCaptureTime as string).getTime();
    const items = (options.configHistory ?? [])
      .filter((item) => item.resourceType === params.resourceType && item.resourceId === params.resourceId)
      .sort((a, b) => captured(b) - captured(a));
    if (items.length === 0) throw serviceError('ResourceNotDiscoveredException', 'Resource not discovered');
    return { configurationItems: items.slice(0, (params.limit as number) || 10) };
  },
  /** One page of a rule's previous results, 10 by default; with `recordedAs`, of the accepted evaluations. */
  GetComplianceDetailsByConfigRule: (params, state) => {
    const { recordedAs, complianceResults: given = [] } = state.options;
    let source = typeof given === 'function' ? given : complianceResultsFromArray(given);
    if (recordedAs !== undefined) {
      // A pagination reads one listing, made afresh on its first page.
      if (params.NextToken === undefined) {
        state.listing = [...latest(state.evaluations).values()].map((held) => asResult(recordedAs, held));
      }
      source = complianceResultsFromArray(state.listing);
    }
    const [ruleName, types] = [params.ConfigRuleName as string, params.ComplianceTypes ?? []];
    // As the API model: an organization rule's name in a member account is longer, and cannot be read.
    const tooLong = `Value '${ruleName}' at 'configRuleName' failed to satisfy constraint: Member must have length <= 64`;
    if (ruleName.length > 64)
      throw serviceError('ValidationException', `1 validation error detected: ${tooLong}`);
    const page = source(ruleName, types, params.NextToken, (params.Limit as number) || 10);
    return { EvaluationResults: page.results, NextToken: page.nextToken };
  },
  /** The resource's recorded result (with `recordedAs`), else none. */
  GetComplianceDetailsByResource: (params, { options: { recordedAs }, evaluations }) => {
    const held = latest(evaluations).get(`${params.ResourceType} ${params.ResourceId}`);
    const types = params.ComplianceTypes ?? [];
    const wanted =
      held && recordedAs !== undefined && (types.length === 0 || types.includes(held.ComplianceType));
    return { EvaluationResults: wanted ? [asResult(recordedAs, held)] : [] };
  },
};

/** The JSON protocol's shape: timestamps (Dates, ISO strings in `…Time(stamp)` fields) in epoch seconds. */
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
  const handle = OPERATIONS[operation] ?? AGGREGATOR_OPERATIONS[operation];
  if (handle === undefined) throw serviceError('UnknownOperationException', `Not served: ${operation}`);
  return JSON.stringify(onWire(handle(params, state)));
};
