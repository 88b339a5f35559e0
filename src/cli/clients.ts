import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { awsClient, type ClientOverrides } from '../aws/client-options.js';

/**
 * The AWS clients of one command run. Credentials and the default region come from the standard chain
 * (environment, AWS_PROFILE / --profile, SSO, instance role); endpoints honour AWS_ENDPOINT_URL_<SERVICE>.
 */
export interface CliClients {
  ec2(region: string): EC2Client;
  config(region: string): ConfigServiceClient;
  ssm(region: string): SSMClient;
  /** IAM is global; the region only picks the partition's endpoint. */
  iam(region: string): IAMClient;
  /** The region the standard chain resolves (AWS_REGION, the profile's region), if any. */
  defaultRegion(): Promise<string | undefined>;
  /** Resolves the credentials once; throws when the chain (or the named profile) has none. */
  checkCredentials(): Promise<void>;
}

/** The commands act with the caller's own credentials: no role is assumed. */
const OWN_ACCOUNT = { accountId: '' };

const perRegion = <T>(create: (region: string) => T): ((region: string) => T) => {
  const clients = new Map<string, T>();
  return (region) => {
    let client = clients.get(region);
    if (client === undefined) {
      client = create(region);
      clients.set(region, client);
    }
    return client;
  };
};

/**
 * The commands' clients. Each call's attempts time out and are retried as in the Lambda; a call that
 * never gets an answer fails with an error naming its operation. `overrides` replace client options
 * (tests shorten the timeouts).
 */
export const cliClients = (overrides: ClientOverrides = {}): CliClients => {
  const defaultRegion = async () => {
    try {
      return await awsClient(EC2Client, OWN_ACCOUNT, overrides).config.region();
    } catch {
      return undefined;
    }
  };
  const inRegion = (region: string): ClientOverrides => ({ ...overrides, region });
  return {
    ec2: perRegion((region) => awsClient(EC2Client, OWN_ACCOUNT, inRegion(region))),
    config: perRegion((region) => awsClient(ConfigServiceClient, OWN_ACCOUNT, inRegion(region))),
    ssm: perRegion((region) => awsClient(SSMClient, OWN_ACCOUNT, inRegion(region))),
    iam: perRegion((region) => awsClient(IAMClient, OWN_ACCOUNT, inRegion(region))),
    defaultRegion,
    async checkCredentials() {
      const region = (await defaultRegion()) ?? 'us-east-1';
      await awsClient(EC2Client, OWN_ACCOUNT, inRegion(region)).config.credentials();
    },
  };
};

/**
 * The caller's account, for the rows of a single-account audit: STS GetCallerIdentity, asked once without
 * retries. It only labels the rows, so a failure leaves them without an account rather than failing the
 * audit.
 */
export const callerAccount = async (clients: CliClients): Promise<string | undefined> => {
  try {
    const { callerIdentity } = await import('./organization.js');
    const region = (await clients.defaultRegion()) ?? 'us-east-1';
    return (await callerIdentity({ region, maxAttempts: 1 })).account;
  } catch {
    return undefined;
  }
};
