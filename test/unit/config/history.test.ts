import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { configHistoryReader } from '../../../src/config/history.js';
import { configPreviousResults } from '../../../src/config/previous-results.js';

const config = mockClient(ConfigServiceClient);
const client = new ConfigServiceClient({});

describe('configHistoryReader', () => {
  beforeEach(() => config.reset());

  it('fails naming the resource when the history holds no item', async () => {
    // Prepare
    config.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [] });

    // Act & Assess
    await expect(configHistoryReader(client).latest('AWS::EC2::Instance', 'i-1')).rejects.toThrow(
      'GetResourceConfigHistory returned no configuration item for AWS::EC2::Instance i-1',
    );
  });
});

describe('configPreviousResults', () => {
  beforeEach(() => config.reset());

  it('follows NextToken and skips results without a qualifier', async () => {
    // Prepare
    config
      .on(GetComplianceDetailsByConfigRuleCommand)
      .resolvesOnce({
        EvaluationResults: [
          {
            EvaluationResultIdentifier: {
              EvaluationResultQualifier: { ResourceType: 'AWS::EC2::Instance', ResourceId: 'i-1' },
            },
          },
          { EvaluationResultIdentifier: {} },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        EvaluationResults: [
          {
            EvaluationResultIdentifier: {
              EvaluationResultQualifier: { ResourceType: 'AWS::EC2::Instance', ResourceId: 'i-2' },
            },
          },
        ],
      });

    // Act
    const pages = [];
    for await (const page of configPreviousResults(client).pages('rule')) pages.push(page);

    // Assess
    expect(pages).toEqual([
      [{ resourceType: 'AWS::EC2::Instance', resourceId: 'i-1' }],
      [{ resourceType: 'AWS::EC2::Instance', resourceId: 'i-2' }],
    ]);
    expect(config).toHaveReceivedNthCommandWith(GetComplianceDetailsByConfigRuleCommand, 2, {
      NextToken: 'page-2',
    });
  });
});
