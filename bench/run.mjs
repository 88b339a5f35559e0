// npm run bench: every timed figure of the documents, measured side by side in one run.
//   1. the function as `sam build` makes it (npm run build:function), its size per chunk;
//   2. cold start: module initialisation of the change path and what the sweep path pays to load EC2,
//      each before and after MainFields module,main, against floors built the same way, with ratios;
//   3. AWS calls and peak memory of a sweep at N = 1,000 / 10,000 / 100,000, and a sweep under faults;
//   4. decisions per second of the pure decision function;
//   5. cost: Config evaluations recorded a month and their price, recording everything against only changes
//      (BENCH_COST_N, default 1000,10000,100000), and the change path's choice (BENCH_CHANGE_EVENTS, 1000).
//   6. the result token filter on log lines;
//   7. before deploy: `scan` against `cfn-guard validate` on 1,000 generated templates (BENCH_SCAN_TEMPLATES).
//   8. audit --organization of 1,000 accounts × 17 regions against an endpoint answering after a fixed delay:
//      wall time against calls × delay ÷ concurrency, and peak memory (BENCH_ORG_ACCOUNTS, default
//      100,1000; BENCH_ORG_DELAY_MS, default 50; BENCH_ORG_CONCURRENCY, default the command's);
//   9. the HTML report of 10,000 instances in headless Chromium: first rows, all rows, the longest task, a
//      filter (BENCH_HTML_ROWS, default 10000).
//
// Each section's printed output is also written to docs/figures/<section>.md, under one line naming the
// run, and the documents' regions are rewritten from those files (scripts/figures.mjs): the documents show
// what this run printed, nothing copied by hand. A new benchmark is one more `section(...)` below: its
// figures file and its region (`<!-- figures:NAME -->`) need nothing else.
//
// Knobs (environment): BENCH_COLD_RUNS (default 15), BENCH_NODE (the node binary of the cold-start
// processes, e.g. a Node 24 to match the Lambda runtime), BENCH_SWEEP_N (default 1000,10000,100000),
// BENCH_SWEEP_RUNS (default 3), BENCH_FAULT_N (the sweep under faults, default 100000),
// BENCH_DECISION_RUNS (default 7), BENCH_REDACTION_RUNS (default 7), BENCH_SCAN_TEMPLATES (default 1000).
// BENCH_ONLY (comma-separated section names: only those are measured and their figures files rewritten;
// the others keep their last run's). The run's line names every knob set.

import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { functionFigures } from '../scripts/build-figures.mjs';
import { refreshDocuments, writeFigures } from '../scripts/figures.mjs';
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

const nodeVersion = execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim();
const knobs = Object.entries(process.env)
  .filter(([name]) => name.startsWith('BENCH_'))
  .map(([name, value]) => `${name}=${value}`)
  .sort();
/** The line every figures file of this run starts with: when, on what, with which knobs. */
const RUN = [
  `npm run bench, ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
  `node ${process.version} (cold starts: ${nodeVersion})`,
  `${process.platform}/${process.arch}, ${availableParallelism()} CPUs`,
  ...knobs,
].join(', ');
console.log(RUN);

/**
 * Prints a section's output and writes it as the figures file `name`: a fenced block under the run's line.
 * @param {string} name
 * @param {string} title
 * @param {() => string} measure
 */
const ONLY = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());

const section = (name, title, measure) => {
  if (ONLY !== undefined && !ONLY.includes(name)) return;
  console.log(`\n=== ${title} ===`);
  const output = measure().trimEnd();
  console.log(output);
  writeFigures(name, ['```text', RUN, '', output, '```'].join('\n'));
};

/** Runs a TypeScript bench in its own process; returns what it printed (its stderr goes straight to ours). */
const runTs = (/** @type {string} */ file) => {
  const { status, stdout } = spawnSync(process.execPath, ['--import', 'tsx', file], {
    cwd: PROJECT_DIR,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (status !== 0) throw new Error(`${file} failed with exit code ${status}:\n${stdout}`);
  return stdout;
};

console.log('\n=== Bundle (npm run build:function) ===');
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, encoding: 'utf8' });
if (build.status !== 0) throw new Error(`npm run build:function failed:\n${build.stderr}`);
// The build reports on stderr; here it belongs with the rest. Its figures are not timed: no run line.
console.log(build.stderr.trim());
writeFigures('build', functionFigures());

section('cold-start', 'Cold start', () => {
  const coldStarts = measureColdStarts(buildColdStartVariants(), { runs: COLD_RUNS, node: NODE });
  const sweepPath = measureColdStarts(buildSweepPathVariants(), { runs: COLD_RUNS, node: NODE });
  return [
    formatColdStarts(coldStarts, { runs: COLD_RUNS, nodeVersion }),
    '',
    formatSweepPath(sweepPath, { runs: COLD_RUNS }),
    '',
    formatGoals(coldStarts, sweepPath),
  ].join('\n');
});
section('sweep', 'Sweep calls, memory and faults', () => runTs('bench/sweep-calls.ts'));
section('decisions', 'Decision function', () => runTs('bench/decisions.ts'));
section('cost', 'Cost: what the rule records in Config', () => runTs('bench/cost.ts'));
section('change-stream', 'Cost: the change path', () => runTs('bench/change-stream.ts'));

section('redaction', 'Result token filter (src/secrets.ts)', () => runTs('bench/redaction.ts'));
section('scan-vs-guard', 'Before deploy: scan against cfn-guard validate', () =>
  runTs('bench/scan-vs-guard.ts'),
);
section('organization-audit', 'audit --organization at organization scale', () =>
  runTs('bench/organization-audit.ts'),
);
section('html-report', 'The HTML report in headless Chromium', () => runTs('bench/html-report.ts'));

const changed = refreshDocuments();
console.log(
  `\nfigures: docs/figures/ written; ${changed.length === 0 ? 'no document changed' : `rewrote ${changed.join(', ')}`}`,
);
