import type { IncomingMessage } from 'node:http';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  type AssumeRoleCommandOutput,
  AssumeRoleCommand as SdkAssumeRoleCommand,
  STSClient as SdkStsClient,
} from '@aws-sdk/nested-clients/sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../src/handler.js';
import { type LocalAws, startLocalAws } from '../support/aws/index.js';
import { withChanges } from '../support/events.js';
import { startForwardingProxy } from '../support/forwarding-proxy.js';
import { lambdaContext } from '../support/lambda-context.js';
import { type MotoServer, motoAvailable, startMoto } from '../support/moto.js';

/** The function's own account: the one in the test Lambda context, and moto's default account. */
const CENTRAL_ACCOUNT = '123456789012';
const MEMBER_ACCOUNT = '222222222222';
const EXECUTION_ROLE = 'app-tier-iam-role-rule-execution';
const MEMBER_ROLE_ARN = `arn:aws:iam::${MEMBER_ACCOUNT}:role/${EXECUTION_ROLE}`;
/** The function's own key (test/support/setup-env.ts); moto maps it to its default account. */
const FUNCTION_KEY = process.env.AWS_ACCESS_KEY_ID as string;
const REGION = 'us-east-1';
/** An AMI moto serves out of the box. */
const IMAGE_ID = 'ami-03cf127a';

/** One request that went through a recording proxy: the operation and the access key that signed it. */
interface SignedRequest {
  readonly operation: string;
  readonly accessKeyId: string | undefined;
}

/**
 * An HTTP proxy in front of an emulator that records who signed each request (the SigV4
 * `Credential=<access key id>/...` of the Authorization header), then forwards it unchanged.
 */
interface RecordingProxy {
  readonly url: string;
  readonly requests: SignedRequest[];
  stop(): Promise<void>;
}

const operationOf = (incoming: IncomingMessage, body: Buffer): string => {
  const target = incoming.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? '(unknown)';
};

const startRecordingProxy = async (upstream: string): Promise<RecordingProxy> => {
  const requests: SignedRequest[] = [];
  const proxy = await startForwardingProxy(upstream, (incoming, body) => {
    requests.push({
      operation: operationOf(incoming, body),
      accessKeyId: /Credential=([^/]+)\//.exec(incoming.headers.authorization ?? '')?.[1],
    });
    return undefined;
  });
  return { ...proxy, requests };
};

/** The scheduled sample event, as the member account's organization rule sends it. */
const scheduledEventFor = (ruleName: string, ruleParameters: Record<string, string>) =>
  withChanges('scheduled', {
    envelope: {
      accountId: MEMBER_ACCOUNT,
      configRuleName: ruleName,
      configRuleArn: `arn:aws:config:${REGION}:${MEMBER_ACCOUNT}:config-rule/aws-service-rule/config-multiaccountsetup.amazonaws.com/config-rule-x1y2z3`,
      ruleParameters: JSON.stringify(ruleParameters),
    },
  });

const APP_TIER = { appTierTagKey: 'tier', appTierTagValue: 'app' };

/**
 * What the test's STS spy saw: each AssumeRole the handler made (through the STS client of the SDK's
 * fromTemporaryCredentials), with the key STS handed out.
 */
const assumedRoles = async (spy: { mock: { calls: unknown[][]; results: { value: unknown }[] } }) => {
  const assumed: { roleArn?: string; sessionName?: string; accessKeyId?: string }[] = [];
  for (const [index, [command]] of spy.mock.calls.entries()) {
    if (!(command instanceof SdkAssumeRoleCommand)) continue;
    const output = (await spy.mock.results[index]?.value) as AssumeRoleCommandOutput;
    assumed.push({
      roleArn: command.input.RoleArn,
      sessionName: command.input.RoleSessionName,
      accessKeyId: output.Credentials?.AccessKeyId,
    });
  }
  return assumed;
};

const available = motoAvailable();

describe.skipIf(!available)(
  `cross-account evaluation against moto's STS and EC2 and the local Config endpoint${
    available
      ? ''
      : ' (skipped: moto_server is neither on PATH nor in .venv; node scripts/python-tools.mjs installs it)'
  }`,
  () => {
    let moto: MotoServer;
    let aws: LocalAws;
    let ec2Proxy: RecordingProxy;
    let configProxy: RecordingProxy;
    const seeded: Record<string, string> = {};

    beforeAll(async () => {
      moto = await startMoto();
      aws = await startLocalAws();
      ec2Proxy = await startRecordingProxy(moto.url);
      configProxy = await startRecordingProxy(aws.url);

      // Seed through the real SDK: moto keeps each account's resources apart, by the account of the key.
      const endpoint = moto.url;
      const seedSts = new STSClient({ region: REGION, endpoint });
      const { Credentials } = await seedSts.send(
        new AssumeRoleCommand({ RoleArn: MEMBER_ROLE_ARN, RoleSessionName: 'seed' }),
      );
      const memberCredentials = {
        accessKeyId: Credentials?.AccessKeyId as string,
        secretAccessKey: Credentials?.SecretAccessKey as string,
        sessionToken: Credentials?.SessionToken as string,
      };
      const memberEc2 = new EC2Client({ region: REGION, endpoint, credentials: memberCredentials });
      const memberIam = new IAMClient({ region: REGION, endpoint, credentials: memberCredentials });
      const { InstanceProfile } = await memberIam.send(
        new CreateInstanceProfileCommand({ InstanceProfileName: 'app-tier' }),
      );
      const launch = async (client: EC2Client, tier: string, profileArn?: string) => {
        const { Instances } = await client.send(
          new RunInstancesCommand({
            ImageId: IMAGE_ID,
            MinCount: 1,
            MaxCount: 1,
            ...(profileArn === undefined ? {} : { IamInstanceProfile: { Arn: profileArn } }),
            TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'tier', Value: tier }] }],
          }),
        );
        return Instances?.[0]?.InstanceId as string;
      };
      seeded.memberWithProfile = await launch(memberEc2, 'app', InstanceProfile?.Arn);
      seeded.memberWithoutProfile = await launch(memberEc2, 'app');
      seeded.memberWebTier = await launch(memberEc2, 'web');
      // An app-tier instance of the function's own account: it must never show up in the member's results.
      seeded.central = await launch(new EC2Client({ region: REGION, endpoint }), 'app');

      vi.stubEnv('AWS_ENDPOINT_URL_STS', moto.url);
      vi.stubEnv('AWS_ENDPOINT_URL_EC2', ec2Proxy.url);
      vi.stubEnv('AWS_ENDPOINT_URL_CONFIG_SERVICE', configProxy.url);
    });

    afterAll(async () => {
      vi.unstubAllEnvs();
      await Promise.all([ec2Proxy?.stop(), configProxy?.stop()]);
      await aws?.stop();
      await moto?.stop();
    });

    beforeEach(() => {
      ec2Proxy.requests.length = 0;
      configProxy.requests.length = 0;
      aws.requests.clear();
      aws.evaluations.length = 0;
    });

    it("evaluates an event of account B with B's assumed credentials, for EC2 and Config alike", async () => {
      // Prepare
      const ruleName = 'OrgConfigRule-app-tier-ec2-instance-uses-iam-role-a1';
      const event = scheduledEventFor(ruleName, { ...APP_TIER, executionRoleName: EXECUTION_ROLE });
      const sts = vi.spyOn(SdkStsClient.prototype, 'send');

      // Act
      await handler(event, lambdaContext());

      // Assess
      const assumed = await assumedRoles(sts);
      expect(assumed).toEqual([
        { roleArn: MEMBER_ROLE_ARN, sessionName: ruleName, accessKeyId: expect.any(String) },
      ]);
      const memberKey = assumed[0]?.accessKeyId;
      expect(memberKey).not.toBe(FUNCTION_KEY);

      expect(ec2Proxy.requests.map((signed) => signed.operation)).toContain('DescribeInstances');
      expect(ec2Proxy.requests.filter((signed) => signed.accessKeyId !== memberKey)).toEqual([]);
      expect(configProxy.requests.map((signed) => signed.operation)).toEqual(
        expect.arrayContaining(['GetComplianceDetailsByConfigRule', 'PutEvaluations']),
      );
      expect(configProxy.requests.filter((signed) => signed.accessKeyId !== memberKey)).toEqual([]);

      // moto answered DescribeInstances with account B's instances: only B's key could list them.
      const results = Object.fromEntries(
        aws.evaluations.map((evaluation) => [evaluation.ComplianceResourceId, evaluation.ComplianceType]),
      );
      expect(results).toEqual({
        [seeded.memberWithProfile as string]: 'COMPLIANT',
        [seeded.memberWithoutProfile as string]: 'NON_COMPLIANT',
      });
    });

    it('assumes the role once for a burst of events in one account', async () => {
      // Prepare
      const ruleName = 'OrgConfigRule-app-tier-ec2-instance-uses-iam-role-b2';
      const event = scheduledEventFor(ruleName, { ...APP_TIER, executionRoleName: EXECUTION_ROLE });
      const sts = vi.spyOn(SdkStsClient.prototype, 'send');

      // Act
      for (let invocation = 0; invocation < 3; invocation += 1) await handler(event, lambdaContext());

      // Assess
      const assumed = await assumedRoles(sts);
      expect(assumed.map((call) => call.sessionName)).toEqual([ruleName]);
      expect(aws.evaluations).toHaveLength(6);
      const keys = new Set(
        [...ec2Proxy.requests, ...configProxy.requests].map((signed) => signed.accessKeyId),
      );
      expect(keys).toEqual(new Set([assumed[0]?.accessKeyId]));
    });

    it('takes the role from EXECUTION_ROLE_NAME when the rule parameters name none', async () => {
      // Prepare
      vi.stubEnv('EXECUTION_ROLE_NAME', EXECUTION_ROLE);
      const ruleName = 'OrgConfigRule-app-tier-ec2-instance-uses-iam-role-c3';
      const sts = vi.spyOn(SdkStsClient.prototype, 'send');

      // Act
      await handler(scheduledEventFor(ruleName, APP_TIER), lambdaContext());
      vi.stubEnv('EXECUTION_ROLE_NAME', '');

      // Assess
      const assumed = await assumedRoles(sts);
      expect(assumed.map((call) => call.roleArn)).toEqual([MEMBER_ROLE_ARN]);
      expect(configProxy.requests.filter((signed) => signed.operation === 'PutEvaluations')).toEqual([
        { operation: 'PutEvaluations', accessKeyId: assumed[0]?.accessKeyId },
      ]);
    });

    it('refuses an event of another account when no role is configured, before any call', async () => {
      // Prepare
      const event = scheduledEventFor('app-tier-ec2-instance-uses-iam-role', APP_TIER);

      // Act
      const invocation = handler(event, lambdaContext());

      // Assess
      await expect(invocation).rejects.toThrow(
        `The event is for account ${MEMBER_ACCOUNT}, but this function runs in account ${CENTRAL_ACCOUNT} and no execution role is configured`,
      );
      expect(ec2Proxy.requests).toEqual([]);
      expect(configProxy.requests).toEqual([]);
      expect(aws.evaluations).toEqual([]);
    });
  },
);
