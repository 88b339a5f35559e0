import { ComplianceType, Reason } from '../rule/compliance.js';
import type { Owner } from '../rule/owner.js';
import { fixAtSourceText, type NonCompliantReason, ownerLabel, sourceKey } from '../rule/owner-advice.js';
import type { AuditResult } from './audit.js';

/**
 * The instances a single fix at one source would set right: the list a platform team works through. The
 * same groups feed `audit --group-by owner` and the HTML report's sources.
 */
export interface OwnerGroup {
  /** The source's owner; absent for the group of instances without one. */
  readonly owner?: Owner;
  /** The source, in a few words (`ownerLabel`), or that the instances have no owner. */
  readonly label: string;
  /** The account the source is in: two Auto Scaling groups of one name in two accounts are two sources. */
  readonly account?: string;
  /** NON_COMPLIANT instances it leaves. */
  readonly nonCompliant: number;
  /** App-tier instances it launched, whatever their result. */
  readonly instances: number;
  /** One of its NON_COMPLIANT instances, to look at. */
  readonly example: AuditResult;
  /** The fix at the source, for the example's reason. */
  readonly fix: string;
}

/** The label of the instances nobody launched for them: each is fixed on its own. */
export const NO_OWNER = 'no owner (the instances themselves)';
const STANDALONE_FIX =
  'attach a profile to each with ec2 associate-iam-instance-profile (or remediate --apply)';

const NON_COMPLIANT_REASONS: ReadonlySet<string> = new Set([
  Reason.NoProfile,
  Reason.ProfileWithoutArn,
  Reason.ProfileNotAllowed,
  Reason.ProfileNotVerifiable,
  Reason.ProfileWithoutRole,
]);

/**
 * The fix at the owner of a NON_COMPLIANT instance, or undefined when it has no owner, or no reason known
 * (a Config aggregator holds none).
 */
export const fixAtOwner = (result: AuditResult): string | undefined =>
  result.owner === undefined ||
  result.compliance !== ComplianceType.NonCompliant ||
  result.reason === undefined ||
  !NON_COMPLIANT_REASONS.has(result.reason)
    ? undefined
    : fixAtSourceText(result.owner, result.reason as NonCompliantReason);

/**
 * One group per source that leaves an app-tier instance NON_COMPLIANT, most first (then by name): the
 * instances of one launch template, stack, environment or node group of one account and region are fixed
 * there at once; those without an owner make one group. Sources with nothing NON_COMPLIANT are left out.
 */
export const groupByOwner = (results: readonly AuditResult[]): OwnerGroup[] => {
  const groups = new Map<string, { instances: number; nonCompliant: AuditResult[] }>();
  for (const result of results) {
    if (result.reason === Reason.TagKeyCase) continue;
    // A source's name is its account's and region's: an Auto Scaling group, a stack, a launch template.
    const key =
      result.owner === undefined
        ? ''
        : `${result.account ?? ''}\n${result.region}\n${sourceKey(result.owner)}`;
    const group = groups.get(key) ?? { instances: 0, nonCompliant: [] };
    group.instances += 1;
    if (result.compliance === ComplianceType.NonCompliant) group.nonCompliant.push(result);
    groups.set(key, group);
  }
  const rows: OwnerGroup[] = [];
  for (const { instances, nonCompliant } of groups.values()) {
    const [example] = nonCompliant;
    if (example === undefined) continue;
    const { owner } = example;
    rows.push({
      ...(owner === undefined ? {} : { owner }),
      label: owner === undefined ? NO_OWNER : ownerLabel(owner),
      ...(owner === undefined || example.account === undefined ? {} : { account: example.account }),
      nonCompliant: nonCompliant.length,
      instances,
      example,
      fix: owner === undefined ? STANDALONE_FIX : (fixAtOwner(example) ?? example.annotation),
    });
  }
  return rows.sort((a, b) => b.nonCompliant - a.nonCompliant || a.label.localeCompare(b.label));
};
