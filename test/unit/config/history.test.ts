import { ConfigServiceClient, GetResourceConfigHistoryCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { configHistoryReader } from '../../../src/config/history.js';

const config = mockClient(ConfigServiceClient);
const client = new ConfigServiceClient({});

describe('configHistoryReader', () => {
  beforeEach(() => config.reset());

  it('fails naming the resource when the history holds no item', async () => {
    // Prepare
    config.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [] });

    // Act & Assess
    await expect(configHistoryReader(client).latest('AWS::EC2::Instance', 'i-1')).rejects.toThrow(
      'GetResourceConfigHistory returned no configuration item for AWS::EC2::Instance i-1',
    );
  });
});
