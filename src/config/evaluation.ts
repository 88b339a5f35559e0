import type { Evaluation } from '@aws-sdk/client-config-service';
import type { Decision } from '../rule/compliance.js';
import type { InstanceView } from '../rule/instance-view.js';

/** The plumbing's part: a decision becomes an evaluation with resource id, type and OrderingTimestamp. */
export const toEvaluation = (
  view: InstanceView,
  decision: Decision,
  orderingTimestamp: Date,
): Evaluation => ({
  ComplianceResourceType: view.resourceType,
  ComplianceResourceId: view.resourceId,
  ComplianceType: decision.compliance,
  Annotation: decision.annotation,
  OrderingTimestamp: orderingTimestamp,
});
