// Cold start of the function's bundle, side by side: the change path and the sweep path as built before
// (MainFields unset: esbuild's default for Node, `main` first, the SDK's CommonJS builds) and after
// (`MainFields: module,main`, the SDK's ES-module builds), against floors built the same way, plus the
// layouts the two-file build replaced. Every variant is built with the esbuild command line `sam build`
// runs (scripts/function-build.json); only the entry points change, or the main fields are left out. Every
// process runs with the Node options the function gets in Lambda (template.yaml: MemorySize, NODE_OPTIONS).
//
// Each measurement is a fresh Node process that imports one bundle (bench/import-once.mjs): the time of
// `await import()` (read, parse, evaluate: the module initialisation of a Lambda cold start), and the time
// from the start of the process to the module evaluated. Variants are interleaved, in a shuffled order run
// after run, so a slower moment of the machine hits them all alike; the figures are medians.

import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readCloudFormationTemplate } from '../scripts/cfn-yaml.mjs';
import { esbuildArgs, functionBuild, lambdaNodeOptions, runEsbuild } from '../scripts/function-build.mjs';

const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));
const IMPORT_ONCE = fileURLToPath(new URL('./import-once.mjs', import.meta.url));
const OUT_DIR = join(PROJECT_DIR, '.bench');
const CHANGE_PATH = join(PROJECT_DIR, 'dist', 'function', 'handler.mjs');
/** What the function runs with in Lambda: the same for every variant. */
const NODE_OPTIONS = lambdaNodeOptions(readCloudFormationTemplate(join(PROJECT_DIR, 'template.yaml')));
const OUT_EXTENSION =
  functionBuild.esbuild
    .find((arg) => arg.startsWith('--out-extension:.js='))
    ?.slice('--out-extension:.js='.length) ?? '.js';

/** @param {number[]} values */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Builds a variant into .bench/<name>/ with the function's esbuild command line.
 * @param {string} name
 * @param {string[]} entryPoints relative to the project; every output lands flat in the folder, as in the
 *   function's package (the first is the bundle measured)
 * @param {{ before?: boolean, flags?: string[] }} [how] before: without MainFields; flags: more flags
 * @returns {string} the bundle's path
 */
const buildVariant = (name, entryPoints, { before = false, flags = [] } = {}) => {
  const outdir = join(OUT_DIR, name);
  rmSync(outdir, { recursive: true, force: true });
  runEsbuild(
    esbuildArgs({
      outdir,
      entryPoints,
      without: before ? ['--main-fields'] : [],
      extra: ['--entry-names=[name]', '--log-level=error', ...flags],
    }),
  );
  const [first = ''] = entryPoints;
  return join(outdir, `${basename(first, extname(first))}${OUT_EXTENSION}`);
};

/**
 * @typedef {object} Variant
 * @property {string} key
 * @property {string} label
 * @property {string} bundle path of the bundle
 * @property {string} [base] the key of the variant it is compared with
 * @property {string} [loader] the export timed after the import (sweep path)
 * @property {string[]} [nodeOptions]
 * @property {Record<string, string>} [env]
 */

/**
 * The cold-start variants, built. `dist/function/handler.mjs` must exist (`npm run build`).
 * @returns {Variant[]}
 */
export const buildColdStartVariants = () => {
  statSync(CHANGE_PATH);
  return [
    {
      key: 'floor-before',
      label: 'before (MainFields unset): floor, Config client + logger',
      bundle: buildVariant('floor-before', ['bench/entries/floor.ts'], { before: true }),
    },
    {
      key: 'change-before',
      base: 'floor-before',
      label: 'before (MainFields unset): change path',
      bundle: buildVariant('change-before', ['src/handler.ts', 'src/extensions.ts'], { before: true }),
    },
    {
      key: 'client',
      label: 'after: floor, Config client alone',
      bundle: buildVariant('client', ['bench/entries/config-client.ts']),
    },
    {
      key: 'floor',
      label: 'after: floor, Config client + logger',
      bundle: buildVariant('floor', ['bench/entries/floor.ts']),
    },
    {
      key: 'change',
      base: 'floor',
      label: 'after: change path, dist/function/handler.mjs as sam build makes it',
      bundle: CHANGE_PATH,
    },
    {
      key: 'one-file',
      base: 'floor',
      label: 'after: one file, the extensions inside, initialised lazily',
      bundle: buildVariant('one-file', ['bench/entries/one-file.ts']),
    },
    {
      key: 'eager',
      base: 'floor',
      label: 'after: eager, every client imported statically',
      bundle: buildVariant('eager', ['bench/entries/eager.ts']),
    },
    {
      key: 'source-maps',
      base: 'change',
      label: 'after: change path with Sourcemap (SAM adds --enable-source-maps)',
      bundle: buildVariant('source-maps', ['src/handler.ts', 'src/extensions.ts'], {
        flags: ['--sourcemap'],
      }),
      nodeOptions: ['--enable-source-maps'],
    },
  ];
};

/**
 * What the sweep pays first on a cold container: the extensions file (EC2, SSM, IAM), loaded after the
 * handler, before and after MainFields.
 * @returns {Variant[]}
 */
export const buildSweepPathVariants = () => {
  const entryPoints = ['bench/entries/two-files.ts', 'src/extensions.ts'];
  return [
    {
      key: 'sweep-before',
      label: 'before (MainFields unset): extensions.mjs beside the handler',
      bundle: buildVariant('sweep-before', entryPoints, { before: true }),
      loader: 'loadSweepPath',
    },
    {
      key: 'sweep',
      base: 'sweep-before',
      label: 'after: extensions.mjs beside the handler, as sam build makes it',
      bundle: buildVariant('sweep', entryPoints),
      loader: 'loadSweepPath',
    },
  ];
};

/**
 * @typedef {object} ColdStart
 * @property {Variant} variant
 * @property {number} bytes
 * @property {number} importMs median of `await import()`
 * @property {number} sinceStartMs median of process start → module evaluated
 * @property {number | undefined} loadMs median of the loader, when the variant has one
 */

/**
 * Measures every variant `runs` times, interleaved, after one unrecorded warm-up run each.
 * @param {Variant[]} variants
 * @param {{ runs: number, node?: string }} options
 * @returns {ColdStart[]}
 */
export const measureColdStarts = (variants, { runs, node = process.execPath }) => {
  const once = (/** @type {Variant} */ variant) =>
    JSON.parse(
      execFileSync(
        node,
        [
          ...NODE_OPTIONS,
          ...(variant.nodeOptions ?? []),
          IMPORT_ONCE,
          pathToFileURL(variant.bundle).href,
          ...(variant.loader ? [variant.loader] : []),
        ],
        {
          cwd: PROJECT_DIR,
          env: {
            PATH: process.env.PATH,
            AWS_REGION: 'us-east-1',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            ...variant.env,
          },
          encoding: 'utf8',
        },
      ),
    );
  for (const variant of variants) once(variant);
  // Each run takes the variants in another order (the same in every bench), so none is always first.
  let seed = 0x2f6b1d3;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  /** @type {Map<string, { importMs: number, sinceStartMs: number, loadMs?: number }[]>} */
  const samples = new Map(variants.map((variant) => [variant.key, []]));
  for (let run = 0; run < runs; run += 1) {
    const order = [...variants];
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const variant of order) samples.get(variant.key)?.push(once(variant));
  }
  return variants.map((variant) => {
    const measured = samples.get(variant.key) ?? [];
    const loads = measured.flatMap((sample) => (sample.loadMs === undefined ? [] : [sample.loadMs]));
    return {
      variant,
      bytes: statSync(variant.bundle).size,
      importMs: median(measured.map((sample) => sample.importMs)),
      sinceStartMs: median(measured.map((sample) => sample.sinceStartMs)),
      loadMs: loads.length === 0 ? undefined : median(loads),
    };
  });
};

const ms = (/** @type {number} */ value) => `${value.toFixed(1)} ms`;

/**
 * @param {ColdStart[]} results
 * @param {(result: ColdStart) => number} pick
 * @param {ColdStart} result
 */
const ratioToBase = (results, pick, result) => {
  const base = results.find((other) => other.variant.key === result.variant.base);
  return base === undefined ? '1.00×' : `${(pick(result) / pick(base)).toFixed(2)}×`;
};

/**
 * @param {ColdStart[]} results
 * @param {{ runs: number, nodeVersion: string }} about
 */
export const formatColdStarts = (results, { runs, nodeVersion }) => {
  const width = Math.max(...results.map((result) => result.variant.label.length));
  // No bundle sizes: the build's figures state them (scripts/build-figures.mjs); the ratio of the change
  // path's sizes, after and before, is among the goals below.
  const header = `${'variant'.padEnd(width)}  ${'import()'.padStart(9)}  ${'ratio'.padStart(6)}  ${'start→ready'.padStart(11)}  ${'ratio'.padStart(6)}`;
  return [
    `Cold start: module initialisation, median of ${runs} fresh processes per variant (node ${nodeVersion});`,
    'ratio: to its floor, built the same way (the source-map row: to the change path)',
    header,
    ...results.map(
      (result) =>
        `${result.variant.label.padEnd(width)}  ${ms(result.importMs).padStart(9)}  ${ratioToBase(results, (r) => r.importMs, result).padStart(6)}  ${ms(result.sinceStartMs).padStart(11)}  ${ratioToBase(results, (r) => r.sinceStartMs, result).padStart(6)}`,
    ),
  ].join('\n');
};

/**
 * @param {ColdStart[]} results
 * @param {{ runs: number }} about
 */
export const formatSweepPath = (results, { runs }) => {
  const width = Math.max(...results.map((result) => result.variant.label.length));
  return [
    `Sweep path: loading the extensions (EC2, SSM, IAM) after the handler, median of ${runs} fresh processes`,
    `${'where the extensions are'.padEnd(width)}  ${'import()'.padStart(9)}  ${'then load'.padStart(9)}  ${'ratio'.padStart(6)}`,
    ...results.map(
      (result) =>
        `${result.variant.label.padEnd(width)}  ${ms(result.importMs).padStart(9)}  ${ms(result.loadMs ?? Number.NaN).padStart(9)}  ${ratioToBase(results, (r) => r.loadMs ?? Number.NaN, result).padStart(6)}`,
    ),
  ].join('\n');
};

/**
 * The ratios the build is held to, from one run's medians of `import()` (the sweep: of the extensions' load).
 * @param {ColdStart[]} coldStarts
 * @param {ColdStart[]} sweepPath
 */
export const formatGoals = (coldStarts, sweepPath) => {
  const pick = (/** @type {ColdStart[]} */ results, /** @type {string} */ key) => {
    const found = results.find((result) => result.variant.key === key);
    if (found === undefined) throw new Error(`no variant ${key}`);
    return found;
  };
  const importOf = (/** @type {string} */ key) => pick(coldStarts, key).importMs;
  const loadOf = (/** @type {string} */ key) => pick(sweepPath, key).loadMs ?? Number.NaN;
  const rows = [
    [
      'change path / floor (Config client + logger), after',
      importOf('change') / importOf('floor'),
      '≤ 1.15×',
    ],
    ['change path / floor (Config client alone), after', importOf('change') / importOf('client'), '≤ 1.15×'],
    ['change path, after / before', importOf('change') / importOf('change-before'), ''],
    [
      'change path bundle size, after / before',
      pick(coldStarts, 'change').bytes / pick(coldStarts, 'change-before').bytes,
      '',
    ],
    ['sweep path extra load, after / before', loadOf('sweep') / loadOf('sweep-before'), '≤ 0.50×'],
  ];
  const width = Math.max(...rows.map(([label]) => String(label).length));
  return [
    'Ratios (MainFields module,main against unset; medians of this run)',
    ...rows.map(
      ([label, ratio, goal]) =>
        `${String(label).padEnd(width)}  ${`${Number(ratio).toFixed(2)}×`.padStart(6)}${goal ? `  goal ${goal}` : ''}`,
    ),
  ].join('\n');
};
