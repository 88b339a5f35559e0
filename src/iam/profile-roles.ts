import { GetInstanceProfileCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { type AwsAccess, awsClient, perAccount } from '../aws/client-options.js';
import { parseInstanceProfileArn } from '../aws/names.js';
import { ProfileLookupError } from '../errors.js';
import { needsProfileRole } from '../rule/decide.js';
import type { InstanceView } from '../rule/instance-view.js';
import type { RuleParameters } from '../rule/parameters.js';

/** What IAM says about an instance profile. */
export interface InstanceProfileFacts {
  /** False when IAM has no profile of that name (deleted after it was attached, or a typo). */
  readonly exists: boolean;
  /** Whether the profile holds an IAM role; a profile that does not exist holds none. */
  readonly holdsRole: boolean;
  /** The profile's ARN as IAM reports it, when it exists. */
  readonly arn?: string;
}

/** Instance profiles, as IAM describes them. */
export interface ProfileRoles {
  /**
   * What IAM says of a profile (a name or an ARN); `undefined` when the profile cannot be looked up from
   * here (an ARN of another account, or not an instance profile ARN). Throws ProfileLookupError when IAM
   * could not answer.
   */
  describe(profile: string): Promise<InstanceProfileFacts | undefined>;
  /** `describe(profile)`'s `holdsRole`, or `undefined` when the profile cannot be looked up from here. */
  holdsRole(profile: string): Promise<boolean | undefined>;
}

/** Fills in what the instance's own record does not say; returns the view unchanged when it needs nothing. */
export type ViewEnricher = (view: InstanceView) => Promise<InstanceView>;

export interface ProfileRolesOptions {
  /** The account the IAM client reads; profile ARNs of other accounts are not looked up. */
  readonly accountId?: string;
}

/**
 * Reads instance profiles with iam:GetInstanceProfile, one call per distinct profile: the answer (or the
 * call in flight) is cached for the lifetime of this object, so create one per invocation or per audit.
 * Concurrent questions about the same profile share one call.
 */
export const profileRoles = (client: IAMClient, options: ProfileRolesOptions = {}): ProfileRoles => {
  const answers = new Map<string, Promise<InstanceProfileFacts | undefined>>();

  const lookUp = async (profile: string): Promise<InstanceProfileFacts | undefined> => {
    let name = profile;
    if (profile.startsWith('arn:')) {
      const parsed = parseInstanceProfileArn(profile);
      if (parsed === undefined) return undefined;
      if (options.accountId !== undefined && parsed.accountId !== options.accountId) return undefined;
      name = parsed.name;
    }
    try {
      const { InstanceProfile } = await client.send(
        new GetInstanceProfileCommand({ InstanceProfileName: name }),
      );
      return {
        exists: true,
        holdsRole: (InstanceProfile?.Roles ?? []).length > 0,
        ...(InstanceProfile?.Arn === undefined ? {} : { arn: InstanceProfile.Arn }),
      };
    } catch (error) {
      // A profile deleted after it was attached: the instance keeps the association but gets no credentials.
      if (error instanceof NoSuchEntityException) return { exists: false, holdsRole: false };
      const { name: code, message } = error as Error;
      throw new ProfileLookupError(
        `iam:GetInstanceProfile failed for instance profile ${profile}: ${code}: ${message}`,
        { cause: error },
      );
    }
  };

  const describe = (profile: string): Promise<InstanceProfileFacts | undefined> => {
    let answer = answers.get(profile);
    if (answer === undefined) {
      answer = lookUp(profile);
      answers.set(profile, answer);
    }
    return answer;
  };

  return { describe, holdsRole: async (profile) => (await describe(profile))?.holdsRole };
};

/** Fills in `profileHoldsRole` for the instances whose decision needs it (`requireRoleInProfile`). */
export const profileRoleEnricher =
  (roles: ProfileRoles, parameters: RuleParameters): ViewEnricher =>
  async (view) => {
    // The sweep and the audit look up live instances; a change that left the scope is never enriched.
    if (!needsProfileRole(view, parameters, { eventLeftScope: false })) return view;
    const holdsRole = await roles.holdsRole(view.instanceProfileArn);
    return holdsRole === undefined ? view : { ...view, profileHoldsRole: holdsRole };
  };

/**
 * The IAM client per account. This module is loaded only when `requireRoleInProfile` is on, so the IAM
 * client stays off every other cold start.
 */
export const iamClient = perAccount((access) => awsClient(IAMClient, access));

/** The enricher of one invocation: its own cache, the account's IAM client. */
export const createProfileRoleEnricher = (access: AwsAccess, parameters: RuleParameters): ViewEnricher =>
  profileRoleEnricher(profileRoles(iamClient(access), { accountId: access.accountId }), parameters);
