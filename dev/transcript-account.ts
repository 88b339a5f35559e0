import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { ConfigServiceClient, PutConfigRuleCommand } from '@aws-sdk/client-config-service';
import {
  CreateLaunchTemplateCommand,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';

// The account docs/audit-and-remediate.md describes ("Output, captured from a run against moto"), made in
// moto's server through the SDK. Change it and the document's table of the account together.

/** The region of the profile, the rule and most instances; the commands' AWS_REGION. */
export const HOME_REGION = 'eu-west-1';
export const OTHER_REGION = 'us-east-1';
export const RULE_NAME = 'app-tier-ec2-instance-uses-iam-role';
/** An AMI of moto's own catalogue (listing the whole catalogue takes seconds; asking for one does not). */
const MOTO_AMI = 'ami-12c6146b';
const CREDENTIALS = { accessKeyId: 'AKIAMOTOMOTOMOTOMOTO', secretAccessKey: 'moto' };
const trustOf = (service: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });

/** The SDK clients of the account, pointed at moto's server. */
export interface Account {
  readonly ec2: (region: string) => EC2Client;
  readonly iam: IAMClient;
  readonly autoScaling: AutoScalingClient;
  readonly config: ConfigServiceClient;
}

export const accountAt = (endpoint: string): Account => {
  const options = (region: string) => ({ region, endpoint, credentials: CREDENTIALS });
  return {
    ec2: (region) => new EC2Client(options(region)),
    iam: new IAMClient(options(HOME_REGION)),
    autoScaling: new AutoScalingClient(options(HOME_REGION)),
    config: new ConfigServiceClient(options(HOME_REGION)),
  };
};

/** Launches one instance with a Name tag and an app-tier-like tag; returns its id. */
export const launch = async (
  account: Account,
  region: string,
  name: string,
  tag: { readonly key: string; readonly value: string },
  profile?: string,
): Promise<string> => {
  const output = await account.ec2(region).send(
    new RunInstancesCommand({
      ImageId: MOTO_AMI,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.micro',
      TagSpecifications: [
        {
          ResourceType: 'instance',
          Tags: [
            { Key: tag.key, Value: tag.value },
            { Key: 'Name', Value: name },
          ],
        },
      ],
      ...(profile === undefined ? {} : { IamInstanceProfile: { Name: profile } }),
    }),
  );
  return output.Instances?.[0]?.InstanceId as string;
};

export const terminate = async (account: Account, region: string, instanceId: string): Promise<void> => {
  await account.ec2(region).send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
};

/**
 * Config wants a rule's function to exist. The Lambda SDK is no dependency of the project, so the function
 * is created through moto's REST API; it is never invoked.
 */
const createRuleFunction = async (account: Account, endpoint: string): Promise<string> => {
  const role = await account.iam.send(
    new CreateRoleCommand({
      RoleName: 'rule-function',
      AssumeRolePolicyDocument: trustOf('lambda.amazonaws.com'),
    }),
  );
  const response = await fetch(`${endpoint}/2015-03-31/functions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/20260101/${HOME_REGION}/lambda/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({
      FunctionName: 'app-tier-rule',
      Runtime: 'nodejs22.x',
      Role: role.Role?.Arn,
      Handler: 'handler.handler',
      // An empty zip archive.
      Code: { ZipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' },
    }),
  });
  if (!response.ok) throw new Error(`moto's Lambda CreateFunction answered ${response.status}`);
  return ((await response.json()) as { FunctionArn: string }).FunctionArn;
};

/**
 * The account of the document, call after call (moto draws its ids from one seeded generator, so the
 * same calls in the same order give the same ids):
 * - IAM: `app-tier-profile` holding the role `app-tier-role`, and `empty-profile` holding none;
 * - eu-west-1: orders-api (app, app-tier-profile), orders-worker (app, no profile), billing-batch (app,
 *   empty-profile), public-web (web, no profile), and the Auto Scaling group `checkout-asg` launching two
 *   `checkout` instances (app, no profile) from the launch template `checkout`, at its default version;
 * - us-east-1: reports-api (app, no profile);
 * - the Config rule of the document, with requireRoleInProfile.
 */
export const createAccount = async (account: Account, endpoint: string): Promise<void> => {
  const known = await account.ec2(HOME_REGION).send(new DescribeImagesCommand({ ImageIds: [MOTO_AMI] }));
  if (known.Images?.length !== 1)
    throw new Error(`moto no longer knows ${MOTO_AMI}: pick another of its AMIs`);

  const { iam } = account;
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'app-tier-role',
      AssumeRolePolicyDocument: trustOf('ec2.amazonaws.com'),
    }),
  );
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'app-tier-profile' }));
  await iam.send(
    new AddRoleToInstanceProfileCommand({
      InstanceProfileName: 'app-tier-profile',
      RoleName: 'app-tier-role',
    }),
  );
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'empty-profile' }));

  const app = { key: 'tier', value: 'app' };
  await launch(account, HOME_REGION, 'orders-api', app, 'app-tier-profile');
  await launch(account, HOME_REGION, 'orders-worker', app);
  await launch(account, HOME_REGION, 'billing-batch', app, 'empty-profile');
  await launch(account, HOME_REGION, 'public-web', { key: 'tier', value: 'web' });
  await launch(account, OTHER_REGION, 'reports-api', app);

  const template = await account.ec2(HOME_REGION).send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'checkout',
      LaunchTemplateData: {
        ImageId: MOTO_AMI,
        InstanceType: 't3.micro',
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              { Key: 'tier', Value: 'app' },
              { Key: 'Name', Value: 'checkout' },
            ],
          },
        ],
      },
    }),
  );
  await account.autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'checkout-asg',
      LaunchTemplate: { LaunchTemplateId: template.LaunchTemplate?.LaunchTemplateId, Version: '$Default' },
      MinSize: 2,
      MaxSize: 2,
      DesiredCapacity: 2,
      AvailabilityZones: [`${HOME_REGION}a`],
    }),
  );

  const functionArn = await createRuleFunction(account, endpoint);
  await account.config.send(
    new PutConfigRuleCommand({
      ConfigRule: {
        ConfigRuleName: RULE_NAME,
        InputParameters: JSON.stringify({
          appTierTagKey: 'tier',
          appTierTagValue: 'app',
          requireRoleInProfile: 'true',
        }),
        Scope: { ComplianceResourceTypes: ['AWS::EC2::Instance'] },
        Source: {
          Owner: 'CUSTOM_LAMBDA',
          SourceIdentifier: functionArn,
          SourceDetails: [{ EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' }],
        },
      },
    }),
  );
};
