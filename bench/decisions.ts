// Decisions per second of the pure decision function, on instance views shaped as the sweep builds them
// (DescribeInstances instances), with an allow-list of instance profiles to check.
import { performance } from 'node:perf_hooks';
import type { Instance } from '@aws-sdk/client-ec2';
import { viewFromEc2Instance } from '../src/ec2/instance-view.js';
import { decide } from '../src/rule/decide.js';
import type { InstanceView } from '../src/rule/instance-view.js';
import { completeParameters, parseRuleParameters } from '../src/rule/parameters.js';
import { median } from './cold-start.mjs';

const RUNS = Number(process.env.BENCH_DECISION_RUNS ?? 7);
const VIEWS = 10_000;
const MIN_RUN_MS = 250;
const ALLOWED = ['app', 'batch', 'worker'].map(
  (name) => `arn:aws:iam::123456789012:instance-profile/${name}`,
);
const STATES = ['running', 'stopped', 'pending', 'terminated', 'shutting-down', 'stopping'] as const;

const parameters = completeParameters(
  parseRuleParameters(
    JSON.stringify({
      appTierTagKey: 'tier',
      appTierTagValue: 'app,api',
      allowedInstanceProfileArns: ALLOWED.join(','),
    }),
  ),
);

/** A mix of every branch of the decision: other tiers, dead states, no profile, allowed and other profiles. */
const instanceAt = (index: number): Instance => ({
  InstanceId: `i-${index.toString(16).padStart(17, '0')}`,
  State: { Name: STATES[index % STATES.length] },
  Tags: [
    { Key: 'Name', Value: `node-${index}` },
    { Key: 'tier', Value: ['app', 'api', 'web'][index % 3] },
  ],
  ...(index % 4 === 0
    ? {}
    : {
        IamInstanceProfile: {
          Arn: ALLOWED[index % 5] ?? 'arn:aws:iam::123456789012:instance-profile/other',
          Id: 'AIPA',
        },
      }),
});

const views: InstanceView[] = Array.from({ length: VIEWS }, (_, index) =>
  viewFromEc2Instance(instanceAt(index)),
);
const context = { eventLeftScope: false };

/** Decides over the views until at least MIN_RUN_MS passed; returns decisions per second. */
const oneRun = (): number => {
  let decisions = 0;
  let sink = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_RUN_MS) {
    for (const view of views) sink += decide(view, parameters, context).annotation.length;
    decisions += views.length;
    elapsed = performance.now() - started;
  }
  if (sink === 0) throw new Error('no decision made');
  return (decisions / elapsed) * 1000;
};

oneRun();
const rates = Array.from({ length: RUNS }, oneRun);
const results = new Map<string, number>();
for (const view of views) {
  const { compliance } = decide(view, parameters, context);
  results.set(compliance, (results.get(compliance) ?? 0) + 1);
}
console.log(
  [
    `Decisions per second of decide() (pure), median of ${RUNS} runs of at least ${MIN_RUN_MS} ms over ${VIEWS.toLocaleString('en-US')} views`,
    `(${[...results].map(([compliance, count]) => `${count.toLocaleString('en-US')} ${compliance}`).join(', ')})`,
    `median ${Math.round(median(rates)).toLocaleString('en-US')} decisions/s; slowest run ${Math.round(Math.min(...rates)).toLocaleString('en-US')}, fastest ${Math.round(Math.max(...rates)).toLocaleString('en-US')}`,
  ].join('\n'),
);
