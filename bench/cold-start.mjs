// Cold start of the function's bundle, side by side with a floor, an eager bundle, the one-file layout the
// extensions file replaced, and ESM-first main fields. Every variant is built with the esbuild options
// `sam build` derives from template.yaml; only the entry point or the main fields change.
//
// Each measurement is a fresh Node process that imports one bundle (bench/import-once.mjs): the time of
// `await import()` (read, parse, evaluate: the module initialisation of a Lambda cold start), and the time
// from the start of the process to the module evaluated. Variants are interleaved, in a shuffled order run
// after run, so a slower moment of the machine hits them all alike; the figures are medians.

import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { readCloudFormationTemplate } from '../scripts/cfn-yaml.mjs';
import { deriveEsbuildOptions } from '../scripts/esbuild-options.mjs';

const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));
const IMPORT_ONCE = fileURLToPath(new URL('./import-once.mjs', import.meta.url));
const OUT_DIR = join(PROJECT_DIR, '.bench');
const ESM_FIRST = ['module', 'main'];

/** @param {number[]} values */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Builds a variant into .bench/<name>/ with the template's esbuild options.
 * @param {string} name
 * @param {string} entryPoint relative to the project
 * @param {Partial<import('esbuild').BuildOptions>} [changes]
 * @param {string[]} [extraEntryPoints] built into the same folder (the extensions file)
 * @returns {Promise<string>} the bundle's path
 */
const buildVariant = async (name, entryPoint, changes = {}, extraEntryPoints = []) => {
  const outdir = join(OUT_DIR, name);
  rmSync(outdir, { recursive: true, force: true });
  const manifest = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8'));
  const options = deriveEsbuildOptions(readCloudFormationTemplate(join(PROJECT_DIR, 'template.yaml')), {
    outdir,
    dependencies: Object.keys(manifest.dependencies ?? {}),
  });
  await build({
    ...options,
    ...changes,
    entryPoints: [entryPoint, ...extraEntryPoints],
    // Every output beside the first, as in the function's package.
    entryNames: '[name]',
    outdir,
    absWorkingDir: PROJECT_DIR,
    logLevel: 'error',
  });
  const base = entryPoint.slice(entryPoint.lastIndexOf('/') + 1).replace(/\.[jt]s$/, '');
  return join(outdir, `${base}${options.outExtension?.['.js'] ?? '.js'}`);
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
 * @returns {Promise<Variant[]>}
 */
export const buildColdStartVariants = async () => {
  const changePath = join(PROJECT_DIR, 'dist', 'function', 'handler.mjs');
  statSync(changePath);
  const esm = { mainFields: ESM_FIRST };
  return [
    {
      key: 'floor',
      label: 'floor: Config client + logger only',
      bundle: await buildVariant('floor', 'bench/entries/floor.ts'),
    },
    {
      key: 'change',
      base: 'floor',
      label: 'change path: dist/function/handler.mjs, as sam build makes it',
      bundle: changePath,
    },
    {
      key: 'one-file',
      base: 'floor',
      label: 'one file: the extensions inside, initialised lazily',
      bundle: await buildVariant('one-file', 'bench/entries/one-file.ts'),
    },
    {
      key: 'eager',
      base: 'floor',
      label: 'eager: the handler, every client imported statically',
      bundle: await buildVariant('eager', 'bench/entries/eager.ts'),
    },
    {
      key: 'floor-esm',
      label: 'MainFields module,main: floor',
      bundle: await buildVariant('floor-esm', 'bench/entries/floor.ts', esm),
    },
    {
      key: 'change-esm',
      base: 'floor-esm',
      label: 'MainFields module,main: change path',
      bundle: await buildVariant('change-esm', 'src/handler.ts', esm),
    },
    {
      key: 'source-maps',
      base: 'change',
      label: 'change path with --enable-source-maps (left out of template.yaml)',
      bundle: changePath,
      nodeOptions: ['--enable-source-maps'],
    },
  ];
};

/**
 * What the sweep pays first on a cold container: the extensions (EC2, SSM, IAM), loaded after the handler.
 * @returns {Promise<Variant[]>}
 */
export const buildSweepPathVariants = async () => [
  {
    key: 'two-files',
    label: 'their own file beside the handler (as sam build makes it)',
    bundle: await buildVariant('two-files', 'bench/entries/two-files.ts', {}, ['src/extensions.ts']),
    loader: 'loadSweepPath',
  },
  {
    key: 'one-file',
    base: 'two-files',
    label: 'inside the handler file, initialised lazily',
    bundle: await buildVariant('sweep-one-file', 'bench/entries/one-file.ts'),
    loader: 'loadSweepPath',
  },
];

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

const kib = (/** @type {number} */ bytes) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KiB`;
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
  const header = `${'variant'.padEnd(width)}  ${'bundle'.padStart(10)}  ${'import()'.padStart(9)}  ${'ratio'.padStart(6)}  ${'start→ready'.padStart(11)}  ${'ratio'.padStart(6)}`;
  return [
    `Cold start: module initialisation, median of ${runs} fresh processes per variant (node ${nodeVersion});`,
    'ratio: to its floor (the floor with the same main fields; the source-map row: to the change path)',
    header,
    ...results.map(
      (result) =>
        `${result.variant.label.padEnd(width)}  ${kib(result.bytes).padStart(10)}  ${ms(result.importMs).padStart(9)}  ${ratioToBase(results, (r) => r.importMs, result).padStart(6)}  ${ms(result.sinceStartMs).padStart(11)}  ${ratioToBase(results, (r) => r.sinceStartMs, result).padStart(6)}`,
    ),
    'goal: change path ≤ 1.15× the floor (import()).',
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
