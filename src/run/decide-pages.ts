import type { Instance } from '@aws-sdk/client-ec2';
import { viewFromEc2Instance } from '../ec2/instance-view.js';
import type { ViewEnricher } from '../iam/profile-roles.js';
import type { Decision } from '../rule/compliance.js';
import { decide } from '../rule/decide.js';
import type { InstanceView } from '../rule/instance-view.js';
import type { RuleParameters } from '../rule/parameters.js';
import { mapBounded } from './map-bounded.js';

/** Instances of a page enriched at once: bounded, so a large page does not burst the IAM API. */
export const ENRICH_CONCURRENCY = 4;

/** A listed instance as the decision saw it, and what it decided. */
export interface DecidedInstance {
  readonly view: InstanceView;
  readonly decision: Decision;
}

/**
 * The loop the sweep and the audit share, so the Lambda and the command never decide differently: each
 * page DescribeInstances lists becomes instance views, the views are enriched where the decision needs
 * more than the listing says (at most ENRICH_CONCURRENCY at once), and each is decided. Page by page, in
 * listing order, so no caller holds the whole fleet. A listed instance is live: it never left the scope.
 *
 * This module loads no SDK client (the EC2 types are types only), so the command line may import it and
 * the Lambda's change path never does.
 */
export async function* decidePages(
  pages: AsyncIterable<readonly Instance[]>,
  parameters: RuleParameters,
  enrich?: ViewEnricher,
): AsyncGenerator<readonly DecidedInstance[]> {
  for await (const page of pages) {
    const views = page.map(viewFromEc2Instance);
    const enriched = enrich === undefined ? views : await mapBounded(views, ENRICH_CONCURRENCY, enrich);
    yield enriched.map((view) => ({ view, decision: decide(view, parameters, { eventLeftScope: false }) }));
  }
}
