import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type AwsAccess, awsClient, type ClientOverrides } from '../aws/client-options.js';
import { checkProfileExists, profileCredentials } from './profile.js';

/**
 * The AWS clients of one command run. Credentials and the default region come from the named profile
 * (--profile) or else the standard chain (environment, AWS_PROFILE, SSO, instance role); endpoints honour
 * AWS_ENDPOINT_URL_<SERVICE>.
 */
export interface CliClients {
  ec2(region: string): EC2Client;
  /** Only `remediate --launch-templates` asks Auto Scaling (which groups launch from a template). */
  autoScaling(region: string): AutoScalingClient;
  config(region: string): ConfigServiceClient;
  ssm(region: string): SSMClient;
  /** IAM is global; the region only picks the partition's endpoint. */
  iam(region: string): IAMClient;
  /** The region the standard chain resolves (AWS_REGION, the profile's region), if any. */
  defaultRegion(): Promise<string | undefined>;
  /**
   * Resolves the credentials once; throws when the chain (or the named profile) has none, and a
   * CommandError naming the files read when the named profile does not exist.
   */
  checkCredentials(): Promise<void>;
  /**
   * How the run's own clients are made (the --profile's credentials, its name for the region), for the
   * clients a command makes itself: STS, Organizations, a Config aggregator, the source of assumed roles.
   */
  caller?(): { readonly access: Partial<AwsAccess>; readonly overrides: ClientOverrides };
}

/** The commands act with the caller's own credentials: no role is assumed. */
const ownAccount = (profile: string | undefined): Partial<AwsAccess> =>
  profile === undefined ? {} : { credentials: profileCredentials(profile) };

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
 * (tests shorten the timeouts); its `profile` is the command's --profile.
 */
export const cliClients = (overrides: ClientOverrides = {}): CliClients => {
  const access = ownAccount(overrides.profile);
  const defaultRegion = async () => {
    try {
      return await awsClient(EC2Client, access, overrides).config.region();
    } catch {
      return undefined;
    }
  };
  const inRegion = (region: string): ClientOverrides => ({ ...overrides, region });
  return {
    ec2: perRegion((region) => awsClient(EC2Client, access, inRegion(region))),
    autoScaling: perRegion((region) => awsClient(AutoScalingClient, access, inRegion(region))),
    config: perRegion((region) => awsClient(ConfigServiceClient, access, inRegion(region))),
    ssm: perRegion((region) => awsClient(SSMClient, access, inRegion(region))),
    iam: perRegion((region) => awsClient(IAMClient, access, inRegion(region))),
    defaultRegion,
    caller: () => ({ access, overrides }),
    async checkCredentials() {
      if (overrides.profile !== undefined) await checkProfileExists(overrides.profile);
      const region = (await defaultRegion()) ?? 'us-east-1';
      await awsClient(EC2Client, access, inRegion(region)).config.credentials();
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
    const { access = {}, overrides = {} } = clients.caller?.() ?? {};
    return (await callerIdentity({ ...overrides, region, maxAttempts: 1 }, access)).account;
  } catch {
    return undefined;
  }
};
