import type { ConfigServiceClient, ResourceType } from '@aws-sdk/client-config-service';
import { GetResourceConfigHistoryCommand } from '@aws-sdk/client-config-service';
import { RuleError } from '../errors.js';

/** Reads the latest configuration item of a resource, for oversized change notifications. */
export interface HistoryReader {
  latest(resourceType: string, resourceId: string): Promise<Record<string, unknown>>;
}

/** GetResourceConfigHistory, limit 1: the newest item, in the API shape (`configuration` is a JSON string). */
export const configHistoryReader = (client: ConfigServiceClient): HistoryReader => ({
  async latest(resourceType, resourceId) {
    const output = await client.send(
      new GetResourceConfigHistoryCommand({
        resourceType: resourceType as ResourceType,
        resourceId,
        limit: 1,
      }),
    );
    const item = output.configurationItems?.[0];
    if (item === undefined) {
      throw new RuleError(
        `GetResourceConfigHistory returned no configuration item for ${resourceType} ${resourceId}`,
      );
    }
    return item as Record<string, unknown>;
  },
});
