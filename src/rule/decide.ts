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
  const profile = view.instanceProfileArn;
  if (profile === undefined) {
    return {
      compliance: ComplianceType.NonCompliant,
      reason: Reason.NoProfile,
      text: `${who} has no IAM instance profile; attach one with ec2 associate-iam-instance-profile`,
    };
  }
  const allowed = parameters.allowedInstanceProfileArns;
  if (allowed !== undefined && !allowed.has(profile)) {
    return {
      compliance: ComplianceType.NonCompliant,
      reason: Reason.ProfileNotAllowed,
      text: `${who} uses instance profile ${profile}, which is not in allowedInstanceProfileArns; switch it with ec2 replace-iam-instance-profile-association`,
    };
  }
  if (parameters.requireRoleInProfile && view.profileHoldsRole === false) {
    return {
      compliance: ComplianceType.NonCompliant,
      reason: Reason.ProfileWithoutRole,
      text: `${who} has instance profile ${profile} with no IAM role in it, so it gets no credentials; add one with iam add-role-to-instance-profile`,
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
