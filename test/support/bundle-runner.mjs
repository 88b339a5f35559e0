// One Lambda container in one process: imports the built bundle, invokes its handler once with the event the
// parent sends, answers with the outcome and the process's peak memory, and exits.
import { performance } from 'node:perf_hooks';

// A container outlives no caller: if the test process goes away, so does this one.
process.once('disconnect', () => process.exit(1));

process.once('message', async ({ bundle, event, timeoutMs, functionArn }) => {
  const started = performance.now();
  const { handler } = await import(bundle);
  const initMs = performance.now() - started;
  const deadline = Date.now() + timeoutMs;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'app-tier-iam-role-rule',
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/app-tier-iam-role-rule',
    logStreamName: '2026/11/28/[$LATEST]bundle',
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  const invoked = performance.now();
  let outcome;
  try {
    outcome = { result: await handler(event, context) };
  } catch (error) {
    outcome = {
      error: {
        name: error?.name,
        message: error?.message ?? String(error),
        ...(Array.isArray(error?.undelivered) ? { undelivered: error.undelivered } : {}),
        ...(error?.cause instanceof Error
          ? { cause: { name: error.cause.name, message: error.cause.message } }
          : {}),
      },
    };
  }
  const reply = {
    ...outcome,
    initMs,
    invokeMs: performance.now() - invoked,
    remainingMs: context.getRemainingTimeInMillis(),
    maxRssKb: process.resourceUsage().maxRSS,
  };
  // The SDK keeps its connections alive; the container's work is done once the answer is out.
  process.send(reply, () => process.exit(0));
});
