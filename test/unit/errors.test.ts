import { describe, expect, it } from 'vitest';
import { ForeignAccountError } from '../../src/aws/access.js';
import { AssumeRoleError } from '../../src/aws/assume-role.js';
import { CommandError, UsageError } from '../../src/cli/errors.js';
import {
  CleanupError,
  EvaluationDeliveryError,
  InvalidEventError,
  InvalidParametersError,
  RuleError,
  SweepTimeoutError,
} from '../../src/errors.js';
import { ProfileLookupError } from '../../src/iam/profile-roles.js';

// The Lambda bundle is minified: an error's name must be a literal, or logs would show a mangled one.
describe('error classes', () => {
  it.each([
    [RuleError, new RuleError('m')],
    [InvalidParametersError, new InvalidParametersError(['m'])],
    [InvalidEventError, new InvalidEventError(['m'])],
    [EvaluationDeliveryError, new EvaluationDeliveryError('m', [])],
    [SweepTimeoutError, new SweepTimeoutError('m')],
    [CleanupError, new CleanupError('m')],
    [ForeignAccountError, new ForeignAccountError('m')],
    [
      AssumeRoleError,
      new AssumeRoleError('m', { roleArn: 'arn', accountId: '123456789012', sessionName: 's' }),
    ],
    [UsageError, new UsageError('m')],
    [CommandError, new CommandError('m')],
    [ProfileLookupError, new ProfileLookupError('m')],
  ] as const)('%o carries its own name as a literal', (errorClass, error) => {
    // Assess
    expect(error).toBeInstanceOf(RuleError);
    expect(error.name).toBe(errorClass.name);
  });

  it('keeps the cause', () => {
    // Prepare
    const cause = new Error('underlying');

    // Act
    const error = new InvalidEventError(['bad'], { cause });

    // Assess
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('Invalid AWS Config event: bad');
  });
});
