import { GetInstanceProfileCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { ProfileLookupError } from '../../../src/errors.js';
import {
  createProfileRoleEnricher,
  type ProfileRoles,
  profileRoleEnricher,
  profileRoles,
} from '../../../src/iam/profile-roles.js';
import type { InstanceView } from '../../../src/rule/instance-view.js';
import type { RuleParameters } from '../../../src/rule/parameters.js';

const ACCOUNT = '123456789012';
const PROFILE = `arn:aws:iam::${ACCOUNT}:instance-profile/app`;
const EMPTY_PROFILE = `arn:aws:iam::${ACCOUNT}:instance-profile/team/empty`;
const PARAMETERS: RuleParameters = { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: true };

const iam = mockClient(IAMClient);

const role = {
  RoleName: 'app',
  RoleId: 'AROA',
  Arn: `arn:aws:iam::${ACCOUNT}:role/app`,
  Path: '/',
  CreateDate: new Date(),
};
const profileOutput = (name: string, roles: (typeof role)[]) => ({
  InstanceProfile: {
    InstanceProfileName: name,
    InstanceProfileId: 'AIPA',
    Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${name}`,
    Path: '/',
    CreateDate: new Date(),
    Roles: roles,
  },
});

const appInstance = (overrides: Partial<InstanceView> = {}): InstanceView => ({
  resourceType: 'AWS::EC2::Instance',
  resourceId: 'i-0123456789abcdef0',
  hasConfiguration: true,
  state: 'running',
  tags: new Map([['tier', 'app']]),
  instanceProfileArn: PROFILE,
  ...overrides,
});

/** A ProfileRoles that answers from a table and counts the questions. */
const fakeRoles = (answers: Record<string, boolean | undefined>) => {
  const asked: string[] = [];
  const holdsRole = async (profile: string) => {
    asked.push(profile);
    return answers[profile];
  };
  const roles: ProfileRoles = {
    holdsRole,
    describe: async (profile) => {
      const holds = await holdsRole(profile);
      return holds === undefined ? undefined : { exists: true, holdsRole: holds };
    },
  };
  return { roles, asked };
};

beforeEach(() => {
  iam.reset();
});

describe('profileRoles', () => {
  it('says true for a profile that holds a role, asking IAM by the name without the path', async () => {
    // Prepare
    iam.on(GetInstanceProfileCommand).resolves(profileOutput('app', [role]));

    // Act
    const holds = await profileRoles(new IAMClient({})).holdsRole(PROFILE);

    // Assess
    expect(holds).toBe(true);
    expect(iam).toHaveReceivedCommandWith(GetInstanceProfileCommand, { InstanceProfileName: 'app' });
  });

  it('says false for a profile that holds no role', async () => {
    // Prepare
    iam.on(GetInstanceProfileCommand).resolves(profileOutput('empty', []));

    // Act
    const holds = await profileRoles(new IAMClient({})).holdsRole(EMPTY_PROFILE);

    // Assess
    expect(holds).toBe(false);
    expect(iam).toHaveReceivedCommandWith(GetInstanceProfileCommand, { InstanceProfileName: 'empty' });
  });

  it('says false for a profile that does not exist (NoSuchEntity): it gives no credentials', async () => {
    // Prepare
    iam
      .on(GetInstanceProfileCommand)
      .rejects(new NoSuchEntityException({ message: 'Instance profile app not found', $metadata: {} }));

    // Act
    const holds = await profileRoles(new IAMClient({})).holdsRole(PROFILE);

    // Assess
    expect(holds).toBe(false);
  });

  it('fails on any other error (AccessDenied), naming the profile and keeping the cause', async () => {
    // Prepare
    const denied = Object.assign(new Error('not authorized to perform: iam:GetInstanceProfile'), {
      name: 'AccessDenied',
    });
    iam.on(GetInstanceProfileCommand).rejects(denied);

    // Act
    const asking = profileRoles(new IAMClient({})).holdsRole(PROFILE);

    // Assess
    await expect(asking).rejects.toThrow(ProfileLookupError);
    await expect(asking).rejects.toMatchObject({
      message: `iam:GetInstanceProfile failed for instance profile ${PROFILE}: AccessDenied: not authorized to perform: iam:GetInstanceProfile`,
      cause: denied,
    });
  });

  it('does not look up a profile of another account, nor a string that is no instance profile ARN', async () => {
    // Prepare
    const roles = profileRoles(new IAMClient({}), { accountId: '999999999999' });

    // Act
    const answers = await Promise.all([roles.holdsRole(PROFILE), roles.holdsRole('arn:aws:iam::1:role/x')]);

    // Assess
    expect(answers).toEqual([undefined, undefined]);
    expect(iam).not.toHaveReceivedCommand(GetInstanceProfileCommand);
  });

  it('looks up a profile of its own account, and a bare name', async () => {
    // Prepare
    iam.on(GetInstanceProfileCommand).resolves(profileOutput('app', [role]));
    const roles = profileRoles(new IAMClient({}), { accountId: ACCOUNT });

    // Act
    const answers = await Promise.all([roles.holdsRole(PROFILE), roles.holdsRole('web')]);

    // Assess
    expect(answers).toEqual([true, true]);
    expect(iam).toHaveReceivedCommandWith(GetInstanceProfileCommand, { InstanceProfileName: 'web' });
  });

  it('makes one call per distinct profile, however many questions arrive at once, in any order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(PROFILE, EMPTY_PROFILE, `arn:aws:iam::${ACCOUNT}:instance-profile/web`), {
          maxLength: 30,
        }),
        async (asked) => {
          // Prepare
          iam.reset();
          iam.on(GetInstanceProfileCommand).resolves(profileOutput('any', [role]));
          const roles = profileRoles(new IAMClient({}));

          // Act
          await Promise.all(asked.map((profile) => roles.holdsRole(profile)));

          // Assess
          expect(iam.commandCalls(GetInstanceProfileCommand)).toHaveLength(new Set(asked).size);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('profileRoles.describe', () => {
  it('says whether the profile exists, holds a role, and its ARN', async () => {
    // Prepare
    iam.on(GetInstanceProfileCommand, { InstanceProfileName: 'app' }).resolves(profileOutput('app', [role]));
    iam
      .on(GetInstanceProfileCommand, { InstanceProfileName: 'gone' })
      .rejects(
        new NoSuchEntityException({ message: 'Instance Profile gone cannot be found.', $metadata: {} }),
      );
    const roles = profileRoles(new IAMClient({}));

    // Act
    const facts = await Promise.all([roles.describe('app'), roles.describe(PROFILE), roles.describe('gone')]);

    // Assess
    expect(facts).toEqual([
      { exists: true, holdsRole: true, arn: PROFILE },
      { exists: true, holdsRole: true, arn: PROFILE },
      { exists: false, holdsRole: false },
    ]);
  });
});

describe('profileRoleEnricher', () => {
  it('fills in profileHoldsRole for an in-scope instance with a profile', async () => {
    // Prepare
    const { roles, asked } = fakeRoles({ [PROFILE]: false });

    // Act
    const view = await profileRoleEnricher(roles, PARAMETERS)(appInstance());

    // Assess
    expect(view.profileHoldsRole).toBe(false);
    expect(asked).toEqual([PROFILE]);
  });

  it('leaves profileHoldsRole absent when IAM cannot say', async () => {
    // Prepare
    const { roles } = fakeRoles({ [PROFILE]: undefined });
    const original = appInstance();

    // Act
    const view = await profileRoleEnricher(roles, PARAMETERS)(original);

    // Assess
    expect(view).toBe(original);
    expect('profileHoldsRole' in view).toBe(false);
  });

  it.each<[string, Partial<InstanceView>, Partial<RuleParameters>]>([
    ['the option is off', {}, { requireRoleInProfile: false }],
    ['no profile is attached', { instanceProfileArn: undefined }, {}],
    ['the answer is already known', { profileHoldsRole: true }, {}],
    ['the instance is not app tier', { tags: new Map([['tier', 'web']]) }, {}],
    ['the instance is terminated', { state: 'terminated' }, {}],
    ['the instance was deleted', { status: 'ResourceDeleted' }, {}],
    [
      'the profile is outside the allow-list (NON_COMPLIANT anyway)',
      {},
      { allowedInstanceProfileArns: new Set([EMPTY_PROFILE]) },
    ],
  ])('does not ask IAM when %s', async (_case, overrides, parameters) => {
    // Prepare
    const { roles, asked } = fakeRoles({ [PROFILE]: true });
    const original = appInstance(overrides);

    // Act
    const view = await profileRoleEnricher(roles, { ...PARAMETERS, ...parameters })(original);

    // Assess
    expect(view).toBe(original);
    expect(asked).toEqual([]);
  });

  it('asks IAM for a profile inside the allow-list', async () => {
    // Prepare
    const { roles, asked } = fakeRoles({ [PROFILE]: true });

    // Act
    const view = await profileRoleEnricher(roles, {
      ...PARAMETERS,
      allowedInstanceProfileArns: new Set([PROFILE]),
    })(appInstance());

    // Assess
    expect(view.profileHoldsRole).toBe(true);
    expect(asked).toEqual([PROFILE]);
  });
});

describe('createProfileRoleEnricher', () => {
  it("reads the event's account with its own cache: one call for two instances sharing a profile", async () => {
    // Prepare
    iam.on(GetInstanceProfileCommand).resolves(profileOutput('app', [role]));
    const enrich = createProfileRoleEnricher({ accountId: ACCOUNT }, PARAMETERS);

    // Act
    const views = await Promise.all([enrich(appInstance()), enrich(appInstance({ resourceId: 'i-2' }))]);

    // Assess
    expect(views.map((view) => view.profileHoldsRole)).toEqual([true, true]);
    expect(iam).toHaveReceivedCommandTimes(GetInstanceProfileCommand, 1);
  });

  it('starts a fresh cache for every invocation', async () => {
    // Prepare
    iam.on(GetInstanceProfileCommand).resolves(profileOutput('app', [role]));

    // Act
    await createProfileRoleEnricher({ accountId: ACCOUNT }, PARAMETERS)(appInstance());
    await createProfileRoleEnricher({ accountId: ACCOUNT }, PARAMETERS)(appInstance());

    // Assess
    expect(iam).toHaveReceivedCommandTimes(GetInstanceProfileCommand, 2);
  });

  it('does not look up a profile of another account than the event', async () => {
    // Prepare
    const enrich = createProfileRoleEnricher({ accountId: '999999999999' }, PARAMETERS);

    // Act
    const view = await enrich(appInstance());

    // Assess
    expect(view.profileHoldsRole).toBeUndefined();
    expect(iam).not.toHaveReceivedCommand(GetInstanceProfileCommand);
  });
});
