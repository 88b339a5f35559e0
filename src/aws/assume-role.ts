import type { AssumeRoleCommandOutput, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { RuleError } from '../errors.js';
import { awsClient } from './client-options.js';

/**
 * Cached credentials are renewed this long before they expire, so no call is signed with credentials about
 * to lapse mid-request. It is also the margin the SDK's clients apply before asking a provider again.
 */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** One hour: every role allows it (a role's maximum session duration is at least one hour). */
export const SESSION_DURATION_SECONDS = 3600;

/** STS accepts role session names of 2 to 64 characters from this set. */
const SESSION_NAME_MAX = 64;
const SESSION_NAME_INVALID = /[^\w+=,.@-]/g;

/** A role to assume in a member account, and the session name that shows up in its CloudTrail. */
export interface RoleSession {
  readonly roleArn: string;
  readonly accountId: string;
  readonly sessionName: string;
}

/** AssumeRole failed: the message names the role and the account, and says what to check. */
export class AssumeRoleError extends RuleError {
  override name = 'AssumeRoleError';
  readonly roleArn: string;
  readonly accountId: string;

  constructor(message: string, session: RoleSession, options?: ErrorOptions) {
    super(message, options);
    this.roleArn = session.roleArn;
    this.accountId = session.accountId;
  }
}

/**
 * The role session name for a rule: its name with every character STS does not accept replaced by `-`,
 * cut to 64 characters, so a member account's CloudTrail shows which rule acted.
 */
export const roleSessionName = (ruleName: string): string =>
  ruleName.replace(SESSION_NAME_INVALID, '-').slice(0, SESSION_NAME_MAX).padEnd(2, '-');

/** Assumes a role; replaceable in tests. */
export type AssumeRole = (session: RoleSession) => Promise<AwsCredentialIdentity>;

let sts: Promise<STSClient> | undefined;

/** The STS client, loaded only when a role is used: a single-account deployment never pays for it. */
const stsClient = (): Promise<STSClient> => {
  sts ??= import('@aws-sdk/client-sts').then(({ STSClient }) => awsClient(STSClient));
  return sts;
};

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

const assumeRoleError = (session: RoleSession, error: unknown): AssumeRoleError => {
  const { name, message } = error as Error;
  const where = `role ${session.roleArn} in account ${session.accountId}`;
  if (ACCESS_DENIED.has(name)) {
    return new AssumeRoleError(
      `Access denied assuming ${where}: the role must exist in account ${session.accountId} and trust this ` +
        `function's role (templates/member-execution-role.yaml), and this function's role must be allowed ` +
        `sts:AssumeRole on it. STS said: ${message}`,
      session,
      { cause: error },
    );
  }
  return new AssumeRoleError(`Could not assume ${where}: ${name}: ${message}`, session, { cause: error });
};

/** AssumeRole through STS, with the function's own credentials. */
export const assumeWithSts: AssumeRole = async (session) => {
  const [{ AssumeRoleCommand }, client] = await Promise.all([import('@aws-sdk/client-sts'), stsClient()]);
  let output: AssumeRoleCommandOutput;
  try {
    output = await client.send(
      new AssumeRoleCommand({
        RoleArn: session.roleArn,
        RoleSessionName: session.sessionName,
        DurationSeconds: SESSION_DURATION_SECONDS,
      }),
    );
  } catch (error) {
    throw assumeRoleError(session, error);
  }
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = output.Credentials ?? {};
  if (AccessKeyId === undefined || SecretAccessKey === undefined || Expiration === undefined) {
    throw new AssumeRoleError(
      `Could not assume role ${session.roleArn} in account ${session.accountId}: STS returned no credentials`,
      session,
    );
  }
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    ...(SessionToken === undefined ? {} : { sessionToken: SessionToken }),
    expiration: Expiration,
    accountId: session.accountId,
  };
};

/** Credentials of assumed roles, cached per role session. */
export interface RoleCredentials {
  /**
   * A credential provider for the role session: it answers from the cache and assumes the role again only
   * when the cached credentials are within REFRESH_MARGIN_MS of their expiry. Concurrent calls share one
   * AssumeRole; a failed AssumeRole is not cached.
   */
  provider(session: RoleSession): AwsCredentialIdentityProvider;
}

export interface RoleCredentialsOptions {
  readonly assume?: AssumeRole;
  /** Milliseconds since the epoch; a test passes a fake clock. */
  readonly now?: () => number;
}

interface CacheEntry {
  readonly credentials: Promise<AwsCredentialIdentity>;
  /** When to assume the role again; infinite while the call is in flight, so concurrent callers share it. */
  refreshAt: number;
}

/** A credential cache; the container keeps one (`roleCredentials`), so a burst in one account assumes once. */
export const createRoleCredentials = ({
  assume = assumeWithSts,
  now = Date.now,
}: RoleCredentialsOptions = {}): RoleCredentials => {
  const cache = new Map<string, CacheEntry>();

  const forget = (time: number) => {
    for (const [key, entry] of cache) if (entry.refreshAt <= time) cache.delete(key);
  };

  const get = async (session: RoleSession): Promise<AwsCredentialIdentity> => {
    const key = `${session.roleArn}\n${session.sessionName}`;
    const time = now();
    const cached = cache.get(key);
    if (cached !== undefined && time < cached.refreshAt) return cached.credentials;
    forget(time);
    const entry: CacheEntry = { credentials: assume(session), refreshAt: Number.POSITIVE_INFINITY };
    cache.set(key, entry);
    try {
      const identity = await entry.credentials;
      entry.refreshAt =
        identity.expiration === undefined
          ? Number.NEGATIVE_INFINITY
          : identity.expiration.getTime() - REFRESH_MARGIN_MS;
      return identity;
    } catch (error) {
      if (cache.get(key) === entry) cache.delete(key);
      throw error;
    }
  };

  return { provider: (session) => () => get(session) };
};

/** The container's credential cache. */
export const roleCredentials: RoleCredentials = createRoleCredentials();

let callerAccount: Promise<string> | undefined;

/**
 * The account of the function's own credentials, from STS GetCallerIdentity, asked once per container.
 * Only needed when the Lambda context carries no function ARN to read it from.
 */
export const callerAccountId = (): Promise<string> => {
  callerAccount ??= (async () => {
    const [{ GetCallerIdentityCommand }, client] = await Promise.all([
      import('@aws-sdk/client-sts'),
      stsClient(),
    ]);
    const { Account } = await client.send(new GetCallerIdentityCommand({}));
    if (Account === undefined) throw new RuleError('STS GetCallerIdentity returned no account');
    return Account;
  })().catch((error: unknown) => {
    callerAccount = undefined;
    throw error;
  });
  return callerAccount;
};
