import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { appInstance, awsError, captureIo, page, profileArn } from './support.js';

const ec2 = mockClient(EC2Client);
const iam = mockClient(IAMClient);
const autoScaling = mockClient(AutoScalingClient);

const FIX = [
  'remediate',
  '--tag-key',
  'tier',
  '--tag-value',
  'app',
  '--region',
  'eu-west-1',
  '-q',
  '--instance-profile',
  'app',
  '--launch-templates',
  '-o',
  'json',
];

const launchedFrom = (template: string, version: string, extra: Record<string, string> = {}) => ({
  'aws:ec2launchtemplate:id': template,
  'aws:ec2launchtemplate:version': version,
  ...extra,
});

const templatesOf = (stdout: string) => JSON.parse(stdout).templates as Record<string, unknown>[];

beforeEach(() => {
  ec2.reset();
  iam.reset();
  autoScaling.reset();
  iam.on(GetInstanceProfileCommand).callsFake(({ InstanceProfileName }) => ({
    InstanceProfile: { InstanceProfileName, Arn: profileArn(InstanceProfileName), Roles: [] },
  }));
  ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake(({ LaunchTemplateId, Versions }) => ({
    LaunchTemplateVersions: [
      {
        LaunchTemplateId,
        LaunchTemplateName: `${LaunchTemplateId}-name`,
        VersionNumber: Number(Versions[0]),
        LaunchTemplateData:
          LaunchTemplateId === 'lt-set' ? { IamInstanceProfile: { Arn: profileArn('app') } } : {},
      },
    ],
  }));
  ec2.on(CreateLaunchTemplateVersionCommand).resolves({ LaunchTemplateVersion: { VersionNumber: 9 } });
  autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
});

describe('remediate --launch-templates', () => {
  it('copies the newest version the instances came from, changing only the profile', async () => {
    // Prepare
    ec2
      .on(DescribeInstancesCommand)
      .resolves(
        page(
          appInstance('i-1', undefined, launchedFrom('lt-a', '2', { 'aws:autoscaling:groupName': 'g' })),
          appInstance('i-2', undefined, launchedFrom('lt-a', '5', { 'aws:autoscaling:groupName': 'g' })),
        ),
      );
    const run = captureIo();

    // Act
    const code = await main([...FIX, '--apply'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(ec2.commandCalls(CreateLaunchTemplateVersionCommand).map((call) => call.args[0].input)).toEqual([
      {
        LaunchTemplateId: 'lt-a',
        SourceVersion: '5',
        VersionDescription: 'Instance profile app, from version 5',
        LaunchTemplateData: { IamInstanceProfile: { Name: 'app' } },
      },
    ]);
    expect(ec2.commandCalls(ModifyLaunchTemplateCommand)).toHaveLength(0);
    expect(templatesOf(run.stdout())).toMatchObject([
      {
        launchTemplateId: 'lt-a',
        sourceVersion: '5',
        newVersion: 9,
        outcome: 'created-version',
        instanceIds: ['i-1', 'i-2'],
      },
    ]);
  });

  it('says which groups launch the new version: $Latest does, a pinned one does not, $Default only as the default', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-1', undefined, launchedFrom('lt-a', '1'))));
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        { AutoScalingGroupName: 'latest', LaunchTemplate: { LaunchTemplateId: 'lt-a', Version: '$Latest' } },
        { AutoScalingGroupName: 'pinned', LaunchTemplate: { LaunchTemplateName: 'lt-a-name', Version: '1' } },
        {
          AutoScalingGroupName: 'mixed',
          MixedInstancesPolicy: {
            LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: 'lt-a' } },
          },
        },
        { AutoScalingGroupName: 'other', LaunchTemplate: { LaunchTemplateId: 'lt-b', Version: '$Latest' } },
      ] as never,
    });
    const run = captureIo();

    // Act
    await main(FIX, run.io);

    // Assess
    const [fix] = templatesOf(run.stdout());
    expect(
      (fix?.groups as { name: string; version: string; launchesNewVersion: boolean }[] | undefined)?.map(
        (group) => [group.name, group.version, group.launchesNewVersion],
      ),
    ).toEqual([
      ['latest', '$Latest', true],
      ['pinned', '1', false],
      ['mixed', '$Default', false],
    ]);
    expect(ec2.commandCalls(CreateLaunchTemplateVersionCommand)).toHaveLength(0);
  });

  it("leaves a stack's template, one that sets the profile already, and templates EKS or Karpenter manage", async () => {
    // Prepare
    ec2
      .on(DescribeInstancesCommand)
      .resolves(
        page(
          appInstance(
            'i-stack',
            undefined,
            launchedFrom('lt-s', '1', { 'aws:cloudformation:stack-name': 'prod' }),
          ),
          appInstance('i-set', undefined, launchedFrom('lt-set', '3')),
          appInstance(
            'i-eks',
            undefined,
            launchedFrom('lt-e', '1', { 'eks:cluster-name': 'c', 'eks:nodegroup-name': 'n' }),
          ),
          appInstance(
            'i-karpenter',
            undefined,
            launchedFrom('lt-k', '1', { 'karpenter.sh/nodepool': 'default' }),
          ),
          appInstance('i-alone'),
        ),
      );
    const run = captureIo();

    // Act
    const code = await main([...FIX, '--apply'], run.io);

    // Assess
    expect(code).toBe(1);
    expect(templatesOf(run.stdout()).map((fix) => [fix.launchTemplateId, fix.outcome])).toEqual([
      ['lt-set', 'already-set'],
      ['lt-s', 'skipped-stack'],
    ]);
    expect(JSON.parse(run.stdout()).summary.notFromTemplates).toBe(3);
    expect(ec2.commandCalls(CreateLaunchTemplateVersionCommand)).toHaveLength(0);
  });

  it('makes the new version the default with --set-default', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-1', undefined, launchedFrom('lt-a', '1'))));
    const run = captureIo();

    // Act
    await main([...FIX, '--apply', '--set-default'], run.io);

    // Assess
    expect(ec2.commandCalls(ModifyLaunchTemplateCommand).map((call) => call.args[0].input)).toEqual([
      { LaunchTemplateId: 'lt-a', DefaultVersion: '9' },
    ]);
  });

  it('names a template it could not change, and exits 2', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-1', undefined, launchedFrom('lt-a', '1'))));
    ec2.on(CreateLaunchTemplateVersionCommand).rejects(awsError('UnauthorizedOperation', 'not allowed'));
    const run = captureIo();

    // Act
    const code = await main([...FIX, '--apply'], run.io);

    // Assess
    expect(code).toBe(2);
    expect(templatesOf(run.stdout())).toMatchObject([
      { launchTemplateId: 'lt-a', outcome: 'failed', detail: expect.stringContaining('not allowed') },
    ]);
  });

  it('refuses the options for instances, and --set-default without it', async () => {
    // Prepare
    const both = captureIo();
    const alone = captureIo();

    // Act
    const codes = [
      await main([...FIX, '--replace'], both.io),
      await main([...FIX.filter((arg) => arg !== '--launch-templates'), '--set-default'], alone.io),
    ];

    // Assess
    expect(codes).toEqual([2, 2]);
    expect(both.stderr()).toContain('--replace: for instances, not with --launch-templates');
    expect(alone.stderr()).toContain('--set-default: only with --launch-templates');
  });
});
