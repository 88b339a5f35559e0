import { DescribeInstancesCommand, DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccountAccess, MemberAccount } from '../../../src/cli/organization.js';
import { auditOrganization, type OrganizationProgress } from '../../../src/cli/organization-audit.js';
import { ComplianceType } from '../../../src/rule/compliance.js';
import type { RuleParameters } from '../../../src/rule/parameters.js';
import { appInstance, awsError, page } from './support.js';

const ec2 = mockClient(EC2Client);
const PARAMETERS: RuleParameters = {
  tag: { key: 'tier', values: ['app'] },
  requireRoleInProfile: false,
};

/**
 * The account a mocked EC2 call is made in: the fake access puts it in the credentials' key. The mock's
 * getClient names the client of the latest call: it is asked before anything is awaited.
 */
const accountOf = async (getClient: () => EC2Client) =>
  (await (getClient().config.credentials as () => Promise<{ accessKeyId: string }>)()).accessKeyId;

/**
 * Accounts whose clients carry their id as the access key; `denied` accounts fail to open; `calls` counts
 * the accounts open at once (opened and not yet done with).
 */
const fakeAccess = (denied: readonly string[] = []) => {
  const state = { open: 0, maxOpen: 0, opened: [] as string[] };
  const access: AccountAccess = (account) => {
    const credentials = async () => ({ accessKeyId: account.id, secretAccessKey: 'x' });
    return {
      async credentials() {
        if (denied.includes(account.id)) throw new Error(`AssumeRole denied in ${account.id}`);
        state.opened.push(account.id);
      },
      ec2: (region) => new EC2Client({ region, credentials }),
      iam: (region) => new IAMClient({ region, credentials }),
    };
  };
  return { access, state };
};

const accounts = (count: number): MemberAccount[] =>
  Array.from({ length: count }, (_, index) => ({ id: String(100000000000 + index), name: `a${index}` }));

/** DescribeInstances answering one app-tier instance per account and region, after a tick; counting calls in flight. */
const instancesEverywhere = () => {
  const flight = { now: 0, max: 0 };
  ec2.on(DescribeInstancesCommand).callsFake(async (input, getClient) => {
    const client = getClient();
    flight.now += 1;
    flight.max = Math.max(flight.max, flight.now);
    await new Promise((resolve) => setTimeout(resolve, 1));
    flight.now -= 1;
    const tagKey = (input.Filters ?? [])[0]?.Name;
    if (tagKey !== 'tag:tier') return page();
    const region = await client.config.region();
    return page(appInstance(`i-${(await accountOf(() => client)).slice(-3)}-${region}`));
  });
  return flight;
};

beforeEach(() => {
  ec2.reset();
});

describe('auditOrganization', () => {
  it('audits every region of every account, in the order given, each row with its account', async () => {
    // Prepare
    instancesEverywhere();
    const { access } = fakeAccess();

    // Act
    const report = await auditOrganization({
      accounts: accounts(3),
      access,
      parameters: PARAMETERS,
      source: 'test',
      regions: ['eu-west-1', 'us-east-1'],
      discoveryRegion: 'us-east-1',
      concurrency: 4,
    });

    // Assess
    expect(report.accounts?.map((account) => [account.account, account.regions, account.instances])).toEqual([
      ['100000000000', 2, 2],
      ['100000000001', 2, 2],
      ['100000000002', 2, 2],
    ]);
    expect(report.results.map((result) => [result.account, result.instanceId])).toEqual([
      ['100000000000', 'i-000-eu-west-1'],
      ['100000000000', 'i-000-us-east-1'],
      ['100000000001', 'i-001-eu-west-1'],
      ['100000000001', 'i-001-us-east-1'],
      ['100000000002', 'i-002-eu-west-1'],
      ['100000000002', 'i-002-us-east-1'],
    ]);
    expect(report.results.every((result) => result.compliance === ComplianceType.NonCompliant)).toBe(true);
    expect(report.regions.map((region) => region.account)).toEqual([
      '100000000000',
      '100000000000',
      '100000000001',
      '100000000001',
      '100000000002',
      '100000000002',
    ]);
  });

  it("lists each account's enabled regions in that account when none are named", async () => {
    // Prepare
    instancesEverywhere();
    ec2.on(DescribeRegionsCommand).callsFake(async (_input, getClient) =>
      (await accountOf(getClient)) === '100000000000'
        ? {
            Regions: [{ RegionName: 'eu-west-1' }, { RegionName: 'af-south-1', OptInStatus: 'not-opted-in' }],
          }
        : { Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'us-west-2' }] },
    );
    const { access } = fakeAccess();

    // Act
    const report = await auditOrganization({
      accounts: accounts(2),
      access,
      parameters: PARAMETERS,
      source: 'test',
      discoveryRegion: 'us-east-1',
      concurrency: 2,
    });

    // Assess
    expect(report.regions.map((region) => `${region.account} ${region.region}`)).toEqual([
      '100000000000 eu-west-1',
      '100000000001 us-east-1',
      '100000000001 us-west-2',
    ]);
  });

  it('names an account that cannot be opened and a region that fails, and audits the rest', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === 'ap-east-1') throw awsError('AuthFailure', 'not opted in');
      return page();
    });
    const { access } = fakeAccess(['100000000001']);
    const progress: OrganizationProgress[] = [];

    // Act
    const report = await auditOrganization({
      accounts: accounts(3),
      access,
      parameters: PARAMETERS,
      source: 'test',
      regions: ['eu-west-1', 'ap-east-1'],
      discoveryRegion: 'us-east-1',
      concurrency: 3,
      progress: (snapshot) => progress.push(snapshot),
    });

    // Assess
    expect(report.accounts?.[1]).toEqual({
      account: '100000000001',
      name: 'a1',
      regions: 0,
      instances: 0,
      error: 'AssumeRole denied in 100000000001',
    });
    expect(report.accounts?.[0]).toMatchObject({ regions: 1, instances: 0 });
    expect(report.accounts?.[0]?.error).toBeUndefined();
    expect(
      report.regions.filter((region) => region.error !== undefined).map((region) => region.account),
    ).toEqual(['100000000000', '100000000002']);
    expect(report.regions.find((region) => region.error !== undefined)?.error).toBe(
      'AuthFailure: not opted in',
    );
    expect(progress.at(-1)).toEqual({
      accounts: { done: 3, total: 3 },
      regions: { done: 4, known: 4 },
      opened: 2,
      openFailed: 1,
      failed: 3,
    });
  });

  it('keeps at most `concurrency` calls in flight, and at most twice that many accounts open', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 5 }),
        async (accountCount, concurrency, regionCount) => {
          // Prepare
          ec2.reset();
          const flight = instancesEverywhere();
          const { access, state } = fakeAccess();
          const progress: OrganizationProgress[] = [];

          // Act
          const report = await auditOrganization({
            accounts: accounts(accountCount),
            access,
            parameters: PARAMETERS,
            source: 'test',
            regions: ['eu-west-1', 'eu-west-2', 'eu-west-3', 'us-east-1', 'us-west-2'].slice(0, regionCount),
            discoveryRegion: 'us-east-1',
            concurrency,
            progress: (snapshot) => progress.push(snapshot),
          });

          // Assess
          expect(flight.max).toBeLessThanOrEqual(concurrency);
          expect(report.results).toHaveLength(accountCount * regionCount);
          expect(state.opened).toHaveLength(accountCount);
          const open = progress.map((snapshot) => snapshot.opened - snapshot.accounts.done);
          expect(Math.max(...open)).toBeLessThanOrEqual(2 * concurrency);
          expect(progress.at(-1)).toEqual({
            accounts: { done: accountCount, total: accountCount },
            regions: { done: accountCount * regionCount, known: accountCount * regionCount },
            opened: accountCount,
            openFailed: 0,
            failed: 0,
          });
        },
      ),
      { numRuns: 25 },
    );
  });
});
