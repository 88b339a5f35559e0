import {
  AssociateIamInstanceProfileCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstancesCommand,
  EC2Client,
  type IamInstanceProfileAssociation,
  ReplaceIamInstanceProfileAssociationCommand,
} from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { isSameProfile } from '../../../src/cli/remediate.js';
import { appInstance, awsError, captureIo, page, profileArn } from './support.js';

const ec2 = mockClient(EC2Client);
const iam = mockClient(IAMClient);

const ROLE = {
  RoleName: 'r',
  RoleId: 'AROA',
  Arn: 'arn:aws:iam::123456789012:role/r',
  Path: '/',
  CreateDate: new Date(),
};
const noSuchProfile = (name: string) =>
  new NoSuchEntityException({ message: `Instance Profile ${name} cannot be found.`, $metadata: {} });

const REMEDIATE = ['remediate', '--tag-key', 'tier', '--tag-value', 'app', '--region', 'eu-west-1', '-q'];

/** The live association of each instance, as DescribeIamInstanceProfileAssociations returns it. */
const associations = (byInstance: Record<string, string>) =>
  ec2.on(DescribeIamInstanceProfileAssociationsCommand).callsFake((input) => {
    const instanceId = input.Filters?.find((filter: { Name: string }) => filter.Name === 'instance-id')
      ?.Values?.[0];
    const profile = byInstance[instanceId];
    const found: IamInstanceProfileAssociation[] =
      profile === undefined
        ? []
        : [
            {
              AssociationId: `iip-assoc-${instanceId}`,
              InstanceId: instanceId,
              State: 'associated',
              IamInstanceProfile: { Arn: profileArn(profile) },
            },
          ];
    return { IamInstanceProfileAssociations: found };
  });

const mutations = () => [
  ...ec2.commandCalls(AssociateIamInstanceProfileCommand),
  ...ec2.commandCalls(ReplaceIamInstanceProfileAssociationCommand),
];

const resultsOf = (stdout: string) =>
  (JSON.parse(stdout).results as Record<string, string>[]).map((r) => [r.instanceId, r.outcome]);

beforeEach(() => {
  ec2.reset();
  iam.reset();
  ec2.on(AssociateIamInstanceProfileCommand).callsFake((input) => ({
    IamInstanceProfileAssociation: {
      AssociationId: `iip-assoc-new-${input.InstanceId}`,
      State: 'associating',
    },
  }));
  ec2.on(ReplaceIamInstanceProfileAssociationCommand).resolves({});
  // Every profile the tests name exists, with a role, unless a test says otherwise.
  iam.on(GetInstanceProfileCommand).callsFake(({ InstanceProfileName }) => ({
    InstanceProfile: { InstanceProfileName, Arn: profileArn(InstanceProfileName), Roles: [ROLE] },
  }));
});

describe('remediate: dry run (the default)', () => {
  it('says what it would do, changes nothing and exits 1 while work is left', async () => {
    // Prepare
    ec2
      .on(DescribeInstancesCommand)
      .resolves(page(appInstance('i-1'), appInstance('i-2', 'app'), appInstance('i-3', 'legacy')));
    associations({ 'i-2': 'app', 'i-3': 'legacy' });
    const run = captureIo();

    // Act
    const code = await main(
      [
        ...REMEDIATE,
        '--instance-profile',
        'app',
        '--allowed-instance-profile-arns',
        profileArn('app'),
        '-o',
        'json',
      ],
      run.io,
    );

    // Assess
    expect(code).toBe(1);
    expect(mutations()).toEqual([]);
    expect(resultsOf(run.stdout())).toEqual([
      ['i-1', 'would-associate'],
      ['i-3', 'skipped'],
    ]);
    expect(JSON.parse(run.stdout()).results[1].detail).toBe(
      `has instance profile ${profileArn('legacy')}; pass --replace to replace it with app`,
    );
  });

  it('with --replace, says it would replace the attached profile', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-3', 'legacy')));
    associations({ 'i-3': 'legacy' });
    const run = captureIo();

    // Act
    const code = await main(
      [
        ...REMEDIATE,
        '--instance-profile',
        'app',
        '--allowed-instance-profile-arns',
        profileArn('app'),
        '--replace',
        '-o',
        'json',
      ],
      run.io,
    );

    // Assess
    expect(code).toBe(1);
    expect(mutations()).toEqual([]);
    expect(resultsOf(run.stdout())).toEqual([['i-3', 'would-replace']]);
  });
});

describe('remediate --apply', () => {
  it('associates the profile by name to each instance without one, and exits 0', async () => {
    // Prepare
    ec2
      .on(DescribeInstancesCommand)
      .resolves(page(appInstance('i-1'), appInstance('i-2'), appInstance('i-3', 'app')));
    associations({ 'i-3': 'app' });
    const run = captureIo();

    // Act
    const code = await main([...REMEDIATE, '--instance-profile', 'app', '--apply', '-o', 'json'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(ec2).toHaveReceivedCommandTimes(AssociateIamInstanceProfileCommand, 2);
    expect(ec2).toHaveReceivedCommandWith(AssociateIamInstanceProfileCommand, {
      InstanceId: 'i-1',
      IamInstanceProfile: { Name: 'app' },
    });
    expect(resultsOf(run.stdout())).toEqual([
      ['i-1', 'associated'],
      ['i-2', 'associated'],
    ]);
    expect(JSON.parse(run.stdout()).results[0].detail).toBe('associated app (iip-assoc-new-i-1)');
  });

  it('passes an ARN as an ARN', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-1')));
    associations({});
    const run = captureIo();

    // Act
    const code = await main([...REMEDIATE, '--instance-profile', profileArn('app'), '--apply'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(ec2).toHaveReceivedCommandWith(AssociateIamInstanceProfileCommand, {
      InstanceId: 'i-1',
      IamInstanceProfile: { Arn: profileArn('app') },
    });
  });

  it('never replaces an attached profile without --replace, and exits 1 for what is left', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-3', 'legacy')));
    associations({ 'i-3': 'legacy' });
    const run = captureIo();

    // Act
    const code = await main(
      [
        ...REMEDIATE,
        '--instance-profile',
        'app',
        '--allowed-instance-profile-arns',
        profileArn('app'),
        '--apply',
        '-o',
        'json',
      ],
      run.io,
    );

    // Assess
    expect(code).toBe(1);
    expect(mutations()).toEqual([]);
    expect(resultsOf(run.stdout())).toEqual([['i-3', 'skipped']]);
  });

  it('with --replace, replaces the live association it finds', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-3', 'legacy')));
    associations({ 'i-3': 'legacy' });
    const run = captureIo();

    // Act
    const code = await main(
      [
        ...REMEDIATE,
        '--instance-profile',
        'app',
        '--allowed-instance-profile-arns',
        profileArn('app'),
        '--apply',
        '--replace',
        '-o',
        'json',
      ],
      run.io,
    );

    // Assess
    expect(code).toBe(0);
    expect(ec2).toHaveReceivedCommandWith(DescribeIamInstanceProfileAssociationsCommand, {
      Filters: [
        { Name: 'instance-id', Values: ['i-3'] },
        { Name: 'state', Values: ['associating', 'associated'] },
      ],
    });
    expect(ec2).toHaveReceivedCommandWith(ReplaceIamInstanceProfileAssociationCommand, {
      AssociationId: 'iip-assoc-i-3',
      IamInstanceProfile: { Name: 'app' },
    });
    expect(ec2).not.toHaveReceivedCommand(AssociateIamInstanceProfileCommand);
    expect(resultsOf(run.stdout())).toEqual([['i-3', 'replaced']]);
  });

  it('is idempotent: an association made since the audit is left alone', async () => {
    // Prepare: the audit still sees no profile, the association (of an earlier run) already exists
    ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-1')));
    associations({ 'i-1': 'app' });
    const run = captureIo();

    // Act
    const code = await main([...REMEDIATE, '--instance-profile', 'app', '--apply', '-o', 'json'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(mutations()).toEqual([]);
    expect(resultsOf(run.stdout())).toEqual([['i-1', 'already-attached']]);
  });

  it('does nothing, and exits 0, when nothing is NON_COMPLIANT', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-1', 'app')));
    const run = captureIo();

    // Act
    const code = await main([...REMEDIATE, '--instance-profile', 'app', '--apply'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(ec2).not.toHaveReceivedCommand(DescribeIamInstanceProfileAssociationsCommand);
    expect(run.stdout()).toContain('No NON_COMPLIANT app-tier instance: nothing to do.');
  });

  it('reports a failed instance, goes on with the others and exits 2', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-1'), appInstance('i-2')));
    associations({});
    ec2
      .on(AssociateIamInstanceProfileCommand, { InstanceId: 'i-1' })
      .rejects(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
    const run = captureIo();

    // Act
    const code = await main([...REMEDIATE, '--instance-profile', 'app', '--apply', '-o', 'json'], run.io);

    // Assess
    expect(code).toBe(2);
    const { results } = JSON.parse(run.stdout());
    expect(results).toMatchObject([
      {
        instanceId: 'i-1',
        outcome: 'failed',
        detail: 'UnauthorizedOperation: You are not authorized to perform this operation.',
      },
      { instanceId: 'i-2', outcome: 'associated' },
    ]);
  });

  it('exits 2 when a region could not be scanned, even if the others were fixed', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === 'eu-west-1') return page(appInstance('i-1'));
      throw awsError('AuthFailure', 'not opted in');
    });
    associations({});
    const run = captureIo();

    // Act
    const code = await main(
      [...REMEDIATE, '--region', 'ap-east-1', '--instance-profile', 'app', '--apply'],
      run.io,
    );

    // Assess
    expect(code).toBe(2);
    expect(run.stdout()).toMatch(/^eu-west-1 +i-1 .*associated/m);
    expect(run.stdout()).toContain('Region ap-east-1 was not scanned: AuthFailure: not opted in');
  });
});

describe('remediate: the profile to attach is checked before anything is touched', () => {
  it.each([
    [['--instance-profile', 'bad name'], 'is neither an instance profile name nor an ARN'],
    [
      ['--instance-profile', 'arn:aws:iam::123456789012:role/app'],
      'is neither an instance profile name nor an ARN',
    ],
    [
      ['--instance-profile', 'other', '--allowed-instance-profile-arns', profileArn('app')],
      'Instance profile other is not in allowedInstanceProfileArns: the instances would stay NON_COMPLIANT',
    ],
  ])('refuses %j', async (flags, message) => {
    // Prepare
    const run = captureIo();

    // Act
    const code = await main([...REMEDIATE, ...flags, '--apply'], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toContain(message);
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it.each([
    { target: 'app-profle', asked: 'app-profle' },
    { target: profileArn('app-profle'), asked: 'app-profle' },
  ])(
    'refuses a profile that does not exist ($target) in a dry run, before the scan',
    async ({ target, asked }) => {
      // Prepare
      iam.on(GetInstanceProfileCommand, { InstanceProfileName: asked }).rejects(noSuchProfile(asked));
      ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-1')));
      associations({});
      const run = captureIo();

      // Act
      const code = await main([...REMEDIATE, '--instance-profile', target], run.io);

      // Assess
      expect(code).toBe(2);
      expect(iam).toHaveReceivedCommandWith(GetInstanceProfileCommand, { InstanceProfileName: asked });
      expect(run.stderr()).toContain(`Instance profile ${target} does not exist (iam:GetInstanceProfile)`);
      expect(run.stdout()).not.toContain('would-associate');
      expect(ec2).not.toHaveReceivedAnyCommand();
    },
  );

  it('refuses an ARN whose name exists in this account under another ARN', async () => {
    // Prepare
    const elsewhere = 'arn:aws:iam::999999999999:instance-profile/app';
    const run = captureIo();

    // Act
    const code = await main([...REMEDIATE, '--instance-profile', elsewhere], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toContain(
      `Instance profile ${elsewhere} does not exist (iam:GetInstanceProfile): this account's profile app is ${profileArn('app')}`,
    );
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it('with --require-role-in-profile, refuses a profile that holds no role', async () => {
    // Prepare
    iam.on(GetInstanceProfileCommand).resolves({ InstanceProfile: { Roles: [] } as never });
    const run = captureIo();

    // Act
    const code = await main(
      [...REMEDIATE, '--instance-profile', 'empty', '--require-role-in-profile', '--apply'],
      run.io,
    );

    // Assess
    expect(code).toBe(2);
    expect(iam).toHaveReceivedCommandWith(GetInstanceProfileCommand, { InstanceProfileName: 'empty' });
    expect(run.stderr()).toContain('Instance profile empty holds no IAM role');
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it('with --require-role-in-profile, replaces a profile without role by one with a role', async () => {
    // Prepare
    const role = {
      RoleName: 'r',
      RoleId: 'AROA',
      Arn: 'arn:aws:iam::123456789012:role/r',
      Path: '/',
      CreateDate: new Date(),
    };
    iam
      .on(GetInstanceProfileCommand, { InstanceProfileName: 'app' })
      .resolves({ InstanceProfile: { Roles: [role] } as never });
    iam
      .on(GetInstanceProfileCommand, { InstanceProfileName: 'empty' })
      .resolves({ InstanceProfile: { Roles: [] } as never });
    ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-1', 'empty')));
    associations({ 'i-1': 'empty' });
    const run = captureIo();

    // Act
    const code = await main(
      [
        ...REMEDIATE,
        '--instance-profile',
        'app',
        '--require-role-in-profile',
        '--apply',
        '--replace',
        '-o',
        'json',
      ],
      run.io,
    );

    // Assess
    expect(code).toBe(0);
    expect(iam).toHaveReceivedCommandTimes(GetInstanceProfileCommand, 2);
    expect(resultsOf(run.stdout())).toEqual([['i-1', 'replaced']]);
  });

  it('leaves alone an instance given the profile since the audit, even one that had another', async () => {
    // Prepare: the audit saw another profile; by the time of the action, the one asked for is associated
    ec2.on(DescribeInstancesCommand).resolves(page(appInstance('i-1', 'legacy')));
    associations({ 'i-1': 'app' });
    const run = captureIo();

    // Act
    const code = await main(
      [
        ...REMEDIATE,
        '--instance-profile',
        profileArn('app'),
        '--allowed-instance-profile-arns',
        profileArn('app'),
        '--apply',
        '--replace',
        '-o',
        'json',
      ],
      run.io,
    );

    // Assess
    expect(code).toBe(0);
    expect(mutations()).toEqual([]);
    expect(resultsOf(run.stdout())).toEqual([['i-1', 'already-attached']]);
  });
});

describe('isSameProfile', () => {
  it.each([
    [profileArn('app'), 'app', true],
    [profileArn('team/app'), 'app', true],
    [profileArn('app'), profileArn('app'), true],
    [profileArn('app'), 'application', false],
    [profileArn('team/app'), profileArn('app'), false],
  ])('%s is %s: %s', (arn, target, same) => {
    // Act
    const result = isSameProfile(arn, target);

    // Assess
    expect(result).toBe(same);
  });
});

describe('remediate: owned instances', () => {
  const ASG_TAGS = {
    'aws:autoscaling:groupName': 'web-asg',
    'aws:ec2launchtemplate:id': 'lt-0abc',
    'aws:ec2launchtemplate:version': '3',
  };
  const STACK_TAGS = { 'aws:cloudformation:stack-name': 'prod-web', 'aws:cloudformation:logical-id': 'Web' };

  beforeEach(() => {
    ec2
      .on(DescribeInstancesCommand)
      .resolves(
        page(
          appInstance('i-1'),
          appInstance('i-asg', undefined, ASG_TAGS),
          appInstance('i-cfn', undefined, STACK_TAGS),
        ),
      );
    associations({});
  });

  it('attaches nothing to an owned instance, naming its owner and the fix at the source', async () => {
    // Prepare
    const run = captureIo();

    // Act
    const code = await main([...REMEDIATE, '--instance-profile', 'app', '--apply', '-o', 'json'], run.io);

    // Assess
    expect(code).toBe(1);
    expect(mutations().map((call) => call.args[0].input)).toEqual([
      { InstanceId: 'i-1', IamInstanceProfile: { Name: 'app' } },
    ]);
    const results = JSON.parse(run.stdout()).results as Record<string, string>[];
    expect(results.map((result) => [result.instanceId, result.outcome, result.owner])).toEqual([
      ['i-1', 'associated', null],
      ['i-asg', 'skipped-owned', 'Auto Scaling group web-asg, launch template lt-0abc v3'],
      ['i-cfn', 'skipped-owned', 'CloudFormation stack prod-web (Web)'],
    ]);
    expect(results[1]?.detail).toBe(
      'launched by Auto Scaling group web-asg, launch template lt-0abc v3, which would undo a profile attached here; ' +
        'fix its launch template (remediate --launch-templates), or pass --include-owned',
    );
    expect(results[2]?.detail).toBe(
      'launched by CloudFormation stack prod-web (Web), which would undo a profile attached here; ' +
        "fix it there: set an instance profile in the stack's template and update the stack; by hand it is drift, " +
        'or pass --include-owned',
    );
  });

  it('attaches to owned instances too with --include-owned', async () => {
    // Prepare
    const run = captureIo();

    // Act
    const code = await main(
      [...REMEDIATE, '--instance-profile', 'app', '--apply', '--include-owned', '-o', 'json'],
      run.io,
    );

    // Assess
    expect(code).toBe(0);
    expect(
      ec2.commandCalls(AssociateIamInstanceProfileCommand).map((call) => call.args[0].input.InstanceId),
    ).toEqual(['i-1', 'i-asg', 'i-cfn']);
    expect(JSON.parse(run.stdout())).toMatchObject({ includeOwned: true });
  });

  it('is refused by audit', async () => {
    // Prepare
    const run = captureIo();

    // Act
    const code = await main(['audit', '--tag-key', 'tier', '--tag-value', 'app', '--include-owned'], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.stderr()).toContain('--include-owned: only for remediate');
  });
});
