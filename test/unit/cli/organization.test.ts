import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient as SdkStsClient } from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readCloudFormationTemplate } from '../../../scripts/cfn-yaml.mjs';
import { acrossMode } from '../../../src/cli/audit-across.js';
import { main } from '../../../src/cli/main.js';
import {
  AUDIT_SESSION_NAME,
  AUDIT_SESSION_POLICY,
  accountsFromFile,
  DEFAULT_MEMBER_ROLE_NAME,
  memberAccess,
  organizationAccounts,
  parseAccountIds,
} from '../../../src/cli/organization.js';
import { UsageError } from '../../../src/errors.js';
import { awsError, captureIo } from './support.js';

const organizations = mockClient(OrganizationsClient);
const assumeRole = mockClient(SdkStsClient);
const ec2 = mockClient(EC2Client);
const CALLER = { account: '111111111111', partition: 'aws' };

beforeEach(() => {
  organizations.reset();
  assumeRole.reset();
  ec2.reset();
});

describe('the member role', () => {
  it('is by default the role templates/member-execution-role.yaml deploys', () => {
    const template = readCloudFormationTemplate(
      new URL('../../../templates/member-execution-role.yaml', import.meta.url),
    );
    const parameters = template.Parameters as Record<string, { Default?: string }>;
    expect(DEFAULT_MEMBER_ROLE_NAME).toBe(parameters.ExecutionRoleName?.Default);
  });

  it('is assumed with the external id and a read-only session policy, and its credentials used', async () => {
    // Prepare
    assumeRole.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAMEMBER',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    ec2.on(DescribeInstancesCommand).callsFake(async (_input, getClient) => {
      const client = getClient();
      return { Reservations: [], NextToken: (await client.config.credentials()).accessKeyId };
    });
    const access = memberAccess({ caller: CALLER, roleName: 'auditor', externalId: 'x-123' })({
      id: '222222222222',
    });

    // Act
    await access.credentials();
    const answer = await access.ec2('eu-west-1').send(new DescribeInstancesCommand({}));

    // Assess
    expect(answer.NextToken).toBe('ASIAMEMBER');
    const calls = assumeRole.commandCalls(AssumeRoleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::222222222222:role/auditor',
      RoleSessionName: AUDIT_SESSION_NAME,
      DurationSeconds: 3600,
      ExternalId: 'x-123',
      Policy: AUDIT_SESSION_POLICY,
    });
    expect(JSON.parse(AUDIT_SESSION_POLICY).Statement[0].Action).toEqual([
      'ec2:DescribeInstances',
      'ec2:DescribeRegions',
      'iam:GetInstanceProfile',
    ]);
  });

  it("is not assumed in the caller's own account", async () => {
    // Act
    await memberAccess({ caller: CALLER, roleName: 'auditor' })({ id: CALLER.account }).credentials();

    // Assess
    expect(assumeRole.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('names the role, the account and what to check when STS denies it', async () => {
    // Prepare
    assumeRole
      .on(AssumeRoleCommand)
      .rejects(awsError('AccessDenied', 'not authorized to perform: sts:AssumeRole'));
    const access = memberAccess({ caller: CALLER, roleName: 'auditor' })({ id: '222222222222' });

    // Act, Assess
    await expect(access.credentials()).rejects.toThrow(
      /^AssumeRole arn:aws:iam::222222222222:role\/auditor failed: AccessDenied: not authorized to perform: sts:AssumeRole — the role auditor must exist in the account and trust the caller/,
    );
  });
});

describe('organizationAccounts', () => {
  it('lists the active accounts of every page', async () => {
    // Prepare
    organizations
      .on(ListAccountsCommand)
      .resolvesOnce({
        Accounts: [
          { Id: '111111111111', Name: 'one', State: 'ACTIVE' },
          { Id: '222222222222', Name: 'two', State: 'SUSPENDED' },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({ Accounts: [{ Id: '333333333333', Name: 'three', Status: 'ACTIVE' }] });

    // Act
    const accounts = await organizationAccounts({ region: 'us-east-1' });

    // Assess
    expect(accounts).toEqual([
      { id: '111111111111', name: 'one' },
      { id: '333333333333', name: 'three' },
    ]);
    expect(organizations.commandCalls(ListAccountsCommand)[1]?.args[0].input.NextToken).toBe('page-2');
  });

  it('says who may list them when Organizations refuses', async () => {
    // Prepare
    organizations
      .on(ListAccountsCommand)
      .rejects(awsError('AccessDeniedException', 'not the management account'));

    // Act, Assess
    await expect(organizationAccounts({ region: 'us-east-1' })).rejects.toThrow(
      /run --organization from the management account or a delegated administrator/,
    );
  });
});

describe('parseAccountIds', () => {
  it('reads ids separated by commas, spaces or lines, with comments, once each', () => {
    expect(
      parseAccountIds('111111111111, 222222222222\n# retired\n333333333333 # prod\n111111111111', 'x'),
    ).toEqual([{ id: '111111111111' }, { id: '222222222222' }, { id: '333333333333' }]);
  });

  it.each([
    ['12345', 'x: not a 12-digit account id: 12345'],
    ['# nothing', 'x names no account'],
  ])('refuses %j', (text, message) => {
    expect(() => parseAccountIds(text, 'x')).toThrow(new UsageError(message));
  });

  it('reads an accounts file, and names a file it cannot read', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'accounts-'));
    try {
      writeFileSync(join(folder, 'accounts.txt'), '111111111111\n222222222222\n');
      await expect(accountsFromFile(join(folder, 'accounts.txt'))).resolves.toHaveLength(2);
      await expect(accountsFromFile(join(folder, 'missing.txt'))).rejects.toThrow(
        /^--accounts-file .*missing\.txt: /,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('acrossMode', () => {
  it.each([
    [{ organization: true }, {}, 'organization'],
    [{ accounts: ['111111111111'] }, {}, 'organization'],
    [{ aggregator: 'org' }, { ruleName: 'rule' }, 'aggregator'],
    [{ aggregator: 'org', accounts: ['111111111111'] }, { ruleName: 'rule' }, 'aggregator'],
    [{}, {}, undefined],
  ])('%j with %j is %s', (flags, parameterFlags, mode) => {
    expect(acrossMode(flags, parameterFlags)).toBe(mode);
  });

  it.each([
    [
      { organization: true, aggregator: 'org' },
      { ruleName: 'r' },
      '--organization and --aggregator: give one',
    ],
    [{ aggregator: 'org', roleName: 'r' }, { ruleName: 'r' }, '--role-name: --aggregator assumes no role'],
    [{ aggregator: 'org' }, {}, '--aggregator needs --rule-name'],
    [{ aggregator: 'org' }, { ruleName: 'r', tagKey: 'tier' }, '--tag-key: not with --aggregator'],
    [{ roleName: 'r' }, {}, '--role-name: only with --organization, --accounts or --accounts-file'],
    [{ accounts: ['1'], accountsFile: 'f' }, {}, '--accounts and --accounts-file: give one'],
    [{ organization: true, roleName: 'no/slash' }, {}, '--role-name: not an IAM role name'],
    [{ organization: true, externalId: 'x' }, {}, '--external-id: 2 to 1,224'],
    [{ aggregatorRegion: 'us-east-1' }, {}, '--aggregator-region: only with --aggregator'],
  ])('refuses %j with %j', (flags, parameterFlags, message) => {
    expect(() => acrossMode(flags, parameterFlags)).toThrow(message);
  });

  it('is refused with remediate, and so is --output html', async () => {
    const tag = ['--tag-key', 'tier', '--tag-value', 'app', '--instance-profile', 'p'];
    const organization = captureIo();
    const html = captureIo();
    expect(await main(['remediate', ...tag, '--organization'], organization.io)).toBe(2);
    expect(organization.stderr()).toContain('--organization: only for audit');
    expect(await main(['remediate', ...tag, '--output', 'html'], html.io)).toBe(2);
    expect(html.stderr()).toContain('--output html: only for audit');
  });
});
