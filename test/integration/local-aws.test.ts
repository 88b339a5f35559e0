import { connect } from 'node:net';
import {
  type ComplianceType,
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
  paginateGetComplianceDetailsByConfigRule,
} from '@aws-sdk/client-config-service';
import { DescribeInstancesCommand, EC2Client, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadSeed } from '../../dev/sample-inventory.js';
import {
  type ComplianceResult,
  type Fault,
  failFirst,
  generatedInventory,
  type LocalAws,
  type LocalInstance,
  LocalService,
  startLocalAws,
} from '../support/aws/index.js';

const SEED_DIR = new URL('../../events/local-aws/', import.meta.url).pathname;
const RULE = 'rule-ec2-test';
const APP_INSTANCE_IDS = ['i-042dd005362091826', 'i-0a763ac3ee37d8d2b', 'i-0b7e5c4d3a2f19e80'];

// Clients find the endpoint the way the Lambda does: through AWS_ENDPOINT_URL_<SERVICE>.
const pointSdkAt = (aws: LocalAws): void => {
  for (const [name, value] of Object.entries(aws.env)) vi.stubEnv(name, value);
};

const instance = (index: number, overrides: Partial<LocalInstance> = {}): LocalInstance => ({
  InstanceId: `i-${index.toString(16).padStart(17, '0')}`,
  State: { Code: 16, Name: 'running' },
  InstanceType: 't3.micro',
  Tags: [{ Key: 'tier', Value: 'app' }],
  ...overrides,
});

const complianceResult = (
  ruleName: string,
  resourceId: string,
  complianceType: string,
): ComplianceResult => ({
  EvaluationResultIdentifier: {
    EvaluationResultQualifier: {
      ConfigRuleName: ruleName,
      ResourceType: 'AWS::EC2::Instance',
      ResourceId: resourceId,
    },
    OrderingTimestamp: '2024-05-01T10:00:00.000Z',
  },
  ComplianceType: complianceType,
  ResultRecordedTime: '2024-05-01T10:00:02.000Z',
  ConfigRuleInvokedTime: '2024-05-01T10:00:01.000Z',
  Annotation: `${complianceType} for ${resourceId}`,
});

const evaluation = (resourceId: string, complianceType: ComplianceType = 'COMPLIANT', annotation = 'ok') => ({
  ComplianceResourceType: 'AWS::EC2::Instance',
  ComplianceResourceId: resourceId,
  ComplianceType: complianceType,
  Annotation: annotation,
  OrderingTimestamp: new Date('2024-05-01T10:00:00.250Z'),
});

describe('local AWS endpoint', () => {
  let aws: LocalAws;

  beforeEach(async () => {
    aws = await startLocalAws(await loadSeed(SEED_DIR));
    pointSdkAt(aws);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await aws.stop();
  });

  describe('Config PutEvaluations', () => {
    it('stores the accepted evaluations with token and mode, and returns the failed entries', async () => {
      // Prepare
      aws.options.failEvaluation = (entry) => entry.ComplianceResourceId === 'i-0000000000000000b';
      const client = new ConfigServiceClient({});

      // Act
      const response = await client.send(
        new PutEvaluationsCommand({
          ResultToken: 'token-1',
          TestMode: false,
          Evaluations: [
            evaluation('i-0000000000000000a'),
            evaluation('i-0000000000000000b', 'NON_COMPLIANT', 'no profile'),
            evaluation('i-0000000000000000c', 'NOT_APPLICABLE', 'not app tier'),
          ],
        }),
      );

      // Assess
      expect(response.FailedEvaluations).toEqual([
        evaluation('i-0000000000000000b', 'NON_COMPLIANT', 'no profile'),
      ]);
      expect(aws.evaluations).toEqual([
        { ...evaluation('i-0000000000000000a'), ResultToken: 'token-1', TestMode: false },
        {
          ...evaluation('i-0000000000000000c', 'NOT_APPLICABLE', 'not app tier'),
          ResultToken: 'token-1',
          TestMode: false,
        },
      ]);
      expect(aws.requests.params('PutEvaluations')).toEqual([
        expect.objectContaining({ ResultToken: 'token-1', TestMode: false }),
      ]);
    });

    it('records TestMode calls', async () => {
      // Prepare
      const client = new ConfigServiceClient({});

      // Act
      await client.send(
        new PutEvaluationsCommand({ ResultToken: 't', TestMode: true, Evaluations: [evaluation('i-1')] }),
      );

      // Assess
      expect(aws.evaluations).toEqual([
        expect.objectContaining({ ComplianceResourceId: 'i-1', TestMode: true }),
      ]);
    });
  });

  describe('Config GetResourceConfigHistory', () => {
    it('returns the stored item in the API shape: configuration a JSON string, capture time a Date', async () => {
      // Prepare
      const client = new ConfigServiceClient({});

      // Act
      const response = await client.send(
        new GetResourceConfigHistoryCommand({
          resourceType: 'AWS::EC2::Instance',
          resourceId: 'i-03402838daac1d611',
          limit: 1,
        }),
      );

      // Assess
      const [item] = response.configurationItems ?? [];
      expect(response.configurationItems).toHaveLength(1);
      expect(item?.configurationItemCaptureTime).toEqual(new Date('2017-04-05T22:23:11.677Z'));
      expect(item?.resourceCreationTime).toEqual(new Date('2017-04-05T22:15:53.000Z'));
      expect(item?.relationships?.[0]).toMatchObject({ relationshipName: 'Contains NetworkInterface' });
      expect(typeof item?.configuration).toBe('string');
      expect(JSON.parse(item?.configuration ?? '{}')).toMatchObject({
        instanceId: 'i-03402838daac1d611',
        state: { name: 'running' },
        tags: [{ key: 'tier', value: 'app' }],
      });
    });

    it('answers ResourceNotDiscoveredException for a resource it does not know', async () => {
      // Prepare
      const client = new ConfigServiceClient({ maxAttempts: 1 });

      // Act
      const sent = client.send(
        new GetResourceConfigHistoryCommand({ resourceType: 'AWS::EC2::Instance', resourceId: 'i-unknown' }),
      );

      // Assess
      await expect(sent).rejects.toMatchObject({ name: 'ResourceNotDiscoveredException' });
    });
  });

  describe('Config GetComplianceDetailsByConfigRule', () => {
    it('pages through one rule’s results of the requested types', async () => {
      // Prepare
      aws.options.complianceResults = [
        ...Array.from({ length: 25 }, (_, index) =>
          complianceResult(RULE, `i-${index}`, index % 2 === 0 ? 'COMPLIANT' : 'NON_COMPLIANT'),
        ),
        complianceResult(RULE, 'i-na', 'NOT_APPLICABLE'),
        complianceResult('another-rule', 'i-other', 'COMPLIANT'),
      ];
      const client = new ConfigServiceClient({});

      // Act
      const pages = [];
      for await (const page of paginateGetComplianceDetailsByConfigRule(
        { client },
        { ConfigRuleName: RULE, ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'], Limit: 10 },
      )) {
        pages.push(page);
      }

      // Assess
      expect(pages.map((page) => page.EvaluationResults?.length)).toEqual([10, 10, 5]);
      const results = pages.flatMap((page) => page.EvaluationResults ?? []);
      expect(
        results.map((result) => result.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId),
      ).toEqual(Array.from({ length: 25 }, (_, index) => `i-${index}`));
      expect(results[0]?.ResultRecordedTime).toEqual(new Date('2024-05-01T10:00:02.000Z'));
      expect(results[0]?.EvaluationResultIdentifier?.OrderingTimestamp).toEqual(
        new Date('2024-05-01T10:00:00.000Z'),
      );
      expect(aws.requests.count('GetComplianceDetailsByConfigRule')).toBe(3);
    });

    it('serves the previous results of the seed', async () => {
      // Prepare
      const client = new ConfigServiceClient({});

      // Act
      const response = await client.send(
        new GetComplianceDetailsByConfigRuleCommand({
          ConfigRuleName: RULE,
          ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
          Limit: 100,
        }),
      );

      // Assess
      expect(response.NextToken).toBeUndefined();
      expect(
        response.EvaluationResults?.map((result) => [
          result.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId,
          result.ComplianceType,
        ]),
      ).toEqual([
        ['i-042dd005362091826', 'COMPLIANT'],
        ['i-0a763ac3ee37d8d2b', 'NON_COMPLIANT'],
        ['i-0f9e8d7c6b5a49382', 'NON_COMPLIANT'],
      ]);
    });

    it('serves results from a generator page by page', async () => {
      // Prepare
      const served: (string | undefined)[] = [];
      aws.options.complianceResults = (ruleName, _types, nextToken, limit) => {
        served.push(nextToken);
        const page = Number(nextToken ?? '0');
        const results = Array.from({ length: limit }, (_, index) =>
          complianceResult(ruleName, `i-${page}-${index}`, 'COMPLIANT'),
        );
        return page < 2 ? { results, nextToken: String(page + 1) } : { results };
      };
      const client = new ConfigServiceClient({});

      // Act
      let count = 0;
      for await (const page of paginateGetComplianceDetailsByConfigRule(
        { client },
        { ConfigRuleName: RULE, Limit: 100 },
      )) {
        count += page.EvaluationResults?.length ?? 0;
      }

      // Assess
      expect(count).toBe(300);
      expect(served).toEqual([undefined, '1', '2']);
    });
  });

  describe('EC2 DescribeInstances', () => {
    it('applies tag and state filters on the server, as the sweep asks', async () => {
      // Prepare
      const client = new EC2Client({});

      // Act
      const response = await client.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: 'tag:tier', Values: ['app'] },
            { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
          ],
          MaxResults: 1000,
        }),
      );

      // Assess
      const instances = response.Reservations?.flatMap((reservation) => reservation.Instances ?? []) ?? [];
      expect(instances.map((found) => found.InstanceId)).toEqual(APP_INSTANCE_IDS);
      expect(instances[0]).toMatchObject({
        State: { Code: 80, Name: 'stopped' },
        IamInstanceProfile: {
          Arn: 'arn:aws:iam::123456789012:instance-profile/AmazonSSMRoleForInstancesQuickSetup',
          Id: 'AIPAS5S4WFUBL72S3QXW5',
        },
        LaunchTime: new Date('2023-04-27T14:57:16.000Z'),
        Placement: { AvailabilityZone: 'us-east-1e' },
      });
      expect(instances[0]?.Tags).toContainEqual({ Key: 'tier', Value: 'app' });
      expect(instances[1]?.IamInstanceProfile).toBeUndefined();
      expect(response.Reservations?.[0]?.OwnerId).toBe('123456789012');
      expect(aws.requests.params('DescribeInstances')).toEqual([
        {
          Filters: [
            { Name: 'tag:tier', Values: ['app'] },
            { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
          ],
          InstanceIds: [],
          MaxResults: 1000,
        },
      ]);
    });

    it.each([
      {
        filter: { Name: 'tag-key', Values: ['tier'] },
        expected: [...APP_INSTANCE_IDS, 'i-0d4c3b2a1f0e9d8c7'],
      },
      { filter: { Name: 'tag:tier', Values: ['web', 'db'] }, expected: ['i-0d4c3b2a1f0e9d8c7'] },
      { filter: { Name: 'tag:Name', Values: ['orders-*'] }, expected: ['i-0b7e5c4d3a2f19e80'] },
      { filter: { Name: 'instance-state-name', Values: ['stopped'] }, expected: ['i-042dd005362091826'] },
      { filter: { Name: 'instance-id', Values: ['i-0a763ac3ee37d8d2b'] }, expected: ['i-0a763ac3ee37d8d2b'] },
      { filter: { Name: 'tag:Tier', Values: ['app'] }, expected: [] },
    ])('filters on $filter.Name = $filter.Values', async ({ filter, expected }) => {
      // Prepare
      const client = new EC2Client({});

      // Act
      const response = await client.send(new DescribeInstancesCommand({ Filters: [filter] }));

      // Assess
      const ids = response.Reservations?.flatMap((reservation) => reservation.Instances ?? []).map(
        (i) => i.InstanceId,
      );
      expect(ids).toEqual(expected);
    });

    it('pages with paginateDescribeInstances, MaxResults and NextToken', async () => {
      // Prepare
      aws.options.instances = Array.from({ length: 12 }, (_, index) => instance(index));
      const client = new EC2Client({});

      // Act
      const ids: string[] = [];
      for await (const page of paginateDescribeInstances(
        { client, pageSize: 5 },
        { Filters: [{ Name: 'tag:tier', Values: ['app'] }] },
      )) {
        ids.push(
          ...(page.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? ''),
        );
      }

      // Assess
      expect(ids).toEqual(Array.from({ length: 12 }, (_, index) => instance(index).InstanceId));
      const sent = aws.requests.params('DescribeInstances');
      expect(sent.map((params) => params.MaxResults)).toEqual([5, 5, 5]);
      expect(sent[0]?.NextToken).toBeUndefined();
      expect(sent[1]?.NextToken).toEqual(expect.any(String));
    });

    it('serves a generated inventory of 5,000 instances in pages of 1,000', async () => {
      // Prepare
      let made = 0;
      aws.options.instances = generatedInventory(5000, (index) => {
        made += 1;
        return instance(index, index % 2 === 0 ? { IamInstanceProfile: { Arn: 'arn:p', Id: 'AIPA1' } } : {});
      });
      const client = new EC2Client({});

      // Act
      const pageSizes: number[] = [];
      const ids = new Set<string>();
      for await (const page of paginateDescribeInstances(
        { client, pageSize: 1000 },
        { Filters: [{ Name: 'tag:tier', Values: ['app'] }] },
      )) {
        const instances = (page.Reservations ?? []).flatMap((r) => r.Instances ?? []);
        pageSizes.push(instances.length);
        for (const found of instances) ids.add(found.InstanceId ?? '');
      }

      // Assess
      expect(pageSizes).toEqual([1000, 1000, 1000, 1000, 1000]);
      expect(ids.size).toBe(5000);
      expect(made).toBe(5000);
      expect(aws.requests.count('DescribeInstances')).toBe(5);
    });

    it.each([
      {
        case: 'an unknown filter',
        input: { Filters: [{ Name: 'owner', Values: ['x'] }] },
        error: 'InvalidParameterValue',
      },
      { case: 'a forged NextToken', input: { NextToken: 'not-a-token' }, error: 'InvalidParameterValue' },
    ])('rejects $case with EC2’s error', async ({ input, error }) => {
      // Prepare
      const client = new EC2Client({ maxAttempts: 1 });

      // Act
      const sent = client.send(new DescribeInstancesCommand(input));

      // Assess
      await expect(sent).rejects.toMatchObject({ name: error, $metadata: { httpStatusCode: 400 } });
    });
  });

  describe('fault injection', () => {
    const calls: Record<LocalService, () => Promise<unknown>> = {
      [LocalService.CONFIG_SERVICE]: () =>
        new ConfigServiceClient({ maxAttempts: 1 }).send(
          new PutEvaluationsCommand({ ResultToken: 't', Evaluations: [evaluation('i-1')] }),
        ),
      [LocalService.EC2]: () => new EC2Client({ maxAttempts: 1 }).send(new DescribeInstancesCommand({})),
    };

    it.each([
      {
        service: LocalService.CONFIG_SERVICE,
        fault: { kind: 'throttle' },
        name: 'ThrottlingException',
        status: 400,
      },
      { service: LocalService.EC2, fault: { kind: 'throttle' }, name: 'RequestLimitExceeded', status: 503 },
      {
        service: LocalService.CONFIG_SERVICE,
        fault: { kind: 'http', status: 500 },
        name: 'InternalFailure',
        status: 500,
      },
      {
        service: LocalService.CONFIG_SERVICE,
        fault: { kind: 'http', status: 503 },
        name: 'ServiceUnavailable',
        status: 503,
      },
      { service: LocalService.EC2, fault: { kind: 'http', status: 500 }, name: 'InternalError', status: 500 },
      { service: LocalService.EC2, fault: { kind: 'http', status: 503 }, name: 'Unavailable', status: 503 },
    ] as { service: LocalService; fault: Fault; name: string; status: number }[])(
      '$service $fault.kind $fault.status reaches a one-attempt client as $name',
      async ({ service, fault, name, status }) => {
        // Prepare
        aws.options.faults = (request) => (request.service === service ? fault : undefined);

        // Act
        const sent = calls[service]();

        // Assess
        await expect(sent).rejects.toMatchObject({ name, $metadata: { httpStatusCode: status } });
        expect(aws.requests.all).toEqual([expect.objectContaining({ service, fault: fault.kind })]);
      },
    );

    it.each(Object.values(LocalService))(
      '%s: a dropped connection reaches a one-attempt client as a socket error',
      async (service) => {
        // Prepare
        aws.options.faults = () => ({ kind: 'drop' });

        // Act
        const sent = calls[service]();

        // Assess
        await expect(sent).rejects.toMatchObject({ code: 'ECONNRESET' });
        expect(aws.requests.all).toEqual([expect.objectContaining({ service, fault: 'drop' })]);
      },
    );

    it.each([
      { kind: 'throttle' },
      { kind: 'http', status: 500 },
      { kind: 'http', status: 503 },
      { kind: 'drop' },
    ] as Fault[])('the SDK retries through two $kind faults and succeeds', async (fault) => {
      // Prepare
      aws.options.faults = failFirst(2, fault);
      const config = new ConfigServiceClient({ maxAttempts: 3 });
      const ec2 = new EC2Client({ maxAttempts: 3 });

      // Act
      const put = await config.send(
        new PutEvaluationsCommand({ ResultToken: 't', Evaluations: [evaluation('i-1')] }),
      );
      aws.options.faults = failFirst(2, fault);
      const described = await ec2.send(new DescribeInstancesCommand({}));

      // Assess
      expect([put.$metadata.attempts, described.$metadata.attempts]).toEqual([3, 3]);
      expect(aws.evaluations).toHaveLength(1);
      expect(described.Reservations).toHaveLength(4);
      expect(aws.requests.all.map((request) => request.fault)).toEqual(
        [1, 2].flatMap(() => [fault.kind, fault.kind, undefined]),
      );
    });

    it('limits a fault to the operation it names', async () => {
      // Prepare
      aws.options.faults = (request) =>
        request.operation === 'PutEvaluations' ? { kind: 'throttle' } : undefined;
      const client = new ConfigServiceClient({ maxAttempts: 1 });

      // Act
      const history = await client.send(
        new GetResourceConfigHistoryCommand({
          resourceType: 'AWS::EC2::Instance',
          resourceId: 'i-03402838daac1d611',
        }),
      );
      const put = client.send(
        new PutEvaluationsCommand({ ResultToken: 't', Evaluations: [evaluation('i-1')] }),
      );

      // Assess
      await expect(put).rejects.toMatchObject({ name: 'ThrottlingException' });
      expect(history.configurationItems).toHaveLength(1);
    });
  });
});

describe('local AWS endpoint lifecycle', () => {
  const tcpHandles = (): number =>
    process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap' || name === 'TCPSocketWrap')
      .length;
  const noTcpHandleLeft = () =>
    vi.waitFor(() => expect(tcpHandles()).toBe(0), { timeout: 2000, interval: 20 });

  // Sockets of earlier tests close asynchronously after their stop(); start from none at all.
  beforeEach(noTcpHandleLeft);

  it('stop() closes the server and the clients’ keep-alive connections, leaving no open handle', async () => {
    // Prepare
    const aws = await startLocalAws({ instances: [instance(1)] });
    const client = new EC2Client({ endpoint: aws.url });
    await client.send(new DescribeInstancesCommand({}));
    await client.send(new DescribeInstancesCommand({}));

    // Act
    await aws.stop();

    // Assess
    await noTcpHandleLeft();
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = connect(Number(new URL(aws.url).port), '127.0.0.1');
      socket.on('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('stop() also ends a request still in flight, so a hung call cannot hold the process', async () => {
    // Prepare
    const aws = await startLocalAws({ instances: () => new Promise(() => {}) });
    const client = new EC2Client({ endpoint: aws.url, maxAttempts: 1 });
    const hung = client.send(new DescribeInstancesCommand({}));
    await vi.waitFor(() => expect(aws.requests.count('DescribeInstances')).toBe(1));

    // Act
    await aws.stop();

    // Assess
    await expect(hung).rejects.toMatchObject({ code: 'ECONNRESET' });
    await noTcpHandleLeft();
  }, 5000);
});
