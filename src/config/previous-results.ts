import type { ConfigServiceClient, EvaluationResult } from '@aws-sdk/client-config-service';
import {
  GetComplianceDetailsByResourceCommand,
  paginateGetComplianceDetailsByConfigRule,
} from '@aws-sdk/client-config-service';
import { RuleError } from '../errors.js';

/** A resource this rule reported before. */
export interface ResourceKey {
  readonly resourceType: string;
  readonly resourceId: string;
}

/** What Config holds for a resource from this rule: the result and its annotation, as they were recorded. */
export interface PreviousResult extends ResourceKey {
  readonly complianceType: string;
  readonly annotation?: string;
}

/** Lists the resources this rule last reported COMPLIANT or NON_COMPLIANT, with those results, page by page. */
export interface PreviousResults {
  pages(ruleName: string): AsyncIterable<readonly PreviousResult[]>;
}

/** Reads what Config holds from this rule for one resource (any result, NOT_APPLICABLE included). */
export interface ResourceResultReader {
  latest(ruleName: string, resourceType: string, resourceId: string): Promise<PreviousResult | undefined>;
}

/** The largest page GetComplianceDetailsByConfigRule serves. */
const PAGE_SIZE = 100;

/**
 * The longest `ConfigRuleName` the published model of GetComplianceDetailsByConfigRule takes
 * (StringWithCharLimit64), while rule names may have 128 characters and organization and conformance pack
 * rules get a prefix and a suffix.
 */
export const MAX_RULE_NAME_FOR_PREVIOUS_RESULTS = 64;

const previousResultOf = (result: EvaluationResult): PreviousResult | undefined => {
  const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
  if (qualifier?.ResourceType === undefined || qualifier.ResourceId === undefined) return undefined;
  return {
    resourceType: qualifier.ResourceType,
    resourceId: qualifier.ResourceId,
    complianceType: result.ComplianceType ?? '',
    ...(result.Annotation === undefined ? {} : { annotation: result.Annotation }),
  };
};

const nameHint = (ruleName: string): string =>
  ruleName.length > MAX_RULE_NAME_FOR_PREVIOUS_RESULTS
    ? `; the rule's name has ${ruleName.length} characters and this operation is documented to take at most ` +
      `${MAX_RULE_NAME_FOR_PREVIOUS_RESULTS}: give the rule a shorter name`
    : '';

/**
 * GetComplianceDetailsByConfigRule, 100 a page, COMPLIANT and NON_COMPLIANT only: what the sweep compares its
 * decisions with, and where it finds stale results. A failure names the operation, the rule and how far the
 * reading got; the SDK's error stays its cause.
 */
export const configPreviousResults = (client: ConfigServiceClient): PreviousResults => ({
  async *pages(ruleName) {
    const paginator = paginateGetComplianceDetailsByConfigRule(
      { client, pageSize: PAGE_SIZE },
      { ConfigRuleName: ruleName, ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'] },
    );
    let read = 0;
    try {
      for await (const page of paginator) {
        read += 1;
        const results: PreviousResult[] = [];
        for (const result of page.EvaluationResults ?? []) {
          const previous = previousResultOf(result);
          if (previous !== undefined) results.push(previous);
        }
        yield results;
      }
    } catch (error) {
      const { name, message } = error as Error;
      throw new RuleError(
        `GetComplianceDetailsByConfigRule for rule "${ruleName}" failed after ${read} page(s): ${name}: ${message}${nameHint(ruleName)}`,
        { cause: error },
      );
    }
  },
});

/**
 * GetComplianceDetailsByResource: every rule's result for one resource (a free read), of which this rule's.
 * A resource holds results of a few rules, so one page nearly always answers; further pages are followed.
 */
export const configResourceResults = (client: ConfigServiceClient): ResourceResultReader => ({
  async latest(ruleName, resourceType, resourceId) {
    let nextToken: string | undefined;
    do {
      const output = await client.send(
        new GetComplianceDetailsByResourceCommand({
          ResourceType: resourceType,
          ResourceId: resourceId,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      );
      for (const result of output.EvaluationResults ?? []) {
        if (result.EvaluationResultIdentifier?.EvaluationResultQualifier?.ConfigRuleName === ruleName) {
          return previousResultOf(result);
        }
      }
      nextToken = output.NextToken;
    } while (nextToken !== undefined && nextToken !== '');
    return undefined;
  },
});
