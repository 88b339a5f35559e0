import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { paginateGetComplianceDetailsByConfigRule } from '@aws-sdk/client-config-service';

/** A resource this rule reported before. */
export interface ResourceKey {
  readonly resourceType: string;
  readonly resourceId: string;
}

/** Lists the resources this rule last reported COMPLIANT or NON_COMPLIANT, page by page. */
export interface PreviousResults {
  pages(ruleName: string): AsyncIterable<readonly ResourceKey[]>;
}

/** The largest page GetComplianceDetailsByConfigRule serves. */
const PAGE_SIZE = 100;

export const configPreviousResults = (client: ConfigServiceClient): PreviousResults => ({
  async *pages(ruleName) {
    const paginator = paginateGetComplianceDetailsByConfigRule(
      { client, pageSize: PAGE_SIZE },
      { ConfigRuleName: ruleName, ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'] },
    );
    for await (const page of paginator) {
      const keys: ResourceKey[] = [];
      for (const result of page.EvaluationResults ?? []) {
        const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
        if (qualifier?.ResourceType !== undefined && qualifier.ResourceId !== undefined) {
          keys.push({ resourceType: qualifier.ResourceType, resourceId: qualifier.ResourceId });
        }
      }
      yield keys;
    }
  },
});
