import type { AuditResult } from '../cli/audit.js';
import { ComplianceType, Reason } from '../rule/compliance.js';
import type { Owner } from '../rule/owner.js';
import { fixAtSourceText, type NonCompliantReason, ownerLabel, sourceKey } from '../rule/owner-advice.js';

/** A source that leaves instances NON_COMPLIANT: one change there fixes them all. */
export interface Source {
  /** The account the source is in: two Auto Scaling groups of one name in two accounts are two sources. */
  readonly account?: string;
  readonly owner: Owner;
  /** `ownerLabel`: `Auto Scaling group web-asg, launch template lt-0abc v3`. */
  readonly label: string;
  readonly nonCompliant: number;
  /** The first of its NON_COMPLIANT instances, as an example. */
  readonly example: AuditResult;
  /** `fixAtSourceText` for the example's reason. */
  readonly fix: string;
}

/** The sources of the NON_COMPLIANT instances, most first; and how many have no owner (fixed one by one). */
export interface Sources {
  readonly sources: readonly Source[];
  /** How many sources there are in all (`sources` holds the first `limit`). */
  readonly total: number;
  readonly unowned: number;
}

const NON_COMPLIANT_REASONS: ReadonlySet<string> = new Set([
  Reason.NoProfile,
  Reason.ProfileWithoutArn,
  Reason.ProfileNotAllowed,
  Reason.ProfileNotVerifiable,
  Reason.ProfileWithoutRole,
]);

/** The fix at the source of a NON_COMPLIANT instance, or undefined when it has no owner or no known reason. */
export const fixOfOwned = (result: AuditResult): string | undefined =>
  result.owner === undefined || result.reason === undefined || !NON_COMPLIANT_REASONS.has(result.reason)
    ? undefined
    : fixAtSourceText(result.owner, result.reason as NonCompliantReason);

/**
 * The NON_COMPLIANT instances grouped by where they are fixed (`sourceKey` of their owner, within their
 * account), largest group first, then by label. Instances without an owner are counted apart.
 */
export const nonCompliantSources = (results: readonly AuditResult[], limit = 10): Sources => {
  const groups = new Map<string, { first: AuditResult; owner: Owner; count: number }>();
  let unowned = 0;
  for (const result of results) {
    if (result.compliance !== ComplianceType.NonCompliant) continue;
    if (result.owner === undefined) {
      unowned += 1;
      continue;
    }
    const key = `${result.account ?? ''}\n${sourceKey(result.owner)}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { first: result, owner: result.owner, count: 1 });
    else group.count += 1;
  }
  const sources = [...groups.values()]
    .map(
      ({ first, owner, count }): Source => ({
        ...(first.account === undefined ? {} : { account: first.account }),
        owner,
        label: ownerLabel(owner),
        nonCompliant: count,
        example: first,
        fix: fixOfOwned(first) ?? '',
      }),
    )
    .sort((a, b) => b.nonCompliant - a.nonCompliant || a.label.localeCompare(b.label));
  return { sources: sources.slice(0, limit), total: sources.length, unowned };
};
