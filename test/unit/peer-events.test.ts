import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handler.js';
import { lambdaContext } from '../support/lambda-context.js';
import {
  loadManagedRuleParameterEvent,
  loadPeerEvent,
  type ProfileWithoutArnCase,
  peerContext,
} from '../support/peer-events.js';

const config = mockClient(ConfigServiceClient);

const sentEvaluations = () =>
  config.commandCalls(PutEvaluationsCommand).flatMap((call) => call.args[0].input.Evaluations ?? []);

describe('handler: real events whose instance profile association has no ARN', () => {
  beforeEach(() => {
    config.reset();
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  });

  it.each([
    ['arn null, id null', 'with neither ARN nor id'],
    ['id only', 'without ARN (id AIPAJ5EXAMPLE)'],
    ['arn empty, id set', 'without ARN (id AIPAJ5EXAMPLE)'],
  ] as [ProfileWithoutArnCase, string][])(
    '%s: reports NON_COMPLIANT and says what it found, not "no IAM instance profile"',
    async (name, found) => {
      // Act
      const summary = await handler(loadPeerEvent(name), peerContext());

      // Assess
      const evaluations = config
        .commandCalls(PutEvaluationsCommand)
        .flatMap((call) => call.args[0].input.Evaluations ?? []);
      expect(summary).toMatchObject({ evaluations: 1, nonCompliant: 1 });
      expect(evaluations).toHaveLength(1);
      expect(evaluations[0]).toMatchObject({
        ComplianceResourceId: 'i-094bc87c84d56c589',
        ComplianceType: 'NON_COMPLIANT',
      });
      expect(evaluations[0]?.Annotation).toContain(`Profile association ${found}`);
      expect(evaluations[0]?.Annotation).not.toContain('No IAM instance profile');
    },
  );
});

describe('handler: a real event whose rule parameters use the managed rule name IamInstanceProfileArnList', () => {
  beforeEach(() => {
    config.reset();
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  });

  it('reads the list as allowedInstanceProfileArns: a profile outside it is NON_COMPLIANT', async () => {
    // Prepare
    const event = loadManagedRuleParameterEvent();

    // Act
    await handler(event, lambdaContext());

    // Assess
    expect(JSON.parse(event.ruleParameters as string)).toHaveProperty('IamInstanceProfileArnList');
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({
        ComplianceResourceId: 'i-007d374c8912e3e90',
        ComplianceType: 'NON_COMPLIANT',
        Annotation: expect.stringContaining('Profile not in allowedInstanceProfileArns (other-profile)'),
      }),
    ]);
  });

  it('fails the invocation, writing nothing, when both names are given and differ', async () => {
    // Prepare
    const event = loadManagedRuleParameterEvent();
    const parameters = JSON.parse(event.ruleParameters as string) as Record<string, string>;
    event.ruleParameters = JSON.stringify({
      ...parameters,
      allowedInstanceProfileArns: 'arn:aws:iam::123456789012:instance-profile/other-profile',
    });

    // Act
    const run = handler(event, lambdaContext());

    // Assess
    await expect(run).rejects.toThrow(
      'Invalid rule parameters: allowedInstanceProfileArns and IamInstanceProfileArnList (its other name) are both given and differ: give one of them',
    );
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });
});
