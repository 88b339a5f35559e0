import { ComplianceType, Reason } from '../rule/compliance.js';
import { fixAtSourceText, type NonCompliantReason, ownerLabel, sourceKey } from '../rule/owner-advice.js';
import type { AuditResult } from './audit.js';

/** The instances a single fix at one source would set right: the list a platform team works through. */
export interface OwnerGroup {
  /** The source, in a few words (`ownerLabel`), or that the instances have no owner. */
  readonly owner: string;
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

const NON_COMPLIANT_REASONS: ReadonlySet<Reason> = new Set([
  Reason.NoProfile,
  Reason.ProfileWithoutArn,
  Reason.ProfileNotAllowed,
  Reason.ProfileNotVerifiable,
  Reason.ProfileWithoutRole,
]);

const isNonCompliant = (result: AuditResult): boolean =>
  result.compliance === ComplianceType.NonCompliant &&
  result.reason !== undefined &&
  NON_COMPLIANT_REASONS.has(result.reason);

/**
 * One group per source that leaves an app-tier instance NON_COMPLIANT, most first (then by name): the
 * instances of one launch template, stack, environment or node group are fixed there at once; those
 * without an owner make one group. Sources with nothing NON_COMPLIANT are left out.
 */
export const groupByOwner = (results: readonly AuditResult[]): OwnerGroup[] => {
  const groups = new Map<string, { instances: number; nonCompliant: AuditResult[] }>();
  for (const result of results) {
    if (result.reason === Reason.TagKeyCase) continue;
    const key = result.owner === undefined ? '' : sourceKey(result.owner);
    const group = groups.get(key) ?? { instances: 0, nonCompliant: [] };
    group.instances += 1;
    if (isNonCompliant(result)) group.nonCompliant.push(result);
    groups.set(key, group);
  }
  const rows: OwnerGroup[] = [];
  for (const { instances, nonCompliant } of groups.values()) {
    const [example] = nonCompliant;
    if (example === undefined) continue;
    rows.push({
      owner: example.owner === undefined ? NO_OWNER : ownerLabel(example.owner),
      nonCompliant: nonCompliant.length,
      instances,
      example,
      fix:
        example.owner === undefined
          ? STANDALONE_FIX
          : fixAtSourceText(example.owner, example.reason as NonCompliantReason),
    });
  }
  return rows.sort((a, b) => b.nonCompliant - a.nonCompliant || a.owner.localeCompare(b.owner));
};
