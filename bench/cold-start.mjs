// Cold start of the function's bundle, side by side with a floor and an eager bundle, and with the options
// within reach of SAM's esbuild builder. Every variant is built with the esbuild options `sam build` derives
// from template.yaml; only the entry point, the externals or the main fields change.
//
// Each measurement is a fresh Node process that imports one bundle (bench/import-once.mjs): the time of
// `await import()` (read, parse, evaluate: the module initialisation of a Lambda cold start), and the time
// from the start of the process to the module evaluated. Variants are interleaved, in a shuffled order run
// after run, so a slower moment of the machine hits them all alike; the figures are medians.

import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

const SOURCE_DIR = join(PROJECT_DIR, 'src');

/** Which of the rule's lazy chunks a variant leaves out of the bundle file. */
const LEFT_OUT = {
  /** The EC2 inventory and its client. */
  ec2: (/** @type {string} */ path) => /\/ec2\/inventory\.js$/.test(path),
  /**
   * What External plus `import()` at the use site can leave out: the SDK clients the rule's own code
   * imports (EC2, IAM, STS). Not SSM: Powertools Parameters imports it statically, and esbuild hoists a
   * static import of an external package to the top of the file, where it loads at cold start.
   */
  clients: (/** @type {string} */ path) => !/\/aws\/tag-parameter\.js$/.test(path),
  /** Every lazy chunk: what a second entry point holding them all would leave. */
  all: () => true,
};

/**
 * Leaves out of the bundle file some of what the rule's own `import()` calls load lazily, as External plus
 * `import()` at the use site, or a second entry point, would. The SDK's own lazy imports (credential
 * providers) stay.
 * @param {keyof typeof LEFT_OUT} which
 * @returns {import('esbuild').Plugin}
 */
const lazyChunksOutside = (which) => ({
  name: `lazy-chunks-outside-${which}`,
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !args.importer.startsWith(SOURCE_DIR)) return undefined;
      return LEFT_OUT[which](args.path) ? { path: args.path, external: true } : undefined;
    });
  },
});

/**
 * Builds a variant into .bench/<name>/ with the template's esbuild options.
 * @param {string} name
 * @param {string} entryPoint relative to the project
 * @param {Partial<import('esbuild').BuildOptions>} [changes]
 * @returns {Promise<string>} the bundle's path
 */
const buildVariant = async (name, entryPoint, changes = {}) => {
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
    entryPoints: [entryPoint],
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
 * The cold-start variants, built. `dist/handler.mjs` must exist (`npm run build`).
 * @returns {Promise<Variant[]>}
 */
export const buildColdStartVariants = async () => {
  const changePath = join(PROJECT_DIR, 'dist', 'handler.mjs');
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
      label: 'change path: dist/handler.mjs, as sam build makes it',
      bundle: changePath,
    },
    {
      key: 'eager',
      base: 'floor',
      label: 'eager: the handler, every client imported statically',
      bundle: await buildVariant('eager', 'bench/entries/eager.ts'),
    },
    {
      key: 'external-ec2',
      base: 'floor',
      label: 'option A: External @aws-sdk/client-ec2, code unchanged',
      bundle: await buildVariant('external-ec2', 'src/handler.ts', { external: ['@aws-sdk/client-ec2'] }),
    },
    {
      key: 'ec2-outside',
      base: 'floor',
      label: 'option B: the EC2 chunk out of the file',
      bundle: await buildVariant('ec2-outside', 'src/handler.ts', { plugins: [lazyChunksOutside('ec2')] }),
    },
    {
      key: 'clients-outside',
      base: 'floor',
      label: 'option C: the EC2, IAM and STS chunks out of the file',
      bundle: await buildVariant('clients-outside', 'src/handler.ts', {
        plugins: [lazyChunksOutside('clients')],
      }),
    },
    {
      key: 'lazy-outside',
      base: 'floor',
      label: 'option D: every lazy chunk out of the file',
      bundle: await buildVariant('lazy-outside', 'src/handler.ts', { plugins: [lazyChunksOutside('all')] }),
    },
    {
      key: 'floor-esm',
      label: 'MainFields module,main — floor',
      bundle: await buildVariant('floor-esm', 'bench/entries/floor.ts', esm),
    },
    {
      key: 'change-esm',
      base: 'floor-esm',
      label: 'option E: MainFields module,main — change path',
      bundle: await buildVariant('change-esm', 'src/handler.ts', esm),
    },
    {
      key: 'clients-outside-esm',
      base: 'floor-esm',
      label: 'options C + E',
      bundle: await buildVariant('clients-outside-esm', 'src/handler.ts', {
        ...esm,
        plugins: [lazyChunksOutside('clients')],
      }),
    },
    {
      key: 'lazy-outside-esm',
      base: 'floor-esm',
      label: 'options D + E',
      bundle: await buildVariant('lazy-outside-esm', 'src/handler.ts', {
        ...esm,
        plugins: [lazyChunksOutside('all')],
      }),
    },
    {
      key: 'source-maps',
      base: 'change',
      label: 'change path, NODE_OPTIONS=--enable-source-maps (template.yaml)',
      bundle: changePath,
      nodeOptions: ['--enable-source-maps'],
    },
  ];
};

/**
 * What the sweep pays first on a cold container: the EC2 client, loaded after the handler.
 * @returns {Promise<Variant[]>}
 */
export const buildSweepPathVariants = async () => {
  const secondBundle = await buildVariant('sweep-second', 'src/ec2/inventory.ts');
  return [
    {
      key: 'bundled',
      label: 'in the bundle file, initialised lazily (today)',
      bundle: await buildVariant('sweep-bundled', 'bench/entries/sweep-bundled.ts'),
      loader: 'loadSweepPath',
    },
    {
      key: 'external',
      base: 'bundled',
      label: 'option C: External, the SDK package (the runtime’s, in Lambda)',
      bundle: await buildVariant('sweep-external', 'bench/entries/sweep-external.ts', {
        external: ['@aws-sdk/client-ec2'],
        plugins: [lazyChunksOutside('ec2')],
      }),
      loader: 'loadSweepPath',
    },
    {
      key: 'second-bundle',
      base: 'bundled',
      label: 'option D: a second entry point (src/ec2/inventory.ts)',
      bundle: await buildVariant('sweep-second-bundle', 'bench/entries/sweep-second-bundle.ts', {
        plugins: [lazyChunksOutside('ec2')],
      }),
      loader: 'loadSweepPath',
      env: { SWEEP_BUNDLE_URL: pathToFileURL(resolve(secondBundle)).href },
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
    `Sweep path: loading the EC2 client after the handler, median of ${runs} fresh processes`,
    `${'where the EC2 client comes from'.padEnd(width)}  ${'import()'.padStart(9)}  ${'then load'.padStart(9)}  ${'ratio'.padStart(6)}`,
    ...results.map(
      (result) =>
        `${result.variant.label.padEnd(width)}  ${ms(result.importMs).padStart(9)}  ${ms(result.loadMs ?? Number.NaN).padStart(9)}  ${ratioToBase(results, (r) => r.loadMs ?? Number.NaN, result).padStart(6)}`,
    ),
  ].join('\n');
};
