import { createHash } from 'node:crypto';
import type { PreviousResult, ResourceKey } from '../config/previous-results.js';
import { ComplianceType, EC2_INSTANCE } from '../rule/compliance.js';

/** Compliance types as exact codes, kept apart from the annotation's hash: a hash never mixes two results. */
const COMPLIANCE_CODES: Readonly<Record<string, number>> = {
  [ComplianceType.Compliant]: 1,
  [ComplianceType.NonCompliant]: 2,
  [ComplianceType.NotApplicable]: 3,
};
/** Annotations hashed to 48 bits: a changed annotation passes for the old one about once in 2.8 × 10^14. */
const HASH_BYTES = 6;
/** Distinct (result, annotation) pairs remembered; a fleet has few (they differ by reason, tag and profile). */
const MEMO_LIMIT = 10_000;

const memo = new Map<string, number>();

/**
 * A result as one number: the compliance type exactly (2 bits), the annotation by a SHA-256 prefix. Two
 * results with different compliance types never share a fingerprint, so no hash collision can keep a wrong
 * compliance type on the dashboard; a number keeps the index of 100,000 resources small.
 */
export const resultFingerprint = (complianceType: string, annotation: string | undefined): number => {
  const code = COMPLIANCE_CODES[complianceType] ?? 0;
  if (annotation === undefined) return code;
  const key = `${code}\n${annotation}`;
  let fingerprint = memo.get(key);
  if (fingerprint === undefined) {
    const hash = createHash('sha256').update(annotation, 'utf8').digest().readUIntBE(0, HASH_BYTES);
    // hash + 1: an annotation, even an empty one, never looks like no annotation. At most 2^50: exact.
    fingerprint = (hash + 1) * 4 + code;
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, fingerprint);
  }
  return fingerprint;
};

/** The previous results of a rule, by resource: what the sweep compares its decisions with. */
export interface PreviousIndex {
  readonly size: number;
  add(result: PreviousResult): void;
  /**
   * Takes a resource's fingerprint out of the index (undefined when Config holds no COMPLIANT or NON_COMPLIANT
   * result for it); what is left after a complete walk of the inventory is stale.
   */
  take(resourceType: string, resourceId: string): number | undefined;
  remaining(): Iterable<ResourceKey>;
}

// An instance id is the key itself: no type prefix to store 100,000 times. Resource ids hold no newline.
const keyOf = (resourceType: string, resourceId: string) =>
  resourceType === EC2_INSTANCE ? resourceId : `${resourceType}\n${resourceId}`;

const resourceOf = (key: string): ResourceKey => {
  const newline = key.indexOf('\n');
  return newline < 0
    ? { resourceType: EC2_INSTANCE, resourceId: key }
    : { resourceType: key.slice(0, newline), resourceId: key.slice(newline + 1) };
};

/**
 * A compact map, resource → fingerprint: one short string and one number per resource, whatever the
 * annotations hold, so memory grows by tens of bytes per instance and no more.
 */
export const createPreviousIndex = (): PreviousIndex => {
  const fingerprints = new Map<string, number>();
  return {
    get size() {
      return fingerprints.size;
    },
    add(result) {
      fingerprints.set(
        keyOf(result.resourceType, result.resourceId),
        resultFingerprint(result.complianceType, result.annotation),
      );
    },
    take(resourceType, resourceId) {
      const key = keyOf(resourceType, resourceId);
      const fingerprint = fingerprints.get(key);
      if (fingerprint !== undefined) fingerprints.delete(key);
      return fingerprint;
    },
    *remaining() {
      for (const key of fingerprints.keys()) yield resourceOf(key);
    },
  };
};
