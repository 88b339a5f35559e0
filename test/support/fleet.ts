import type {
  ComplianceResult,
  ComplianceResultsSource,
  Inventory,
  LocalInstance,
  RequestRecorder,
} from './aws/index.js';
import { generatedInventory } from './aws/index.js';

/** The rule of the sample events (events/scheduled.json): the name its previous results are filed under. */
export const RULE_NAME = 'rule-ec2-test';
const RESOURCE_TYPE = 'AWS::EC2::Instance';
const PROFILE = { Arn: 'arn:aws:iam::123456789012:instance-profile/app', Id: 'AIPAEXAMPLEAPPPROFILE' };
const PREVIOUS_AT = new Date('2026-11-27T00:00:00.000Z');

/** The calls a sweep of the fleet cannot do without. */
export interface MinimumCalls {
  /** ⌈N / 1,000⌉: the largest page, filtered on the server. */
  readonly DescribeInstances: number;
  /** ⌈S / 100⌉ (one call when S is 0): the previous results, 100 a page. */
  readonly GetComplianceDetailsByConfigRule: number;
  /** ⌈(N + G) / 100⌉: every evaluation, 100 a call. */
  readonly PutEvaluations: number;
}

/** The calls of a sweep an endpoint received, per operation (every attempt counts), to compare with the minimum. */
export const sweepCalls = (requests: RequestRecorder): MinimumCalls => ({
  DescribeInstances: requests.count('DescribeInstances'),
  GetComplianceDetailsByConfigRule: requests.count('GetComplianceDetailsByConfigRule'),
  PutEvaluations: requests.count('PutEvaluations'),
});

/** A fleet served page by page, made on the fly: nothing of it is held by the endpoint. */
export interface Fleet {
  /** N: live app-tier instances, each to be evaluated. */
  readonly appTier: number;
  /** Instances DescribeInstances must filter out on the server: web tier, or app tier but terminated. */
  readonly others: number;
  /** S: the rule's previous COMPLIANT / NON_COMPLIANT results. */
  readonly previous: number;
  /** G: previous results of instances that are no longer live app-tier ones: due a NOT_APPLICABLE. */
  readonly stale: number;
  readonly inventory: Inventory;
  readonly complianceResults: ComplianceResultsSource;
  readonly minimumCalls: MinimumCalls;
  /** The result each resource must get, by id: N app-tier results, then G NOT_APPLICABLE. */
  expected(): Map<string, string>;
}

const appId = (app: number) => `i-${app.toString(16).padStart(17, '0')}`;
const otherId = (block: number) => `i-e${block.toString(16).padStart(16, '0')}`;

/** App-tier instance `app`: two in three hold a profile (COMPLIANT), one in seven is stopped. */
const appInstance = (app: number): LocalInstance => ({
  InstanceId: appId(app),
  State: app % 7 === 0 ? { Code: 80, Name: 'stopped' } : { Code: 16, Name: 'running' },
  InstanceType: 't3.micro',
  ImageId: 'ami-0abcdef1234567890',
  LaunchTime: '2026-01-01T00:00:00.000Z',
  Tags: [
    { Key: 'tier', Value: 'app' },
    { Key: 'Name', Value: `app-${app}` },
  ],
  ...(app % 3 === 0 ? {} : { IamInstanceProfile: PROFILE }),
});

/** The instance ahead of each block of ten app-tier ones: web tier, or app tier but terminated. */
const otherInstance = (block: number): LocalInstance =>
  block % 2 === 0
    ? {
        InstanceId: otherId(block),
        State: { Code: 16, Name: 'running' },
        Tags: [{ Key: 'tier', Value: 'web' }],
      }
    : {
        InstanceId: otherId(block),
        State: { Code: 48, Name: 'terminated' },
        Tags: [{ Key: 'tier', Value: 'app' }],
      };

const expectedOf = (app: number) => (app % 3 === 0 ? 'NON_COMPLIANT' : 'COMPLIANT');

const previousResult = (resourceId: string, complianceType: string): ComplianceResult => ({
  EvaluationResultIdentifier: {
    EvaluationResultQualifier: {
      ConfigRuleName: RULE_NAME,
      ResourceType: RESOURCE_TYPE,
      ResourceId: resourceId,
    },
    OrderingTimestamp: PREVIOUS_AT,
  },
  ComplianceType: complianceType,
  ResultRecordedTime: PREVIOUS_AT,
  ConfigRuleInvokedTime: PREVIOUS_AT,
  Annotation: 'from the previous sweep',
});

const ceil = (count: number, size: number) => Math.ceil(count / size);

/**
 * A fleet of `appTier` live app-tier instances (a multiple of 100), in blocks of eleven: one instance the
 * server-side filters must drop, then ten app-tier ones. The rule's previous results cover every app-tier
 * instance but each twentieth (launched since the last sweep), and the filtered-out instance of every tenth
 * block (terminated or re-tagged since): those G are stale.
 */
export const appTierFleet = (appTier: number): Fleet => {
  if (!Number.isInteger(appTier) || appTier <= 0 || appTier % 100 !== 0) {
    throw new RangeError(`appTier must be a positive multiple of 100, got ${appTier}`);
  }
  const blocks = appTier / 10;
  const previousApp = appTier - appTier / 20;
  const stale = Math.ceil(blocks / 10);
  const previous = previousApp + stale;

  const inventory = generatedInventory(blocks * 11, (index) => {
    const block = Math.floor(index / 11);
    const position = index % 11;
    return position === 0 ? otherInstance(block) : appInstance(block * 10 + position - 1);
  });

  // Previous result p: the app-tier instances but each twentieth, then the stale ones.
  const previousAt = (p: number): ComplianceResult => {
    if (p < previousApp) {
      const app = p + Math.floor(p / 19) + 1;
      return previousResult(appId(app), expectedOf(app));
    }
    return previousResult(otherId((p - previousApp) * 10), 'NON_COMPLIANT');
  };
  const complianceResults: ComplianceResultsSource = (ruleName, types, nextToken, limit) => {
    const start = nextToken === undefined ? 0 : Number(nextToken);
    if (ruleName !== RULE_NAME || !Number.isSafeInteger(start)) return { results: [] };
    const end = Math.min(start + limit, previous);
    const results: ComplianceResult[] = [];
    for (let p = start; p < end; p += 1) {
      const result = previousAt(p);
      if (types.length === 0 || types.includes(result.ComplianceType)) results.push(result);
    }
    return end < previous ? { results, nextToken: String(end) } : { results };
  };

  return {
    appTier,
    others: blocks,
    previous,
    stale,
    inventory,
    complianceResults,
    minimumCalls: {
      DescribeInstances: ceil(appTier, 1000),
      GetComplianceDetailsByConfigRule: Math.max(1, ceil(previous, 100)),
      PutEvaluations: ceil(appTier + stale, 100),
    },
    expected() {
      const results = new Map<string, string>();
      for (let app = 0; app < appTier; app += 1) results.set(appId(app), expectedOf(app));
      for (let g = 0; g < stale; g += 1) results.set(otherId(g * 10), 'NOT_APPLICABLE');
      return results;
    },
  };
};
