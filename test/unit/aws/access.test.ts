import type { AwsCredentialIdentity } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import {
  type AccessDependencies,
  type AccessSettings,
  accessSettings,
  EXECUTION_ROLE_NAME_ENV,
  resolveAccess,
  SAM_LOCAL_ENV,
} from '../../../src/aws/access.js';
import { createRoleCredentials, type RoleSession } from '../../../src/aws/assume-role.js';
import type { ConfigRuleEvent } from '../../../src/config/event.js';
import { AssumeRoleError, ForeignAccountError, InvalidEventError } from '../../../src/errors.js';
import { loadEvent } from '../../support/events.js';

const CENTRAL = '111111111111';
const MEMBER = '222222222222';
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${CENTRAL}:function:app-tier-iam-role-rule`;
const RULE_NAME = 'OrgConfigRule-app-tier-ec2-instance-uses-iam-role-abcdefgh';

/** The scheduled sample event, moved to an account and a rule ARN of the test's choice. */
const eventFor = (accountId: string, configRuleArn?: string): ConfigRuleEvent => {
  const { configRuleArn: _sampleArn, ...sample } = loadEvent('scheduled');
  return {
    ...sample,
    accountId,
    configRuleName: RULE_NAME,
    ...(configRuleArn === undefined ? {} : { configRuleArn }),
  } as unknown as ConfigRuleEvent;
};

/** Dependencies that record the role sessions asked for and never reach STS. */
const recording = (callerAccount = CENTRAL) => {
  const sessions: RoleSession[] = [];
  let callerAsked = 0;
  const dependencies: AccessDependencies = {
    roleCredentials: createRoleCredentials({
      providerFor: (session) => async (): Promise<AwsCredentialIdentity> => {
        sessions.push(session);
        return {
          accessKeyId: `ASIA${sessions.length}`,
          secretAccessKey: 'secret',
          expiration: new Date(Date.now() + 3_600_000),
        };
      },
    }),
    callerAccountId: async () => {
      callerAsked += 1;
      return callerAccount;
    },
  };
  return { dependencies, sessions, callerAsked: () => callerAsked };
};

const settings = (overrides: Partial<AccessSettings> = {}): AccessSettings => ({
  functionArn: FUNCTION_ARN,
  ...overrides,
});

describe('accessSettings', () => {
  it('takes the default execution role from EXECUTION_ROLE_NAME, trimmed', () => {
    expect(accessSettings(FUNCTION_ARN, { env: { [EXECUTION_ROLE_NAME_ENV]: ' member-exec ' } })).toEqual({
      functionArn: FUNCTION_ARN,
      defaultExecutionRoleName: 'member-exec',
    });
  });

  it('reads a blank or missing EXECUTION_ROLE_NAME as no default', () => {
    expect(accessSettings(FUNCTION_ARN, { env: { [EXECUTION_ROLE_NAME_ENV]: '  ' } })).toEqual({
      functionArn: FUNCTION_ARN,
    });
    expect(accessSettings(undefined, { env: {} })).toEqual({ functionArn: undefined });
  });

  it.each([
    { emulator: 'true', dryRun: true, localDryRun: true },
    { emulator: 'true', dryRun: false, localDryRun: undefined },
    { emulator: undefined, dryRun: true, localDryRun: undefined },
    { emulator: 'false', dryRun: true, localDryRun: undefined },
  ])(
    'marks a dry run in SAM local emulator only (AWS_SAM_LOCAL=$emulator, dry-run $dryRun)',
    ({ emulator, dryRun, localDryRun }) => {
      // Act
      const read = accessSettings(FUNCTION_ARN, { dryRun, env: { [SAM_LOCAL_ENV]: emulator } });

      // Assess
      expect(read.localDryRun).toBe(localDryRun);
    },
  );

  it('reads the process environment by default', () => {
    // Prepare
    process.env[EXECUTION_ROLE_NAME_ENV] = 'from-env';

    // Act
    const read = accessSettings(FUNCTION_ARN);
    delete process.env[EXECUTION_ROLE_NAME_ENV];

    // Assess
    expect(read.defaultExecutionRoleName).toBe('from-env');
  });
});

describe('resolveAccess without an execution role', () => {
  it("uses the function's own credentials for an event of its own account, without calling STS", async () => {
    // Prepare
    const { dependencies, sessions, callerAsked } = recording();

    // Act
    const access = await resolveAccess(eventFor(CENTRAL), undefined, settings(), dependencies);

    // Assess
    expect(access).toEqual({ accountId: CENTRAL });
    expect(sessions).toEqual([]);
    expect(callerAsked()).toBe(0);
  });

  it('fails an event of another account with a message naming both accounts and the fix', async () => {
    // Prepare
    const { dependencies, sessions } = recording();

    // Act
    const failure = resolveAccess(eventFor(MEMBER), undefined, settings(), dependencies);

    // Assess
    await expect(failure).rejects.toThrow(ForeignAccountError);
    await expect(failure).rejects.toThrow(
      `The event is for account ${MEMBER}, but this function runs in account ${CENTRAL} and no execution role is configured`,
    );
    await expect(failure).rejects.toThrow(
      "set the rule parameter executionRoleName (or the function's EXECUTION_ROLE_NAME)",
    );
    expect(sessions).toEqual([]);
  });

  it("asks STS for the function's account only when the function ARN does not name it", async () => {
    // Prepare
    const { dependencies, callerAsked } = recording(CENTRAL);

    // Act
    const own = await resolveAccess(
      eventFor(CENTRAL),
      undefined,
      settings({ functionArn: undefined }),
      dependencies,
    );
    const foreign = resolveAccess(
      eventFor(MEMBER),
      undefined,
      settings({ functionArn: 'local' }),
      dependencies,
    );

    // Assess
    expect(own).toEqual({ accountId: CENTRAL });
    await expect(foreign).rejects.toThrow(ForeignAccountError);
    expect(callerAsked()).toBe(2);
  });

  it("evaluates an event of another account in SAM's local emulator in dry-run mode, without STS", async () => {
    // Prepare
    const { dependencies, sessions, callerAsked } = recording();
    const emulator = 'arn:aws:lambda:us-east-1:012345678912:function:RuleFunction';

    // Act
    const access = await resolveAccess(
      eventFor(MEMBER),
      undefined,
      settings({ functionArn: emulator, localDryRun: true }),
      dependencies,
    );

    // Assess
    expect(access).toEqual({ accountId: MEMBER });
    expect(sessions).toEqual([]);
    expect(callerAsked()).toBe(0);
  });
});

describe('resolveAccess with an execution role', () => {
  it("assumes the named role in the event's account, with the rule's name as session name", async () => {
    // Prepare
    const { dependencies, sessions } = recording();
    const event = eventFor(MEMBER, `arn:aws:config:eu-west-1:${MEMBER}:config-rule/config-rule-abc`);

    // Act
    const access = await resolveAccess(event, 'member-exec', settings(), dependencies);

    // Assess
    const roleArn = `arn:aws:iam::${MEMBER}:role/member-exec`;
    expect(sessions).toEqual([{ roleArn, accountId: MEMBER, sessionName: RULE_NAME }]);
    expect(access.accountId).toBe(MEMBER);
    expect(access.credentialsKey).toBe(`${roleArn}\n${RULE_NAME}`);
    await expect(access.credentials?.()).resolves.toMatchObject({ accessKeyId: 'ASIA1' });
    expect(sessions).toHaveLength(1);
  });

  it.each([
    ['aws-cn', `arn:aws-cn:config:cn-north-1:${MEMBER}:config-rule/config-rule-abc`],
    ['aws-us-gov', `arn:aws-us-gov:config:us-gov-west-1:${MEMBER}:config-rule/config-rule-abc`],
    [
      'aws',
      `arn:aws:config:us-east-1:${MEMBER}:config-rule/aws-service-rule/config-multiaccountsetup.amazonaws.com/config-rule-abc`,
    ],
  ])('takes the partition %s from the rule ARN', async (partition, configRuleArn) => {
    // Prepare
    const { dependencies, sessions } = recording();

    // Act
    await resolveAccess(eventFor(MEMBER, configRuleArn), 'member-exec', settings(), dependencies);

    // Assess
    expect(sessions[0]?.roleArn).toBe(`arn:${partition}:iam::${MEMBER}:role/member-exec`);
  });

  it("falls back to the function's partition, then to aws, when the event has no rule ARN", async () => {
    // Prepare
    const { dependencies, sessions } = recording();
    const chinaFunction = `arn:aws-cn:lambda:cn-north-1:${CENTRAL}:function:rule`;

    // Act
    await resolveAccess(
      eventFor(MEMBER),
      'member-exec',
      settings({ functionArn: chinaFunction }),
      dependencies,
    );
    await resolveAccess(
      eventFor('333333333333'),
      'member-exec',
      settings({ functionArn: undefined }),
      dependencies,
    );

    // Assess
    expect(sessions.map((session) => session.roleArn)).toEqual([
      `arn:aws-cn:iam::${MEMBER}:role/member-exec`,
      'arn:aws:iam::333333333333:role/member-exec',
    ]);
  });

  it('uses EXECUTION_ROLE_NAME when the rule parameters name no role', async () => {
    // Prepare
    const { dependencies, sessions } = recording();

    // Act
    await resolveAccess(
      eventFor(MEMBER),
      undefined,
      settings({ defaultExecutionRoleName: 'from-env' }),
      dependencies,
    );

    // Assess
    expect(sessions[0]?.roleArn).toBe(`arn:aws:iam::${MEMBER}:role/from-env`);
  });

  it('lets the rule parameter win over EXECUTION_ROLE_NAME', async () => {
    // Prepare
    const { dependencies, sessions } = recording();

    // Act
    await resolveAccess(
      eventFor(MEMBER),
      'from-rule',
      settings({ defaultExecutionRoleName: 'from-env' }),
      dependencies,
    );

    // Assess
    expect(sessions[0]?.roleArn).toBe(`arn:aws:iam::${MEMBER}:role/from-rule`);
  });

  it("assumes the role in the function's own account too, so one role defines the rule's permissions everywhere", async () => {
    // Prepare
    const { dependencies, sessions } = recording();

    // Act
    const access = await resolveAccess(eventFor(CENTRAL), 'member-exec', settings(), dependencies);

    // Assess
    expect(sessions[0]?.roleArn).toBe(`arn:aws:iam::${CENTRAL}:role/member-exec`);
    expect(access.credentials).toBeTypeOf('function');
  });

  it('rejects an invalid EXECUTION_ROLE_NAME before calling STS', async () => {
    // Prepare
    const { dependencies, sessions } = recording();

    // Act
    const failure = resolveAccess(
      eventFor(MEMBER),
      undefined,
      settings({ defaultExecutionRoleName: 'path/role' }),
      dependencies,
    );

    // Assess
    await expect(failure).rejects.toThrow('EXECUTION_ROLE_NAME "path/role" is not a valid IAM role name');
    expect(sessions).toEqual([]);
  });

  it('rejects an event whose account id is not 12 digits instead of building a bad role ARN', async () => {
    // Prepare
    const { dependencies, sessions } = recording();

    // Act
    const failure = resolveAccess(eventFor('0123456789012'), 'member-exec', settings(), dependencies);

    // Assess
    await expect(failure).rejects.toThrow(InvalidEventError);
    await expect(failure).rejects.toThrow('accountId "0123456789012" is not a 12-digit AWS account id');
    expect(sessions).toEqual([]);
  });

  it('fails at once, naming the role and the account, when the role cannot be assumed', async () => {
    // Prepare
    const session = {
      roleArn: `arn:aws:iam::${MEMBER}:role/member-exec`,
      accountId: MEMBER,
      sessionName: 'r',
    };
    const dependencies: AccessDependencies = {
      roleCredentials: {
        provider: () => async () => {
          throw new AssumeRoleError(
            `Access denied assuming role ${session.roleArn} in account ${MEMBER}`,
            session,
          );
        },
      },
      callerAccountId: async () => CENTRAL,
    };

    // Act
    const failure = resolveAccess(eventFor(MEMBER), 'member-exec', settings(), dependencies);

    // Assess
    await expect(failure).rejects.toThrow(
      `Access denied assuming role arn:aws:iam::${MEMBER}:role/member-exec in account ${MEMBER}`,
    );
  });
});
