import { readFile } from 'node:fs/promises';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { memoizedRoleProvider, temporaryCredentialsWith } from '../aws/assume-role.js';
import { type AwsAccess, awsClient, type ClientOverrides } from '../aws/client-options.js';
import { iamRoleArn, isAccountId, parseArn } from '../aws/names.js';
import { AssumeRoleError, CommandError, UsageError } from '../errors.js';

/**
 * The role `audit --organization` assumes in each member account unless `--role-name` names another: the
 * one templates/member-execution-role.yaml deploys by default (its ExecutionRoleName).
 */
export const DEFAULT_MEMBER_ROLE_NAME = 'app-tier-iam-role-rule-execution';

/** The role session name, so a member account's CloudTrail shows the audit apart from the rule. */
export const AUDIT_SESSION_NAME = 'app-tier-iam-role-rule-audit';

/**
 * What the audit may do with an assumed role, whatever else the role allows: the member role also writes
 * evaluations to Config (for the rule's function), which an audit never needs. A session policy narrows
 * the session to what both it and the role allow.
 */
export const AUDIT_SESSION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['ec2:DescribeInstances', 'ec2:DescribeRegions', 'iam:GetInstanceProfile'],
      Resource: '*',
    },
  ],
});

/** An account to audit, with its name when the organization listed it. */
export interface MemberAccount {
  readonly id: string;
  readonly name?: string;
}

/** Who runs the command: from STS GetCallerIdentity. */
export interface Caller {
  readonly account: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: the partition of the member roles' ARNs. */
  readonly partition: string;
}

/** The clients of one account: its own credentials (assumed or the caller's), created as regions ask. */
export interface AccountClients {
  /** Resolves the account's credentials (AssumeRole, once): a role that cannot be assumed throws here. */
  credentials(): Promise<void>;
  ec2(region: string): EC2Client;
  iam(region: string): IAMClient;
}

/** Opens an account's clients; tests give their own. */
export type AccountAccess = (account: MemberAccount) => AccountClients;

/** How the member accounts are reached. */
export interface MemberAccessOptions {
  readonly caller: Caller;
  readonly roleName: string;
  readonly externalId?: string;
  /** The client settings shared by every account (one connection pool for the whole run). */
  readonly overrides?: ClientOverrides;
  /** The caller's credentials when not the default chain's (--profile): they assume the roles. */
  readonly callerCredentials?: AwsCredentialIdentityProvider;
}

/** STS's codes for a role that cannot be assumed, and what to check then. */
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

/**
 * The AssumeRole failure in the terms of the command: the role, the account, what STS said, and for a
 * denial what to check. The rule's own wording speaks of the function's role, not the caller.
 */
const assumeRoleFailure = (error: unknown, roleName: string): Error => {
  if (!(error instanceof AssumeRoleError)) return error as Error;
  const cause = error.cause as Error | undefined;
  const said = cause === undefined ? error.message : `${cause.name}: ${cause.message}`;
  const hint = ACCESS_DENIED.has(cause?.name ?? '')
    ? ` — the role ${roleName} must exist in the account and trust the caller` +
      ' (templates/member-execution-role.yaml: AuditorPrincipalArn), with the external id if its trust requires one'
    : '';
  return new CommandError(`AssumeRole ${error.roleArn} failed: ${said}${hint}`, { cause: error });
};

/**
 * The member accounts' clients: the role `roleName` assumed in each (through the SDK's
 * fromTemporaryCredentials, memoised: renewed before it expires, as the rule's function does), narrowed by
 * AUDIT_SESSION_POLICY. The caller's own account is audited with the caller's own credentials: the
 * organization templates deploy no member role in the management account (StackSets skip it).
 */
export const memberAccess = (options: MemberAccessOptions): AccountAccess => {
  const overrides = options.overrides ?? {};
  const providerFor = temporaryCredentialsWith(overrides, options.callerCredentials);
  const own = options.callerCredentials === undefined ? {} : { credentials: options.callerCredentials };
  return (account) => {
    let credentials: AwsCredentialIdentityProvider | undefined;
    let access: Partial<AwsAccess> = own;
    if (account.id !== options.caller.account) {
      const roleArn = iamRoleArn(options.caller.partition, account.id, options.roleName);
      credentials = memoizedRoleProvider(
        {
          roleArn,
          accountId: account.id,
          sessionName: AUDIT_SESSION_NAME,
          policy: AUDIT_SESSION_POLICY,
          ...(options.externalId === undefined ? {} : { externalId: options.externalId }),
        },
        providerFor,
      );
      access = { accountId: account.id, credentials, credentialsKey: roleArn };
    }
    return {
      async credentials() {
        try {
          await credentials?.();
        } catch (error) {
          throw assumeRoleFailure(error, options.roleName);
        }
      },
      // Created per region and dropped with it: a thousand accounts never hold their clients at once. They
      // share `overrides.requestHandler`, so connections to a region's endpoint serve every account.
      ec2: (region) => awsClient(EC2Client, access, { ...overrides, region }),
      iam: (region) => awsClient(IAMClient, access, { ...overrides, region }),
    };
  };
};

/** The caller's account and partition (STS GetCallerIdentity). */
export const callerIdentity = async (
  overrides: ClientOverrides = {},
  access: Partial<AwsAccess> = {},
): Promise<Caller> => {
  const { GetCallerIdentityCommand, STSClient } = await import('../aws/sts.js');
  const client = awsClient(STSClient, access, overrides);
  try {
    const { Account, Arn } = await client.send(new GetCallerIdentityCommand({}));
    if (Account === undefined) throw new CommandError('STS GetCallerIdentity returned no account');
    return { account: Account, partition: parseArn(Arn)?.partition ?? 'aws' };
  } finally {
    client.destroy();
  }
};

/** Account states that cannot be audited: suspended, being closed, closed. */
const LISTED_STATES = new Set(['ACTIVE']);

/**
 * The organization's active accounts (organizations:ListAccounts, every page), in the order listed. Only
 * the management account or a delegated administrator may list them: the error says so.
 */
export const organizationAccounts = async (
  overrides: ClientOverrides = {},
  access: Partial<AwsAccess> = {},
): Promise<MemberAccount[]> => {
  const { OrganizationsClient, paginateListAccounts } = await import('@aws-sdk/client-organizations');
  const client = awsClient(OrganizationsClient, access, overrides);
  const accounts: MemberAccount[] = [];
  try {
    for await (const page of paginateListAccounts({ client }, {})) {
      for (const account of page.Accounts ?? []) {
        // `State` replaces `Status`; either says ACTIVE for an account that can be audited.
        const state = account.State ?? account.Status;
        if (account.Id === undefined || !LISTED_STATES.has(String(state))) continue;
        accounts.push({ id: account.Id, ...(account.Name === undefined ? {} : { name: account.Name }) });
      }
    }
  } catch (error) {
    const { name, message } = error as Error;
    throw new CommandError(
      `organizations:ListAccounts failed (${name}: ${message}): run --organization from the management ` +
        'account or a delegated administrator, or name the accounts with --accounts or --accounts-file',
      { cause: error },
    );
  } finally {
    client.destroy();
  }
  if (accounts.length === 0) throw new CommandError('organizations:ListAccounts listed no active account');
  return accounts;
};

/**
 * Account ids from `--accounts` or an accounts file: separated by commas, white space or lines; `#` starts a
 * comment. Each must be 12 digits; duplicates are dropped, the first order kept.
 */
export const parseAccountIds = (text: string, from: string): MemberAccount[] => {
  const ids = text
    .split('\n')
    .map((line) => line.replace(/#.*/, ''))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter((id) => id !== '');
  const wrong = ids.filter((id) => !isAccountId(id));
  if (wrong.length > 0) {
    throw new UsageError(`${from}: not a 12-digit account id: ${[...new Set(wrong)].slice(0, 5).join(', ')}`);
  }
  if (ids.length === 0) throw new UsageError(`${from} names no account`);
  return [...new Set(ids)].map((id) => ({ id }));
};

/** The accounts of an accounts file (see `parseAccountIds`). */
export const accountsFromFile = async (path: string): Promise<MemberAccount[]> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--accounts-file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseAccountIds(text, `--accounts-file ${path}`);
};
