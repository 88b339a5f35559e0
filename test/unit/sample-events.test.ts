import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { accountOf } from '../../src/aws/names.js';
import { lambdaContext } from '../support/lambda-context.js';

const EVENTS_DIR = fileURLToPath(new URL('../../events/', import.meta.url));

/** Every JSON file under events/, local-aws/ included, as text (invoking events are JSON strings inside). */
const sampleFiles = (): { file: string; text: string }[] =>
  readdirSync(EVENTS_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(EVENTS_DIR, file), 'utf8') }));

/** The accounts a text names: in ARNs, and as accountId / awsAccountId / OwnerId, quoted or escaped. */
const accountsIn = (text: string): string[] => [
  ...[...text.matchAll(/arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d+):/g)].map((match) => match[1] ?? ''),
  ...[...text.matchAll(/(?:accountId|awsAccountId|OwnerId)\\?"\s*:\s*\\?"(\d+)\\?"/g)].map(
    (match) => match[1] ?? '',
  ),
];

describe('events/: the sample events', () => {
  it('are all of one 12-digit account, the one the Lambda context of the tests runs in', () => {
    // Prepare
    const functionAccount = accountOf(lambdaContext().invokedFunctionArn);

    // Act
    const accounts = sampleFiles().flatMap(({ file, text }) =>
      accountsIn(text).map((account) => ({ file, account })),
    );

    // Assess
    expect(functionAccount).toBe('123456789012');
    expect(accounts.length).toBeGreaterThan(30);
    expect(accounts.filter(({ account }) => account !== functionAccount)).toEqual([]);
  });

  it('name every account the way the test above finds it, even inside an invoking event', () => {
    // Act
    const found = accountsIn(
      String.raw`{"invokingEvent": "{\"awsAccountId\": \"0123456789012\", \"ARN\": \"arn:aws:ec2:us-east-1:681361479661:instance/i-1\"}", "OwnerId": "111111111111"}`,
    );

    // Assess
    expect(found.sort()).toEqual(['0123456789012', '111111111111', '681361479661']);
  });
});
