import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readTagParameter } from '../../../src/aws/tag-parameter.js';
import { InvalidParametersError, RuleError } from '../../../src/errors.js';

const ssm = mockClient(SSMClient);
const access = { accountId: '123456789012' };

describe('readTagParameter', () => {
  beforeEach(() => ssm.reset());

  it('reads and parses the JSON value, and caches it', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{"key":"tier","values":["app"]}' } });

    // Act
    const first = await readTagParameter('/cached/tag', access);
    const second = await readTagParameter('/cached/tag', access);

    // Assess
    expect(first).toEqual({ key: 'tier', values: ['app'] });
    expect(second).toEqual(first);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
  });

  it('names a value that is not JSON as invalid input', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'tier=app' } });

    // Act
    const result = readTagParameter('/not/json', access);

    // Assess
    await expect(result).rejects.toThrow(InvalidParametersError);
    await expect(result).rejects.toThrow(/SSM parameter "\/not\/json" does not hold JSON/);
  });

  it('names the parameter it could not read', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('Parameter /missing not found.'), { name: 'ParameterNotFound' }));

    // Act
    const result = readTagParameter('/missing', access);

    // Assess
    await expect(result).rejects.toThrow(RuleError);
    await expect(result).rejects.toThrow(
      'SSM parameter "/missing" (tagParameterName) could not be read: Parameter /missing not found.',
    );
  });
});
