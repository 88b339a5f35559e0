import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CliIo, main } from '../../src/cli/main.js';
import { type MotoServer, motoAvailable, startMoto } from '../support/moto.js';

const MOTO = motoAvailable();
const REGION = 'eu-west-1';
const SERVICES = ['EC2', 'IAM', 'AUTO_SCALING'];
/** An AMI of moto's own catalogue. */
const MOTO_AMI = 'ami-12c6146b';
const TAG = ['--tag-key', 'tier', '--tag-value', 'app', '--region', REGION, '-q'];

const run = async (argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
  const code = await main(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
};

/**
 * Two Auto Scaling groups, each launching two app-tier instances from its own launch template (no profile),
 * and two standalone app-tier instances without a profile: what a real account looks like.
 */
const createAccount = async () => {
  const ec2 = new EC2Client({ region: REGION });
  const autoScaling = new AutoScalingClient({ region: REGION });
  await new IAMClient({ region: REGION }).send(
    new CreateInstanceProfileCommand({ InstanceProfileName: 'app-profile' }),
  );
  const templates: Record<string, string> = {};
  for (const name of ['web', 'api']) {
    const created = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: `${name}-template`,
        LaunchTemplateData: {
          ImageId: MOTO_AMI,
          InstanceType: 't3.micro',
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'tier', Value: 'app' }] }],
        },
      }),
    );
    const id = created.LaunchTemplate?.LaunchTemplateId as string;
    templates[name] = id;
    await autoScaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: `${name}-asg`,
        // web follows the default version, api the latest.
        LaunchTemplate: { LaunchTemplateId: id, Version: name === 'web' ? '$Default' : '$Latest' },
        MinSize: 2,
        MaxSize: 2,
        DesiredCapacity: 2,
        AvailabilityZones: [`${REGION}a`],
      }),
    );
  }
  await ec2.send(
    new RunInstancesCommand({
      ImageId: MOTO_AMI,
      MinCount: 2,
      MaxCount: 2,
      InstanceType: 't3.micro',
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'tier', Value: 'app' }] }],
    }),
  );
  return { ec2, templates };
};

describe.skipIf(!MOTO)('owned instances against moto (EC2, Auto Scaling, launch templates, IAM)', () => {
  let moto: MotoServer;
  let account: Awaited<ReturnType<typeof createAccount>>;

  beforeAll(async () => {
    moto = await startMoto();
  });

  afterAll(async () => {
    await moto?.stop();
  });

  beforeEach(async () => {
    await moto.reset();
    for (const [name, value] of Object.entries(moto.env(SERVICES))) vi.stubEnv(name, value);
    vi.stubEnv('AWS_REGION', REGION);
    account = await createAccount();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('audit --group-by owner: one row per launch template, and one for the standalone instances', async () => {
    // Act
    const { code, stdout } = await run(['audit', ...TAG, '--group-by', 'owner', '-o', 'json']);

    // Assess
    expect(code).toBe(1);
    const groups = (JSON.parse(stdout).groups as Record<string, unknown>[]).map((group) => [
      group.owner,
      group.nonCompliant,
    ]);
    expect(groups).toEqual([
      [`Auto Scaling group api-asg, launch template ${account.templates.api} v1`, 2],
      [`Auto Scaling group web-asg, launch template ${account.templates.web} v1`, 2],
      ['no owner (the instances themselves)', 2],
    ]);
  });

  it('audit names the owner of each instance, and its annotation the fix at the launch template', async () => {
    // Act
    const { stdout } = await run(['audit', ...TAG, '-o', 'json']);

    // Assess
    const results = JSON.parse(stdout).results as {
      owner: { autoScalingGroup?: string } | null;
      annotation: string;
    }[];
    const owned = results.filter((result) => result.owner !== null);
    expect(owned).toHaveLength(4);
    for (const result of owned) {
      expect(result.annotation).toMatch(
        /^No IAM instance profile; launched by Auto Scaling group (web|api)-asg from launch template lt-\w+ \(version 1\): set an instance profile in the launch template, or replacements repeat this/,
      );
    }
  });

  it('remediate --apply attaches nothing to owned instances without --include-owned', async () => {
    // Act
    const { code, stdout } = await run([
      'remediate',
      ...TAG,
      '--instance-profile',
      'app-profile',
      '--apply',
      '-o',
      'json',
    ]);

    // Assess
    expect(code).toBe(1);
    const results = JSON.parse(stdout).results as {
      instanceId: string;
      outcome: string;
      owner: string | null;
    }[];
    const attached = results
      .filter((result) => result.outcome === 'associated')
      .map((result) => result.instanceId);
    expect(attached).toHaveLength(2);
    expect(results.filter((result) => result.outcome === 'skipped-owned')).toHaveLength(4);
    const associations = await account.ec2.send(new DescribeIamInstanceProfileAssociationsCommand({}));
    expect(
      (associations.IamInstanceProfileAssociations ?? []).map((association) => association.InstanceId).sort(),
    ).toEqual([...attached].sort());
  });

  it('remediate --launch-templates is a dry run: it changes no template', async () => {
    // Act
    const { code, stdout } = await run([
      'remediate',
      ...TAG,
      '--instance-profile',
      'app-profile',
      '--launch-templates',
      '-o',
      'json',
    ]);

    // Assess
    expect(code).toBe(1);
    expect((JSON.parse(stdout).templates as { outcome: string }[]).map((fix) => fix.outcome)).toEqual([
      'would-create-version',
      'would-create-version',
    ]);
    const templates = await account.ec2.send(new DescribeLaunchTemplatesCommand({}));
    expect(templates.LaunchTemplates?.map((template) => template.LatestVersionNumber)).toEqual([1, 1]);
  });

  it('remediate --launch-templates --apply --set-default: a new default version with the profile, the old one unchanged', async () => {
    // Prepare
    const before = await account.ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: account.templates.web, Versions: ['1'] }),
    );

    // Act
    const { code, stdout } = await run([
      'remediate',
      ...TAG,
      '--instance-profile',
      'app-profile',
      '--launch-templates',
      '--apply',
      '--set-default',
      '-o',
      'json',
    ]);

    // Assess
    expect(code).toBe(0);
    const fixes = JSON.parse(stdout).templates as {
      launchTemplateId: string;
      outcome: string;
      newVersion: number;
      groups: { name: string; launchesNewVersion: boolean; command: string }[];
    }[];
    expect(fixes.map((fix) => [fix.outcome, fix.newVersion])).toEqual([
      ['created-version', 2],
      ['created-version', 2],
    ]);
    for (const [name, id] of Object.entries(account.templates)) {
      const versions = await account.ec2.send(
        new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id }),
      );
      const byNumber = new Map(
        versions.LaunchTemplateVersions?.map((version) => [version.VersionNumber, version]),
      );
      expect(byNumber.get(2)).toMatchObject({
        DefaultVersion: true,
        LaunchTemplateData: expect.objectContaining({ IamInstanceProfile: { Name: 'app-profile' } }),
      });
      expect(byNumber.get(1)?.DefaultVersion).toBe(false);
      if (name === 'web')
        expect(byNumber.get(1)?.LaunchTemplateData).toEqual(
          before.LaunchTemplateVersions?.[0]?.LaunchTemplateData,
        );
      // Both groups launch the new version ($Default, now the new one; $Latest): a refresh replaces their instances.
      const fix = fixes.find((entry) => entry.launchTemplateId === id);
      expect(fix?.groups).toEqual([
        {
          name: `${name}-asg`,
          version: name === 'web' ? '$Default' : '$Latest',
          launchesNewVersion: true,
          command: `aws autoscaling start-instance-refresh --region ${REGION} --auto-scaling-group-name ${name}-asg`,
        },
      ]);
    }
  });

  it('remediate --launch-templates --apply without --set-default: a group on $Default keeps the old version', async () => {
    // Act
    const { stdout } = await run([
      'remediate',
      ...TAG,
      '--instance-profile',
      'app-profile',
      '--launch-templates',
      '--apply',
    ]);

    // Assess
    expect(stdout).toMatch(/web-asg \(version \$Default\): keeps launching the old one/);
    expect(stdout).toMatch(/api-asg \(version \$Latest\): launches the new version/);
    expect(stdout).toContain(
      `aws autoscaling update-auto-scaling-group --region ${REGION} --auto-scaling-group-name web-asg --launch-template LaunchTemplateId=${account.templates.web},Version=2`,
    );
    expect(stdout).toContain('No instance refresh was started');
  });
});
