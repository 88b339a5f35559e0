import { toEvaluation } from '../config/evaluation.js';
import type { PreviousResults } from '../config/previous-results.js';
import type { Reporter, ReportSummary } from '../config/reporter.js';
import type { Inventory } from '../ec2/inventory.js';
import { CleanupError, SweepTimeoutError } from '../errors.js';
import type { ViewEnricher } from '../iam/profile-roles.js';
import { composeAnnotation, tagDescription } from '../rule/annotation.js';
import { ComplianceType, type Decision, Reason } from '../rule/compliance.js';
import type { InstanceView } from '../rule/instance-view.js';
import type { RuleParameters } from '../rule/parameters.js';
import { type Deadline, sweepBudget } from './deadline.js';
import { decidePages } from './decide-pages.js';
import { createPreviousIndex, resultFingerprint } from './previous-index.js';

export interface SweepInput {
  readonly ruleName: string;
  readonly parameters: RuleParameters;
  readonly orderingTimestamp: Date;
  readonly inventory: Inventory;
  readonly previousResults: PreviousResults;
  readonly reporter: Reporter;
  readonly deadline: Deadline;
  /**
   * Record every evaluation, even one Config already holds with the same result and annotation (fresh
   * timestamps on every result); by default only what changed is recorded.
   */
  readonly recordUnchanged?: boolean;
  /** Called once per decision, for the log; `recorded` is false when Config already holds it unchanged. */
  readonly onDecision?: (view: InstanceView, decision: Decision, recorded: boolean) => void;
  /**
   * Fills in what DescribeInstances does not say (whether the profile holds an IAM role), per instance;
   * given only when a rule parameter needs it. It caches its answers, so a fleet sharing a few profiles
   * costs a few calls.
   */
  readonly enrich?: ViewEnricher;
}

/** Stale results marked between two looks at the clock. */
const STALE_STEP = 100;

export interface SweepCounts {
  /** Live app-tier instances decided. */
  readonly evaluated: number;
  /** Of those, how many Config already held with the same result and annotation, so were not recorded. */
  readonly unchanged: number;
  readonly stale: number;
  readonly pages: number;
  readonly report: ReportSummary;
}

interface Progress {
  previousPages: number;
  previous: number;
  evaluated: number;
  unchanged: number;
  stale: number;
  pages: number;
}

const outOfTime = (stage: string, progress: Progress) =>
  new SweepTimeoutError(
    `Sweep stopped before the Lambda timeout ${stage}: ${progress.evaluated} instance(s) evaluated from ${progress.pages} page(s) were delivered` +
      ` (${progress.previous} previous result(s) read from ${progress.previousPages} page(s)); ` +
      'the rest, and the clean-up of stale results, wait for the next run (raise the function timeout for a fleet this large)',
  );

const cleanupFailed = (ruleName: string, progress: Progress, error: unknown) =>
  new CleanupError(
    `Clean-up of stale results of rule "${ruleName}" did not complete: reading the rule's previous results failed (${(error as Error).message}). ` +
      `The live evaluations were delivered: ${progress.evaluated} instance(s) evaluated, ${progress.evaluated - progress.unchanged} recorded ` +
      `(all whose previous result was not read), ${progress.unchanged} unchanged; ${progress.stale} stale result(s) among the ` +
      `${progress.previous} read were marked NOT_APPLICABLE. Stale results not read stay on the dashboard until a sweep completes.`,
    { cause: error },
  );

/**
 * The periodic sweep. First it reads what Config holds from this rule (COMPLIANT and NON_COMPLIANT results,
 * into a compact index); then it evaluates every live app-tier instance, page by page, and records only the
 * evaluations Config does not already hold unchanged; last it marks NOT_APPLICABLE what this rule reported
 * before but is no longer a live app-tier instance, so the dashboard never shows a ghost.
 *
 * If the previous results cannot be read, the live evaluations are still delivered (all of them, as nothing
 * can be compared), then the sweep fails with a CleanupError naming the rule and the step.
 */
export const sweep = async (input: SweepInput): Promise<SweepCounts> => {
  const { parameters, reporter, orderingTimestamp } = input;
  const budget = sweepBudget(input.deadline);
  const progress: Progress = {
    previousPages: 0,
    previous: 0,
    evaluated: 0,
    unchanged: 0,
    stale: 0,
    pages: 0,
  };
  const index = createPreviousIndex();

  let readFailure: unknown;
  try {
    for await (const page of input.previousResults.pages(input.ruleName)) {
      for (const result of page) index.add(result);
      progress.previousPages += 1;
      progress.previous += page.length;
      if (budget.exhausted()) throw outOfTime('while reading the previous results', progress);
    }
  } catch (error) {
    // Nothing is decided yet: out of time, there is nothing to deliver.
    if (error instanceof SweepTimeoutError) throw error;
    readFailure = error;
  }

  const report = async (view: InstanceView, decision: Decision, recorded: boolean) => {
    input.onDecision?.(view, decision, recorded);
    if (recorded) await reporter.add(toEvaluation(view, decision, orderingTimestamp));
  };

  const walk = async () => {
    const listed = input.inventory.appTierInstances(parameters.tag);
    for await (const page of decidePages(listed, parameters, input.enrich)) {
      progress.pages += 1;
      for (const { view, decision } of page) {
        const held = index.take(view.resourceType, view.resourceId);
        const unchanged =
          input.recordUnchanged !== true &&
          held !== undefined &&
          held === resultFingerprint(decision.compliance, decision.annotation);
        progress.evaluated += 1;
        if (unchanged) progress.unchanged += 1;
        await report(view, decision, !unchanged);
      }
      if (budget.exhausted()) throw outOfTime('while listing instances', progress);
    }

    // The walk is complete: what the index still holds was reported before and is no longer live.
    const stale: Decision = {
      compliance: ComplianceType.NotApplicable,
      reason: Reason.NoLongerLive,
      annotation: composeAnnotation(
        'No longer a live app-tier instance: deleted, terminated or untagged',
        tagDescription(parameters.tag),
      ),
    };
    for (const { resourceType, resourceId } of index.remaining()) {
      progress.stale += 1;
      await report({ resourceType, resourceId, hasConfiguration: false, tags: new Map() }, stale, true);
      if (progress.stale % STALE_STEP === 0 && budget.exhausted()) {
        throw outOfTime('while cleaning up stale results', progress);
      }
    }
  };

  try {
    await walk();
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
  let delivered: ReportSummary;
  try {
    delivered = await reporter.flush();
  } catch (deliveryError) {
    if (readFailure !== undefined && deliveryError instanceof Error && deliveryError.cause === undefined) {
      deliveryError.cause = cleanupFailed(input.ruleName, progress, readFailure);
    }
    throw deliveryError;
  }
  if (readFailure !== undefined) throw cleanupFailed(input.ruleName, progress, readFailure);
  const { evaluated, unchanged, stale, pages } = progress;
  return { evaluated, unchanged, stale, pages, report: delivered };
};
