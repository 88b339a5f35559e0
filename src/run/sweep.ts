import { toEvaluation } from '../config/evaluation.js';
import type { PreviousResults } from '../config/previous-results.js';
import type { Reporter, ReportSummary } from '../config/reporter.js';
import type { Inventory } from '../ec2/inventory.js';
import { SweepTimeoutError } from '../errors.js';
import { fitAnnotation } from '../rule/annotation.js';
import { ComplianceType, type Decision, Reason } from '../rule/compliance.js';
import { decide } from '../rule/decide.js';
import { type InstanceView, viewFromEc2Instance } from '../rule/instance-view.js';
import { describeTag, type RuleParameters } from '../rule/parameters.js';
import { type Deadline, SWEEP_TIME_MARGIN_MS } from './deadline.js';
import { mapBounded } from './map-bounded.js';

export interface SweepInput {
  readonly ruleName: string;
  readonly parameters: RuleParameters;
  readonly orderingTimestamp: Date;
  readonly inventory: Inventory;
  readonly previousResults: PreviousResults;
  readonly reporter: Reporter;
  readonly deadline: Deadline;
  /** Called once per decision, for the log. */
  readonly onDecision?: (view: InstanceView, decision: Decision) => void;
  /**
   * Fills in what DescribeInstances does not say (whether the profile holds an IAM role), per instance;
   * given only when a rule parameter needs it. It caches its answers, so a fleet sharing a few profiles
   * costs a few calls.
   */
  readonly enrich?: (view: InstanceView) => Promise<InstanceView>;
}

/** Instances of a page enriched at once: bounded, so a large page does not burst the IAM API. */
export const ENRICH_CONCURRENCY = 4;

export interface SweepCounts {
  readonly evaluated: number;
  readonly stale: number;
  readonly pages: number;
  readonly report: ReportSummary;
}

const key = (resourceType: string, resourceId: string) => `${resourceType} ${resourceId}`;

/**
 * The periodic sweep: evaluate every live app-tier instance, page by page, then mark NOT_APPLICABLE what this
 * rule reported before but is no longer a live app-tier instance, so the dashboard never shows a ghost.
 * Only the ids seen are kept (for the clean-up), never the instances.
 */
export const sweep = async (input: SweepInput): Promise<SweepCounts> => {
  const { parameters, reporter, orderingTimestamp } = input;
  const seen = new Set<string>();
  let pages = 0;
  const stopIfOutOfTime = (stage: string) => {
    if (input.deadline.remainingMs() < SWEEP_TIME_MARGIN_MS) {
      throw new SweepTimeoutError(
        `Sweep stopped before the Lambda timeout ${stage}: ${seen.size} instance(s) evaluated from ${pages} page(s) were delivered; ` +
          'the rest, and the clean-up of stale results, wait for the next run (raise the function timeout for a fleet this large)',
      );
    }
  };
  const walk = async () => {
    for await (const page of input.inventory.appTierInstances(parameters.tag)) {
      pages += 1;
      const views = page.map(viewFromEc2Instance);
      const { enrich } = input;
      const enriched = enrich === undefined ? views : await mapBounded(views, ENRICH_CONCURRENCY, enrich);
      for (const view of enriched) {
        const decision = decide(view, parameters, { eventLeftScope: false });
        input.onDecision?.(view, decision);
        seen.add(key(view.resourceType, view.resourceId));
        await reporter.add(toEvaluation(view, decision, orderingTimestamp));
      }
      stopIfOutOfTime('while listing instances');
    }

    let stale = 0;
    const annotation = fitAnnotation(
      `No longer a live app-tier instance (${describeTag(parameters.tag)}): deleted, terminated or untagged`,
    );
    for await (const previous of input.previousResults.pages(input.ruleName)) {
      for (const { resourceType, resourceId } of previous) {
        if (seen.has(key(resourceType, resourceId))) continue;
        stale += 1;
        const view: InstanceView = { resourceType, resourceId, hasConfiguration: false, tags: new Map() };
        const decision: Decision = {
          compliance: ComplianceType.NotApplicable,
          reason: Reason.NoLongerLive,
          annotation,
        };
        input.onDecision?.(view, decision);
        await reporter.add(toEvaluation(view, decision, orderingTimestamp));
      }
      stopIfOutOfTime('while cleaning up stale results');
    }
    return { evaluated: seen.size, stale, pages };
  };

  let counts: Omit<SweepCounts, 'report'>;
  try {
    counts = await walk();
  } catch (error) {
    // Whatever stopped the sweep (the deadline, or a listing call that failed for good), what was decided
    // before is delivered, not left in flight when the invocation ends. A delivery failure then says more:
    // it names the resources; the first error stays its cause.
    try {
      await reporter.flush();
    } catch (deliveryError) {
      if (deliveryError instanceof Error && deliveryError.cause === undefined) deliveryError.cause = error;
      throw deliveryError;
    }
    throw error;
  }
  return { ...counts, report: await reporter.flush() };
};
