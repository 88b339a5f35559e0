// One `audit --organization` against the simulated organization (bench/organization-endpoint.ts), in a
// fresh process so its peak memory is its own. Prints one JSON line: wall time, peak resident memory, the
// heap the rows hold after the run and the largest live heap while it ran (both after a collection).
//
// Usage: node --expose-gc --import tsx bench/organization-run.ts <endpoint url> <concurrency>
import { main } from '../src/cli/main.js';

const [url = '', concurrency = '16'] = process.argv.slice(2);
Object.assign(process.env, {
  AWS_ENDPOINT_URL: url,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH0',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

// Loaded before the baseline, so the heap the run keeps is the rows', not the SDK's code.
await Promise.all([
  import('@aws-sdk/client-ec2'),
  import('@aws-sdk/client-iam'),
  import('@aws-sdk/client-organizations'),
  import('@aws-sdk/client-sts'),
  import('@aws-sdk/credential-providers'),
  import('@aws-sdk/nested-clients/sts'),
]);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
gc();
const baseline = process.memoryUsage().heapUsed;
// The live heap: measured after a collection, once a second, so garbage not yet collected does not count.
let peakLive = 0;
const sampler = setInterval(() => {
  gc();
  peakLive = Math.max(peakLive, process.memoryUsage().heapUsed - baseline);
}, 1000);

let output = '';
const started = performance.now();
const code = await main(
  [
    'audit',
    '--organization',
    '--tag-key',
    'tier',
    '--tag-value',
    'app',
    '--concurrency',
    concurrency,
    '--output',
    'json',
  ],
  { stdout: (text) => (output += text), stderr: (text) => process.stderr.write(text) },
);
const wallMs = performance.now() - started;
clearInterval(sampler);
const document = JSON.parse(output) as { results: unknown[]; accounts: { error: string | null }[] };
gc();
// The rows and the JSON text are what the run keeps: the heap above the baseline with both still held.
const retainedHeap = process.memoryUsage().heapUsed - baseline;
process.stdout.write(
  `${JSON.stringify({
    code,
    wallMs,
    rows: document.results.length,
    failedAccounts: document.accounts.filter((account) => account.error !== null).length,
    maxRssKb: process.resourceUsage().maxRSS,
    retainedHeap,
    peakLiveHeap: Math.max(peakLive, retainedHeap),
    outputBytes: output.length,
  })}\n`,
);
