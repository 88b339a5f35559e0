/** The compliance results a custom rule may report (Config rejects INSUFFICIENT_DATA from custom rules). */
export const ComplianceType = {
  Compliant: 'COMPLIANT',
  NonCompliant: 'NON_COMPLIANT',
  NotApplicable: 'NOT_APPLICABLE',
} as const;
export type ComplianceType = (typeof ComplianceType)[keyof typeof ComplianceType];

/** Why the decision came out as it did: stable codes for logs, tests and the audit command. */
export const Reason = {
  WrongResourceType: 'wrong-resource-type',
  LeftScope: 'left-scope',
  Deleted: 'deleted',
  NotRecorded: 'not-recorded',
  NoConfiguration: 'no-configuration',
  Terminated: 'terminated',
  NotAppTier: 'not-app-tier',
  /** Not app tier, but it carries the tag key in another case (`Tier` for `tier`): keys are case-sensitive. */
  TagKeyCase: 'tag-key-case',
  /** Reported before, but no longer a live app-tier instance at a periodic sweep. */
  NoLongerLive: 'no-longer-live',
  NoProfile: 'no-instance-profile',
  /** An instance profile association is recorded, but without the ARN that says which profile. */
  ProfileWithoutArn: 'profile-without-arn',
  ProfileNotAllowed: 'profile-not-allowed',
  /** A profile known only at deploy (a template, a plan) cannot be checked against allowedInstanceProfileArns. */
  ProfileNotVerifiable: 'profile-not-verifiable',
  ProfileWithoutRole: 'profile-without-role',
  UsesRole: 'uses-iam-role',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

export const EC2_INSTANCE = 'AWS::EC2::Instance';

/** What the rule decided for one instance, before the plumbing adds resource id, type and timestamp. */
export interface Decision {
  readonly compliance: ComplianceType;
  readonly reason: Reason;
  /** 1 to 256 characters, for the person reading the Config console. */
  readonly annotation: string;
}
