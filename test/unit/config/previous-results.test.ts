import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  GetComplianceDetailsByResourceCommand,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  configPreviousResults,
  configResourceResults,
  type PreviousResult,
} from '../../../src/config/previous-results.js';

const config = mockClient(ConfigServiceClient);
const client = new ConfigServiceClient({});

const resultOf = (ruleName: string, resourceId: string, complianceType: string, annotation?: string) => ({
  EvaluationResultIdentifier: {
    EvaluationResultQualifier: {
      ConfigRuleName: ruleName,
      ResourceType: 'AWS::EC2::Instance',
      ResourceId: resourceId,
    },
  },
  ComplianceType: complianceType as 'COMPLIANT',
  ...(annotation === undefined ? {} : { Annotation: annotation }),
});

const readAll = async (ruleName: string) => {
  const pages: (readonly PreviousResult[])[] = [];
  for await (const page of configPreviousResults(client).pages(ruleName)) pages.push(page);
  return pages;
};

describe('configPreviousResults', () => {
  beforeEach(() => config.reset());

  it('reads each result with its annotation, follows NextToken and skips results without a qualifier', async () => {
    // Prepare
    config
      .on(GetComplianceDetailsByConfigRuleCommand)
      .resolvesOnce({
        EvaluationResults: [
          resultOf('rule', 'i-1', 'COMPLIANT', 'uses a role'),
          { EvaluationResultIdentifier: {} },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({ EvaluationResults: [resultOf('rule', 'i-2', 'NON_COMPLIANT')] });

    // Act
    const pages = await readAll('rule');

    // Assess
    expect(pages).toEqual([
      [
        {
          resourceType: 'AWS::EC2::Instance',
          resourceId: 'i-1',
          complianceType: 'COMPLIANT',
          annotation: 'uses a role',
        },
      ],
      [{ resourceType: 'AWS::EC2::Instance', resourceId: 'i-2', complianceType: 'NON_COMPLIANT' }],
    ]);
    expect(config).toHaveReceivedNthCommandWith(GetComplianceDetailsByConfigRuleCommand, 1, {
      ConfigRuleName: 'rule',
      ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
      Limit: 100,
    });
    expect(config).toHaveReceivedNthCommandWith(GetComplianceDetailsByConfigRuleCommand, 2, {
      NextToken: 'page-2',
    });
  });

  it('names the operation, the rule and how far it got when a page fails, keeping the cause', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    config
      .on(GetComplianceDetailsByConfigRuleCommand)
      .resolvesOnce({ EvaluationResults: [resultOf('rule', 'i-1', 'COMPLIANT')], NextToken: 'page-2' })
      .rejectsOnce(throttled);

    // Act & Assess
    await expect(readAll('rule')).rejects.toMatchObject({
      name: 'RuleError',
      message:
        'GetComplianceDetailsByConfigRule for rule "rule" failed after 1 page(s): ThrottlingException: Rate exceeded',
      cause: throttled,
    });
  });

  it('says what to do when the rule name is longer than the operation is documented to take', async () => {
    // Prepare: an organization rule's name in a member account
    const name = `OrgConfigRule-${'a'.repeat(64)}-k8d9ve2q`;
    config
      .on(GetComplianceDetailsByConfigRuleCommand)
      .rejects(Object.assign(new Error('1 validation error detected'), { name: 'ValidationException' }));

    // Act & Assess
    await expect(readAll(name)).rejects.toThrow(
      `the rule's name has 87 characters and this operation is documented to take at most 64: give the rule a shorter name`,
    );
  });
});

describe('configResourceResults', () => {
  beforeEach(() => config.reset());

  it("returns this rule's result for the resource, following NextToken", async () => {
    // Prepare
    config
      .on(GetComplianceDetailsByResourceCommand)
      .resolvesOnce({ EvaluationResults: [resultOf('other-rule', 'i-1', 'COMPLIANT')], NextToken: 'next' })
      .resolvesOnce({ EvaluationResults: [resultOf('rule', 'i-1', 'NOT_APPLICABLE', 'not app tier')] });

    // Act
    const held = await configResourceResults(client).latest('rule', 'AWS::EC2::Instance', 'i-1');

    // Assess
    expect(held).toEqual({
      resourceType: 'AWS::EC2::Instance',
      resourceId: 'i-1',
      complianceType: 'NOT_APPLICABLE',
      annotation: 'not app tier',
    });
    expect(config).toHaveReceivedNthCommandWith(GetComplianceDetailsByResourceCommand, 1, {
      ResourceType: 'AWS::EC2::Instance',
      ResourceId: 'i-1',
    });
    expect(config).toHaveReceivedNthCommandWith(GetComplianceDetailsByResourceCommand, 2, {
      NextToken: 'next',
    });
  });

  it('returns undefined when Config holds nothing from this rule', async () => {
    // Prepare
    config.on(GetComplianceDetailsByResourceCommand).resolves({ EvaluationResults: [] });

    // Act & Assess
    expect(await configResourceResults(client).latest('rule', 'AWS::EC2::Instance', 'i-1')).toBeUndefined();
  });
});
