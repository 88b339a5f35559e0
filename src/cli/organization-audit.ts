import { describeError } from '../errors.js';
import type { ViewEnricher } from '../iam/profile-roles.js';
import type { RuleParameters } from '../rule/parameters.js';
import {
  type AccountOutcome,
  type AuditReport,
  type AuditResult,
  enabledRegionsOf,
  type RegionOutcome,
  scanRegion,
} from './audit.js';
import type { AccountAccess, AccountClients, MemberAccount } from './organization.js';

/**
 * Account-regions audited at once by `--organization` unless `--concurrency` says otherwise. Each runs its
 * calls one after another, and every account and region has its own EC2 request-rate buckets
 * (DescribeInstances and DescribeRegions draw on the non-mutating bucket, refilled at 20 a second): 16 at
 * once stay far below any of them, and below STS's AssumeRole rate for the caller's account, while keeping
 * 16 calls in flight. See docs/organization-audit.md.
 */
export const DEFAULT_ORGANIZATION_CONCURRENCY = 16;

/** How far the audit has got, for a progress line. */
export interface OrganizationProgress {
  readonly accounts: { readonly done: number; readonly total: number };
  /** `known`: the regions of the accounts opened so far (an account's regions are known once it is opened). */
  readonly regions: { readonly done: number; readonly known: number };
  /** Accounts opened so far, their regions listed (counted in `known`). */
  readonly opened: number;
  /** Accounts that could not be opened (AssumeRole or DescribeRegions failed). */
  readonly openFailed: number;
  /** Accounts and regions that could not be audited so far. */
  readonly failed: number;
}

export interface OrganizationAuditOptions {
  readonly accounts: readonly MemberAccount[];
  readonly access: AccountAccess;
  readonly parameters: RuleParameters;
  readonly source: string;
  /** The regions to audit in every account; without, each account's enabled regions (ec2:DescribeRegions). */
  readonly regions?: readonly string[];
  /** Where DescribeRegions is asked. */
  readonly discoveryRegion: string;
  readonly concurrency: number;
  readonly progress?: (progress: OrganizationProgress) => void;
}

interface RegionTask {
  readonly account: OpenAccount;
  readonly index: number;
  readonly region: string;
}

/** An account whose credentials and regions are known, until its last region is done. */
interface OpenAccount {
  /** Where the account's audit goes in the report: the order the accounts were given. */
  readonly position: number;
  readonly account: MemberAccount;
  clients: AccountClients | undefined;
  readonly enrich: ViewEnricher | undefined;
  readonly regions: readonly string[];
  readonly outcomes: (RegionOutcome | undefined)[];
  readonly results: (AuditResult[] | undefined)[];
  pending: number;
}

/** What an account came to: its outcome, its regions' and its rows. */
interface AccountAudit {
  readonly outcome: AccountOutcome;
  readonly regions: readonly RegionOutcome[];
  readonly results: readonly AuditResult[];
}

const enricherFor = async (
  clients: AccountClients,
  parameters: RuleParameters,
  region: string,
): Promise<ViewEnricher | undefined> => {
  if (!parameters.requireRoleInProfile) return undefined;
  const { profileRoleEnricher, profileRoles } = await import('../iam/profile-roles.js');
  // IAM is global: one reader per account, so each profile of the account costs one call.
  return profileRoleEnricher(profileRoles(clients.iam(region)), parameters);
};

/**
 * `audit --organization`: every region of every account, at most `concurrency` calls' worth of work at
 * once across all of them. One pool of workers takes, in order of preference, a region of an account
 * already opened, else the next account to open (assume its role, list its regions), else waits for an
 * account being opened. So the pool stays busy, accounts are finished roughly in order, and only the
 * accounts in progress hold clients and credentials: memory grows with the rows, not with the number of
 * accounts. An account or region that fails is named in the report; the others go on.
 */
export const auditOrganization = async (options: OrganizationAuditOptions): Promise<AuditReport> => {
  const { parameters, concurrency } = options;
  const audits = new Array<AccountAudit | undefined>(options.accounts.length);
  const queue: RegionTask[] = [];
  const waiting: (() => void)[] = [];
  const counts = { accountsDone: 0, regionsDone: 0, regionsKnown: 0, opened: 0, openFailed: 0, failed: 0 };
  let nextAccount = 0;
  let opening = 0;

  const report = () =>
    options.progress?.({
      accounts: { done: counts.accountsDone, total: options.accounts.length },
      regions: { done: counts.regionsDone, known: counts.regionsKnown },
      opened: counts.opened,
      openFailed: counts.openFailed,
      failed: counts.failed,
    });
  const wake = () => {
    for (const resume of waiting.splice(0)) resume();
  };

  const finishAccount = (index: number, audit: AccountAudit) => {
    audits[index] = audit;
    counts.accountsDone += 1;
    if (audit.outcome.error !== undefined) counts.failed += 1;
  };

  const open = async (index: number, account: MemberAccount) => {
    const named = account.name === undefined ? {} : { name: account.name };
    let state: OpenAccount;
    try {
      const clients = options.access(account);
      await clients.credentials();
      const regions = options.regions ?? (await enabledRegionsOf(clients.ec2(options.discoveryRegion)));
      const enrich = await enricherFor(clients, parameters, options.discoveryRegion);
      state = {
        position: index,
        account,
        clients,
        enrich,
        regions,
        outcomes: new Array(regions.length),
        results: new Array(regions.length),
        pending: regions.length,
      };
    } catch (error) {
      const outcome = {
        account: account.id,
        ...named,
        regions: 0,
        instances: 0,
        error: describeError(error),
      };
      counts.openFailed += 1;
      finishAccount(index, { outcome, regions: [], results: [] });
      return;
    }
    counts.opened += 1;
    counts.regionsKnown += state.regions.length;
    if (state.regions.length === 0) {
      finishAccount(index, {
        outcome: { account: account.id, ...named, regions: 0, instances: 0 },
        regions: [],
        results: [],
      });
      return;
    }
    state.regions.forEach((region, regionIndex) => {
      queue.push({ account: state, index: regionIndex, region });
    });
  };

  const scan = async ({ account: state, index, region }: RegionTask) => {
    const account = state.account.id;
    try {
      const clients = state.clients as AccountClients;
      const { appTier, otherCase } = await scanRegion(clients.ec2(region), region, parameters, state.enrich);
      state.outcomes[index] = { account, region, instances: appTier.length };
      state.results[index] = [...appTier, ...otherCase].map((result) => ({ account, ...result }));
    } catch (error) {
      state.outcomes[index] = { account, region, instances: 0, error: describeError(error) };
      state.results[index] = [];
      counts.failed += 1;
    }
    counts.regionsDone += 1;
    state.pending -= 1;
    if (state.pending > 0) return;
    // The account is done: its clients and credentials go.
    state.clients = undefined;
    const regions = state.outcomes as RegionOutcome[];
    const audited = regions.filter((outcome) => outcome.error === undefined);
    finishAccount(state.position, {
      outcome: {
        account,
        ...(state.account.name === undefined ? {} : { name: state.account.name }),
        regions: audited.length,
        instances: audited.reduce((sum, outcome) => sum + outcome.instances, 0),
      },
      regions,
      results: (state.results as AuditResult[][]).flat(),
    });
  };

  const worker = async () => {
    for (;;) {
      const task = queue.shift();
      if (task !== undefined) {
        await scan(task);
      } else if (nextAccount < options.accounts.length) {
        const index = nextAccount;
        nextAccount += 1;
        opening += 1;
        try {
          await open(index, options.accounts[index] as MemberAccount);
        } finally {
          opening -= 1;
          wake();
        }
      } else if (opening > 0) {
        await new Promise<void>((resume) => waiting.push(resume));
        continue;
      } else {
        return;
      }
      report();
    }
  };

  report();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const done = audits as AccountAudit[];
  return {
    parameters,
    source: options.source,
    accounts: done.map((audit) => audit.outcome),
    regions: done.flatMap((audit) => audit.regions),
    results: done.flatMap((audit) => audit.results),
  };
};
