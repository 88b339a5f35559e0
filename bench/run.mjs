// npm run bench: every figure of docs/performance.md, measured side by side in one run.
//   1. the function as `sam build` makes it (npm run build), its size per chunk;
//   2. cold start: module initialisation of the change path and what the sweep path pays to load EC2,
//      each before and after MainFields module,main, against floors built the same way, with ratios;
//   3. AWS calls and peak memory of a sweep at N = 1,000 / 10,000 / 100,000, and a sweep under faults;
//   4. decisions per second of the pure decision function;
//   5. cost: Config evaluations recorded a month and their price, recording everything against only changes
//      (BENCH_COST_N, default 1000,10000,100000), and the change path's choice (BENCH_CHANGE_EVENTS, 1000).
//   6. audit --organization of 1,000 accounts × 17 regions against an endpoint answering after a fixed delay:
//      wall time against calls × delay ÷ concurrency, and peak memory (BENCH_ORG_ACCOUNTS, default
//      100,1000; BENCH_ORG_DELAY_MS, default 50; BENCH_ORG_CONCURRENCY, default the command's).
//   7. the HTML report of 10,000 instances in headless Chromium: first rows, all rows, the longest task, a
//      filter (BENCH_HTML_ROWS, default 10000).
//
// Knobs (environment): BENCH_COLD_RUNS (default 15), BENCH_NODE (the node binary of the cold-start
// processes, e.g. a Node 24 to match the Lambda runtime), BENCH_SWEEP_N (default 1000,10000,100000),
// BENCH_SWEEP_RUNS (default 3), BENCH_FAULT_N (the sweep under faults, default 100000),
// BENCH_DECISION_RUNS (default 7).

import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  buildColdStartVariants,
  buildSweepPathVariants,
  formatColdStarts,
  formatGoals,
  formatSweepPath,
  measureColdStarts,
} from './cold-start.mjs';

const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const NODE = process.env.BENCH_NODE ?? process.execPath;

const section = (/** @type {string} */ title) => console.log(`\n=== ${title} ===`);

/** Runs a TypeScript bench in its own process, its output straight to ours. */
const runTs = (/** @type {string} */ file) => {
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', file], {
    cwd: PROJECT_DIR,
    stdio: 'inherit',
  });
  if (status !== 0) throw new Error(`${file} failed with exit code ${status}`);
};

const nodeVersion = execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim();
console.log(
  `npm run bench — ${new Date().toISOString()} — node ${process.version} (cold starts: ${nodeVersion}), ${process.platform}/${process.arch}`,
);

section('Bundle (npm run build)');
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, encoding: 'utf8' });
if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
// The build reports on stderr; here it belongs with the rest.
console.log(build.stderr.trim());

section('Cold start');
const coldStarts = measureColdStarts(buildColdStartVariants(), { runs: COLD_RUNS, node: NODE });
console.log(formatColdStarts(coldStarts, { runs: COLD_RUNS, nodeVersion }));
console.log('');
const sweepPath = measureColdStarts(buildSweepPathVariants(), { runs: COLD_RUNS, node: NODE });
console.log(formatSweepPath(sweepPath, { runs: COLD_RUNS }));
console.log('');
console.log(formatGoals(coldStarts, sweepPath));

section('Sweep calls, memory and faults');
runTs('bench/sweep-calls.ts');

section('Decision function');
runTs('bench/decisions.ts');

section('Cost: what the rule records in Config (docs/cost.md)');
runTs('bench/cost.ts');
console.log('');
runTs('bench/change-stream.ts');

section('audit --organization at organization scale');
runTs('bench/organization-audit.ts');

section('The HTML report in headless Chromium');
runTs('bench/html-report.ts');
