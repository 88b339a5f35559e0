import type { Context } from 'aws-lambda';

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
