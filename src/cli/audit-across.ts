import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { awsClient, CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../aws/client-options.js';
import { isRoleName } from '../aws/names.js';
import { BudgetedHttpHandler } from '../aws/time-budget.js';
import { UsageError } from '../errors.js';
import type { RuleParameters } from '../rule/parameters.js';
import { auditAggregator } from './aggregator.js';
import type { AuditReport } from './audit.js';
import type { CliClients } from './clients.js';
import {
  type AccountAccess,
  accountsFromFile,
  type Caller,
  callerIdentity,
  DEFAULT_MEMBER_ROLE_NAME,
  type MemberAccessOptions,
  type MemberAccount,
  memberAccess,
  organizationAccounts,
  parseAccountIds,
} from './organization.js';
import { auditOrganization } from './organization-audit.js';
import { type ProgressStream, progressDisplay } from './progress.js';

/** The flags of an audit across accounts. */
export interface AcrossFlags {
  readonly organization?: boolean;
  /** `--accounts`, as given (repeatable, comma-separated). */
  readonly accounts?: readonly string[];
  readonly accountsFile?: string;
  readonly roleName?: string;
  readonly externalId?: string;
  readonly aggregator?: string;
  readonly aggregatorRegion?: string;
}

/** How an audit spans accounts: each account's own instances, or what a Config aggregator holds. */
export const AcrossMode = { Organization: 'organization', Aggregator: 'aggregator' } as const;
export type AcrossMode = (typeof AcrossMode)[keyof typeof AcrossMode];

/** What STS accepts as an external id. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** Flags that pick the instances by tag: the deployed rule decided the aggregator's results with its own. */
const TAG_FLAGS = ['tagKey', 'tagValue', 'allowedInstanceProfileArns', 'requireRoleInProfile'] as const;

/**
 * Which audit across accounts the flags ask for, if any; a combination that cannot mean anything is a
 * usage error naming the flags. `--accounts` or `--accounts-file` alone audit those accounts as
 * `--organization` would; with `--aggregator` they narrow what is read.
 */
export const acrossMode = (
  flags: AcrossFlags,
  parameterFlags: Partial<Record<(typeof TAG_FLAGS)[number] | 'ruleName', unknown>>,
): AcrossMode | undefined => {
  const named = flags.accounts !== undefined || flags.accountsFile !== undefined;
  if (flags.accounts !== undefined && flags.accountsFile !== undefined) {
    throw new UsageError('--accounts and --accounts-file: give one');
  }
  if (flags.aggregator !== undefined) {
    if (flags.organization === true) {
      throw new UsageError(
        '--organization and --aggregator: give one (--organization audits every account through its role, ' +
          '--aggregator reads what the deployed rule recorded)',
      );
    }
    const roleFlags = [
      ...(flags.roleName === undefined ? [] : ['--role-name']),
      ...(flags.externalId === undefined ? [] : ['--external-id']),
    ];
    if (roleFlags.length > 0) throw new UsageError(`${roleFlags.join(', ')}: --aggregator assumes no role`);
    if (parameterFlags.ruleName === undefined) {
      throw new UsageError('--aggregator needs --rule-name: the deployed rule whose results to read');
    }
    const tagFlags = TAG_FLAGS.filter((name) => parameterFlags[name] !== undefined);
    if (tagFlags.length > 0) {
      const spelled = tagFlags.map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      throw new UsageError(
        `${spelled.join(', ')}: not with --aggregator, whose results the deployed rule decided with its own parameters`,
      );
    }
    return AcrossMode.Aggregator;
  }
  if (flags.aggregatorRegion !== undefined)
    throw new UsageError('--aggregator-region: only with --aggregator');
  if (flags.organization !== true && !named) {
    const given = [
      ...(flags.roleName === undefined ? [] : ['--role-name']),
      ...(flags.externalId === undefined ? [] : ['--external-id']),
    ];
    if (given.length > 0) {
      throw new UsageError(`${given.join(', ')}: only with --organization, --accounts or --accounts-file`);
    }
    return undefined;
  }
  if (flags.roleName !== undefined && !isRoleName(flags.roleName)) {
    throw new UsageError(`--role-name: not an IAM role name: "${flags.roleName}"`);
  }
  if (flags.externalId !== undefined && !EXTERNAL_ID.test(flags.externalId)) {
    throw new UsageError('--external-id: 2 to 1,224 of letters, digits and +=,.@:/-');
  }
  return AcrossMode.Organization;
};

export interface AcrossAuditInput {
  readonly mode: AcrossMode;
  readonly flags: AcrossFlags;
  readonly clients: CliClients;
  /** Resolved only for `--organization`: the aggregator's results were decided by the deployed rule. */
  readonly parameters: () => Promise<{ parameters: RuleParameters; source: string }>;
  readonly ruleName?: string;
  readonly regions?: readonly string[];
  readonly concurrency: number;
  readonly stderr: ProgressStream;
  readonly quiet: boolean;
  /** Opens the member accounts; by default their role, assumed through STS. Tests give their own. */
  readonly access?: (options: MemberAccessOptions) => AccountAccess;
  /** The caller (STS GetCallerIdentity); tests give their own. */
  readonly caller?: () => Promise<Caller>;
}

/**
 * One connection pool for a whole run across accounts: every account's clients share it, so connections
 * to a region's endpoint are reused from one account to the next.
 */
const sharedHandler = () =>
  new BudgetedHttpHandler({
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true,
  });

const namedAccounts = async (flags: AcrossFlags): Promise<MemberAccount[] | undefined> => {
  if (flags.accounts !== undefined) return parseAccountIds(flags.accounts.join(','), '--accounts');
  if (flags.accountsFile !== undefined) return accountsFromFile(flags.accountsFile);
  return undefined;
};

/** `audit --organization` / `--accounts` / `--aggregator`: the report across accounts. */
export const auditAcross = async (input: AcrossAuditInput): Promise<AuditReport> => {
  const { flags, clients } = input;
  const defaultRegion = (await clients.defaultRegion()) ?? 'us-east-1';
  const named = await namedAccounts(flags);
  const requestHandler = sharedHandler();
  // The caller's own clients are of its --profile: so are those made here.
  const { access: callerAccess = {}, overrides: callerOverrides = {} } = clients.caller?.() ?? {};
  const profile = callerOverrides.profile === undefined ? {} : { profile: callerOverrides.profile };
  try {
    if (input.mode === AcrossMode.Aggregator) {
      const region = flags.aggregatorRegion ?? defaultRegion;
      const client = awsClient(ConfigServiceClient, callerAccess, { ...profile, region, requestHandler });
      const display = progressDisplay({ stream: input.stderr, quiet: input.quiet });
      try {
        return await auditAggregator({
          client,
          aggregator: flags.aggregator as string,
          ruleName: input.ruleName as string,
          ...(named === undefined ? {} : { accounts: named.map((account) => account.id) }),
          ...(input.regions === undefined ? {} : { regions: input.regions }),
          concurrency: input.concurrency,
          progress: (done, total) =>
            display.update({
              accounts: { done: done === total ? 1 : 0, total: 1 },
              regions: { done, known: total },
              opened: 1,
              openFailed: 0,
              failed: 0,
            }),
        });
      } finally {
        display.end();
      }
    }

    const { parameters, source } = await input.parameters();
    const overrides = { ...profile, requestHandler, region: defaultRegion };
    const caller = await (input.caller ?? (() => callerIdentity(overrides, callerAccess)))();
    const accounts = named ?? (await organizationAccounts(overrides, callerAccess));
    const access = (input.access ?? memberAccess)({
      caller,
      roleName: flags.roleName ?? DEFAULT_MEMBER_ROLE_NAME,
      ...(flags.externalId === undefined ? {} : { externalId: flags.externalId }),
      overrides: { ...profile, requestHandler },
      ...(callerAccess.credentials === undefined ? {} : { callerCredentials: callerAccess.credentials }),
    });
    const display = progressDisplay({ stream: input.stderr, quiet: input.quiet });
    try {
      return await auditOrganization({
        accounts,
        access,
        parameters,
        source,
        ...(input.regions === undefined ? {} : { regions: input.regions }),
        discoveryRegion: defaultRegion,
        concurrency: input.concurrency,
        progress: (progress) => display.update(progress),
      });
    } finally {
      display.end();
    }
  } finally {
    requestHandler.destroy();
  }
};
