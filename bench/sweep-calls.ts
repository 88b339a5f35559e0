// AWS calls, peak memory and time of a periodic sweep, per fleet size, against the minimum; then a sweep of
// 100,000 instances without faults and with 30 % of the calls failing, side by side. The built bundle (dist/function/handler.mjs) runs in a fresh
// process per invocation, against the local endpoint serving a generated fleet page by page.
import { MAX_ATTEMPTS } from '../src/aws/client-options.js';
import {
  type LocalAws,
  LocalService,
  type ReceivedEvaluation,
  seededFailedEntries,
  seededFaults,
  startLocalAws,
} from '../test/support/aws/index.js';
import { type Invocation, invokeBundle, lambdaNodeOptions } from '../test/support/bundle.js';
import { loadEvent } from '../test/support/events.js';
import { appTierFleet, type Fleet, type MinimumCalls } from '../test/support/fleet.js';
import { replayRetryQuota } from '../test/support/retry-quota.js';
import { median } from './cold-start.mjs';
import { table } from './format.js';

const SIZES = (process.env.BENCH_SWEEP_N ?? '1000,10000,100000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_SWEEP_RUNS ?? 3);
const SCHEDULED = loadEvent('scheduled');
const LAMBDA_NODE_OPTIONS = lambdaNodeOptions();
/**
 * Where memory is judged from: the heap grows to its working size over the first ten pages or so, then
 * stays (a sweep of 1,000 peaks lower than any larger one; test/integration/bundle-scale.test.ts).
 */
const FLAT_FROM = 10_000;
const OPERATIONS = ['DescribeInstances', 'GetComplianceDetailsByConfigRule', 'PutEvaluations'] as const;

const number = (value: number) => value.toLocaleString('en-US');
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

interface Sweep {
  readonly invocation: Invocation;
  readonly calls: Record<keyof MinimumCalls, number>;
  readonly evaluations: readonly ReceivedEvaluation[];
  readonly aws: LocalAws;
}

const sweepOnce = async (
  fleet: Fleet,
  execArgv: readonly string[],
  prepare?: (aws: LocalAws) => void,
  mayFail = false,
): Promise<Sweep> => {
  const aws = await startLocalAws({ instances: fleet.inventory, complianceResults: fleet.complianceResults });
  try {
    prepare?.(aws);
    const invocation = await invokeBundle(SCHEDULED, { env: aws.env, execArgv });
    if (invocation.error !== undefined && !mayFail)
      throw new Error(`${invocation.error.name}: ${invocation.error.message}`);
    const calls = Object.fromEntries(
      OPERATIONS.map((operation) => [operation, aws.requests.count(operation)]),
    );
    return { invocation, calls: calls as Sweep['calls'], evaluations: aws.evaluations, aws };
  } finally {
    await aws.stop();
  }
};

const callRows: string[][] = [['N', ...OPERATIONS, 'all calls', 'minimum', 'ratio']];
const memoryRows: string[][] = [
  [
    'N',
    'peak RSS, Lambda flags',
    `ratio to N=${number(FLAT_FROM)}`,
    'peak RSS, node defaults',
    `ratio to N=${number(FLAT_FROM)}`,
    'invocation',
  ],
];
const peaks = new Map<number, { lambda: number; plain: number; invokeMs: number }>();
for (const n of SIZES) {
  const fleet = appTierFleet(n);
  const lambda: Sweep[] = [];
  const plain: Sweep[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    lambda.push(await sweepOnce(fleet, LAMBDA_NODE_OPTIONS));
    plain.push(await sweepOnce(fleet, []));
  }
  const calls = lambda[0]?.calls as Sweep['calls'];
  for (const sweep of [...lambda, ...plain]) {
    if (OPERATIONS.some((operation) => sweep.calls[operation] !== calls[operation])) {
      throw new Error(`N=${n}: the calls differ from one run to the next`);
    }
    if (sweep.evaluations.length !== fleet.appTier + fleet.stale)
      throw new Error(`N=${n}: evaluations missing`);
  }
  const all = OPERATIONS.reduce((sum, operation) => sum + calls[operation], 0);
  const minimum = OPERATIONS.reduce((sum, operation) => sum + fleet.minimumCalls[operation], 0);
  callRows.push([
    number(n),
    ...OPERATIONS.map(
      (operation) => `${number(calls[operation])} / ${number(fleet.minimumCalls[operation])}`,
    ),
    number(all),
    number(minimum),
    (all / minimum).toFixed(2),
  ]);
  peaks.set(n, {
    lambda: median(lambda.map((sweep) => sweep.invocation.maxRssKb)),
    plain: median(plain.map((sweep) => sweep.invocation.maxRssKb)),
    invokeMs: median(lambda.map((sweep) => sweep.invocation.invokeMs)),
  });
}
const base = peaks.get(FLAT_FROM) ?? peaks.get(SIZES[0] ?? 0);
for (const [n, peak] of peaks) {
  memoryRows.push([
    number(n),
    mib(peak.lambda),
    base === undefined ? '' : (peak.lambda / base.lambda).toFixed(2),
    mib(peak.plain),
    base === undefined ? '' : (peak.plain / base.plain).toFixed(2),
    `${(peak.invokeMs / 1000).toFixed(1)} s`,
  ]);
}

const fleetNote = appTierFleet(SIZES[0] ?? 1000);
console.log(
  [
    `Sweep: AWS calls made / minimum, per fleet of N app-tier instances (median of ${RUNS} runs; every run made the same calls)`,
    `fleet: N live app-tier instances plus N/10 the server-side filters drop; previous results S = 0.96 N, of which G = N/100 stale`,
    `minimum: ⌈N/1000⌉ DescribeInstances, ⌈S/100⌉ GetComplianceDetailsByConfigRule, ⌈(N+G)/100⌉ PutEvaluations (e.g. N=${number(fleetNote.appTier)}: S=${number(fleetNote.previous)}, G=${number(fleetNote.stale)})`,
    ...table(callRows),
    '',
    `Peak resident memory of the function's process (process.resourceUsage().maxRSS), median of ${RUNS} runs`,
    `Lambda flags: ${LAMBDA_NODE_OPTIONS.join(' ')} (template.yaml: MemorySize 512, NODE_OPTIONS); node defaults: none`,
    ...table(memoryRows),
    `goal: peak RSS at 100,000 within 1.5× of the peak at ${number(FLAT_FROM)}, where the heap has grown to its working size`,
  ].join('\n'),
);

// One sweep of 100,000 (BENCH_FAULT_N) without faults, then the same with 30 % of all calls failing (seeded:
// the same faults every run; throttling, HTTP 500 and 503, dropped connections), 2 % of the entries returned in
// FailedEvaluations, at most 2 failures in a row per call or entry. Side by side: delivered / decided, calls.
const FAULT_N = Number(process.env.BENCH_FAULT_N ?? 100_000);
const fleet = appTierFleet(FAULT_N);
const decided = fleet.appTier + fleet.stale;
const clean = await sweepOnce(fleet, LAMBDA_NODE_OPTIONS);
let failedEntries = 0;
const faulty = await sweepOnce(
  fleet,
  LAMBDA_NODE_OPTIONS,
  (aws) => {
    aws.options.faults = seededFaults({ seed: 20261128, rate: 0.3, maxConsecutive: 2 });
    const failEntry = seededFailedEntries({ seed: 20261128, rate: 0.02, maxConsecutive: 2 });
    aws.options.failEvaluation = (entry) => {
      const failed = failEntry(entry);
      if (failed) failedEntries += 1;
      return failed;
    };
  },
  true,
);
const key = (evaluation: ReceivedEvaluation) => JSON.stringify(evaluation);
const withoutFaults = new Set(clean.evaluations.map(key));
const same =
  faulty.evaluations.length === clean.evaluations.length &&
  new Set(faulty.evaluations.map(key)).size === faulty.evaluations.length &&
  faulty.evaluations.every((evaluation) => withoutFaults.has(key(evaluation)));
const requests = faulty.aws.requests.all;
const faulted = requests.filter((request) => request.fault !== undefined);
const firstAttempts = requests.filter((request) => request.attempt === 1);
const kinds = new Map<string, number>();
for (const request of faulted) kinds.set(request.fault ?? '', (kinds.get(request.fault ?? '') ?? 0) + 1);
const quota = replayRetryQuota(requests, MAX_ATTEMPTS);
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;
const deliveredCell = (sweep: Sweep) => {
  const named = sweep.invocation.error?.undelivered?.length ?? 0;
  return `${number(sweep.evaluations.length)} / ${number(decided)} (${percent(sweep.evaluations.length, decided)})${named > 0 ? `, ${number(named)} named` : ''}`;
};
const outcome = (sweep: Sweep) =>
  sweep.invocation.error === undefined ? 'succeeded' : `failed: ${sweep.invocation.error.name}`;
const callCell = (operation: (typeof OPERATIONS)[number]) => {
  const calls = firstAttempts.filter((request) => request.operation === operation).length;
  const retries = requests.filter((request) => request.operation === operation).length - calls;
  return `${number(calls)} (+${number(retries)} retries)`;
};
const sideBySide: string[][] = [
  ['', 'without faults', 'with 30 % faults'],
  ['delivered / decided', deliveredCell(clean), deliveredCell(faulty)],
  ['invocation', outcome(clean), outcome(faulty)],
  ...OPERATIONS.map((operation) => [operation, number(clean.calls[operation]), callCell(operation)]),
  [
    'all calls',
    number(OPERATIONS.reduce((sum, operation) => sum + clean.calls[operation], 0)),
    `${number(firstAttempts.length)} (+${number(requests.length - firstAttempts.length)} retries)`,
  ],
  [
    'time',
    `${(clean.invocation.invokeMs / 1000).toFixed(1)} s`,
    `${(faulty.invocation.invokeMs / 1000).toFixed(1)} s`,
  ],
];
console.log(
  [
    '',
    `Faults: a sweep of ${number(FAULT_N)} app-tier instances, without faults and with 30 % of all calls failing (maxAttempts ${MAX_ATTEMPTS}, a retry quota per call)`,
    ...table(sideBySide),
    `calls failed at first: ${number(firstAttempts.filter((r) => r.fault !== undefined).length)} of ${number(firstAttempts.length)} (${percent(firstAttempts.filter((r) => r.fault !== undefined).length, firstAttempts.length)}); attempts failed: ${number(faulted.length)} (${[...kinds].map(([kind, count]) => `${kind} ${count}`).join(', ')})`,
    `entries returned in FailedEvaluations: ${number(failedEntries)}, re-sent in full batches; evaluations identical to the run without faults: ${same ? 'yes' : 'NO'}`,
    `the SDK's shared retry quota (500 tokens per client) over these calls: lowest level Config ${quota.lowest[LocalService.CONFIG_SERVICE]}, EC2 ${quota.lowest[LocalService.EC2]}; retries it could not have paid for (calls it would have given up on): ${number(quota.unpaid)}`,
    ...(faulty.invocation.error?.cause === undefined
      ? []
      : [`(cause: ${faulty.invocation.error.cause.name}: ${faulty.invocation.error.cause.message})`]),
  ].join('\n'),
);
