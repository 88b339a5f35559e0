import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

/** moto's own account: the organization's management account, the caller of the commands. */
export const MANAGEMENT_ACCOUNT = '123456789012';
/** An AMI of moto's catalogue. */
const MOTO_AMI = 'ami-12c6146b';
/** Any role name works in moto; the command assumes this one by default. */
const SEED_ROLE = 'app-tier-iam-role-rule-execution';

/** What the Name tag of one instance says: a tag is user input, and this one is hostile markup. */
export const HOSTILE_NAME =
  '<script>document.title="owned"</script></script><img src=x onerror="document.title=1">';

/** An instance the seed launched, and what the rule must decide for it. */
export interface SeededInstance {
  readonly account: string;
  readonly region: string;
  readonly instanceId: string;
  readonly name: string;
  /** Undefined for an instance that is not app tier (never listed). */
  readonly compliance?: 'COMPLIANT' | 'NON_COMPLIANT';
}

export interface MotoOrganization {
  readonly accounts: readonly { readonly id: string; readonly name: string }[];
  readonly instances: readonly SeededInstance[];
}

const credentialsOf = async (endpoint: string, account: string) => {
  if (account === MANAGEMENT_ACCOUNT) return undefined;
  const sts = new STSClient({ region: 'us-east-1', endpoint });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${SEED_ROLE}`, RoleSessionName: 'seed' }),
  );
  return {
    accessKeyId: Credentials?.AccessKeyId as string,
    secretAccessKey: Credentials?.SecretAccessKey as string,
    sessionToken: Credentials?.SessionToken as string,
  };
};

/**
 * An organization in moto: the management account and `members` accounts, each with app-tier instances in
 * the given regions (moto keeps each account's EC2 apart, by the account of the credentials): in the first
 * region one with a profile and one without, launched by an Auto Scaling group; in the second one without
 * and one of another tier; in the third (every other account) one without, from a launch template. The
 * first member's unowned instance carries HOSTILE_NAME.
 */
export const seedMotoOrganization = async (
  endpoint: string,
  members: number,
  regions: readonly [string, string, string],
): Promise<MotoOrganization> => {
  const organizations = new OrganizationsClient({ region: 'us-east-1', endpoint });
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const accounts = [{ id: MANAGEMENT_ACCOUNT, name: 'management' }];
  for (let index = 1; index <= members; index += 1) {
    const name = `member-${index}`;
    const { CreateAccountStatus } = await organizations.send(
      new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
    );
    accounts.push({ id: CreateAccountStatus?.AccountId as string, name });
  }

  const instances: SeededInstance[] = [];
  await Promise.all(
    accounts.map(async ({ id: account }, index) => {
      const credentials = await credentialsOf(endpoint, account);
      const iam = new IAMClient({ region: regions[0], endpoint, ...(credentials && { credentials }) });
      const { InstanceProfile } = await iam.send(
        new CreateInstanceProfileCommand({ InstanceProfileName: 'app-profile' }),
      );
      const launch = async (
        region: string,
        name: string,
        compliance: SeededInstance['compliance'],
        tags: Record<string, string> = {},
      ) => {
        const ec2 = new EC2Client({ region, endpoint, ...(credentials && { credentials }) });
        const tier = compliance === undefined ? 'web' : 'app';
        const { Instances } = await ec2.send(
          new RunInstancesCommand({
            ImageId: MOTO_AMI,
            MinCount: 1,
            MaxCount: 1,
            ...(compliance === 'COMPLIANT' ? { IamInstanceProfile: { Arn: InstanceProfile?.Arn } } : {}),
            TagSpecifications: [
              {
                ResourceType: 'instance',
                Tags: Object.entries({ tier, Name: name, ...tags }).map(([Key, Value]) => ({ Key, Value })),
              },
            ],
          }),
        );
        instances.push({
          account,
          region,
          instanceId: Instances?.[0]?.InstanceId as string,
          name,
          ...(compliance === undefined ? {} : { compliance }),
        });
      };
      await launch(regions[0], `api-${index}`, 'COMPLIANT');
      await launch(regions[0], `worker-${index}`, 'NON_COMPLIANT', {
        'aws:autoscaling:groupName': `workers-${index}`,
        'aws:ec2launchtemplate:id': `lt-0${index}aa${index}bb${index}cc`,
        'aws:ec2launchtemplate:version': '3',
      });
      await launch(regions[1], index === 1 ? HOSTILE_NAME : `legacy-${index}`, 'NON_COMPLIANT');
      await launch(regions[1], `web-${index}`, undefined);
      if (index % 2 === 0) {
        await launch(regions[2], `batch-${index}`, 'NON_COMPLIANT', {
          'aws:ec2launchtemplate:id': 'lt-0batch00000000000',
        });
      }
    }),
  );
  return { accounts, instances };
};
