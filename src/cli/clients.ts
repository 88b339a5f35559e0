import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { clientOptions } from '../aws/client-options.js';

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

export const cliClients = (): CliClients => {
  const options = clientOptions(OWN_ACCOUNT);
  const defaultRegion = async () => {
    try {
      return await new EC2Client(options).config.region();
    } catch {
      return undefined;
    }
  };
  return {
    ec2: perRegion((region) => new EC2Client({ ...options, region })),
    config: perRegion((region) => new ConfigServiceClient({ ...options, region })),
    ssm: perRegion((region) => new SSMClient({ ...options, region })),
    iam: perRegion((region) => new IAMClient({ ...options, region })),
    defaultRegion,
    async checkCredentials() {
      const region = (await defaultRegion()) ?? 'us-east-1';
      await new EC2Client({ ...options, region }).config.credentials();
    },
  };
};
