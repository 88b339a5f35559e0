import { describe, expect, it } from 'vitest';
import {
  AssumeRoleError,
  AwsCallTimeoutError,
  CleanupError,
  CommandError,
  CommandLineError,
  describeError,
  EvaluationDeliveryError,
  ForeignAccountError,
  InvalidEventError,
  InvalidParametersError,
  InvalidSettingError,
  ProfileLookupError,
  RuleError,
  SweepTimeoutError,
  UsageError,
} from '../../src/errors.js';

// The Lambda bundle is minified: an error's name must be a literal, or logs would show a mangled one.
describe('error classes', () => {
  it.each([
    [RuleError, new RuleError('m')],
    [InvalidParametersError, new InvalidParametersError(['m'])],
    [InvalidEventError, new InvalidEventError(['m'])],
    [InvalidSettingError, new InvalidSettingError('m')],
    [EvaluationDeliveryError, new EvaluationDeliveryError('m', [])],
    [SweepTimeoutError, new SweepTimeoutError('m')],
    [CleanupError, new CleanupError('m')],
    [AwsCallTimeoutError, new AwsCallTimeoutError('m', 'ConfigService PutEvaluations')],
    [ForeignAccountError, new ForeignAccountError('m')],
    [AssumeRoleError, new AssumeRoleError('m', { roleArn: 'arn', accountId: '123456789012' })],
    [ProfileLookupError, new ProfileLookupError('m')],
  ] as const)('%o is a rule error carrying its own name as a literal', (errorClass, error) => {
    // Assess
    expect(error).toBeInstanceOf(RuleError);
    expect(error).not.toBeInstanceOf(CommandLineError);
    expect(error.name).toBe(errorClass.name);
  });

  it.each([
    [CommandLineError, new CommandLineError('m')],
    [UsageError, new UsageError('m')],
    [CommandError, new CommandError('m')],
  ] as const)(
    '%o is a command-line error apart from the rule errors, named as a literal',
    (errorClass, error) => {
      // Assess
      expect(error).toBeInstanceOf(CommandLineError);
      expect(error).not.toBeInstanceOf(RuleError);
      expect(error.name).toBe(errorClass.name);
    },
  );

  it('keeps the cause', () => {
    // Prepare
    const cause = new Error('underlying');

    // Act
    const errors = [
      new InvalidEventError(['bad'], { cause }),
      new AssumeRoleError('m', { roleArn: 'arn', accountId: '1' }, { cause }),
      new UsageError('m', { cause }),
    ];

    // Assess
    for (const error of errors) expect(error.cause).toBe(cause);
    expect(errors[0]?.message).toBe('Invalid AWS Config event: bad');
  });
});

describe('describeError', () => {
  it.each([
    {
      error: new InvalidSettingError('REPORT_MODE must be one of live, dry-run'),
      line: 'REPORT_MODE must be one of live, dry-run',
    },
    { error: new CommandError('No AWS Config rule named "x"'), line: 'No AWS Config rule named "x"' },
    {
      error: Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }),
      line: 'AccessDeniedException: User is not authorized',
    },
    { error: new Error('socket hang up'), line: 'socket hang up' },
    { error: 'a string', line: 'a string' },
  ])('says $line', ({ error, line }) => {
    expect(describeError(error)).toBe(line);
  });
});
