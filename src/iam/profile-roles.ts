import { GetInstanceProfileCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { type AwsAccess, awsClient, perAccount } from '../aws/client-options.js';
import { RuleError } from '../errors.js';
import { outOfScope } from '../rule/applicability.js';
import type { InstanceView } from '../rule/instance-view.js';
import type { RuleParameters } from '../rule/parameters.js';

/**
 * iam:GetInstanceProfile failed for a reason other than "no such profile" (access denied, throttling that
 * outlasted the SDK's retries, a network fault). The invocation fails: guessing either way could report a
 * wrong result.
 */
export class ProfileLookupError extends RuleError {
  override name = 'ProfileLookupError';
}

/** Whether an instance profile holds an IAM role, as IAM says. */
export interface ProfileRoles {
  /**
   * `true` or `false` when IAM could say (a profile that does not exist holds no role); `undefined` when
   * the profile cannot be looked up from here (an ARN of another account, or not an instance profile ARN).
   * Throws ProfileLookupError when IAM could not answer.
   */
  holdsRole(profile: string): Promise<boolean | undefined>;
}

/** Fills in what the instance's own record does not say; returns the view unchanged when it needs nothing. */
export type ViewEnricher = (view: InstanceView) => Promise<InstanceView>;

export interface ProfileRolesOptions {
  /** The account the IAM client reads; profile ARNs of other accounts are not looked up. */
  readonly accountId?: string;
}

const PROFILE_ARN = /^arn:aws[a-z-]*:iam::(\d+):instance-profile\/(?:[^/]*\/)*([^/]+)$/;

/** The account and the name of an instance profile ARN (the name is the part after the path). */
export const parseProfileArn = (arn: string): { accountId: string; name: string } | undefined => {
  const match = PROFILE_ARN.exec(arn);
  return match === null ? undefined : { accountId: match[1] as string, name: match[2] as string };
};

const isNoSuchEntity = (error: unknown) =>
  error instanceof NoSuchEntityException || (error as Error | undefined)?.name === 'NoSuchEntityException';

/**
 * Reads instance profiles with iam:GetInstanceProfile, one call per distinct profile: the answer (or the
 * call in flight) is cached for the lifetime of this object, so create one per invocation or per audit.
 * Concurrent questions about the same profile share one call.
 */
export const profileRoles = (client: IAMClient, options: ProfileRolesOptions = {}): ProfileRoles => {
  const answers = new Map<string, Promise<boolean | undefined>>();

  const lookUp = async (profile: string): Promise<boolean | undefined> => {
    let name = profile;
    if (profile.startsWith('arn:')) {
      const parsed = parseProfileArn(profile);
      if (parsed === undefined) return undefined;
      if (options.accountId !== undefined && parsed.accountId !== options.accountId) return undefined;
      name = parsed.name;
    }
    try {
      const output = await client.send(new GetInstanceProfileCommand({ InstanceProfileName: name }));
      return (output.InstanceProfile?.Roles ?? []).length > 0;
    } catch (error) {
      // A profile deleted after it was attached: the instance keeps the association but gets no credentials.
      if (isNoSuchEntity(error)) return false;
      const { name: code, message } = error as Error;
      throw new ProfileLookupError(
        `iam:GetInstanceProfile failed for instance profile ${profile}: ${code}: ${message}`,
        { cause: error },
      );
    }
  };

  return {
    holdsRole(profile) {
      let answer = answers.get(profile);
      if (answer === undefined) {
        answer = lookUp(profile);
        answers.set(profile, answer);
      }
      return answer;
    },
  };
};

/**
 * Whether the decision depends on the profile's role: the option is on, the instance is in scope, has a
 * profile, and passed the allow-list. Other instances are decided without calling IAM.
 */
const needsLookup = (
  view: InstanceView,
  parameters: RuleParameters,
): view is InstanceView & {
  instanceProfileArn: string;
} => {
  const profile = view.instanceProfileArn;
  if (!parameters.requireRoleInProfile || profile === undefined || view.profileHoldsRole !== undefined)
    return false;
  if (outOfScope(view, parameters.tag, false) !== undefined) return false;
  const allowed = parameters.allowedInstanceProfileArns;
  return allowed === undefined || allowed.has(profile);
};

/** Fills in `profileHoldsRole` for the instances whose decision needs it (`requireRoleInProfile`). */
export const profileRoleEnricher =
  (roles: ProfileRoles, parameters: RuleParameters): ViewEnricher =>
  async (view) => {
    if (!needsLookup(view, parameters)) return view;
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
