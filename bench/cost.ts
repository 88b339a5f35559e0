// What the rule records in AWS Config, and what that costs, for fleets of N app-tier instances with 1 % daily
// churn and a daily sweep: recording everything (RECORD_UNCHANGED=true, what the rule did before) against
// recording only what changed (the default). Each sweep is the built bundle in a fresh process with Lambda's
// Node options, against the local endpoint, whose Config side files what PutEvaluations receives and serves it
// back as the rule's previous results. Counts are measured; money is counts × list price.
import {
  generatedInventory,
  type LocalAws,
  type LocalInstance,
  startLocalAws,
} from '../test/support/aws/index.js';
import { type Invocation, invokeBundle, lambdaNodeOptions } from '../test/support/bundle.js';
import { loadEvent } from '../test/support/events.js';
import { RULE_NAME } from '../test/support/fleet.js';
import { money, number, table } from './format.js';
import { configEvaluationsPrice, DAYS_PER_MONTH, LAMBDA_PRICE } from './prices.js';

const SIZES = (process.env.BENCH_COST_N ?? '1000,10000,100000').split(',').map(Number);
const SCHEDULED = loadEvent('scheduled');
const LAMBDA_NODE_OPTIONS = lambdaNodeOptions();
const MEMORY_GB = 0.5;
const PROFILE = { Arn: 'arn:aws:iam::123456789012:instance-profile/app', Id: 'AIPAEXAMPLEAPPPROFILE' };
/** One instance in a hundred is replaced each day: terminated, and a new one launched. */
const CHURN = 100;

const idOf = (index: number) => `i-${index.toString(16).padStart(17, '0')}`;

/**
 * N app-tier instances, two in three with a profile. On day 1, every hundredth is terminated and as many new ones
 * are launched: 1 % churn.
 */
const fleetOn = (n: number, day: 0 | 1) =>
  generatedInventory(day === 0 ? n : n + n / CHURN, (index): LocalInstance => {
    const replaced = day === 1 && index < n && index % CHURN === 0;
    return {
      InstanceId: idOf(index),
      State: replaced ? { Code: 48, Name: 'terminated' } : { Code: 16, Name: 'running' },
      Tags: [{ Key: 'tier', Value: 'app' }],
      ...(index % 3 === 0 ? {} : { IamInstanceProfile: PROFILE }),
    };
  });

interface Day {
  readonly invocation: Invocation;
  readonly recorded: number;
  readonly calls: { describe: number; previous: number; put: number };
}

const sweep = async (aws: LocalAws, env: Record<string, string> = {}): Promise<Day> => {
  aws.requests.clear();
  const before = aws.evaluations.length;
  const invocation = await invokeBundle(SCHEDULED, {
    env: { ...aws.env, ...env },
    execArgv: LAMBDA_NODE_OPTIONS,
  });
  if (invocation.error !== undefined)
    throw new Error(`${invocation.error.name}: ${invocation.error.message}`);
  return {
    invocation,
    recorded: aws.evaluations.length - before,
    calls: {
      describe: aws.requests.count('DescribeInstances'),
      previous: aws.requests.count('GetComplianceDetailsByConfigRule'),
      put: aws.requests.count('PutEvaluations'),
    },
  };
};

/** Day 0 records the whole fleet; the churn happens; day 1 is the sweep of a steady day, in the given mode. */
const steadyDay = async (n: number, recordUnchanged: boolean): Promise<Day> => {
  const aws = await startLocalAws({ instances: fleetOn(n, 0), recordedAs: RULE_NAME });
  try {
    await sweep(aws);
    aws.options.instances = fleetOn(n, 1);
    return await sweep(aws, recordUnchanged ? { RECORD_UNCHANGED: 'true' } : {});
  } finally {
    await aws.stop();
  }
};

const lambdaMonth = (day: Day) =>
  DAYS_PER_MONTH *
  (LAMBDA_PRICE.perRequest + (day.invocation.invokeMs / 1000) * MEMORY_GB * LAMBDA_PRICE.perGbSecond);

const costRows: string[][] = [
  [
    'N',
    'recorded a day: everything',
    'only changes',
    'a month: everything',
    'only changes',
    'Config price a month: everything',
    'only changes',
    'ratio',
  ],
];
const callRows: string[][] = [
  [
    'N',
    'DescribeInstances',
    'GetComplianceDetailsByConfigRule',
    'PutEvaluations',
    'peak RSS',
    'ratio to first',
    'sweep',
  ],
];
const lambdaRows: string[][] = [['N', 'sweep (local)', 'Lambda a month (30 sweeps)']];
let firstRss: number | undefined;
for (const n of SIZES) {
  const everything = await steadyDay(n, true);
  const changes = await steadyDay(n, false);
  const churned = (2 * n) / CHURN;
  if (changes.recorded !== churned)
    throw new Error(`N=${n}: ${changes.recorded} recorded, expected ${churned}`);
  const month = {
    everything: DAYS_PER_MONTH * everything.recorded,
    changes: DAYS_PER_MONTH * changes.recorded,
  };
  costRows.push([
    number(n),
    number(everything.recorded),
    number(changes.recorded),
    number(month.everything),
    number(month.changes),
    money(configEvaluationsPrice(month.everything)),
    money(configEvaluationsPrice(month.changes)),
    `${(month.everything / month.changes).toFixed(1)}×`,
  ]);
  firstRss ??= changes.invocation.maxRssKb;
  callRows.push([
    number(n),
    number(changes.calls.describe),
    number(changes.calls.previous),
    `${number(changes.calls.put)} (everything: ${number(everything.calls.put)})`,
    `${(changes.invocation.maxRssKb / 1024).toFixed(0)} MiB`,
    (changes.invocation.maxRssKb / firstRss).toFixed(2),
    `${(changes.invocation.invokeMs / 1000).toFixed(1)} s`,
  ]);
  lambdaRows.push([
    number(n),
    `${(changes.invocation.invokeMs / 1000).toFixed(1)} s`,
    money(lambdaMonth(changes)),
  ]);
}

console.log(
  [
    `Config evaluations recorded by the daily sweep, N app-tier instances, 1 % replaced each day (${DAYS_PER_MONTH} days a month)`,
    'everything: RECORD_UNCHANGED=true, every live instance and every stale result, each sweep; only changes: the default',
    'price: AWS Config rule evaluations, list price per account and region, tiered (docs/cost.md)',
    ...table(costRows),
    '(each replaced instance is recorded twice: the new one, and the old one NOT_APPLICABLE; with change events, the change',
    ' path records those once and the sweep then records none: the same count)',
    '',
    'A steady-day sweep, only changes: AWS calls, peak resident memory (Lambda flags), local duration',
    ...table(callRows),
    'minimum: ⌈N/1000⌉ DescribeInstances, ⌈S/100⌉ GetComplianceDetailsByConfigRule (S = N held), ⌈recorded/100⌉ PutEvaluations',
    '',
    `Lambda, 512 MB arm64, one sweep a day, as measured locally (AWS latencies make it longer): ${money(LAMBDA_PRICE.perGbSecond * 1e6)} per million GB-s`,
    ...table(lambdaRows),
  ].join('\n'),
);
