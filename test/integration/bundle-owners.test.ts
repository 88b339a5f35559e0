import { afterEach, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../support/aws/index.js';
import { invokeBundle } from '../support/bundle.js';
import { loadEvent } from '../support/events.js';

// The built function, given the real captures of owned instances (events/), records the annotation that
// names the owner and the fix at the source.

describe('the built function names the owner of an instance and the fix there', () => {
  let aws: LocalAws | undefined;
  afterEach(async () => {
    await aws?.stop();
    aws = undefined;
  });

  it.each([
    [
      'auto-scaling-no-profile',
      'i-0cbf71d8ed0854b1b',
      'No IAM instance profile; launched by Auto Scaling group tf-asg-20201029190753469500000003 from launch template ' +
        'lt-05f6f9c818fbd5b1f (version 1): set an instance profile in the launch template, or replacements repeat this ' +
        '(app-tier tag tier=app)',
    ],
    [
      'cloudformation-profile-not-allowed',
      'i-0f1c2ffaea36228b0',
      'Profile not in allowedInstanceProfileArns (CloudCustodian); in CloudFormation stack ' +
        'aws-cloud9-new-env-19c056b13923480aa136eb13f0a3f8f5 (resource Instance): set an allowed profile in ' +
        "the stack's template and update the stack; by hand it is drift",
    ],
  ] as const)('%s', async (sample, instanceId, annotation) => {
    // Prepare
    aws = await startLocalAws({});

    // Act
    const invocation = await invokeBundle(loadEvent(sample), { env: aws.env });

    // Assess
    expect(invocation.error).toBeUndefined();
    expect(aws.evaluations).toEqual([
      expect.objectContaining({
        ComplianceResourceId: instanceId,
        ComplianceType: 'NON_COMPLIANT',
        Annotation: annotation,
      }),
    ]);
  });
});
