// `audit --organization` at organization scale: a simulated organization of BENCH_ORG_ACCOUNTS accounts
// (default 1,000) × 17 regions behind an endpoint that answers every call after BENCH_ORG_DELAY_MS
// (default 50 ms, a short AWS API round trip; each call also costs the SDK a few milliseconds of CPU, so a
// much shorter delay would measure this machine's CPU rather than the scheduling). Side by side: the wall time against the least the concurrency allows (calls × delay ÷
// concurrency), and the memory of a smaller organization against the full one: what grows is the rows.
// Writes .bench/organization-audit.json.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ORGANIZATION_CONCURRENCY } from '../src/cli/organization-audit.js';
import { table } from './format.js';

const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));
const ACCOUNTS = (process.env.BENCH_ORG_ACCOUNTS ?? '100,1000').split(',').map(Number);
const DELAY_MS = Number(process.env.BENCH_ORG_DELAY_MS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_ORG_CONCURRENCY ?? DEFAULT_ORGANIZATION_CONCURRENCY);
/** The goal: within this factor of the least time the concurrency allows. */
const GOAL_RATIO = 1.3;

interface Run {
  code: number;
  wallMs: number;
  rows: number;
  failedAccounts: number;
  maxRssKb: number;
  retainedHeap: number;
  peakLiveHeap: number;
}

const startEndpoint = async (accounts: number): Promise<{ url: string; child: ChildProcess }> => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/organization-endpoint.ts', String(accounts), String(DELAY_MS)],
    { cwd: PROJECT_DIR, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) return { url: (JSON.parse(line) as { url: string }).url, child };
  throw new Error('the endpoint exited before listening');
};

const runAudit = (url: string): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'bench/organization-run.ts', url, String(CONCURRENCY)],
      { cwd: PROJECT_DIR, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output) as Run) : reject(new Error(`the audit exited with ${code}`)),
    );
  });

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const results = [];
for (const accounts of ACCOUNTS) {
  const { url, child } = await startEndpoint(accounts);
  try {
    const run = await runAudit(url);
    const calls = (await (await fetch(`${url}/stats`)).json()) as Record<string, number>;
    const total = Object.values(calls).reduce((sum, count) => sum + count, 0);
    const minimumMs = (total * DELAY_MS) / CONCURRENCY;
    if (run.failedAccounts > 0 || run.code !== 1)
      throw new Error(`unexpected outcome: ${JSON.stringify(run)}`);
    results.push({
      accounts,
      regions: accounts * 17,
      calls,
      total,
      minimumMs,
      ...run,
      ratio: run.wallMs / minimumMs,
    });
  } finally {
    child.kill('SIGTERM');
  }
}

console.log(
  `audit --organization: ${DELAY_MS} ms a call, concurrency ${CONCURRENCY}; minimum = calls × ${DELAY_MS} ms ÷ ${CONCURRENCY}`,
);
console.log(
  table([
    [
      'accounts × 17 regions',
      'calls',
      'minimum',
      'wall',
      'ratio',
      'rows',
      'peak RSS',
      'rows heap',
      'peak live heap',
    ],
    ...results.map((result) => [
      result.accounts.toLocaleString('en-US'),
      result.total.toLocaleString('en-US'),
      seconds(result.minimumMs),
      seconds(result.wallMs),
      `${result.ratio.toFixed(2)}×`,
      result.rows.toLocaleString('en-US'),
      mib(result.maxRssKb * 1024),
      mib(result.retainedHeap),
      mib(result.peakLiveHeap),
    ]),
  ]).join('\n'),
);
const largest = results.at(-1);
const smallest = results[0];
if (largest !== undefined) {
  console.log(
    `calls by operation at ${largest.accounts.toLocaleString('en-US')} accounts: ` +
      Object.entries(largest.calls)
        .map(([operation, count]) => `${operation} ${count.toLocaleString('en-US')}`)
        .join(', '),
  );
  console.log(
    `Goal: within ${GOAL_RATIO}× of the minimum — ${largest.ratio <= GOAL_RATIO ? 'met' : 'NOT met'} (${largest.ratio.toFixed(2)}×)`,
  );
}
if (largest !== undefined && smallest !== undefined && largest !== smallest) {
  const perRow = (result: typeof largest) => result.retainedHeap / Math.max(1, result.rows);
  console.log(
    `Memory: the live heap beyond the rows peaks at ${mib(smallest.peakLiveHeap - smallest.retainedHeap)} with ` +
      `${smallest.accounts} accounts, ${mib(largest.peakLiveHeap - largest.retainedHeap)} with ${largest.accounts}; the rows take ` +
      `${Math.round(perRow(largest)).toLocaleString('en-US')} bytes each (with their JSON text)`,
  );
}
mkdirSync(`${PROJECT_DIR}.bench`, { recursive: true });
writeFileSync(
  `${PROJECT_DIR}.bench/organization-audit.json`,
  `${JSON.stringify({ delayMs: DELAY_MS, concurrency: CONCURRENCY, goalRatio: GOAL_RATIO, results }, null, 2)}\n`,
);
