import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The function's name in the local run (POWERTOOLS_SERVICE_NAME in template.yaml). */
export const FUNCTION_NAME = 'app-tier-iam-role-rule';
/** The function's `Timeout` in template.yaml. */
export const FUNCTION_TIMEOUT_MS = 300_000;
/** The function's `MemorySize` in template.yaml. */
export const MEMORY_SIZE_MB = '512';

/**
 * A Lambda context as the Node.js runtime passes it, with a clock that counts down from the function's
 * timeout from the moment it is made (the rule stops a long sweep before the deadline).
 */
export const lambdaContext = (region: string, accountId: string): Context => {
  const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${FUNCTION_NAME}`,
    memoryLimitInMB: MEMORY_SIZE_MB,
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${FUNCTION_NAME}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // The callback-style members are deprecated and unused by async handlers; the type still lists them.
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
};
