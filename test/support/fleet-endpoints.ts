import { afterEach } from 'vitest';
import { type LocalAws, startLocalAws } from './aws/index.js';
import type { Fleet } from './fleet.js';

/**
 * Call inside a `describe`: returns `serve(fleet)`, which starts a local endpoint serving the fleet's
 * instances and previous results; every endpoint it started is stopped after each test.
 */
export const fleetEndpoints = (): ((fleet: Fleet) => Promise<LocalAws>) => {
  const servers: LocalAws[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((aws) => aws.stop()));
  });
  return async (fleet) => {
    const aws = await startLocalAws({
      instances: fleet.inventory,
      complianceResults: fleet.complianceResults,
    });
    servers.push(aws);
    return aws;
  };
};
