import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AssumeRoleCommand, STSClient as SdkStsClient } from '@aws-sdk/nested-clients/sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  callerAccountId,
  createRoleCredentials,
  REFRESH_MARGIN_MS,
  type RoleSession,
  SESSION_DURATION_SECONDS,
  temporaryCredentials,
} from '../../../src/aws/assume-role.js';
import { AssumeRoleError } from '../../../src/errors.js';

// GetCallerIdentity goes through the STS client; AssumeRole through the one the SDK's
// fromTemporaryCredentials creates.
const sts = mockClient(STSClient);
const assumeRole = mockClient(SdkStsClient);

const ACCOUNT_B = '222222222222';
const SESSION_B: RoleSession = {
  roleArn: `arn:aws:iam::${ACCOUNT_B}:role/app-tier-rule-execution`,
  accountId: ACCOUNT_B,
  sessionName: 'app-tier-ec2-instance-uses-iam-role',
};
const SESSION_C: RoleSession = {
  roleArn: 'arn:aws:iam::333333333333:role/app-tier-rule-execution',
  accountId: '333333333333',
  sessionName: 'app-tier-ec2-instance-uses-iam-role',
};
const T0 = Date.parse('2026-11-28T10:00:00Z');
const HOUR_MS = 3_600_000;

/** The SDK's memoisation reads Date.now(): the tests move the system clock by hand. */
const clock = {
  start: () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
  },
  now: () => Date.now(),
  set: (to: number) => vi.setSystemTime(to),
};

/** STS answers every AssumeRole with new keys that expire an hour after the clock's time. */
const issueKeys = () => {
  let issued = 0;
  assumeRole.on(AssumeRoleCommand).callsFake(() => {
    issued += 1;
    return {
      Credentials: {
        AccessKeyId: `ASIAKEY${issued}`,
        SecretAccessKey: `secret-${issued}`,
        SessionToken: `token-${issued}`,
        Expiration: new Date(clock.now() + HOUR_MS),
      },
    };
  });
};

const stsError = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: {} });

describe("temporaryCredentials (the SDK's fromTemporaryCredentials)", () => {
  beforeEach(() => assumeRole.reset());

  it('assumes the role for an hour with the session name and returns expiring credentials of that account', async () => {
    // Prepare
    const expiration = new Date(T0 + HOUR_MS);
    assumeRole.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAB',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: expiration,
      },
    });

    // Act
    const credentials = await temporaryCredentials(SESSION_B)();

    // Assess
    expect(assumeRole).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: SESSION_B.roleArn,
      RoleSessionName: SESSION_B.sessionName,
      DurationSeconds: SESSION_DURATION_SECONDS,
    });
    expect(credentials).toMatchObject({
      accessKeyId: 'ASIAB',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration,
      accountId: ACCOUNT_B,
    });
  });

  it('names the role ARN and the account when access is denied, and says what to check', async () => {
    // Prepare
    assumeRole
      .on(AssumeRoleCommand)
      .rejects(
        stsError(
          'AccessDenied',
          'User: arn:aws:sts::111111111111:assumed-role/central/fn is not authorized to perform: sts:AssumeRole',
        ),
      );

    // Act
    const failure = temporaryCredentials(SESSION_B)();

    // Assess
    await expect(failure).rejects.toThrow(AssumeRoleError);
    await expect(failure).rejects.toThrow(
      `Access denied assuming role ${SESSION_B.roleArn} in account ${ACCOUNT_B}: the role must exist in account ${ACCOUNT_B} and trust this function's role`,
    );
    await expect(failure).rejects.toMatchObject({
      roleArn: SESSION_B.roleArn,
      accountId: ACCOUNT_B,
      cause: expect.objectContaining({ name: 'AccessDenied' }),
    });
  });

  it('names the role, the account and the STS error for any other failure', async () => {
    // Prepare
    assumeRole
      .on(AssumeRoleCommand)
      .rejects(stsError('RegionDisabledException', 'STS is not activated in this region'));

    // Act
    const failure = temporaryCredentials(SESSION_B)();

    // Assess
    await expect(failure).rejects.toThrow(
      `Could not assume role ${SESSION_B.roleArn} in account ${ACCOUNT_B}: RegionDisabledException: STS is not activated in this region`,
    );
  });

  it('fails clearly when STS answers without credentials', async () => {
    // Prepare
    assumeRole.on(AssumeRoleCommand).resolves({});

    // Act
    const failure = temporaryCredentials(SESSION_B)();

    // Assess
    await expect(failure).rejects.toThrow(
      `Could not assume role ${SESSION_B.roleArn} in account ${ACCOUNT_B}: CredentialsProviderError: Invalid response from STS.assumeRole call with role ${SESSION_B.roleArn}`,
    );
  });
});

describe('createRoleCredentials', () => {
  beforeEach(() => {
    assumeRole.reset();
    clock.start();
  });
  afterEach(() => vi.useRealTimers());

  it('assumes the role once for a burst of calls in one account', async () => {
    // Prepare
    issueKeys();
    const cache = createRoleCredentials();

    // Act
    const keys = [];
    for (let event = 0; event < 5; event += 1) {
      keys.push((await cache.provider(SESSION_B)()).accessKeyId);
      clock.set(clock.now() + 60_000);
    }

    // Assess
    expect(assumeRole).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(new Set(keys)).toEqual(new Set(['ASIAKEY1']));
  });

  it('shares one AssumeRole between concurrent calls', async () => {
    // Prepare
    issueKeys();
    const provider = createRoleCredentials().provider(SESSION_B);

    // Act
    const all = await Promise.all([provider(), provider(), provider()]);

    // Assess
    expect(assumeRole).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(all.map((credentials) => credentials.accessKeyId)).toEqual(['ASIAKEY1', 'ASIAKEY1', 'ASIAKEY1']);
  });

  it('keeps the credentials until five minutes before they expire, then assumes the role again', async () => {
    // Prepare
    issueKeys();
    const provider = createRoleCredentials().provider(SESSION_B);
    const first = await provider();
    const renewAt = (first.expiration as Date).getTime() - REFRESH_MARGIN_MS;

    // Act
    clock.set(renewAt);
    const atMargin = await provider();
    clock.set(renewAt + 1);
    const withinMargin = await provider();

    // Assess
    expect(REFRESH_MARGIN_MS).toBe(5 * 60 * 1000);
    expect(atMargin.accessKeyId).toBe('ASIAKEY1');
    expect(withinMargin.accessKeyId).toBe('ASIAKEY2');
    expect(withinMargin.expiration).toEqual(new Date(renewAt + 1 + HOUR_MS));
    expect(assumeRole).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('caches each account on its own', async () => {
    // Prepare
    issueKeys();
    const cache = createRoleCredentials();

    // Act
    const inB = await cache.provider(SESSION_B)();
    const inC = await cache.provider(SESSION_C)();
    const inBAgain = await cache.provider(SESSION_B)();

    // Assess
    expect([inB.accessKeyId, inC.accessKeyId, inBAgain.accessKeyId]).toEqual([
      'ASIAKEY1',
      'ASIAKEY2',
      'ASIAKEY1',
    ]);
    expect(inC.accountId).toBe('333333333333');
    expect(assumeRole).toHaveReceivedNthCommandWith(AssumeRoleCommand, 2, { RoleArn: SESSION_C.roleArn });
  });

  it('does not cache a failure: the next call assumes the role again', async () => {
    // Prepare
    assumeRole
      .on(AssumeRoleCommand)
      .rejectsOnce(stsError('AccessDenied', 'not yet trusted'))
      .resolves({
        Credentials: {
          AccessKeyId: 'ASIAAFTERFIX',
          SecretAccessKey: 'secret',
          SessionToken: undefined,
          Expiration: new Date(T0 + HOUR_MS),
        },
      });
    const provider = createRoleCredentials().provider(SESSION_B);

    // Act
    const failure = provider();
    await expect(failure).rejects.toThrow(AssumeRoleError);
    const retried = await provider();

    // Assess
    expect(retried.accessKeyId).toBe('ASIAAFTERFIX');
    expect(retried.sessionToken).toBeUndefined();
    expect(assumeRole).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('forgets a session unused for an hour, and assumes its role again when it returns', async () => {
    // Prepare
    const assumed: string[] = [];
    const cache = createRoleCredentials({
      providerFor: (session) => async (): Promise<AwsCredentialIdentity> => {
        assumed.push(session.accountId);
        return {
          accessKeyId: 'ASIA',
          secretAccessKey: 'secret',
          expiration: new Date(clock.now() + HOUR_MS),
        };
      },
    });
    const providerOfB = cache.provider(SESSION_B);
    await providerOfB();
    await cache.provider(SESSION_C)();

    // Act
    clock.set(T0 + HOUR_MS - 1);
    const withinTheHour = cache.provider(SESSION_B);
    clock.set(T0 + 2 * HOUR_MS);
    await cache.provider(SESSION_C)();
    const afterTwoHours = cache.provider(SESSION_B);
    await afterTwoHours();

    // Assess
    expect(withinTheHour).toBe(providerOfB);
    expect(afterTwoHours).not.toBe(providerOfB);
    expect(assumed).toEqual([ACCOUNT_B, '333333333333', '333333333333', ACCOUNT_B]);
  });
});

describe('callerAccountId', () => {
  beforeEach(() => sts.reset());

  it('asks STS once and remembers the answer, but not a failure', async () => {
    // Prepare
    sts
      .on(GetCallerIdentityCommand)
      .rejectsOnce(stsError('ExpiredToken', 'expired'))
      .resolves({ Account: '111111111111' });

    // Act
    await expect(callerAccountId()).rejects.toThrow('expired');
    const first = await callerAccountId();
    const second = await callerAccountId();

    // Assess
    expect([first, second]).toEqual(['111111111111', '111111111111']);
    expect(sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 2);
  });
});

describe('callerAccountId, in a fresh container', () => {
  beforeEach(() => {
    sts.reset();
    vi.resetModules();
  });

  it('fails clearly when STS names no account', async () => {
    // Prepare
    const fresh = await import('../../../src/aws/assume-role.js');
    sts.on(GetCallerIdentityCommand).resolves({});

    // Act
    const failure = fresh.callerAccountId();

    // Assess
    await expect(failure).rejects.toThrow('STS GetCallerIdentity returned no account');
  });
});
