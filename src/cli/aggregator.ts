import {
  type ConfigServiceClient,
  paginateDescribeAggregateComplianceByConfigRules,
  paginateGetAggregateComplianceDetailsByConfigRule,
} from '@aws-sdk/client-config-service';
import { CommandError, describeError } from '../errors.js';
import { ComplianceType, EC2_INSTANCE } from '../rule/compliance.js';
import { mapBounded } from '../run/map-bounded.js';
import type { AccountOutcome, AuditReport, AuditResult, NotKnownField, RegionOutcome } from './audit.js';

/** What an aggregator holds of an evaluation: the result and its annotation, not the instance's facts. */
export const NOT_IN_AGGREGATOR: readonly NotKnownField[] = [
  'name',
  'state',
  'instanceProfileArn',
  'owner',
  'reason',
];

/** The results of an app-tier instance: the rule records NOT_APPLICABLE for the rest, which are not listed. */
const APP_TIER_RESULTS = [ComplianceType.NonCompliant, ComplianceType.Compliant] as const;

/**
 * Whether a rule name in a member account is the rule asked for: the same name (a rule deployed to each
 * account, by a StackSet or a conformance pack), or the name Config gives an organization rule in its
 * member accounts, `OrgConfigRule-<name>-<suffix>`.
 */
export const isRuleNamed = (memberRuleName: string, ruleName: string): boolean =>
  memberRuleName === ruleName ||
  (memberRuleName.startsWith(`OrgConfigRule-${ruleName}-`) &&
    memberRuleName.length > `OrgConfigRule-${ruleName}-`.length);

/** Where the rule exists: an account, a region and the rule's name there. */
export interface RuleLocation {
  readonly account: string;
  readonly region: string;
  readonly ruleName: string;
}

export interface AggregatorAuditOptions {
  readonly client: ConfigServiceClient;
  readonly aggregator: string;
  readonly ruleName: string;
  /** Only these accounts (an account named here where the rule has no results is reported as such). */
  readonly accounts?: readonly string[];
  /** Only these regions. */
  readonly regions?: readonly string[];
  readonly concurrency: number;
  readonly progress?: (done: number, total: number) => void;
}

const failure = (what: string, aggregator: string, error: unknown) =>
  new CommandError(`${what} of Config aggregator "${aggregator}" failed: ${describeError(error)}`, {
    cause: error,
  });

/**
 * Where the rule exists, from the aggregator (config:DescribeAggregateComplianceByConfigRules, every page):
 * sorted by account, then region.
 */
export const ruleLocations = async (
  options: Pick<AggregatorAuditOptions, 'client' | 'aggregator' | 'ruleName' | 'accounts' | 'regions'>,
): Promise<RuleLocation[]> => {
  const { client, aggregator, ruleName } = options;
  const accounts = options.accounts === undefined ? undefined : new Set(options.accounts);
  const regions = options.regions === undefined ? undefined : new Set(options.regions);
  const found = new Map<string, RuleLocation>();
  try {
    const pages = paginateDescribeAggregateComplianceByConfigRules(
      { client },
      { ConfigurationAggregatorName: aggregator },
    );
    for await (const page of pages) {
      for (const entry of page.AggregateComplianceByConfigRules ?? []) {
        const { ConfigRuleName: name, AccountId: account, AwsRegion: region } = entry;
        if (name === undefined || account === undefined || region === undefined) continue;
        if (!isRuleNamed(name, ruleName)) continue;
        if (accounts?.has(account) === false || regions?.has(region) === false) continue;
        found.set(`${account} ${region} ${name}`, { account, region, ruleName: name });
      }
    }
  } catch (error) {
    throw failure('config:DescribeAggregateComplianceByConfigRules', aggregator, error);
  }
  return [...found.values()].sort(
    (a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region),
  );
};

/** The rule's app-tier results in one account and region (config:GetAggregateComplianceDetailsByConfigRule). */
const resultsAt = async (options: AggregatorAuditOptions, location: RuleLocation): Promise<AuditResult[]> => {
  const results: AuditResult[] = [];
  for (const type of APP_TIER_RESULTS) {
    const pages = paginateGetAggregateComplianceDetailsByConfigRule(
      { client: options.client, pageSize: 100 },
      {
        ConfigurationAggregatorName: options.aggregator,
        ConfigRuleName: location.ruleName,
        AccountId: location.account,
        AwsRegion: location.region,
        ComplianceType: type,
      },
    );
    for await (const page of pages) {
      for (const entry of page.AggregateEvaluationResults ?? []) {
        const qualifier = entry.EvaluationResultIdentifier?.EvaluationResultQualifier;
        if (qualifier?.ResourceType !== EC2_INSTANCE || qualifier.ResourceId === undefined) continue;
        results.push({
          account: location.account,
          region: location.region,
          instanceId: qualifier.ResourceId,
          compliance: entry.ComplianceType === ComplianceType.Compliant ? ComplianceType.Compliant : type,
          annotation: entry.Annotation ?? '',
          notKnown: NOT_IN_AGGREGATOR,
        });
      }
    }
  }
  return results.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
};

/**
 * `audit --aggregator`: the deployed rule's results for every account and region a Config aggregator holds,
 * read in the aggregator's account; no role is assumed anywhere. The rows are the audit's, with what the
 * aggregator does not hold marked not known. An account named with `--accounts` where the aggregator holds
 * no result of the rule, and a region whose results could not be read, are named.
 */
export const auditAggregator = async (options: AggregatorAuditOptions): Promise<AuditReport> => {
  const locations = await ruleLocations(options);
  if (locations.length === 0 && options.accounts === undefined) {
    throw new CommandError(
      `Config aggregator "${options.aggregator}" holds no results of a rule named "${options.ruleName}" ` +
        `(nor of OrgConfigRule-${options.ruleName}-…)${options.regions === undefined ? '' : ' in the regions named'}`,
    );
  }
  let done = 0;
  options.progress?.(done, locations.length);
  const read = await mapBounded(locations, options.concurrency, async (location) => {
    let outcome: { region: RegionOutcome; results: AuditResult[] };
    try {
      const results = await resultsAt(options, location);
      outcome = {
        region: { account: location.account, region: location.region, instances: results.length },
        results,
      };
    } catch (error) {
      const region = {
        account: location.account,
        region: location.region,
        instances: 0,
        error: describeError(error),
      };
      outcome = { region, results: [] };
    }
    done += 1;
    options.progress?.(done, locations.length);
    return outcome;
  });

  const accountIds = [
    ...new Set([...(options.accounts ?? []), ...locations.map((location) => location.account)]),
  ];
  const accounts: AccountOutcome[] = accountIds.map((account) => {
    const regions = read.filter((entry) => entry.region.account === account).map((entry) => entry.region);
    const audited = regions.filter((region) => region.error === undefined);
    return {
      account,
      regions: audited.length,
      instances: audited.reduce((sum, region) => sum + region.instances, 0),
      ...(regions.length === 0
        ? { error: `the aggregator holds no results of rule ${options.ruleName} for this account` }
        : {}),
    };
  });
  return {
    source: `Config aggregator ${options.aggregator}, rule ${options.ruleName}`,
    accounts,
    regions: read.map((entry) => entry.region),
    results: read.flatMap((entry) => entry.results),
  };
};
