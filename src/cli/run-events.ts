import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Context } from 'aws-lambda';
import { type LocalAws, loadSeed, startLocalAws } from '../local-aws/index.js';
import { type RunRow, renderTable } from './evaluation-table.js';
import { FUNCTION_NAME, FUNCTION_TIMEOUT_MS, lambdaContext, MEMORY_SIZE_MB } from './lambda-context.js';

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_REGION = 'us-east-1';
const DEFAULT_ACCOUNT_ID = '123456789012';

const USAGE = `Usage: npm start -- [options] [event.json ...]
       npm start --silent -- --json > rows.json   (--silent keeps npm's own lines off stdout)

Builds the Lambda bundle, then invokes dist/function/handler.mjs once per sample event (events/*.json, or
the files given) against a local AWS endpoint seeded from events/local-aws/, and prints what the endpoint
received through PutEvaluations: one row per evaluation, ERROR for an invocation that failed.
Exit code 1 if any invocation failed.

Options:
  --verbose  show the Lambda's JSON logs (INFO and above) on stderr
  --json     print the rows as JSON instead of a table
  --help     show this text

In the table, EVENT is the file name without .json, and MESSAGE TYPE is short for
ConfigurationItemChangeNotification (change), OversizedConfigurationItemChangeNotification (oversized),
ScheduledNotification (scheduled) and ConfigurationSnapshotDeliveryCompleted (snapshot).`;

/** How `runEvents` runs the bundle. */
export interface RunEventsOptions {
  /** The built bundle exporting `handler`; default `dist/function/handler.mjs`. */
  bundle?: string;
  /** The seed directory of the local endpoint; default `events/local-aws`. */
  seedDir?: string;
  /** The Lambda's POWERTOOLS_LOG_LEVEL; default WARN. */
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

/** The sample events: every `events/*.json`, sorted. */
export const defaultEventFiles = async (): Promise<string[]> => {
  const dir = join(PROJECT_DIR, 'events');
  return (await readdir(dir))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
};

// The region is the rule's: `arn:aws:config:<region>:<account>:config-rule/...`.
const regionOf = (event: Record<string, unknown>): string => {
  const region = typeof event.configRuleArn === 'string' ? event.configRuleArn.split(':')[3] : undefined;
  return region === undefined || region === '' ? DEFAULT_REGION : region;
};

const messageTypeOf = (event: Record<string, unknown>): string => {
  try {
    const invoking = JSON.parse(String(event.invokingEvent)) as { messageType?: unknown };
    return typeof invoking.messageType === 'string' ? invoking.messageType : '(none)';
  } catch {
    return '(unreadable)';
  }
};

const errorMessage = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

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
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    return [{ file: name, messageType: '(unreadable)', result: 'ERROR', annotation: errorMessage(error) }];
  }
  const messageType = messageTypeOf(event);
  const region = regionOf(event);
  process.env.AWS_REGION = region;
  // As in a single-account deployment, the function runs in the account the event is for: its ARN and
  // its own credentials (STS GetCallerIdentity) both say so.
  const accountId = typeof event.accountId === 'string' ? event.accountId : DEFAULT_ACCOUNT_ID;
  const ownAccount = aws.options.accountId;
  aws.options.accountId = accountId;
  const received = aws.evaluations.length;
  try {
    await withStdoutOnStderr(() => withTimeout(handler(event, lambdaContext(region, accountId))));
  } catch (error) {
    return [{ file: name, messageType, result: 'ERROR', annotation: errorMessage(error) }];
  } finally {
    aws.options.accountId = ownAccount;
  }
  const evaluations = aws.evaluations.slice(received);
  if (evaluations.length === 0) {
    return [
      { file: name, messageType, result: 'NONE', annotation: 'The invocation reported no evaluation.' },
    ];
  }
  return evaluations.map((evaluation) => ({
    file: name,
    messageType,
    resourceType: evaluation.ComplianceResourceType,
    resourceId: evaluation.ComplianceResourceId,
    result: evaluation.ComplianceType,
    annotation: evaluation.Annotation ?? '',
    orderingTimestamp: evaluation.OrderingTimestamp.toISOString(),
    testMode: evaluation.TestMode,
  }));
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
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'WARN',
  });
  delete process.env.AWS_PROFILE;
  try {
    const handler = await withStdoutOnStderr(() =>
      importHandler(options.bundle ?? join(PROJECT_DIR, 'dist', 'function', 'handler.mjs')),
    );
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

/** The `npm start` command: parses the arguments, runs the events, prints the report; returns the exit code. */
export const main = async (argv: readonly string[]): Promise<number> => {
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
  const files =
    parsed.positionals.length > 0
      ? parsed.positionals.map((file) => resolve(file))
      : await defaultEventFiles();
  const rows = await runEvents(files, { logLevel: parsed.values.verbose === true ? 'INFO' : 'WARN' });
  if (parsed.values.json === true) {
    console.log(JSON.stringify(rows, null, 2));
  } else {
    const failed = new Set(rows.filter((row) => row.result === 'ERROR').map((row) => row.file)).size;
    const evaluations = rows.filter((row) => row.resourceId !== undefined).length;
    console.log(renderTable(rows, terminalWidth()));
    console.log(
      `\n${counted(files.length, 'event')}, ${failed} failed; ` +
        `${counted(evaluations, 'evaluation')} received by PutEvaluations`,
    );
  }
  return rows.some((row) => row.result === 'ERROR') ? 1 : 0;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
