import {
  AssociateIamInstanceProfileCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  type EC2Client,
  type IamInstanceProfileAssociation,
  type IamInstanceProfileSpecification,
  ReplaceIamInstanceProfileAssociationCommand,
} from '@aws-sdk/client-ec2';
import { isInstanceProfileArn, isInstanceProfileName, parseInstanceProfileArn } from '../aws/names.js';
import { CommandError, describeError, UsageError } from '../errors.js';
import type { ProfileRoles } from '../iam/profile-roles.js';
import { ComplianceType, Reason } from '../rule/compliance.js';
import { type Owner, OwnerKind } from '../rule/owner.js';
import { fixAtSourceText, ownerLabel } from '../rule/owner-advice.js';
import type { RuleParameters } from '../rule/parameters.js';
import { mapBounded } from '../run/map-bounded.js';
import type { AuditReport, AuditResult } from './audit.js';
import type { CliClients } from './clients.js';
import { ExitCode } from './exit-code.js';

/** What happened to one NON_COMPLIANT instance. */
export const RemediationOutcome = {
  /** Dry run: the profile would be associated. */
  WouldAssociate: 'would-associate',
  /** Dry run, --replace: the attached profile would be replaced. */
  WouldReplace: 'would-replace',
  Associated: 'associated',
  Replaced: 'replaced',
  /** The profile was associated in the meantime (an earlier run): nothing to do. */
  AlreadyAttached: 'already-attached',
  /** Left alone: another profile is attached and --replace was not given. */
  Skipped: 'skipped',
  /**
   * Left alone: an Auto Scaling group, a stack or another owner launched it, and would undo a profile
   * attached by hand (--include-owned attaches anyway).
   */
  SkippedOwned: 'skipped-owned',
  Failed: 'failed',
} as const;
export type RemediationOutcome = (typeof RemediationOutcome)[keyof typeof RemediationOutcome];

export interface RemediationResult {
  readonly region: string;
  readonly instanceId: string;
  readonly name?: string;
  /** Who launched the instance (`ownerLabel`), when something did. */
  readonly owner?: string;
  /** The profile attached before this run, if any. */
  readonly currentProfileArn?: string;
  readonly outcome: RemediationOutcome;
  readonly detail: string;
}

export interface RemediationReport {
  readonly audit: AuditReport;
  readonly instanceProfile: string;
  readonly apply: boolean;
  readonly replace: boolean;
  readonly includeOwned: boolean;
  readonly results: readonly RemediationResult[];
}

export interface RemediateOptions {
  readonly clients: CliClients;
  readonly audit: AuditReport;
  /** The instance profile to attach: a name or an ARN. */
  readonly instanceProfile: string;
  /** Act; without it, only say what would be done. */
  readonly apply: boolean;
  /** Replace a profile that is already attached. */
  readonly replace: boolean;
  /** Attach to owned instances too (those an Auto Scaling group, a stack, ... launched). */
  readonly includeOwned?: boolean;
  /** Instances handled at once. */
  readonly concurrency?: number;
  readonly progress?: (line: string) => void;
}

const DEFAULT_CONCURRENCY = 4;
/** Associations that give (or are about to give) the instance its profile. */
const LIVE_ASSOCIATION_STATES = ['associating', 'associated'];

/** Whether an attached profile (an ARN) is the one asked for (a name or an ARN). */
export const isSameProfile = (arn: string, target: string): boolean =>
  target.startsWith('arn:') ? arn === target : parseInstanceProfileArn(arn)?.name === target;

/** The profile to attach (a name or an ARN) as EC2 takes it. */
export const profileSpecification = (target: string): IamInstanceProfileSpecification =>
  target.startsWith('arn:') ? { Arn: target } : { Name: target };

/**
 * Refuses, before anything is touched (and before a dry run reports what it would do), a profile that
 * cannot make the instances compliant: one that does not exist (iam:GetInstanceProfile), one outside
 * allowedInstanceProfileArns, or (with requireRoleInProfile) one that holds no IAM role.
 */
export const checkTargetProfile = async (
  target: string,
  parameters: RuleParameters,
  roles: ProfileRoles,
): Promise<void> => {
  if (target.startsWith('arn:') ? !isInstanceProfileArn(target) : !isInstanceProfileName(target)) {
    throw new UsageError(
      `--instance-profile "${target}" is neither an instance profile name nor an ARN (arn:aws:iam::<account>:instance-profile/<name>)`,
    );
  }
  const allowed = parameters.allowedInstanceProfileArns;
  if (allowed !== undefined && ![...allowed].some((arn) => isSameProfile(arn, target))) {
    throw new CommandError(
      `Instance profile ${target} is not in allowedInstanceProfileArns: the instances would stay NON_COMPLIANT`,
    );
  }
  const facts = await roles.describe(target);
  const otherArn = target.startsWith('arn:') && facts?.arn !== undefined && facts.arn !== target;
  if (facts?.exists === false || otherArn) {
    throw new CommandError(
      `Instance profile ${target} does not exist (iam:GetInstanceProfile)` +
        (otherArn
          ? `: this account's profile ${parseInstanceProfileArn(target)?.name} is ${facts?.arn}`
          : '') +
        '; create it (iam create-instance-profile) or name one that exists',
    );
  }
  if (parameters.requireRoleInProfile && facts?.holdsRole === false) {
    throw new CommandError(
      `Instance profile ${target} holds no IAM role: it would give the instances no credentials; add one with iam add-role-to-instance-profile`,
    );
  }
};

const liveAssociation = async (
  ec2: EC2Client,
  instanceId: string,
): Promise<IamInstanceProfileAssociation | undefined> => {
  const output = await ec2.send(
    new DescribeIamInstanceProfileAssociationsCommand({
      Filters: [
        { Name: 'instance-id', Values: [instanceId] },
        { Name: 'state', Values: LIVE_ASSOCIATION_STATES },
      ],
    }),
  );
  return output.IamInstanceProfileAssociations?.find(
    (association) =>
      association.InstanceId === instanceId && LIVE_ASSOCIATION_STATES.includes(association.State ?? ''),
  );
};

const remediateOne = async (
  options: RemediateOptions,
  found: AuditResult,
): Promise<Omit<RemediationResult, 'region' | 'instanceId' | 'name' | 'currentProfileArn'>> => {
  const { instanceProfile: target, apply } = options;
  const ec2 = options.clients.ec2(found.region);
  // Read again just before acting: the audit may be minutes old, and a second run must change nothing.
  const association = await liveAssociation(ec2, found.instanceId);
  const current = association?.IamInstanceProfile?.Arn;

  if (association === undefined || current === undefined) {
    if (!apply) return { outcome: RemediationOutcome.WouldAssociate, detail: `would associate ${target}` };
    const output = await ec2.send(
      new AssociateIamInstanceProfileCommand({
        InstanceId: found.instanceId,
        IamInstanceProfile: profileSpecification(target),
      }),
    );
    const id = output.IamInstanceProfileAssociation?.AssociationId;
    return { outcome: RemediationOutcome.Associated, detail: `associated ${target}${id ? ` (${id})` : ''}` };
  }
  // The profile to attach passed checkTargetProfile, so an instance that has it is compliant: it was
  // associated since the audit (by an earlier run, or by someone else).
  if (isSameProfile(current, target)) {
    return { outcome: RemediationOutcome.AlreadyAttached, detail: `${target} is already associated` };
  }
  if (!options.replace) {
    return {
      outcome: RemediationOutcome.Skipped,
      detail: `has instance profile ${current}; pass --replace to replace it with ${target}`,
    };
  }
  if (!apply) {
    return { outcome: RemediationOutcome.WouldReplace, detail: `would replace ${current} with ${target}` };
  }
  await ec2.send(
    new ReplaceIamInstanceProfileAssociationCommand({
      AssociationId: association.AssociationId,
      IamInstanceProfile: profileSpecification(target),
    }),
  );
  return { outcome: RemediationOutcome.Replaced, detail: `replaced ${current} with ${target}` };
};

/** Why an owned instance is left alone, and what to do instead. */
const ownedDetail = (owner: Owner): string => {
  const atSource =
    owner.launchTemplate !== undefined &&
    owner.kind !== OwnerKind.EksNodeGroup &&
    owner.kind !== OwnerKind.Karpenter
      ? 'fix its launch template (remediate --launch-templates)'
      : `fix it there: ${fixAtSourceText(owner, Reason.NoProfile)}`;
  return `launched by ${ownerLabel(owner)}, which would undo a profile attached here; ${atSource}, or pass --include-owned`;
};

/**
 * The seed's remediation without re-creating anything: attach the profile to every NON_COMPLIANT instance
 * of the audit with ec2:AssociateIamInstanceProfile, or, with --replace, switch an attached one with
 * ec2:ReplaceIamInstanceProfileAssociation. A dry run unless `apply`. One instance failing does not stop
 * the others.
 */
export const remediate = async (options: RemediateOptions): Promise<RemediationReport> => {
  const progress = options.progress ?? (() => {});
  const todo = options.audit.results.filter((result) => result.compliance === ComplianceType.NonCompliant);
  progress(
    `${options.apply ? 'Remediating' : 'Dry run for'} ${todo.length} NON_COMPLIANT instance(s) with ${options.instanceProfile}`,
  );
  const results = await mapBounded(
    todo,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (found): Promise<RemediationResult> => {
      const base = {
        region: found.region,
        instanceId: found.instanceId,
        ...(found.name === undefined ? {} : { name: found.name }),
        ...(found.instanceProfileArn === undefined ? {} : { currentProfileArn: found.instanceProfileArn }),
        ...(found.owner === undefined ? {} : { owner: ownerLabel(found.owner) }),
      };
      let result: RemediationResult;
      try {
        result =
          found.owner === undefined || options.includeOwned === true
            ? { ...base, ...(await remediateOne(options, found)) }
            : { ...base, outcome: RemediationOutcome.SkippedOwned, detail: ownedDetail(found.owner) };
      } catch (error) {
        result = { ...base, outcome: RemediationOutcome.Failed, detail: describeError(error) };
      }
      progress(`${found.region} ${found.instanceId}: ${result.outcome}`);
      return result;
    },
  );
  return {
    audit: options.audit,
    instanceProfile: options.instanceProfile,
    apply: options.apply,
    replace: options.replace,
    includeOwned: options.includeOwned === true,
    results,
  };
};

const LEFT_NON_COMPLIANT: ReadonlySet<RemediationOutcome> = new Set([
  RemediationOutcome.WouldAssociate,
  RemediationOutcome.WouldReplace,
  RemediationOutcome.Skipped,
  RemediationOutcome.SkippedOwned,
]);

/** 2 when a region or an action failed, 1 when an instance is left NON_COMPLIANT, 0 otherwise. */
export const remediationExitCode = (report: RemediationReport): ExitCode => {
  if (
    report.audit.regions.some((region) => region.error !== undefined) ||
    report.results.some((result) => result.outcome === RemediationOutcome.Failed)
  ) {
    return ExitCode.Error;
  }
  return report.results.some((result) => LEFT_NON_COMPLIANT.has(result.outcome))
    ? ExitCode.NonCompliant
    : ExitCode.Ok;
};
