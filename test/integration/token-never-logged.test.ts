import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../src/handler.js';
import { type LocalAws, type RecordedRequest, startLocalAws } from '../support/aws/index.js';
import { loadEvent } from '../support/events.js';
import { lambdaContext } from '../support/lambda-context.js';
import { captureLogs } from '../support/log-capture.js';

// The handler, in this process, against a Config endpoint whose errors echo the result token it was sent,
// as a validation error echoes a value. Every line the Powertools logger writes is captured.

const event = loadEvent('no-profile');
const token = event.resultToken as string;

/** A validation error quoting the token, as AWS quotes a value that failed a constraint. */
const echo = (request: RecordedRequest, [from, to]: readonly [number, number]) => ({
  kind: 'error' as const,
  code: 'ValidationException',
  message: `1 validation error detected: Value '${String(request.params.ResultToken).slice(from, to)}' at 'resultToken' failed to satisfy constraint: Member must be a valid result token`,
});

/** Runs the handler once, at the most verbose level. */
const invoke = () => captureLogs('DEBUG', () => handler(event, lambdaContext()));

/** Whether a text carries 32 consecutive characters of the token, from anywhere in it. */
const leaks = (text: string): boolean => {
  for (let start = 0; start + 32 <= token.length; start += 1) {
    if (text.includes(token.slice(start, start + 32))) return true;
  }
  return false;
};

describe('the result token', () => {
  let aws: LocalAws;
  const previousEnv = { ...process.env };

  beforeAll(async () => {
    aws = await startLocalAws();
    Object.assign(process.env, aws.env);
  });
  afterAll(async () => {
    process.env = previousEnv;
    await aws.stop();
  });

  it.each([
    ['whole', [0, token.length]],
    ['cut short', [0, 200]],
    ['from its middle', [1000, 1200]],
  ] as const)('is never logged, nor thrown, when Config echoes it %s in an error', async (_, range) => {
    // Prepare
    aws.options.faults = (request) =>
      request.operation === 'PutEvaluations' ? echo(request, range) : undefined;

    // Act
    const { error, lines } = await invoke();

    // Assess: the endpoint did echo the token, and the error says what Config said, without it
    expect(aws.requests.of('PutEvaluations').at(-1)?.fault).toBe('error');
    expect((error as Error).message).toContain("at 'resultToken' failed to satisfy constraint");
    expect(lines.some((line) => line.includes('Invocation failed'))).toBe(true);
    expect(lines.filter(leaks)).toEqual([]);
    // The Lambda runtime logs the error it is given, with its stack, cause and enumerable properties.
    expect(leaks(inspect(error, { depth: 10 }))).toBe(false);
    expect(leaks(JSON.stringify(error))).toBe(false);
    expect(leaks(String((error as Error).stack))).toBe(false);
  });
});
