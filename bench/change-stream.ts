// The change path, decided with data: a stream of configuration changes, 90 % of them on instances outside the
// app tier, run through the built handler (one warm container, in this process) against the local endpoint,
// whose Config side files what PutEvaluations receives. Two ways side by side: recording every change
// (RECORD_UNCHANGED=true) and reading the previous result first where that can save a recording (the default).
// Every call takes 20 ms, a round trip's worth, so the extra read shows in the time.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { type ReceivedEvaluation, startLocalAws } from '../test/support/aws/index.js';
import { BUNDLE } from '../test/support/bundle.js';
import { invokingOf, loadEvent } from '../test/support/events.js';
import { lambdaContext } from '../test/support/lambda-context.js';
import { median } from './cold-start.mjs';
import { money, number, table } from './format.js';
import { configEvaluationsPrice, LAMBDA_PRICE } from './prices.js';

const EVENTS = Number(process.env.BENCH_CHANGE_EVENTS ?? 1_000);
const OUTSIDE_SHARE = 0.9;
const ROUND_TRIP_MS = 20;
const MEMORY_GB = 0.5;
const EVENTS_A_MONTH = 1_000_000;

interface Instance {
  readonly id: string;
  readonly population: 'app' | 'other';
  appTier: boolean;
  profile: boolean;
  seen: boolean;
}

/** A small seeded generator (mulberry32): the same stream every run. */
const random = (() => {
  let state = 20261128;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();

const population = (kind: Instance['population'], count: number, offset: number): Instance[] =>
  Array.from({ length: count }, (_, n) => ({
    id: `i-${(offset + n).toString(16).padStart(17, '0')}`,
    population: kind,
    appTier: kind === 'app',
    profile: kind === 'app' && n % 4 !== 0,
    seen: false,
  }));

const others = population('other', 150, 0);
const apps = population('app', 20, 10_000);
const APP_PROFILE = { arn: 'arn:aws:iam::123456789012:instance-profile/app', id: 'AIPAEXAMPLEAPPPROFILE' };

interface StreamEvent {
  readonly event: Record<string, unknown>;
  readonly resourceId: string;
  readonly at: string;
  /** An instance that leaves the app tier or loses its profile: must be recorded at once. */
  readonly mustRecord: boolean;
}

/** The change of one instance: the sample item of its kind, with its id, time, tags, profile and diff. */
const changeOf = (instance: Instance, index: number): StreamEvent => {
  const wasAppTier = instance.appTier;
  const hadProfile = instance.profile;
  const roll = random();
  let changed = ['Configuration.State.Name', 'Configuration.NetworkInterfaces.0'];
  if (instance.population === 'app' && roll < 0.1) {
    instance.profile = !instance.profile;
    changed = ['Configuration.IamInstanceProfile'];
  } else if (instance.population === 'app' && roll < 0.15) {
    instance.appTier = !instance.appTier;
    changed = ['Configuration.Tags.4'];
  } else if (roll < 0.1) {
    changed = ['Configuration.Tags.1'];
  }
  const sample = instance.population === 'app' ? 'compliant' : 'not-app-tier';
  const invoking = invokingOf(sample);
  const item = invoking.configurationItem as Record<string, unknown>;
  const configuration = item.configuration as Record<string, unknown>;
  const at = new Date(Date.UTC(2026, 10, 1) + index * 60_000).toISOString();
  const tags = { ...(item.tags as Record<string, string>) };
  if (instance.appTier) tags.tier = 'app';
  else delete tags.tier;
  item.resourceId = instance.id;
  item.configurationItemCaptureTime = at;
  item.tags = tags;
  configuration.tags = Object.entries(tags).map(([key, value]) => ({ key, value }));
  configuration.iamInstanceProfile = instance.profile ? APP_PROFILE : null;
  invoking.configurationItemDiff = {
    changedProperties: instance.seen
      ? Object.fromEntries(changed.map((path) => [path, { changeType: 'UPDATE' }]))
      : {},
    changeType: instance.seen ? 'UPDATE' : 'CREATE',
  };
  instance.seen = true;
  const event = { ...loadEvent(sample), invokingEvent: JSON.stringify(invoking) };
  const leaves = wasAppTier && !instance.appTier;
  const losesProfile = instance.appTier && hadProfile && !instance.profile;
  return { event, resourceId: instance.id, at, mustRecord: leaves || losesProfile };
};

const stream = Array.from({ length: EVENTS }, (_, index) => {
  const pool = random() < OUTSIDE_SHARE ? others : apps;
  return changeOf(pool[Math.floor(random() * pool.length)] as Instance, index);
});

// One warm container: the handler reads its endpoint and settings from the environment.
const aws = await startLocalAws({ recordedAs: String(loadEvent('compliant').configRuleName) });
aws.options.latencyMs = () => ROUND_TRIP_MS;
Object.assign(process.env, aws.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIATESTTESTTESTTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});
const { handler } = (await import(pathToFileURL(BUNDLE).href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};

interface Run {
  readonly recorded: readonly ReceivedEvaluation[];
  readonly puts: number;
  readonly emptyPuts: number;
  readonly reads: number;
  readonly medianMs: number;
  readonly meanMs: number;
}

const runStream = async (recordUnchanged: boolean): Promise<Run> => {
  aws.evaluations.length = 0;
  aws.requests.clear();
  process.env.RECORD_UNCHANGED = String(recordUnchanged);
  const times: number[] = [];
  for (const { event } of stream) {
    const started = performance.now();
    await handler(event, lambdaContext());
    times.push(performance.now() - started);
  }
  const puts = aws.requests.params('PutEvaluations');
  return {
    recorded: [...aws.evaluations],
    puts: puts.length,
    emptyPuts: puts.filter((params) => (params.Evaluations as unknown[]).length === 0).length,
    reads: aws.requests.count('GetComplianceDetailsByResource'),
    medianMs: median(times),
    meanMs: times.reduce((sum, ms) => sum + ms, 0) / times.length,
  };
};

/** What the dashboard shows at the end: the newest result per resource. */
const dashboard = (recorded: readonly ReceivedEvaluation[]) => {
  const latest = new Map<string, string>();
  for (const evaluation of recorded) {
    latest.set(evaluation.ComplianceResourceId, `${evaluation.ComplianceType} ${evaluation.Annotation}`);
  }
  return latest;
};

const everything = await runStream(true);
const readFirst = await runStream(false);
await aws.stop();

const same =
  JSON.stringify([...dashboard(everything.recorded)].sort()) ===
  JSON.stringify([...dashboard(readFirst.recorded)].sort());
const mustRecord = stream.filter((change) => change.mustRecord);
const recordedAt = new Set(
  readFirst.recorded.map((e) => `${e.ComplianceResourceId} ${e.OrderingTimestamp.toISOString()}`),
);
const recordedAtOnce = mustRecord.filter((change) =>
  recordedAt.has(`${change.resourceId} ${change.at}`),
).length;
if (!same) throw new Error('the two ways leave different results on the dashboard');
if (recordedAtOnce !== mustRecord.length)
  throw new Error('an instance leaving the app tier or losing its profile was not recorded');

const perMonth = (run: Run) => (run.recorded.length / EVENTS) * EVENTS_A_MONTH;
const lambdaPerMonth = (run: Run) =>
  EVENTS_A_MONTH * (LAMBDA_PRICE.perRequest + (run.meanMs / 1000) * MEMORY_GB * LAMBDA_PRICE.perGbSecond);
const row = (label: string, run: Run) => [
  label,
  number(run.recorded.length),
  `${number(run.puts)} (${number(run.emptyPuts)} empty)`,
  number(run.reads),
  `${run.medianMs.toFixed(0)} / ${run.meanMs.toFixed(0)} ms`,
  number(perMonth(run)),
  money(configEvaluationsPrice(perMonth(run))),
  money(lambdaPerMonth(run)),
];

console.log(
  [
    `Change path: ${number(EVENTS)} change events, ${Math.round(OUTSIDE_SHARE * 100)} % on ${others.length} instances outside the app tier, the rest on ${apps.length} app-tier ones`,
    `(first sight of each instance, state and network changes, other tags edited; app-tier ones also lose or regain their profile, leave or rejoin the tier); every call ${ROUND_TRIP_MS} ms`,
    ...table([
      [
        'way',
        'recorded',
        'PutEvaluations',
        'GetComplianceDetailsByResource',
        'invocation median / mean',
        `a month at ${number(EVENTS_A_MONTH)} events`,
        'Config price',
        'Lambda price',
      ],
      row('record every change', everything),
      row('read first (default)', readFirst),
    ]),
    `recorded ${(everything.recorded.length / readFirst.recorded.length).toFixed(1)}× fewer evaluations; the dashboard ends the same: ${same ? 'yes' : 'NO'}; ` +
      `instances leaving the app tier or losing their profile recorded at once: ${recordedAtOnce} of ${mustRecord.length}`,
    `one read costs ${(readFirst.meanMs - everything.meanMs).toFixed(0)} ms of a 512 MB function on average (${money(((readFirst.meanMs - everything.meanMs) / 1000) * MEMORY_GB * LAMBDA_PRICE.perGbSecond * EVENTS_A_MONTH)} a month at ${number(EVENTS_A_MONTH)} events); an evaluation not recorded saves $0.0005 to $0.001`,
  ].join('\n'),
);
