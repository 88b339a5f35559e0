import {
  DescribeInstancesCommand,
  EC2Client,
  type Filter,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { audit } from '../../src/cli/audit.js';
import { cliClients } from '../../src/cli/clients.js';
import { ec2Inventory, MAX_FILTER_VALUES } from '../../src/ec2/inventory.js';
import { completeParameters, parseRuleParameters } from '../../src/rule/parameters.js';
import { type LocalAws, type LocalInstance, startLocalAws } from '../support/aws/index.js';
import { invokeBundle } from '../support/bundle.js';
import { withChanges } from '../support/events.js';
import { type MotoServer, motoAvailable, startMoto } from '../support/moto.js';

// What EC2 does with filter values, and what the sweep and the audit make of it: `*` and `?` are wildcards
// (a tag value `app*` must not list `apple`), and one call takes at most 200 filter values (a list of 500 from
// SSM must still sweep). Against moto's EC2 and SSM, and against the local endpoint, which holds AWS's
// semantics where moto differs:
// - moto honours `\*` and `\?` (it turns them into a character class) but not `\\`: it matches an escaped
//   backslash against two backslashes, where EC2 matches one;
// - moto takes any number of filter values in one call; EC2 answers FilterLimitExceeded past 200.

const MOTO = motoAvailable();
const REGION = 'us-east-1';
const IMAGE_ID = 'ami-03cf127a';
const PARAMETER_NAME = '/app-tier/tag';
/** 500 values from SSM, and a value with an EC2 wildcard in it, last. */
const VALUES = [...Array.from({ length: 500 }, (_, index) => `v${index}`), 'app*'];
/** The instances, by name: their tier, and whether the list holds it. */
const FLEET = {
  first: 'v0',
  'end-of-first-call': 'v195',
  'second-call': 'v196',
  'third-call': 'v499',
  'literal-wildcard': 'app*',
  apple: 'apple',
  'not-listed': 'v5000',
} as const;
const LISTED = ['first', 'end-of-first-call', 'second-call', 'third-call', 'literal-wildcard'];
const SCHEDULED = withChanges('scheduled', {
  envelope: { ruleParameters: JSON.stringify({ tagParameterName: PARAMETER_NAME }) },
});

/** Every filter value of each DescribeInstances call a client sends. */
const countFilterValues = (client: EC2Client): number[] => {
  const counts: number[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'DescribeInstancesCommand') {
        const filters = (args.input as { Filters?: Filter[] }).Filters ?? [];
        counts.push(filters.reduce((count, filter) => count + (filter.Values?.length ?? 0), 0));
      }
      return next(args);
    },
    { step: 'initialize' },
  );
  return counts;
};

const localFleet = (): LocalInstance[] =>
  Object.entries(FLEET).map(([name, tier], index) => ({
    InstanceId: `i-${(index + 1).toString(16).padStart(17, '0')}`,
    State: { Code: 16, Name: 'running' },
    Tags: [
      { Key: 'tier', Value: tier },
      { Key: 'Name', Value: name },
    ],
  }));

describe('the local endpoint’s DescribeInstances filters, as EC2 has them', () => {
  let aws: LocalAws;

  beforeAll(async () => {
    aws = await startLocalAws({ instances: localFleet() });
  });
  afterAll(async () => aws?.stop());

  const describeWith = async (filters: Filter[]) => {
    const client = new EC2Client({ region: REGION, endpoint: aws.url });
    const output = await client.send(new DescribeInstancesCommand({ Filters: filters }));
    return (output.Reservations ?? [])
      .flatMap((reservation) => reservation.Instances ?? [])
      .map((instance) => instance.Tags?.find((tag) => tag.Key === 'Name')?.Value);
  };

  it('reads * as a wildcard, and \\* as the character itself', async () => {
    expect(await describeWith([{ Name: 'tag:tier', Values: ['app*'] }])).toEqual([
      'literal-wildcard',
      'apple',
    ]);
    expect(await describeWith([{ Name: 'tag:tier', Values: ['app\\*'] }])).toEqual(['literal-wildcard']);
  });

  it('answers FilterLimitExceeded past 200 values in one call, all filters counted', async () => {
    // Prepare
    const values = (count: number) => Array.from({ length: count }, (_, index) => `v${index}`);

    // Act
    const within = describeWith([
      { Name: 'tag:tier', Values: values(196) },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ]);
    const beyond = describeWith([
      { Name: 'tag:tier', Values: values(197) },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ]);

    // Assess
    await expect(within).resolves.toEqual(['first', 'end-of-first-call']);
    await expect(beyond).rejects.toMatchObject({
      name: 'FilterLimitExceeded',
      message: 'The maximum number of filter values specified on a single call is 200',
    });
  });
});

describe.skipIf(!MOTO)(
  MOTO
    ? 'a 500-value tag list from SSM, and a value with a wildcard, against moto and the local endpoint'
    : 'a 500-value tag list — skipped: moto_server is not on PATH (pip install "moto[server]")',
  () => {
    let moto: MotoServer;
    let aws: LocalAws;
    /** Instance ids in moto, by name. */
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      [moto, aws] = await Promise.all([startMoto(), startLocalAws({ instances: localFleet() })]);
      await new SSMClient({ region: REGION, endpoint: moto.url }).send(
        new PutParameterCommand({
          Name: PARAMETER_NAME,
          Type: 'String',
          Value: JSON.stringify({ key: 'tier', values: VALUES }),
        }),
      );
      const ec2 = new EC2Client({ region: REGION, endpoint: moto.url });
      for (const [name, tier] of Object.entries(FLEET)) {
        const { Instances } = await ec2.send(
          new RunInstancesCommand({
            ImageId: IMAGE_ID,
            MinCount: 1,
            MaxCount: 1,
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
      }
    });

    afterAll(async () => {
      await Promise.all([moto?.stop(), aws?.stop()]);
    });

    afterEach(() => {
      vi.unstubAllEnvs();
      aws.evaluations.length = 0;
      aws.requests.clear();
    });

    it('moto: honours \\* and \\? escapes, matches \\\\ against two backslashes, and takes any number of values', async () => {
      // Prepare
      const ec2 = new EC2Client({ region: REGION, endpoint: moto.url });
      const { Instances } = await ec2.send(
        new RunInstancesCommand({
          ImageId: IMAGE_ID,
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'path', Value: 'a\\b' }] }],
        }),
      );
      const backslash = Instances?.[0]?.InstanceId as string;
      const listed = async (filter: Filter) => {
        const output = await ec2.send(new DescribeInstancesCommand({ Filters: [filter] }));
        return (output.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);
      };

      try {
        // Act & Assess
        expect(await listed({ Name: 'tag:tier', Values: ['app*'] })).toEqual([
          ids['literal-wildcard'],
          ids.apple,
        ]);
        expect(await listed({ Name: 'tag:tier', Values: ['app\\*'] })).toEqual([ids['literal-wildcard']]);
        expect(await listed({ Name: 'tag:tier', Values: ['app\\?'] })).toEqual([]);
        // EC2 lists `a\b` for `a\\b`; moto does not (and lists it for `a\b`).
        expect(await listed({ Name: 'tag:path', Values: ['a\\\\b'] })).toEqual([]);
        expect(await listed({ Name: 'tag:path', Values: ['a\\b'] })).toEqual([backslash]);
        // EC2 answers FilterLimitExceeded; moto answers.
        expect(await listed({ Name: 'tag:tier', Values: VALUES.slice(0, 500) })).toHaveLength(4);
      } finally {
        await ec2.send(new TerminateInstancesCommand({ InstanceIds: [backslash] }));
      }
    });

    it('moto: the inventory lists each listed instance once, no call beyond 200 values, and not apple', async () => {
      // Prepare
      const client = new EC2Client({ region: REGION, endpoint: moto.url });
      const counts = countFilterValues(client);

      // Act
      const listed: string[] = [];
      for await (const page of ec2Inventory(client).appTierInstances({ key: 'tier', values: VALUES })) {
        listed.push(...page.map((instance) => instance.InstanceId as string));
      }

      // Assess
      expect(listed.sort()).toEqual(LISTED.map((name) => ids[name]).sort());
      expect(counts).toHaveLength(3);
      expect(Math.max(...counts)).toBeLessThanOrEqual(MAX_FILTER_VALUES);
    });

    it.each([
      ['moto', () => ({ ec2: moto.url, instance: (name: string) => ids[name] as string })],
      [
        'the local endpoint',
        () => ({
          ec2: aws.url,
          instance: (name: string) =>
            localFleet().find((i) => i.Tags?.[1]?.Value === name)?.InstanceId as string,
        }),
      ],
    ] as const)(
      '%s: a sweep evaluates every listed instance once, and records nothing for apple',
      async (_, of) => {
        // Prepare
        const { ec2, instance } = of();

        // Act
        const invocation = await invokeBundle(SCHEDULED, {
          env: {
            AWS_ENDPOINT_URL_EC2: ec2,
            AWS_ENDPOINT_URL_SSM: moto.url,
            AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.url,
          },
        });

        // Assess
        expect(invocation.error).toBeUndefined();
        expect(aws.evaluations.map((evaluation) => evaluation.ComplianceResourceId).sort()).toEqual(
          LISTED.map(instance).sort(),
        );
        expect(new Set(aws.evaluations.map((evaluation) => evaluation.ComplianceType))).toEqual(
          new Set(['NON_COMPLIANT']),
        );
      },
    );

    it('moto: the audit lists the same instances, apple not among them', async () => {
      // Prepare
      vi.stubEnv('AWS_ENDPOINT_URL_EC2', moto.url);
      vi.stubEnv('AWS_REGION', REGION);
      const parameters = completeParameters(
        parseRuleParameters(JSON.stringify({ tagParameterName: PARAMETER_NAME })),
        { key: 'tier', values: VALUES },
      );

      // Act
      const report = await audit({
        clients: cliClients(),
        parameters,
        source: 'test',
        regions: [REGION],
      });

      // Assess
      expect(report.regions).toEqual([{ region: REGION, instances: LISTED.length }]);
      expect(report.results.map((result) => result.instanceId).sort()).toEqual(
        LISTED.map((name) => ids[name]).sort(),
      );
    });
  },
);
