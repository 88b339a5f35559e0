import { fitAnnotation } from './annotation.js';
import { outOfScope } from './applicability.js';
import { ComplianceType, type Decision, Reason } from './compliance.js';
import type { InstanceView } from './instance-view.js';
import { describeTag, type RuleParameters } from './parameters.js';

/** What the event says about the instance beyond the configuration item itself. */
export interface DecisionContext {
  readonly eventLeftScope: boolean;
}

const decideInScope = (
  view: InstanceView,
  parameters: RuleParameters,
): Omit<Decision, 'annotation'> & { text: string } => {
  const who = `App-tier instance (${describeTag(parameters.tag)})`;
  // A profile known only at deploy is attached, but never checked against the allow-list (see below).
  const atDeploy = view.instanceProfileArn === undefined ? view.profileKnownAtDeploy?.profile : undefined;
  const profile = view.instanceProfileArn ?? atDeploy;
  // An association without an ARN is not "no profile", but it cannot be checked either: never COMPLIANT.
  if (profile === undefined && view.profileWithoutArn !== undefined) {
    const { id } = view.profileWithoutArn;
    return {
      compliance: ComplianceType.NonCompliant,
      reason: Reason.ProfileWithoutArn,
      text:
        id === undefined
          ? `${who} has an instance profile association with neither ARN nor id, so no profile can be verified; check it with ec2 describe-iam-instance-profile-associations`
          : `${who} has an instance profile association without an ARN (profile id ${id}), so the profile cannot be verified; check it with ec2 describe-iam-instance-profile-associations`,
    };
  }
  if (profile === undefined) {
    return {
      compliance: ComplianceType.NonCompliant,
      reason: Reason.NoProfile,
      text: `${who} has no IAM instance profile; attach one with ec2 associate-iam-instance-profile`,
    };
  }
  const allowed = parameters.allowedInstanceProfileArns;
  if (allowed !== undefined && atDeploy !== undefined) {
    return {
      compliance: ComplianceType.NonCompliant,
      reason: Reason.ProfileNotVerifiable,
      text: `${who} gets instance profile ${atDeploy}, attached, not verifiable before deploy against allowedInstanceProfileArns; name an allowed profile ARN`,
    };
  }
  if (allowed !== undefined && !allowed.has(profile)) {
    return {
      compliance: ComplianceType.NonCompliant,
      reason: Reason.ProfileNotAllowed,
      text: `${who} uses instance profile ${profile}, which is not in allowedInstanceProfileArns; switch it with ec2 replace-iam-instance-profile-association`,
    };
  }
  // Unknown (the lookup could not say, e.g. a profile ARN of another account) is not a role: with the
  // option on, only a confirmed role makes the instance COMPLIANT.
  if (parameters.requireRoleInProfile && view.profileHoldsRole !== true) {
    return {
      compliance: ComplianceType.NonCompliant,
      reason: Reason.ProfileWithoutRole,
      text:
        view.profileHoldsRole === false
          ? `${who} has instance profile ${profile} with no IAM role in it (or the profile no longer exists), so it gets no credentials; add one with iam add-role-to-instance-profile`
          : `${who} has instance profile ${profile}, which could not be checked for an IAM role (requireRoleInProfile is on); check it with iam get-instance-profile in the instance's account`,
    };
  }
  return {
    compliance: ComplianceType.Compliant,
    reason: Reason.UsesRole,
    text: `${who} gets its credentials from an IAM role through instance profile ${profile}`,
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
  const { text, ...decision } = decideInScope(view, parameters);
  return { ...decision, annotation: fitAnnotation(text) };
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
  decide(view, parameters, context).reason === Reason.ProfileWithoutRole;
