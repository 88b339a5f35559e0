import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handler.js';
import { loadPeerEvent, type ProfileWithoutArnCase, peerContext } from '../support/peer-events.js';

const config = mockClient(ConfigServiceClient);

describe('handler: real events whose instance profile association has no ARN', () => {
  beforeEach(() => {
    config.reset();
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  });

  it.each([
    ['arn null, id null', 'with neither ARN nor id'],
    ['id only', 'without an ARN (profile id AIPAJ5EXAMPLE)'],
    ['arn empty, id set', 'without an ARN (profile id AIPAJ5EXAMPLE)'],
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
      expect(evaluations[0]?.Annotation).toContain(`has an instance profile association ${found}`);
      expect(evaluations[0]?.Annotation).not.toContain('has no IAM instance profile');
    },
  );
});
