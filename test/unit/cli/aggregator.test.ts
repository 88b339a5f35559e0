import {
  ConfigServiceClient,
  DescribeAggregateComplianceByConfigRulesCommand,
  GetAggregateComplianceDetailsByConfigRuleCommand,
  NoSuchConfigurationAggregatorException,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditAggregator, isRuleNamed, NOT_IN_AGGREGATOR } from '../../../src/cli/aggregator.js';
import { awsError } from './support.js';

const config = mockClient(ConfigServiceClient);
const client = new ConfigServiceClient({ region: 'us-east-1' });

const entry = (ConfigRuleName: string, AccountId: string, AwsRegion: string) => ({
  ConfigRuleName,
  AccountId,
  AwsRegion,
  Compliance: { ComplianceType: 'NON_COMPLIANT' as const },
});

const evaluation = (
  id: string,
  type: 'COMPLIANT' | 'NON_COMPLIANT',
  resourceType = 'AWS::EC2::Instance',
) => ({
  EvaluationResultIdentifier: {
    EvaluationResultQualifier: { ConfigRuleName: 'x', ResourceType: resourceType, ResourceId: id },
  },
  ComplianceType: type,
  Annotation: `${type} ${id}`,
});

beforeEach(() => {
  config.reset();
});

describe('isRuleNamed', () => {
  it.each([
    ['app-tier', 'app-tier', true],
    ['OrgConfigRule-app-tier-a1b2c3', 'app-tier', true],
    ['OrgConfigRule-app-tier-', 'app-tier', false],
    ['OrgConfigRule-app-tier-v2-a1b2', 'app-tier', true],
    ['app-tier-v2', 'app-tier', false],
  ])('%s is %s: %s', (member, rule, named) => {
    expect(isRuleNamed(member, rule)).toBe(named);
  });
});

describe('auditAggregator', () => {
  it("reads the rule's results where it exists, page by page, the rest marked not known", async () => {
    // Prepare
    config
      .on(DescribeAggregateComplianceByConfigRulesCommand)
      .resolvesOnce({
        AggregateComplianceByConfigRules: [
          entry('OrgConfigRule-app-tier-abc', '222222222222', 'us-east-1'),
          entry('other-rule', '222222222222', 'us-east-1'),
        ],
        NextToken: 'next',
      })
      .resolvesOnce({ AggregateComplianceByConfigRules: [entry('app-tier', '111111111111', 'eu-west-1')] });
    config.on(GetAggregateComplianceDetailsByConfigRuleCommand).callsFake(async (input) => {
      if (input.AccountId === '111111111111') {
        return input.ComplianceType === 'NON_COMPLIANT'
          ? { AggregateEvaluationResults: [evaluation('i-b', 'NON_COMPLIANT')] }
          : {
              AggregateEvaluationResults: [
                evaluation('i-a', 'COMPLIANT'),
                evaluation('sg-1', 'COMPLIANT', 'AWS::EC2::SecurityGroup'),
              ],
            };
      }
      if (input.ComplianceType === 'COMPLIANT') return { AggregateEvaluationResults: [] };
      return input.NextToken === undefined
        ? { AggregateEvaluationResults: [evaluation('i-c', 'NON_COMPLIANT')], NextToken: 'more' }
        : { AggregateEvaluationResults: [evaluation('i-d', 'NON_COMPLIANT')] };
    });

    // Act
    const report = await auditAggregator({ client, aggregator: 'org', ruleName: 'app-tier', concurrency: 2 });

    // Assess
    expect(report.results.map((row) => [row.account, row.region, row.instanceId, row.compliance])).toEqual([
      ['111111111111', 'eu-west-1', 'i-a', 'COMPLIANT'],
      ['111111111111', 'eu-west-1', 'i-b', 'NON_COMPLIANT'],
      ['222222222222', 'us-east-1', 'i-c', 'NON_COMPLIANT'],
      ['222222222222', 'us-east-1', 'i-d', 'NON_COMPLIANT'],
    ]);
    expect(report.results.every((row) => row.notKnown === NOT_IN_AGGREGATOR && row.owner === undefined)).toBe(
      true,
    );
    expect(report.results[1]?.annotation).toBe('NON_COMPLIANT i-b');
    expect(report.parameters).toBeUndefined();
    const asked = config
      .commandCalls(GetAggregateComplianceDetailsByConfigRuleCommand)
      .map((call) => call.args[0].input);
    expect(asked.find((input) => input.AccountId === '222222222222')).toMatchObject({
      ConfigurationAggregatorName: 'org',
      ConfigRuleName: 'OrgConfigRule-app-tier-abc',
      AwsRegion: 'us-east-1',
    });
  });

  it('names an account named with --accounts that the aggregator holds nothing for, and a region it cannot read', async () => {
    // Prepare
    config.on(DescribeAggregateComplianceByConfigRulesCommand).resolves({
      AggregateComplianceByConfigRules: [entry('app-tier', '111111111111', 'eu-west-1')],
    });
    config
      .on(GetAggregateComplianceDetailsByConfigRuleCommand)
      .rejects(awsError('ThrottlingException', 'slow down'));

    // Act
    const report = await auditAggregator({
      client,
      aggregator: 'org',
      ruleName: 'app-tier',
      accounts: ['111111111111', '999999999999'],
      concurrency: 1,
    });

    // Assess
    expect(report.regions).toEqual([
      { account: '111111111111', region: 'eu-west-1', instances: 0, error: 'ThrottlingException: slow down' },
    ]);
    expect(report.accounts?.find((account) => account.account === '999999999999')?.error).toBe(
      'the aggregator holds no results of rule app-tier for this account',
    );
  });

  it('fails with a clear error when the aggregator holds no such rule, or does not exist', async () => {
    config
      .on(DescribeAggregateComplianceByConfigRulesCommand)
      .resolves({ AggregateComplianceByConfigRules: [] });
    await expect(
      auditAggregator({ client, aggregator: 'org', ruleName: 'app-tier', concurrency: 1 }),
    ).rejects.toThrow('Config aggregator "org" holds no results of a rule named "app-tier"');
    config
      .on(DescribeAggregateComplianceByConfigRulesCommand)
      .rejects(new NoSuchConfigurationAggregatorException({ message: 'no such aggregator', $metadata: {} }));
    await expect(
      auditAggregator({ client, aggregator: 'org', ruleName: 'app-tier', concurrency: 1 }),
    ).rejects.toThrow(
      /config:DescribeAggregateComplianceByConfigRules of Config aggregator "org" failed: NoSuchConfigurationAggregatorException/,
    );
  });
});
