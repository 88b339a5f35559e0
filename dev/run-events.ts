import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Context } from 'aws-lambda';
import { parseArn } from '../src/aws/names.js';
import { describeError } from '../src/errors.js';
import type { JsonObject } from '../src/json.js';
import { type LocalAws, startLocalAws } from '../test/support/aws/index.js';
import { type RunRow, renderTable, UNREADABLE } from './evaluation-table.js';
import { eventFiles, readEventFile } from './event-files.js';
import { FUNCTION_NAME, FUNCTION_TIMEOUT_MS, lambdaContext, MEMORY_SIZE_MB } from './lambda-context.js';
import { loadSeed } from './sample-inventory.js';

const PROJECT_DIR = fileURLToPath(new URL('../', import.meta.url));
const DEFAULT_REGION = 'us-east-1';
const DEFAULT_ACCOUNT_ID = '123456789012';

const USAGE = `Usage: npm start -- [options] [event.json | folder ...]
       npm start --silent -- --json > rows.json   (--silent keeps npm's own lines off stdout)

Builds the Lambda function (npm run build:function), then invokes its handler once per event (events/*.json, or
the files given; a folder stands for every .json file in it) against a local AWS endpoint seeded from
events/local-aws/, and prints what the endpoint received through PutEvaluations: one row per
evaluation, ERROR for an invocation that failed. A file that is not a JSON event gets one line saying
why. Exit code 1 if any event failed, 2 if the build failed.

Options:
  --verbose  also show the build's output (sizes, chunks) and the Lambda's JSON logs (INFO and above)
             on stderr
  --json     print the rows as JSON instead of a table
  --help     show this text

In the table, EVENT is the file name without .json, and MESSAGE TYPE is short for
ConfigurationItemChangeNotification (change), OversizedConfigurationItemChangeNotification (oversized),
ScheduledNotification (scheduled) and ConfigurationSnapshotDeliveryCompleted (snapshot).`;

/** How `runEvents` runs the bundle. */
export interface RunEventsOptions {
  /** The built module exporting `handler`; default: the one the build wrote under `dist/`. */
  bundle?: string;
  /** The seed directory of the local endpoint; default `events/local-aws`. */
  seedDir?: string;
  /** The Lambda's POWERTOOLS_LOG_LEVEL; default SILENT (a failed invocation is a row of the report). */
  logLevel?: string;
  /**
   * An endpoint the caller started (and stops), e.g. to inject faults or read the requests; `seedDir`
   * is then ignored.
   */
  endpoint?: LocalAws;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

let bundleLoads = 0;

/**
 * Imports the bundle afresh for each run, a cold start: within a run the module keeps its SDK clients
 * and caches from one invocation to the next, as a warm container does, but a new run has a new
 * endpoint URL that clients made by an earlier run would not know.
 */
const importHandler = async (bundle: string): Promise<Handler> => {
  bundleLoads += 1;
  const module = (await import(`${pathToFileURL(bundle).href}?load=${bundleLoads}`)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`${bundle} does not export a function "handler"`);
  return module.handler as Handler;
};

/** Where the sample events are: `npm start` without arguments runs every `.json` file in it. */
export const EVENTS_DIR = join(PROJECT_DIR, 'events');

/**
 * The handler module the build wrote: the `handler.mjs` nearest the top of `dist/` (the build decides
 * the folder inside it).
 */
export const builtHandler = async (distDir = join(PROJECT_DIR, 'dist')): Promise<string | undefined> => {
  const found = (await readdir(distDir, { recursive: true }).catch(() => [] as string[]))
    .filter((path) => basename(path) === 'handler.mjs')
    .sort((a, b) => a.split(/[\\/]/).length - b.split(/[\\/]/).length || a.localeCompare(b));
  return found[0] === undefined ? undefined : join(distDir, found[0]);
};

// The region is the rule's: `arn:aws:config:<region>:<account>:config-rule/...`.
const regionOf = (event: JsonObject): string =>
  parseArn(typeof event.configRuleArn === 'string' ? event.configRuleArn : undefined)?.region ||
  DEFAULT_REGION;

const messageTypeOf = (event: JsonObject): string => {
  try {
    const invoking = JSON.parse(String(event.invokingEvent)) as { messageType?: unknown };
    return typeof invoking.messageType === 'string' ? invoking.messageType : '(none)';
  } catch {
    return '(unreadable)';
  }
};

const errorMessage = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** How a file is named in the report: relative to the working directory when it is inside it. */
const shown = (file: string): string => {
  const path = relative(process.cwd(), file);
  return path === '' || path.startsWith('..') ? file : path;
};

/** The row of a file that is not a JSON event: nothing was invoked. */
const unreadableRow = (file: string, problem: string): RunRow => ({
  file: basename(file),
  path: shown(file),
  messageType: UNREADABLE,
  result: 'ERROR',
  annotation: problem,
});

// The Lambda's logs go to stderr whatever their level: stdout carries only the report, so --json stays
// parseable. Powertools writes through a Console bound to process.stdout, hence the stream is redirected.
const withStdoutOnStderr = async <T>(work: () => Promise<T>): Promise<T> => {
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
};

// Lambda ends an invocation at its timeout; so does this run, instead of waiting forever.
const withTimeout = async <T>(work: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Task timed out after ${(FUNCTION_TIMEOUT_MS / 1000).toFixed(2)} seconds`)),
      FUNCTION_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

const invoke = async (handler: Handler, file: string, aws: LocalAws): Promise<RunRow[]> => {
  const name = basename(file);
  const path = shown(file);
  const { event, problem } = await readEventFile(file);
  if (event === undefined) return [unreadableRow(file, problem)];
  const messageType = messageTypeOf(event);
  const region = regionOf(event);
  process.env.AWS_REGION = region;
  // As in a single-account deployment, the function runs in the account the event is for (its ARN says so).
  const accountId = typeof event.accountId === 'string' ? event.accountId : DEFAULT_ACCOUNT_ID;
  const received = aws.evaluations.length;
  let unchanged = 0;
  try {
    const summary = await withStdoutOnStderr(() =>
      withTimeout(handler(event, lambdaContext(region, accountId))),
    );
    unchanged = (summary as { unchanged?: number } | undefined)?.unchanged ?? 0;
  } catch (error) {
    return [{ file: name, path, messageType, result: 'ERROR', annotation: errorMessage(error) }];
  }
  const evaluations = aws.evaluations.slice(received);
  // Config already holds these results as decided: the rule does not record them again.
  const unchangedRow: RunRow[] =
    unchanged > 0
      ? [
          {
            file: name,
            path,
            messageType,
            result: 'UNCHANGED',
            annotation: `${unchanged} result(s) already held by Config, not recorded again.`,
          },
        ]
      : [];
  if (evaluations.length === 0) {
    return unchangedRow.length > 0
      ? unchangedRow
      : [
          {
            file: name,
            path,
            messageType,
            result: 'NONE',
            annotation: 'The invocation reported no evaluation.',
          },
        ];
  }
  const rows: RunRow[] = evaluations.map((evaluation) => ({
    file: name,
    path,
    messageType,
    resourceType: evaluation.ComplianceResourceType,
    resourceId: evaluation.ComplianceResourceId,
    result: evaluation.ComplianceType,
    annotation: evaluation.Annotation ?? '',
    orderingTimestamp: evaluation.OrderingTimestamp.toISOString(),
    testMode: evaluation.TestMode,
  }));
  return [...rows, ...unchangedRow];
};

/**
 * Invokes the built handler once per event file against a local endpoint seeded from `seedDir`, and
 * returns one row per evaluation the endpoint received (or one ERROR / NONE row for the invocation).
 * The process environment is set as the Lambda runtime would set it and restored afterwards; as that
 * is process-wide, runs must not overlap.
 */
export const runEvents = async (
  files: readonly string[],
  options: RunEventsOptions = {},
): Promise<RunRow[]> => {
  const aws =
    options.endpoint ??
    (await startLocalAws(await loadSeed(options.seedDir ?? join(PROJECT_DIR, 'events', 'local-aws'))));
  const saved = { ...process.env };
  Object.assign(process.env, aws.env, {
    // Dummy credentials: the endpoint does not check signatures, and the SDK must not look for real ones.
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'local-session-token',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: DEFAULT_REGION,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: MEMORY_SIZE_MB,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: FUNCTION_NAME,
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'SILENT',
  });
  delete process.env.AWS_PROFILE;
  try {
    const bundle = options.bundle ?? (await builtHandler());
    if (bundle === undefined) throw new Error('No handler.mjs under dist/: run npm run build:function first');
    const handler = await withStdoutOnStderr(() => importHandler(bundle));
    const rows: RunRow[] = [];
    for (const file of files) rows.push(...(await invoke(handler, file, aws)));
    return rows;
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    if (options.endpoint === undefined) await aws.stop();
  }
};

const OPTIONS = {
  verbose: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

const parseCommandLine = (argv: readonly string[]) =>
  parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });

const counted = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

// A terminal tells its width; a pipe does not, and COLUMNS (when exported) or 120 stands in.
const terminalWidth = (): number =>
  Math.max(80, process.stdout.columns ?? (Number(process.env.COLUMNS) || 120));

/** What the build did: its output (sizes and chunks), shown with --verbose or when it failed. */
export interface BuildOutcome {
  readonly ok: boolean;
  readonly output: string;
}

/**
 * `npm run build:function`, whatever it runs: the harness invokes what the project builds, where it writes
 * it. Only the function: the command line and the CDK constructs (and their type declarations, most of
 * `npm run build`'s time) are not what `npm start` runs.
 */
export const buildFunction = (): BuildOutcome => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['run', '--silent', 'build:function'], { cwd: PROJECT_DIR, encoding: 'utf8' });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error === undefined ? '' : `${run.error.message}\n`}`;
  return { ok: run.status === 0, output };
};

/** What the command uses from outside; tests give their own build. */
export interface MainOptions {
  readonly build?: () => BuildOutcome;
}

/** The table, its summary, then one line per file that is not a JSON event. */
const report = (rows: readonly RunRow[], events: number): string => {
  const unreadable = rows.filter((row) => row.messageType === UNREADABLE);
  const invoked = rows.filter((row) => row.messageType !== UNREADABLE);
  const failed = new Set(rows.filter((row) => row.result === 'ERROR').map((row) => row.path)).size;
  const evaluations = invoked.filter((row) => row.resourceId !== undefined).length;
  return [
    ...(invoked.length === 0 ? [] : [renderTable(invoked, terminalWidth()), '']),
    `${counted(events, 'event')}, ${failed} failed; ${counted(evaluations, 'evaluation')} received by PutEvaluations`,
    ...unreadable.map((row) => `error: ${row.path}: ${row.annotation}`),
  ].join('\n');
};

/**
 * The `npm start` command: parses the arguments, builds the function, runs the events, prints the report
 * (results first; the build's output only with --verbose); returns the exit code.
 */
export const main = async (argv: readonly string[], options: MainOptions = {}): Promise<number> => {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const verbose = parsed.values.verbose === true;
  const paths =
    parsed.positionals.length > 0 ? parsed.positionals.map((path) => resolve(path)) : [EVENTS_DIR];
  const { files, problems } = await eventFiles(paths);

  const built = (options.build ?? buildFunction)();
  if (verbose || !built.ok) process.stderr.write(built.output);
  if (!built.ok) {
    console.error('error: npm run build:function failed; its output is above');
    return 2;
  }

  let rows: RunRow[];
  try {
    rows = [
      ...problems.map(({ path, problem }) => unreadableRow(path, problem)),
      ...(files.length === 0 ? [] : await runEvents(files, { logLevel: verbose ? 'INFO' : 'SILENT' })),
    ];
  } catch (error) {
    console.error(`error: ${describeError(error)}`);
    if (verbose && error instanceof Error && error.stack !== undefined) console.error(error.stack);
    return 2;
  }
  console.log(
    parsed.values.json === true
      ? JSON.stringify(rows, null, 2)
      : report(rows, files.length + problems.length),
  );
  return rows.some((row) => row.result === 'ERROR') ? 1 : 0;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
