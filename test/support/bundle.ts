import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readCloudFormationTemplate } from '../../scripts/cfn-yaml.mjs';
import { lambdaNodeOptions as nodeOptionsOf } from '../../scripts/function-build.mjs';

/** The function's handler file `npm run build` writes, as `sam build` would. */
export const BUNDLE = fileURLToPath(new URL('../../dist/function/handler.mjs', import.meta.url));
const RUNNER = fileURLToPath(new URL('./bundle-runner.mjs', import.meta.url));

/** What an invocation's error says, as the Lambda runtime would report it. */
export interface InvocationError {
  readonly name: string;
  readonly message: string;
  /** EvaluationDeliveryError: the resources (`<type> <id>`) Config did not take. */
  readonly undelivered?: readonly string[];
  /** The error's `cause`, when it is an Error. */
  readonly cause?: { readonly name: string; readonly message: string };
}

/** The handler's summary, as far as these tests read it. */
export interface InvocationSummary {
  readonly evaluations: number;
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly notApplicable: number;
  /** Decisions Config already held unchanged: not recorded again. */
  readonly unchanged: number;
  readonly report: {
    readonly mode: string;
    readonly delivered: number;
    readonly calls: number;
    /** In dry-run mode, the evaluations that would have been sent. */
    readonly wouldSend?: readonly { readonly ComplianceType?: string }[];
  };
  readonly sweep?: { readonly pages: number; readonly stale: number };
}

/** One invocation in a fresh process: its outcome, timings and the process's peak resident memory. */
export interface Invocation {
  readonly result?: InvocationSummary;
  readonly error?: InvocationError;
  /** Module initialisation: `await import()` of the bundle. */
  readonly initMs: number;
  readonly invokeMs: number;
  /** What `getRemainingTimeInMillis()` said when the handler returned. */
  readonly remainingMs: number;
  /** `process.resourceUsage().maxRSS`: the peak resident set of the whole process, in KiB. */
  readonly maxRssKb: number;
}

export interface InvokeOptions {
  /** Added to the function's environment: AWS_ENDPOINT_URL_*, REPORT_MODE, ... */
  readonly env?: Readonly<Record<string, string>>;
  /** The function's timeout as the Lambda context reports it (`getRemainingTimeInMillis`). */
  readonly timeoutMs?: number;
  /** Node options of the process, e.g. a heap limit. */
  readonly execArgv?: readonly string[];
  /** Another bundle than dist/function/handler.mjs. */
  readonly bundle?: string;
  /** The context's `invokedFunctionArn`; default a function in account 123456789012, the samples' account. */
  readonly functionArn?: string;
}

/**
 * The environment of the function: region, dummy credentials, quiet logs, and nothing of the caller's own
 * AWS configuration (no profile, no config file), so only `env` can point the SDK anywhere. A service that
 * `env` names no endpoint for goes to port 9 of 127.0.0.1, which refuses the connection: no call ever
 * leaves this machine.
 */
const functionEnvironment = (env: Readonly<Record<string, string>>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIATESTTESTTESTTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_SERVICE_NAME: 'app-tier-iam-role-rule',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  ...env,
});

/** How long past its timeout a function's process may run before it is killed, as Lambda would. */
const KILL_GRACE_MS = 5_000;

/**
 * Invokes the built bundle's handler once in a fresh Node process (a cold Lambda container). The endpoint
 * the SDK talks to may live in this process: the call does not block it. A process still running past its
 * timeout is killed, and the invocation rejects, as Lambda ends an invocation that runs into its timeout.
 */
export const invokeBundle = (event: unknown, options: InvokeOptions = {}): Promise<Invocation> =>
  new Promise((resolve, reject) => {
    const child = fork(RUNNER, [], {
      env: functionEnvironment(options.env ?? {}),
      execArgv: [...(options.execArgv ?? [])],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let answer: Invocation | undefined;
    const timeoutMs = options.timeoutMs ?? 300_000;
    let killed = false;
    const deadline = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, timeoutMs + KILL_GRACE_MS);
    child.once('message', (message) => {
      answer = message as Invocation;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(deadline);
      if (answer !== undefined) resolve(answer);
      else if (killed)
        reject(new Error(`The function ran into its ${timeoutMs} ms timeout and was killed:\n${output}`));
      else reject(new Error(`The function's process exited with code ${code} before answering:\n${output}`));
    });
    child.send({
      bundle: pathToFileURL(options.bundle ?? BUNDLE).href,
      event,
      timeoutMs,
      functionArn:
        options.functionArn ?? 'arn:aws:lambda:us-east-1:123456789012:function:app-tier-iam-role-rule',
    });
  });

/**
 * The Node options the function runs with in Lambda, from template.yaml: the heap limits the Node.js
 * runtime derives from MemorySize, and the function's own NODE_OPTIONS. Peak memory depends on them, so the
 * measurements use them.
 */
export const lambdaNodeOptions = (templatePath = new URL('../../template.yaml', import.meta.url)): string[] =>
  nodeOptionsOf(readCloudFormationTemplate(templatePath));
