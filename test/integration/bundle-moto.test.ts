import {
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ComplianceResult, type LocalAws, startLocalAws } from '../support/aws/index.js';
import { invokeBundle } from '../support/bundle.js';
import { withChanges } from '../support/events.js';
import { type MotoServer, motoAvailable, startMoto } from '../support/moto.js';

// The built bundle against moto's EC2 and IAM, seeded through the real SDK. moto does not serve
// PutEvaluations outside TestMode, nor GetComplianceDetailsByConfigRule: the local endpoint serves Config.

const MOTO = motoAvailable();
const REGION = 'us-east-1';
/** An AMI moto serves out of the box. */
const IMAGE_ID = 'ami-03cf127a';
const TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const RULE_PARAMETERS = JSON.stringify({
  appTierTagKey: 'tier',
  appTierTagValue: 'app',
  requireRoleInProfile: 'true',
});
const SCHEDULED = withChanges('scheduled', { envelope: { ruleParameters: RULE_PARAMETERS } });
const NOTIFIED_AT = new Date(JSON.parse(SCHEDULED.invokingEvent as string).notificationCreationTime);
/** An instance Config evaluated before but that EC2 no longer knows. */
const DELETED = 'i-0ddd000000000dead';

/** The instances seeded in moto, by name. */
interface Seeded {
  readonly ids: Record<string, string>;
  readonly profiles: Record<string, string>;
}

const seed = async (endpoint: string): Promise<Seeded> => {
  const iam = new IAMClient({ region: REGION, endpoint });
  await iam.send(new CreateRoleCommand({ RoleName: 'app-role', AssumeRolePolicyDocument: TRUST_POLICY }));
  const profiles: Record<string, string> = {};
  for (const name of ['app-profile', 'empty-profile']) {
    const { InstanceProfile } = await iam.send(
      new CreateInstanceProfileCommand({ InstanceProfileName: name }),
    );
    profiles[name] = InstanceProfile?.Arn as string;
  }
  await iam.send(
    new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'app-profile', RoleName: 'app-role' }),
  );

  const ec2 = new EC2Client({ region: REGION, endpoint });
  const ids: Record<string, string> = {};
  const launch = async (name: string, tier: string, profile?: string) => {
    const { Instances } = await ec2.send(
      new RunInstancesCommand({
        ImageId: IMAGE_ID,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.micro',
        ...(profile === undefined ? {} : { IamInstanceProfile: { Arn: profiles[profile] } }),
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              { Key: 'tier', Value: tier },
              { Key: 'Name', Value: name },
            ],
          },
        ],
      }),
    );
    ids[name] = Instances?.[0]?.InstanceId as string;
  };
  await launch('with-role', 'app', 'app-profile');
  await launch('profile-without-role', 'app', 'empty-profile');
  await launch('no-profile', 'app');
  await launch('stopped-no-profile', 'app');
  await launch('web-no-profile', 'web');
  await launch('terminated', 'app', 'app-profile');
  await ec2.send(new StopInstancesCommand({ InstanceIds: [ids['stopped-no-profile'] as string] }));
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [ids.terminated as string] }));
  return { ids, profiles };
};

const previousResult = (resourceId: string, complianceType: string): ComplianceResult => ({
  EvaluationResultIdentifier: {
    EvaluationResultQualifier: {
      ConfigRuleName: SCHEDULED.configRuleName as string,
      ResourceType: 'AWS::EC2::Instance',
      ResourceId: resourceId,
    },
    OrderingTimestamp: '2026-11-27T00:00:00.000Z',
  },
  ComplianceType: complianceType,
  ResultRecordedTime: '2026-11-27T00:00:01.000Z',
  ConfigRuleInvokedTime: '2026-11-27T00:00:00.500Z',
});

/** The compliant sample's change event, for a seeded instance and profile. */
const changeEventFor = (instanceId: string, profileArn: string) =>
  withChanges('compliant', {
    envelope: { ruleParameters: RULE_PARAMETERS },
    invoking: (invoking) => {
      const item = invoking.configurationItem as Record<string, unknown> & {
        configuration: Record<string, unknown>;
      };
      item.resourceId = instanceId;
      item.configuration.instanceId = instanceId;
      item.configuration.iamInstanceProfile = { arn: profileArn, id: 'AIPAMOTOPROFILE' };
    },
  });

describe.skipIf(!MOTO)(
  MOTO
    ? 'the built function against moto (EC2, IAM) and the local Config endpoint'
    : 'the built function against moto — skipped: moto_server is neither on PATH nor in .venv (node scripts/python-tools.mjs installs it)',
  () => {
    let moto: MotoServer;
    let aws: LocalAws;
    let seeded: Seeded;
    /** EC2 and IAM from moto, Config from the local endpoint. */
    let env: Record<string, string>;

    beforeAll(async () => {
      [moto, aws] = await Promise.all([startMoto(), startLocalAws()]);
      seeded = await seed(moto.url);
      env = {
        AWS_ENDPOINT_URL_EC2: moto.url,
        AWS_ENDPOINT_URL_IAM: moto.url,
        AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.url,
      };
    });

    afterAll(async () => {
      await Promise.all([moto?.stop(), aws?.stop()]);
    });

    beforeEach(() => {
      aws.requests.clear();
      aws.evaluations.length = 0;
      aws.options.complianceResults = [];
    });

    it('moto holds the seeded fleet', async () => {
      // Act
      const { Reservations = [] } = await new EC2Client({ region: REGION, endpoint: moto.url }).send(
        new DescribeInstancesCommand({ InstanceIds: Object.values(seeded.ids) }),
      );

      // Assess
      const states = Object.fromEntries(
        Reservations.flatMap((reservation) => reservation.Instances ?? []).map((instance) => [
          instance.Tags?.find((tag) => tag.Key === 'Name')?.Value,
          instance.State?.Name,
        ]),
      );
      expect(states).toEqual({
        'with-role': 'running',
        'profile-without-role': 'running',
        'no-profile': 'running',
        'stopped-no-profile': 'stopped',
        'web-no-profile': 'running',
        terminated: 'terminated',
      });
    });

    it('a scheduled sweep evaluates the live app-tier instances EC2 lists and clears the stale results', async () => {
      // Prepare
      aws.options.complianceResults = [
        previousResult(seeded.ids['with-role'] as string, 'COMPLIANT'),
        previousResult(seeded.ids.terminated as string, 'COMPLIANT'),
        previousResult(DELETED, 'NON_COMPLIANT'),
      ];

      // Act
      const invocation = await invokeBundle(SCHEDULED, { env });

      // Assess
      expect(invocation.error).toBeUndefined();
      const results = Object.fromEntries(
        aws.evaluations.map((evaluation) => [evaluation.ComplianceResourceId, evaluation.ComplianceType]),
      );
      expect(results).toEqual({
        [seeded.ids['with-role'] as string]: 'COMPLIANT',
        [seeded.ids['profile-without-role'] as string]: 'NON_COMPLIANT',
        [seeded.ids['no-profile'] as string]: 'NON_COMPLIANT',
        [seeded.ids['stopped-no-profile'] as string]: 'NON_COMPLIANT',
        [seeded.ids.terminated as string]: 'NOT_APPLICABLE',
        [DELETED]: 'NOT_APPLICABLE',
      });
      expect(aws.evaluations).toHaveLength(6);
      for (const evaluation of aws.evaluations) {
        expect(evaluation).toMatchObject({
          ComplianceResourceType: 'AWS::EC2::Instance',
          OrderingTimestamp: NOTIFIED_AT,
          ResultToken: SCHEDULED.resultToken,
          TestMode: false,
          Annotation: expect.stringMatching(/^.{1,256}$/s),
        });
      }
      expect(invocation.result?.sweep).toEqual({ pages: 1, stale: 2 });
      // EC2 came from moto: the local endpoint served Config alone.
      expect(new Set(aws.requests.all.map((request) => request.operation))).toEqual(
        new Set(['GetComplianceDetailsByConfigRule', 'PutEvaluations']),
      );
    });

    it.each([
      { name: 'with-role', profile: 'app-profile', result: 'COMPLIANT' },
      { name: 'profile-without-role', profile: 'empty-profile', result: 'NON_COMPLIANT' },
    ])('a change event for $name reads its profile from IAM: $result', async ({ name, profile, result }) => {
      // Prepare
      const event = changeEventFor(seeded.ids[name] as string, seeded.profiles[profile] as string);

      // Act
      const invocation = await invokeBundle(event, { env });

      // Assess
      expect(invocation.error).toBeUndefined();
      expect(aws.evaluations.map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual([
        [seeded.ids[name], result],
      ]);
    });

    it("REPORT_MODE=test writes with TestMode, which moto's own Config accepts", async () => {
      // Prepare
      const event = changeEventFor(
        seeded.ids['with-role'] as string,
        seeded.profiles['app-profile'] as string,
      );

      // Act
      const invocation = await invokeBundle(event, {
        env: { ...env, AWS_ENDPOINT_URL_CONFIG_SERVICE: moto.url, REPORT_MODE: 'test' },
      });

      // Assess
      expect(invocation.error).toBeUndefined();
      expect(invocation.result?.report).toMatchObject({ mode: 'test', delivered: 1, calls: 1 });
      expect(aws.requests.all).toEqual([]);
    });
  },
);
