import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigServiceClient, PutConfigRuleCommand } from '@aws-sdk/client-config-service';
import {
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CliIo, main } from '../../src/cli/main.js';
import { type MotoServer, motoAvailable, startMoto } from '../support/moto.js';

const MOTO = motoAvailable();
const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));
const HOME_REGION = 'eu-west-1';
const OTHER_REGION = 'us-east-1';
const REGIONS = `${HOME_REGION},${OTHER_REGION}`;
const TAG = ['--tag-key', 'tier', '--tag-value', 'app'];
const SERVICES = ['EC2', 'IAM', 'CONFIG_SERVICE'];
/** An AMI of moto's own catalogue (listing the whole catalogue takes seconds; asking for one does not). */
const MOTO_AMI = 'ami-12c6146b';
const TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

interface Fleet {
  /** Instance id by Name tag. */
  readonly ids: Record<string, string>;
}

/**
 * IAM: a profile with a role and one without. EC2: app-tier instances with and without profiles, one of
 * another tier, one with the tag key in another case.
 */
const createFleet = async (): Promise<Fleet> => {
  const known = await new EC2Client({}).send(new DescribeImagesCommand({ ImageIds: [MOTO_AMI] }));
  if (known.Images?.length !== 1)
    throw new Error(`moto no longer knows ${MOTO_AMI}: pick another of its AMIs`);
  const iam = new IAMClient({});
  await iam.send(new CreateRoleCommand({ RoleName: 'app-role', AssumeRolePolicyDocument: TRUST_POLICY }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'app-profile' }));
  await iam.send(
    new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'app-profile', RoleName: 'app-role' }),
  );
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'no-role-profile' }));

  const ids: Record<string, string> = {};
  const launch = async (region: string, name: string, tier: string, profile?: string, tierKey = 'tier') => {
    const ec2 = new EC2Client({ region });
    const output = await ec2.send(
      new RunInstancesCommand({
        ImageId: MOTO_AMI,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.micro',
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              { Key: tierKey, Value: tier },
              { Key: 'Name', Value: name },
            ],
          },
        ],
        ...(profile === undefined ? {} : { IamInstanceProfile: { Name: profile } }),
      }),
    );
    ids[name] = output.Instances?.[0]?.InstanceId as string;
  };
  await launch(HOME_REGION, 'app-with-role', 'app', 'app-profile');
  await launch(HOME_REGION, 'app-without-profile', 'app');
  await launch(HOME_REGION, 'app-profile-without-role', 'app', 'no-role-profile');
  await launch(HOME_REGION, 'web-without-profile', 'web');
  await launch(OTHER_REGION, 'app-without-profile-2', 'app');
  // Tag keys are case-sensitive: not app tier, but the audit says why.
  await launch(HOME_REGION, 'app-tier-key-case', 'app', undefined, 'Tier');
  return { ids };
};

/** Runs the command in-process, as the bin does. */
const run = async (argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
  const code = await main(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
};

type Row = { name: string; compliance: string; reason: string };
const byName = (rows: Row[]) =>
  Object.fromEntries(rows.map((row) => [row.name, [row.compliance, row.reason]]));

/** The results of `audit --output json`, by instance name. */
const auditJson = async (...flags: string[]) => {
  const result = await run(['audit', ...TAG, '--region', REGIONS, '--output', 'json', ...flags]);
  return { ...result, results: byName(JSON.parse(result.stdout).results) };
};

/** A reader of RFC 4180 CSV. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += char;
  }
  return rows;
};

const BEFORE = {
  'app-with-role': ['COMPLIANT', 'uses-iam-role'],
  'app-without-profile': ['NON_COMPLIANT', 'no-instance-profile'],
  'app-profile-without-role': ['COMPLIANT', 'uses-iam-role'],
  'app-without-profile-2': ['NON_COMPLIANT', 'no-instance-profile'],
  'app-tier-key-case': ['NOT_APPLICABLE', 'tag-key-case'],
};

describe.skipIf(!MOTO)(
  MOTO
    ? 'audit and remediate against moto (EC2, IAM, Config)'
    : 'audit and remediate against moto — skipped: moto_server is neither on PATH nor in .venv (node scripts/python-tools.mjs installs it)',
  () => {
    let moto: MotoServer;
    let fleet: Fleet;

    beforeAll(async () => {
      moto = await startMoto();
    });

    afterAll(async () => {
      await moto?.stop();
    });

    beforeEach(async () => {
      await moto.reset();
      // The clients the commands create find moto through AWS_ENDPOINT_URL_<SERVICE>, as they would any endpoint.
      for (const [name, value] of Object.entries(moto.env(SERVICES))) vi.stubEnv(name, value);
      vi.stubEnv('AWS_REGION', HOME_REGION);
      fleet = await createFleet();
    });

    afterEach(() => {
      vi.unstubAllEnvs();
    });

    describe('audit', () => {
      it('reports every app-tier instance of the named regions, in JSON', async () => {
        // Act
        const { code, results, stderr } = await auditJson();

        // Assess
        expect(code).toBe(1);
        expect(results).toEqual(BEFORE);
        expect(stderr).toContain(`[2/2]`);
      });

      it('with --require-role-in-profile, reports the profile without a role NON_COMPLIANT', async () => {
        // Act
        const { code, results } = await auditJson('--require-role-in-profile');

        // Assess
        expect(code).toBe(1);
        expect(results).toEqual({
          ...BEFORE,
          'app-profile-without-role': ['NON_COMPLIANT', 'profile-without-role'],
        });
      });

      it('says the same in CSV', async () => {
        // Act
        const { code, stdout } = await run(['audit', ...TAG, '--region', REGIONS, '--output', 'csv', '-q']);

        // Assess
        expect(code).toBe(1);
        const [header, ...rows] = parseCsv(stdout);
        expect(header).toEqual([
          'account',
          'region',
          'instance_id',
          'name',
          'state',
          'instance_profile_arn',
          'owner',
          'compliance',
          'reason',
          'annotation',
        ]);
        expect(
          byName(rows.map(([, , , name, , , , compliance, reason]) => ({ name, compliance, reason }) as Row)),
        ).toEqual(BEFORE);
        // STS is not served here: the rows carry no account, and the audit goes on.
        expect(rows.find((row) => row[3] === 'app-with-role')?.slice(0, 6)).toEqual([
          '',
          HOME_REGION,
          fleet.ids['app-with-role'],
          'app-with-role',
          'running',
          'arn:aws:iam::123456789012:instance-profile/app-profile',
        ]);
      });

      it('says the same in a table', async () => {
        // Act
        const { code, stdout } = await run(['audit', ...TAG, '--region', REGIONS, '-q']);

        // Assess
        expect(code).toBe(1);
        for (const [name, [compliance]] of Object.entries(BEFORE)) {
          expect(stdout).toMatch(
            new RegExp(`^[a-z0-9-]+ +${fleet.ids[name]} +${name} +running +\\S+ +- +${compliance} `, 'm'),
          );
        }
        expect(stdout).not.toContain('web-without-profile');
        expect(stdout).toContain(
          '4 app-tier instance(s) and 1 with the tag key in another case, in 2 region(s) scanned: ' +
            '2 COMPLIANT, 2 NON_COMPLIANT, 1 NOT_APPLICABLE.\n',
        );
        // The summary counts the rows shown, whatever they are.
        for (const result of ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE']) {
          const rows = stdout.match(new RegExp(`^\\S+ +i-\\S+ .* ${result} `, 'gm')) ?? [];
          expect(stdout).toContain(`${rows.length} ${result}`);
        }
      });

      it('takes the parameters of a deployed Config rule', async () => {
        // Prepare: Config wants the rule's function to exist; the Lambda SDK is no dependency, so the
        // function is created through moto's REST API.
        const iam = new IAMClient({});
        const role = await iam.send(
          new CreateRoleCommand({
            RoleName: 'rule-function',
            AssumeRolePolicyDocument: TRUST_POLICY.replace('ec2.amazonaws.com', 'lambda.amazonaws.com'),
          }),
        );
        const created = await fetch(`${moto.url}/2015-03-31/functions`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${HOME_REGION}/lambda/aws4_request, SignedHeaders=host, Signature=0`,
          },
          body: JSON.stringify({
            FunctionName: 'app-tier-rule',
            Runtime: 'nodejs22.x',
            Role: role.Role?.Arn,
            Handler: 'handler.handler',
            // An empty zip archive: the function is never invoked.
            Code: { ZipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' },
          }),
        });
        const functionArn = ((await created.json()) as { FunctionArn: string }).FunctionArn;
        await new ConfigServiceClient({}).send(
          new PutConfigRuleCommand({
            ConfigRule: {
              ConfigRuleName: 'app-tier-ec2-instance-uses-iam-role',
              InputParameters: JSON.stringify({
                AppTierTagKey: 'tier',
                AppTierTagValue: 'app',
                RequireRoleInProfile: 'true',
              }),
              Scope: { ComplianceResourceTypes: ['AWS::EC2::Instance'] },
              Source: {
                Owner: 'CUSTOM_LAMBDA',
                SourceIdentifier: functionArn,
                SourceDetails: [
                  { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
                ],
              },
            },
          }),
        );

        // Act
        const { code, stdout } = await run([
          'audit',
          '--rule-name',
          'app-tier-ec2-instance-uses-iam-role',
          '--region',
          REGIONS,
          '--output',
          'json',
          '-q',
        ]);

        // Assess
        expect(code).toBe(1);
        const document = JSON.parse(stdout);
        expect(document.source).toBe(`Config rule app-tier-ec2-instance-uses-iam-role (${HOME_REGION})`);
        expect(byName(document.results)['app-profile-without-role']).toEqual([
          'NON_COMPLIANT',
          'profile-without-role',
        ]);
      });

      it('uses the named profile of the shared config files with --profile', async () => {
        // Prepare: only the profile holds credentials and region
        const dir = mkdtempSync(join(tmpdir(), 'cli-profile-'));
        writeFileSync(
          join(dir, 'credentials'),
          '[moto]\naws_access_key_id = AKIAMOTO\naws_secret_access_key = moto\n',
        );
        writeFileSync(join(dir, 'config'), `[profile moto]\nregion = ${HOME_REGION}\n`);
        vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'));
        vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
        vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
        vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
        vi.stubEnv('AWS_REGION', undefined);

        try {
          // Act
          const named = await run([
            'audit',
            ...TAG,
            '--region',
            HOME_REGION,
            '--profile',
            'moto',
            '-o',
            'json',
            '-q',
          ]);
          const unknown = await run(['audit', ...TAG, '--region', HOME_REGION, '--profile', 'nobody', '-q']);

          // Assess
          expect(named.code).toBe(1);
          expect(Object.keys(byName(JSON.parse(named.stdout).results))).toHaveLength(4);
          expect(unknown.code).toBe(2);
          expect(unknown.stdout).toBe('');
          expect(unknown.stderr).toBe(
            `error: AWS profile "nobody" does not exist: it is in neither ${join(dir, 'config')} (AWS_CONFIG_FILE) ` +
              `nor ${join(dir, 'credentials')} (AWS_SHARED_CREDENTIALS_FILE) (profiles there: moto). ` +
              'Profiles are read from AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, by default ~/.aws/config and ~/.aws/credentials.\n',
          );
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    });

    describe('remediate', () => {
      const instanceProfileOf = async (region: string, instanceId: string) => {
        const output = await new EC2Client({ region }).send(
          new DescribeIamInstanceProfileAssociationsCommand({
            Filters: [{ Name: 'instance-id', Values: [instanceId] }],
          }),
        );
        return output.IamInstanceProfileAssociations?.[0]?.IamInstanceProfile?.Arn;
      };

      it('changes nothing without --apply', async () => {
        // Act
        const { code, stdout } = await run([
          'remediate',
          ...TAG,
          '--region',
          REGIONS,
          '--instance-profile',
          'app-profile',
          '-o',
          'json',
          '-q',
        ]);

        // Assess
        expect(code).toBe(1);
        expect(JSON.parse(stdout).results.map((r: { outcome: string }) => r.outcome)).toEqual([
          'would-associate',
          'would-associate',
        ]);
        expect(
          await instanceProfileOf(HOME_REGION, fleet.ids['app-without-profile'] as string),
        ).toBeUndefined();
      });

      it('fails the dry run of a profile that does not exist, as the --apply would', async () => {
        // Act
        const { code, stdout, stderr } = await run([
          'remediate',
          ...TAG,
          '--region',
          REGIONS,
          '--instance-profile',
          'app-profle',
          '-q',
        ]);

        // Assess
        expect(code).toBe(2);
        expect(stdout).toBe('');
        expect(stderr).toBe(
          'error: Instance profile app-profle does not exist (iam:GetInstanceProfile); create it (iam create-instance-profile) or name one that exists\n',
        );
      });

      it('with --apply attaches the profile; a second audit finds every instance COMPLIANT; a second run does nothing', async () => {
        // Act
        const applied = await run([
          'remediate',
          ...TAG,
          '--region',
          REGIONS,
          '--instance-profile',
          'app-profile',
          '--apply',
          '-o',
          'json',
          '-q',
        ]);
        const audited = await auditJson('-q');
        const again = await run([
          'remediate',
          ...TAG,
          '--region',
          REGIONS,
          '--instance-profile',
          'app-profile',
          '--apply',
          '-q',
        ]);

        // Assess
        expect(applied.code).toBe(0);
        expect(
          JSON.parse(applied.stdout).results.map((r: { name: string; outcome: string }) => [
            r.name,
            r.outcome,
          ]),
        ).toEqual([
          ['app-without-profile', 'associated'],
          ['app-without-profile-2', 'associated'],
        ]);
        expect(await instanceProfileOf(OTHER_REGION, fleet.ids['app-without-profile-2'] as string)).toBe(
          'arn:aws:iam::123456789012:instance-profile/app-profile',
        );
        expect(audited.code).toBe(0);
        expect(audited.results).toEqual({
          'app-with-role': ['COMPLIANT', 'uses-iam-role'],
          'app-without-profile': ['COMPLIANT', 'uses-iam-role'],
          'app-profile-without-role': ['COMPLIANT', 'uses-iam-role'],
          'app-without-profile-2': ['COMPLIANT', 'uses-iam-role'],
          'app-tier-key-case': ['NOT_APPLICABLE', 'tag-key-case'],
        });
        expect(again.code).toBe(0);
        expect(again.stdout).toContain('No NON_COMPLIANT app-tier instance: nothing to do.');
      });

      it('with --require-role-in-profile, leaves a profile without role alone unless --replace', async () => {
        // Prepare
        const base = [
          'remediate',
          ...TAG,
          '--region',
          REGIONS,
          '--require-role-in-profile',
          '--instance-profile',
        ];
        const instanceId = fleet.ids['app-profile-without-role'] as string;

        // Act
        const kept = await run([...base, 'app-profile', '--apply', '-o', 'json', '-q']);
        const replaced = await run([...base, 'app-profile', '--apply', '--replace', '-o', 'json', '-q']);
        const refused = await run([...base, 'no-role-profile', '--apply', '-q']);

        // Assess
        expect(kept.code).toBe(1);
        expect(JSON.parse(kept.stdout).results).toContainEqual(
          expect.objectContaining({ instanceId, outcome: 'skipped' }),
        );
        expect(replaced.code).toBe(0);
        expect(JSON.parse(replaced.stdout).results).toContainEqual(
          expect.objectContaining({ instanceId, outcome: 'replaced' }),
        );
        // Moto (5.2) updates the association but not DescribeInstances on a replacement: read the association.
        expect(await instanceProfileOf(HOME_REGION, instanceId)).toBe(
          'arn:aws:iam::123456789012:instance-profile/app-profile',
        );
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain('Instance profile no-role-profile holds no IAM role');
      });
    });

    describe('the built bin', () => {
      let dir: string;

      beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), 'cli-bin-'));
      });

      afterAll(() => {
        rmSync(dir, { recursive: true, force: true });
      });

      it('runs as a child process: node cli.mjs audit --output json', () => {
        // Prepare
        const bundle = join(dir, 'cli.mjs');
        const build = spawnSync(process.execPath, ['scripts/build-cli.mjs', bundle], {
          cwd: PROJECT_DIR,
          encoding: 'utf8',
        });
        expect(build.status, build.stderr).toBe(0);

        // Act
        const child = spawnSync(
          process.execPath,
          [bundle, 'audit', ...TAG, '--region', HOME_REGION, '--output', 'json'],
          {
            encoding: 'utf8',
            env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
          },
        );

        // Assess
        expect(child.status, child.stderr).toBe(1);
        expect(byName(JSON.parse(child.stdout).results)).toEqual({
          'app-with-role': ['COMPLIANT', 'uses-iam-role'],
          'app-without-profile': ['NON_COMPLIANT', 'no-instance-profile'],
          'app-profile-without-role': ['COMPLIANT', 'uses-iam-role'],
          'app-tier-key-case': ['NOT_APPLICABLE', 'tag-key-case'],
        });
        expect(child.stderr).toContain(
          `[1/1] ${HOME_REGION}: 3 app-tier instance(s), 1 with the tag key in another case`,
        );
      });
    });
  },
);
