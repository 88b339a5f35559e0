import { parseInstanceProfileArn } from '../aws/names.js';
import { composeAnnotation, type Elastic, fitAnnotation, name, tagDescription } from './annotation.js';
import { outOfScope } from './applicability.js';
import { ComplianceType, type Decision, Reason } from './compliance.js';
import type { InstanceView } from './instance-view.js';
import { describeOwner, fixAtSource, type NonCompliantReason } from './owner-advice.js';
import type { RuleParameters } from './parameters.js';

/** What the event says about the instance beyond the configuration item itself. */
export interface DecisionContext {
  readonly eventLeftScope: boolean;
}

type InScope = Omit<Decision, 'annotation'> & {
  readonly reason: NonCompliantReason | typeof Reason.UsesRole;
};

/**
 * A NON_COMPLIANT annotation: the reason first, then the fix. For an owned instance the fix is at its
 * owner (a profile attached by hand would not outlive the next replacement); otherwise on the instance.
 */
const nonCompliant = (
  view: InstanceView,
  parameters: RuleParameters,
  reason: NonCompliantReason,
  what: readonly (string | Elastic)[],
  instanceFix: string,
): InScope & { parts: (string | Elastic)[] } => {
  const fix =
    view.owner === undefined
      ? [': ', instanceFix]
      : ['; ', ...describeOwner(view.owner), ': ', ...fixAtSource(view.owner, reason, view.profileHoldsRole)];
  return {
    compliance: ComplianceType.NonCompliant,
    reason,
    parts: [...what, ...fix, tagDescription(parameters.tag)],
  };
};

const decideInScope = (
  view: InstanceView,
  parameters: RuleParameters,
): InScope & { parts: (string | Elastic)[] } => {
  // A profile known only at deploy is attached, but never checked against the allow-list (see below).
  const atDeploy = view.instanceProfileArn === undefined ? view.profileKnownAtDeploy?.profile : undefined;
  const profile = view.instanceProfileArn ?? atDeploy;
  // The profile's name says which it is (an instance can only have a profile of its own account).
  const profileName =
    profile === undefined || atDeploy !== undefined
      ? (profile ?? '')
      : (parseInstanceProfileArn(profile)?.name ?? profile);
  // An association without an ARN is not "no profile", but it cannot be checked either: never COMPLIANT.
  if (profile === undefined && view.profileWithoutArn !== undefined) {
    const { id } = view.profileWithoutArn;
    return nonCompliant(
      view,
      parameters,
      Reason.ProfileWithoutArn,
      id === undefined
        ? ['Profile association with neither ARN nor id']
        : ['Profile association without ARN (id ', name(id), ')'],
      'check it with ec2 describe-iam-instance-profile-associations',
    );
  }
  if (profile === undefined) {
    return nonCompliant(
      view,
      parameters,
      Reason.NoProfile,
      ['No IAM instance profile'],
      'attach one with ec2 associate-iam-instance-profile',
    );
  }
  const allowed = parameters.allowedInstanceProfileArns;
  if (allowed !== undefined && atDeploy !== undefined) {
    return nonCompliant(
      view,
      parameters,
      Reason.ProfileNotVerifiable,
      ['Profile attached, not verifiable before deploy (', name(atDeploy), ')'],
      'name an allowed profile ARN',
    );
  }
  if (allowed !== undefined && !allowed.has(profile)) {
    return nonCompliant(
      view,
      parameters,
      Reason.ProfileNotAllowed,
      ['Profile not in allowedInstanceProfileArns (', name(profileName), ')'],
      'switch it with ec2 replace-iam-instance-profile-association',
    );
  }
  // Unknown (the lookup could not say, e.g. a profile ARN of another account) is not a role: with the
  // option on, only a confirmed role makes the instance COMPLIANT.
  if (parameters.requireRoleInProfile && view.profileHoldsRole !== true) {
    return view.profileHoldsRole === false
      ? nonCompliant(
          view,
          parameters,
          Reason.ProfileWithoutRole,
          ['Profile holds no IAM role, or is deleted (', name(profileName), ')'],
          'add a role with iam add-role-to-instance-profile',
        )
      : nonCompliant(
          view,
          parameters,
          Reason.ProfileWithoutRole,
          ["Profile's IAM role could not be checked (", name(profileName), ')'],
          "check it with iam get-instance-profile in the instance's account",
        );
  }
  // Say only what was checked: the role only when requireRoleInProfile looked it up.
  return {
    compliance: ComplianceType.Compliant,
    reason: Reason.UsesRole,
    parts: [
      ...(parameters.requireRoleInProfile
        ? ['Gets credentials from the IAM role in instance profile ', name(profileName), ' (role checked)']
        : ['Has instance profile ', name(profileName), ' attached']),
      tagDescription(parameters.tag),
    ],
  };
};

/**
 * The rule: SPEC section 2, in order; the first step that matches decides. Pure and synchronous: no SDK,
 * no environment, no clock. Never throws for any view the view builders produce.
 */
export const decide = (
  view: InstanceView,
  parameters: RuleParameters,
  context: DecisionContext,
): Decision => {
  const notApplicable = outOfScope(view, parameters.tag, context.eventLeftScope);
  if (notApplicable !== undefined)
    return { ...notApplicable, annotation: fitAnnotation(notApplicable.annotation) };
  const { parts, ...decision } = decideInScope(view, parameters);
  return { ...decision, annotation: composeAnnotation(...parts) };
};

/**
 * Whether the decision of this view turns on whether its instance profile holds an IAM role: the one fact
 * the instance's own record does not say, so the only case in which IAM is asked. The decision answers
 * itself (the option is on, the instance is in scope, has a profile that passed the allow-list), so no step
 * of the rule is written twice.
 */
export const needsProfileRole = (
  view: InstanceView,
  parameters: RuleParameters,
  context: DecisionContext,
): view is InstanceView & { readonly instanceProfileArn: string } =>
  view.profileHoldsRole === undefined &&
  view.instanceProfileArn !== undefined &&
  decide(view, parameters, context).reason === Reason.ProfileWithoutRole;
