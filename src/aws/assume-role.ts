import {
  createIsIdentityExpiredFunction,
  doesIdentityRequireRefresh,
  memoizeIdentityProvider,
} from '@smithy/core';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { AssumeRoleError, RuleError } from '../errors.js';
import { awsClient, type ClientOverrides, clientOptions } from './client-options.js';
import { timeBudgetPlugin } from './time-budget.js';

/**
 * Cached credentials are renewed this long before they expire, so no call is signed with credentials about
 * to lapse mid-request. It is also the margin the SDK's clients apply before asking a provider again.
 */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** One hour: every role allows it (a role's maximum session duration is at least one hour). */
export const SESSION_DURATION_SECONDS = 3600;

/** A role to assume in a member account, and the session name that shows up in its CloudTrail. */
export interface RoleSession {
  readonly roleArn: string;
  readonly accountId: string;
  readonly sessionName: string;
  /** The external id the role's trust policy may require (`sts:ExternalId`). */
  readonly externalId?: string;
  /** A session policy (JSON): the session may do only what both it and the role allow. */
  readonly policy?: string;
}

/** Creates the (uncached) credential provider of a role session; replaceable in tests. */
export type RoleProviderFactory = (session: RoleSession) => AwsCredentialIdentityProvider;

// AWS error codes, not classes: STS models no exception for them.
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

/**
 * AssumeRole through STS with the caller's own credentials (the default chain's, or `masterCredentials`:
 * the command line's --profile): the SDK's `fromTemporaryCredentials`, loaded on first use, with this
 * rule's retry and timeout settings (and `overrides`: the command line shares one connection pool) and the
 * invocation's time budget. Its failures name the role and the account.
 * The provider is called without the calling client's settings, so every client of the account gets the
 * same credentials whichever client asks first.
 */
export const temporaryCredentialsWith =
  (overrides: ClientOverrides = {}, masterCredentials?: AwsCredentialIdentityProvider): RoleProviderFactory =>
  (session) => {
    let provider: AwsCredentialIdentityProvider | undefined;
    return async () => {
      const { fromTemporaryCredentials } = await import('./sts.js');
      provider ??= fromTemporaryCredentials({
        params: {
          RoleArn: session.roleArn,
          RoleSessionName: session.sessionName,
          DurationSeconds: SESSION_DURATION_SECONDS,
          ...(session.externalId === undefined ? {} : { ExternalId: session.externalId }),
          ...(session.policy === undefined ? {} : { Policy: session.policy }),
        },
        ...(masterCredentials === undefined ? {} : { masterCredentials }),
        clientConfig: clientOptions({}, overrides),
        // The same time budget as every other call of the invocation.
        clientPlugins: [timeBudgetPlugin],
      });
      let identity: AwsCredentialIdentity;
      try {
        identity = await provider();
      } catch (error) {
        throw assumeRoleError(session, error);
      }
      return { ...identity, accountId: session.accountId };
    };
  };

/** AssumeRole with the function's own credentials and this rule's client settings. */
export const temporaryCredentials: RoleProviderFactory = temporaryCredentialsWith();

const isExpiring = createIsIdentityExpiredFunction(REFRESH_MARGIN_MS);

/**
 * The provider of one role session, memoised the SDK's way: it assumes the role again only when the
 * credentials are within REFRESH_MARGIN_MS of their expiry; concurrent calls share one AssumeRole; a
 * failure is not kept.
 */
export const memoizedRoleProvider = (
  session: RoleSession,
  providerFor: RoleProviderFactory = temporaryCredentials,
): AwsCredentialIdentityProvider =>
  memoizeIdentityProvider(
    providerFor(session),
    isExpiring,
    doesIdentityRequireRefresh,
  ) as AwsCredentialIdentityProvider;

/** Credentials of assumed roles, kept per role session. */
export interface RoleCredentials {
  /**
   * The credential provider of a role session, the same one for every call within the session's lifetime.
   * It is memoised the SDK's way: it assumes the role again only when the credentials are within
   * REFRESH_MARGIN_MS of their expiry; concurrent calls share one AssumeRole; a failure is not kept.
   */
  provider(session: RoleSession): AwsCredentialIdentityProvider;
}

export interface RoleCredentialsOptions {
  readonly providerFor?: RoleProviderFactory;
}

/** A session not asked for in this long has expired credentials anyway: it is forgotten, STS client and all. */
const FORGET_AFTER_MS = SESSION_DURATION_SECONDS * 1000;

/**
 * The providers of a container (`roleCredentials`), so a burst of events in one account assumes the role
 * once. A central function sees many accounts: a session unused for an hour is dropped.
 */
export const createRoleCredentials = ({
  providerFor = temporaryCredentials,
}: RoleCredentialsOptions = {}): RoleCredentials => {
  const sessions = new Map<string, { provider: AwsCredentialIdentityProvider; usedAt: number }>();
  return {
    provider(session) {
      const now = Date.now();
      for (const [key, kept] of sessions) if (now - kept.usedAt >= FORGET_AFTER_MS) sessions.delete(key);
      const key = `${session.roleArn}\n${session.sessionName}`;
      let kept = sessions.get(key);
      if (kept === undefined) {
        kept = { provider: memoizedRoleProvider(session, providerFor), usedAt: now };
        sessions.set(key, kept);
      }
      kept.usedAt = now;
      return kept.provider;
    },
  };
};

/** The container's role credentials. */
export const roleCredentials: RoleCredentials = createRoleCredentials();

let callerAccount: Promise<string> | undefined;

/**
 * The account of the function's own credentials, from STS GetCallerIdentity, asked once per container.
 * Only needed when the Lambda context carries no function ARN to read it from.
 */
export const callerAccountId = (): Promise<string> => {
  callerAccount ??= (async () => {
    const { GetCallerIdentityCommand, STSClient } = await import('./sts.js');
    const { Account } = await awsClient(STSClient).send(new GetCallerIdentityCommand({}));
    if (Account === undefined) throw new RuleError('STS GetCallerIdentity returned no account');
    return Account;
  })().catch((error: unknown) => {
    callerAccount = undefined;
    throw error;
  });
  return callerAccount;
};
