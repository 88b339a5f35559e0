import type { ConfigServiceState } from './config-service.js';
import type { ReceivedEvaluation } from './types.js';
import { offsetOf, serviceError } from './types.js';

type Params = Record<string, unknown> & { NextToken?: string };

/** Where a rule invocation ran: Config's result token ties its evaluations to the rule, account and region. */
export interface AggregateSource {
  readonly accountId: string;
  readonly region: string;
  readonly configRuleName: string;
}

/**
 * A Config aggregator over the evaluations PutEvaluations accepted: `sourceOf` says which account, region
 * and rule a result token belongs to (a token it does not know is not aggregated).
 */
export interface LocalAggregator {
  readonly name: string;
  readonly sourceOf: (resultToken: string) => AggregateSource | undefined;
}

interface Held {
  readonly source: AggregateSource;
  readonly evaluation: ReceivedEvaluation;
}

/** The newest evaluation of each resource of each rule, account and region; TestMode ones apart. */
const held = (aggregator: LocalAggregator, evaluations: readonly ReceivedEvaluation[]): Held[] => {
  const newest = new Map<string, Held>();
  for (const evaluation of evaluations) {
    const source = evaluation.TestMode ? undefined : aggregator.sourceOf(evaluation.ResultToken);
    if (source === undefined) continue;
    const key = [
      source.accountId,
      source.region,
      source.configRuleName,
      evaluation.ComplianceResourceId,
    ].join(' ');
    const before = newest.get(key);
    if ((before?.evaluation.OrderingTimestamp ?? 0) <= evaluation.OrderingTimestamp) {
      newest.set(key, { source, evaluation });
    }
  }
  return [...newest.values()];
};

const aggregatorOf = (params: Params, state: ConfigServiceState): LocalAggregator => {
  const aggregator = state.options.aggregator;
  if (aggregator === undefined || params.ConfigurationAggregatorName !== aggregator.name) {
    throw serviceError(
      'NoSuchConfigurationAggregatorException',
      `The configuration aggregator ${String(params.ConfigurationAggregatorName)} does not exist`,
    );
  }
  return aggregator;
};

const page = <T>(items: T[], params: Params, max: number) => {
  const limit = Math.min((params.Limit as number) || max, max);
  const start = offsetOf(params.NextToken, 'InvalidNextTokenException');
  const end = start + limit;
  return { items: items.slice(start, end), ...(end < items.length ? { NextToken: String(end) } : {}) };
};

/** The aggregator's two reads, by operation name. */
export const AGGREGATOR_OPERATIONS: Record<string, (params: Params, state: ConfigServiceState) => unknown> = {
  /** Each rule, account and region with results, and its compliance (NON_COMPLIANT if any resource is). */
  DescribeAggregateComplianceByConfigRules: (params, state) => {
    const aggregator = aggregatorOf(params, state);
    const rules = new Map<string, { source: AggregateSource; types: Set<string> }>();
    for (const { source, evaluation } of held(aggregator, state.evaluations)) {
      const key = `${source.accountId} ${source.region} ${source.configRuleName}`;
      const rule = rules.get(key) ?? { source, types: new Set<string>() };
      rule.types.add(evaluation.ComplianceType);
      rules.set(key, rule);
    }
    const entries = [...rules.values()].map(({ source, types }) => ({
      ConfigRuleName: source.configRuleName,
      AccountId: source.accountId,
      AwsRegion: source.region,
      Compliance: {
        ComplianceType: types.has('NON_COMPLIANT')
          ? 'NON_COMPLIANT'
          : types.has('COMPLIANT')
            ? 'COMPLIANT'
            : 'NOT_APPLICABLE',
      },
    }));
    const { items, ...next } = page(entries, params, 1000);
    return { AggregateComplianceByConfigRules: items, ...next };
  },
  /** One rule's results in one account and region; as the API, COMPLIANT or NON_COMPLIANT only, 100 a page. */
  GetAggregateComplianceDetailsByConfigRule: (params, state) => {
    const aggregator = aggregatorOf(params, state);
    const type = params.ComplianceType as string | undefined;
    if (type !== undefined && type !== 'COMPLIANT' && type !== 'NON_COMPLIANT') {
      throw serviceError('InvalidParameterValueException', `ComplianceType ${type} is not supported`);
    }
    const results = held(aggregator, state.evaluations)
      .filter(
        ({ source, evaluation }) =>
          source.accountId === params.AccountId &&
          source.region === params.AwsRegion &&
          source.configRuleName === params.ConfigRuleName &&
          (type === undefined || evaluation.ComplianceType === type),
      )
      .map(({ source, evaluation }) => ({
        EvaluationResultIdentifier: {
          EvaluationResultQualifier: {
            ConfigRuleName: source.configRuleName,
            ResourceType: evaluation.ComplianceResourceType,
            ResourceId: evaluation.ComplianceResourceId,
          },
          OrderingTimestamp: evaluation.OrderingTimestamp,
        },
        ComplianceType: evaluation.ComplianceType,
        ResultRecordedTime: evaluation.OrderingTimestamp,
        ConfigRuleInvokedTime: evaluation.OrderingTimestamp,
        Annotation: evaluation.Annotation,
        AccountId: source.accountId,
        AwsRegion: source.region,
      }));
    const { items, ...next } = page(results, params, 100);
    return { AggregateEvaluationResults: items, ...next };
  },
};
