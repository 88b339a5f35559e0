import type { Context } from 'aws-lambda';

/**
 * The function ARN SAM's local emulator gives every function (`sam local invoke`): the Lambda Runtime
 * Interface Emulator hard-codes region and account (aws-lambda-runtime-interface-emulator,
 * internal/lambda/rie/handlers.go). No sample event is of that account.
 */
export const SAM_LOCAL_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:012345678912:function:RuleFunction';

/** What SAM's local emulator sets in the function's environment that the rule reads. */
export const SAM_LOCAL_ENV = { AWS_SAM_LOCAL: 'true' } as const;

/** A Lambda context as the runtime passes it, with the time left under the test's control. */
export const lambdaContext = (remainingMs = 300_000): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'app-tier-iam-role-rule',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:app-tier-iam-role-rule',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/app-tier-iam-role-rule',
  logStreamName: '2026/11/28/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => remainingMs,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** The context SAM's local emulator passes: its own function ARN. */
export const samLocalContext = (): Context => ({
  ...lambdaContext(),
  functionName: 'RuleFunction',
  invokedFunctionArn: SAM_LOCAL_FUNCTION_ARN,
});
