import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadEvent } from '../support/events.js';
import { lambdaContext } from '../support/lambda-context.js';

// Records which optional SDK packages the handler loads: the change path must load none of them.
const { loaded, recordLoad } = vi.hoisted(() => {
  const loaded = new Set<string>();
  const recordLoad =
    (name: string) =>
    async (importOriginal: () => Promise<unknown>): Promise<unknown> => {
      loaded.add(name);
      return importOriginal();
    };
  return { loaded, recordLoad };
});
vi.mock('@aws-sdk/client-ec2', recordLoad('client-ec2'));
vi.mock('@aws-sdk/client-ssm', recordLoad('client-ssm'));
vi.mock('@aws-sdk/client-sts', recordLoad('client-sts'));
vi.mock('@aws-sdk/credential-providers', recordLoad('credential-providers'));

const config = mockClient(ConfigServiceClient);

describe('clients are loaded only by the path that needs them', () => {
  beforeEach(() => {
    vi.resetModules();
    loaded.clear();
    config.reset();
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
  });

  it('the change path loads neither the EC2 nor the SSM client, nor STS', async () => {
    // Prepare
    const { handler } = await import('../../src/handler.js');

    // Act
    await handler(loadEvent('compliant'), lambdaContext());

    // Assess
    expect(config).toHaveReceivedCommand(PutEvaluationsCommand);
    expect([...loaded]).toEqual([]);
  });

  it('the sweep loads the EC2 client, with the other optional ones (one extensions file)', async () => {
    // Prepare
    const { handler } = await import('../../src/handler.js');
    const { EC2Client, DescribeInstancesCommand } = await import('@aws-sdk/client-ec2');
    mockClient(EC2Client).on(DescribeInstancesCommand).resolves({ Reservations: [] });

    // Act
    await handler(loadEvent('scheduled'), lambdaContext());

    // Assess
    expect([...loaded].sort()).toEqual(['client-ec2', 'client-ssm']);
  });

  it('a rule with an execution role loads STS and the SDK credential provider, and nothing else', async () => {
    // Prepare
    const { handler } = await import('../../src/handler.js');
    mockClient(STSClient)
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error('not trusted'), { name: 'AccessDenied', $metadata: {} }));
    const event = loadEvent('compliant');
    const withRole = {
      ...event,
      ruleParameters: JSON.stringify({
        ...JSON.parse(event.ruleParameters as string),
        executionRoleName: 'member-exec',
      }),
    };

    // Act
    const invocation = handler(withRole, lambdaContext());

    // Assess
    await expect(invocation).rejects.toThrow('Access denied assuming role');
    expect([...loaded].sort()).toEqual(['client-sts', 'credential-providers']);
  });
});
