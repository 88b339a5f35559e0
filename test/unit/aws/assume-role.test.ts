import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  assumeWithSts,
  callerAccountId,
  createRoleCredentials,
  REFRESH_MARGIN_MS,
  type RoleSession,
  roleSessionName,
  SESSION_DURATION_SECONDS,
} from '../../../src/aws/assume-role.js';
import { AssumeRoleError } from '../../../src/errors.js';

const sts = mockClient(STSClient);

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

/** A clock the test moves by hand. */
const fakeClock = (start = T0) => {
  let time = start;
  return { now: () => time, set: (to: number) => (time = to) };
};

/** STS answers every AssumeRole with new keys that expire an hour after `clock`. */
const issueKeys = (clock: { now: () => number }) => {
  let issued = 0;
  sts.on(AssumeRoleCommand).callsFake(() => {
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

const stsError = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('roleSessionName', () => {
  it('keeps a rule name STS accepts as it is', () => {
    expect(roleSessionName('app-tier-ec2-instance-uses-iam-role')).toBe(
      'app-tier-ec2-instance-uses-iam-role',
    );
  });

  it('replaces every character STS rejects with a dash', () => {
    expect(roleSessionName('OrgConfigRule app/tier:rule#1 (prod)')).toBe(
      'OrgConfigRule-app-tier-rule-1--prod-',
    );
  });

  it('keeps the characters STS allows besides letters and digits', () => {
    expect(roleSessionName('a_b+c=d,e.f@g-h')).toBe('a_b+c=d,e.f@g-h');
  });

  it('cuts a long name to 64 characters', () => {
    // Prepare
    const name = `OrgConfigRule-${'x'.repeat(100)}`;

    // Act
    const session = roleSessionName(name);

    // Assess
    expect(session).toHaveLength(64);
    expect(session).toBe(name.slice(0, 64));
  });

  it('pads a one-character name to the minimum of two', () => {
    expect(roleSessionName('r')).toBe('r-');
  });

  it('always matches the pattern STS enforces', () => {
    for (const name of ['r', 'ä ö ü', 'rule\nname', 'x'.repeat(200), '日本語のルール']) {
      expect(roleSessionName(name)).toMatch(/^[\w+=,.@-]{2,64}$/);
    }
  });
});

describe('assumeWithSts', () => {
  beforeEach(() => sts.reset());

  it('assumes the role for an hour with the session name and returns expiring credentials of that account', async () => {
    // Prepare
    const expiration = new Date(T0 + HOUR_MS);
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAB',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: expiration,
      },
    });

    // Act
    const credentials = await assumeWithSts(SESSION_B);

    // Assess
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: SESSION_B.roleArn,
      RoleSessionName: SESSION_B.sessionName,
      DurationSeconds: SESSION_DURATION_SECONDS,
    });
    expect(credentials).toEqual({
      accessKeyId: 'ASIAB',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration,
      accountId: ACCOUNT_B,
    });
  });

  it('names the role ARN and the account when access is denied, and says what to check', async () => {
    // Prepare
    sts
      .on(AssumeRoleCommand)
      .rejects(
        stsError(
          'AccessDenied',
          'User: arn:aws:sts::111111111111:assumed-role/central/fn is not authorized to perform: sts:AssumeRole',
        ),
      );

    // Act
    const failure = assumeWithSts(SESSION_B);

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
    sts
      .on(AssumeRoleCommand)
      .rejects(stsError('RegionDisabledException', 'STS is not activated in this region'));

    // Act
    const failure = assumeWithSts(SESSION_B);

    // Assess
    await expect(failure).rejects.toThrow(
      `Could not assume role ${SESSION_B.roleArn} in account ${ACCOUNT_B}: RegionDisabledException: STS is not activated in this region`,
    );
  });

  it('fails clearly when STS answers without credentials', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).resolves({});

    // Act
    const failure = assumeWithSts(SESSION_B);

    // Assess
    await expect(failure).rejects.toThrow(
      `Could not assume role ${SESSION_B.roleArn} in account ${ACCOUNT_B}: STS returned no credentials`,
    );
  });
});

describe('createRoleCredentials', () => {
  beforeEach(() => sts.reset());

  it('assumes the role once for a burst of calls in one account', async () => {
    // Prepare
    const clock = fakeClock();
    issueKeys(clock);
    const cache = createRoleCredentials({ now: clock.now });

    // Act
    const keys = [];
    for (let event = 0; event < 5; event += 1) {
      keys.push((await cache.provider(SESSION_B)()).accessKeyId);
      clock.set(clock.now() + 60_000);
    }

    // Assess
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(new Set(keys)).toEqual(new Set(['ASIAKEY1']));
  });

  it('shares one AssumeRole between concurrent calls', async () => {
    // Prepare
    const clock = fakeClock();
    issueKeys(clock);
    const provider = createRoleCredentials({ now: clock.now }).provider(SESSION_B);

    // Act
    const all = await Promise.all([provider(), provider(), provider()]);

    // Assess
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(all.map((credentials) => credentials.accessKeyId)).toEqual(['ASIAKEY1', 'ASIAKEY1', 'ASIAKEY1']);
  });

  it('keeps the credentials until five minutes before they expire, then assumes the role again', async () => {
    // Prepare
    const clock = fakeClock();
    issueKeys(clock);
    const provider = createRoleCredentials({ now: clock.now }).provider(SESSION_B);
    const first = await provider();
    const renewAt = (first.expiration as Date).getTime() - REFRESH_MARGIN_MS;

    // Act
    clock.set(renewAt - 1);
    const justBefore = await provider();
    clock.set(renewAt);
    const atMargin = await provider();

    // Assess
    expect(REFRESH_MARGIN_MS).toBe(5 * 60 * 1000);
    expect(justBefore.accessKeyId).toBe('ASIAKEY1');
    expect(atMargin.accessKeyId).toBe('ASIAKEY2');
    expect(atMargin.expiration).toEqual(new Date(renewAt + HOUR_MS));
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('caches each account on its own', async () => {
    // Prepare
    const clock = fakeClock();
    issueKeys(clock);
    const cache = createRoleCredentials({ now: clock.now });

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
    expect(sts).toHaveReceivedNthCommandWith(AssumeRoleCommand, 2, { RoleArn: SESSION_C.roleArn });
  });

  it('does not cache a failure: the next call assumes the role again', async () => {
    // Prepare
    const clock = fakeClock();
    sts
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
    const provider = createRoleCredentials({ now: clock.now }).provider(SESSION_B);

    // Act
    const failure = provider();
    await expect(failure).rejects.toThrow(AssumeRoleError);
    const retried = await provider();

    // Assess
    expect(retried.accessKeyId).toBe('ASIAAFTERFIX');
    expect(retried).not.toHaveProperty('sessionToken');
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('asks again every time when the credentials carry no expiry', async () => {
    // Prepare
    let calls = 0;
    const cache = createRoleCredentials({
      now: fakeClock().now,
      assume: async () => {
        calls += 1;
        return { accessKeyId: `AKIA${calls}`, secretAccessKey: 'secret' };
      },
    });

    // Act
    await cache.provider(SESSION_B)();
    const second = await cache.provider(SESSION_B)();

    // Assess
    expect(second.accessKeyId).toBe('AKIA2');
  });

  it('forgets expired credentials of other accounts when it renews', async () => {
    // Prepare
    const clock = fakeClock();
    const assumed: string[] = [];
    const cache = createRoleCredentials({
      now: clock.now,
      assume: async (session) => {
        assumed.push(session.accountId);
        return {
          accessKeyId: 'ASIA',
          secretAccessKey: 'secret',
          expiration: new Date(clock.now() + HOUR_MS),
        };
      },
    });
    await cache.provider(SESSION_B)();
    await cache.provider(SESSION_C)();

    // Act
    clock.set(T0 + 2 * HOUR_MS);
    await cache.provider(SESSION_C)();
    await cache.provider(SESSION_B)();

    // Assess
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
