// The figures of the build, as the documents show them: the function's files and the chunks of its
// handler (docs/figures/build.md), and what the package holds (docs/figures/package.md). They are read from
// what `npm run build` wrote (dist/, the esbuild metafile) and from `npm pack --dry-run`; nothing is timed.
// test/integration/figures-build.test.ts holds the files to the build.
//
// Usage: npm run figures   (npm run build, then this script, then node scripts/figures.mjs)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundleChunks } from './bundle-chunks.mjs';
import { refreshDocuments, writeFigures } from './figures.mjs';
import { esbuildArgs, functionBuild, PROJECT_DIR } from './function-build.mjs';

const DIST = join(PROJECT_DIR, 'dist');
const FUNCTION_DIR = join(DIST, 'function');

/** Sizes as a reader takes them in: KiB or MiB, one decimal below 10. */
const size = (/** @type {number} */ bytes) => {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / 1024 / 1024, 'MiB'] : [bytes / 1024, 'KiB'];
  return `${value.toFixed(value < 10 ? 1 : 0)} ${unit}`;
};

/** What loads each file of the function. */
const LOADED = /** @type {Record<string, string>} */ ({
  'handler.mjs': 'at every cold start: what every invocation runs',
  'extensions.mjs': 'on first use: the sweep, `tagParameterName`, `requireRoleInProfile`',
});

/** @param {string[]} header @param {string[][]} rows @param {string[]} align */
const table = (header, rows, align) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

/**
 * The function's files and the chunks of its handler, from dist/function/ and its metafile.
 * @returns {string}
 */
export const functionFigures = () => {
  // The handler first: what every invocation loads.
  const artifacts = [...functionBuild.artifacts].sort(
    (a, b) => Number(b === 'handler.mjs') - Number(a === 'handler.mjs'),
  );
  const files = artifacts.map((file) => {
    const bytes = readFileSync(join(FUNCTION_DIR, file));
    return [`\`${file}\``, size(bytes.length), size(gzipSync(bytes).length), LOADED[file] ?? ''];
  });
  /** @type {import('esbuild').Metafile} */
  const metafile = JSON.parse(readFileSync(`${FUNCTION_DIR}.metafile.json`, 'utf8'));
  const [handlerEntry] = esbuildArgs({ outdir: FUNCTION_DIR });
  const handler = Object.keys(metafile.outputs).find(
    (file) => metafile.outputs[file]?.entryPoint === handlerEntry,
  );
  if (handler === undefined) throw new Error(`the metafile names no output of ${handlerEntry}`);
  const chunks = bundleChunks(metafile, handler);
  const total = chunks.reduce((sum, chunk) => sum + chunk.bytes, 0);
  const label = (/** @type {import('./bundle-chunks.mjs').Chunk} */ chunk) =>
    !chunk.lazy
      ? 'eager: evaluated at cold start (the change path)'
      : chunk.name === 'shared'
        ? 'lazy: shared by several `import()`'
        : `lazy: \`import(${chunk.name})\``;
  return [
    table(['file of `dist/function/`', 'size', 'gzipped', 'loaded'], files, ['---', '---:', '---:', '---']),
    '',
    '`handler.mjs` is parsed whole at cold start; its modules are evaluated in these chunks:',
    '',
    table(
      ['chunk of `handler.mjs`', 'size', 'share', 'modules'],
      chunks.map((chunk) => [
        label(chunk),
        size(chunk.bytes),
        `${((100 * chunk.bytes) / total).toFixed(1)} %`,
        String(chunk.modules),
      ]),
      ['---', '---:', '---:', '---:'],
    ),
  ].join('\n');
};

/** Every file under a folder. @param {string} dir @returns {string[]} */
const filesIn = (dir) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((file) => join(dir, file))
    .filter((file) => statSync(file).isFile());

/**
 * What the package holds, from `npm pack --dry-run` (nothing is built or written) and dist/.
 * @returns {string}
 */
export const packageFigures = () => {
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--silent'], {
      cwd: PROJECT_DIR,
      encoding: 'utf8',
    }),
  );
  const bytes = (/** @type {string[]} */ files) => files.reduce((sum, file) => sum + statSync(file).size, 0);
  const types = filesIn(join(DIST, 'types'));
  return [
    `\`npm pack\` writes \`${pack.filename}\`: ${size(pack.size)}, ${size(pack.unpackedSize)} unpacked, ${pack.entryCount} files.`,
    '',
    table(
      ['file', 'size', 'what'],
      [
        [
          '`dist/cli.mjs`',
          size(bytes([join(DIST, 'cli.mjs')])),
          'the command line, one bundled ES module for Node.js 20+',
        ],
        [
          '`dist/function/`',
          size(bytes(functionBuild.artifacts.map((file) => join(FUNCTION_DIR, file)))),
          'the function, as `sam build` makes it (no source maps)',
        ],
        [
          '`dist/cdk/index.mjs`, `index.cjs`',
          `${size(bytes([join(DIST, 'cdk', 'index.mjs')]))}, ${size(bytes([join(DIST, 'cdk', 'index.cjs')]))}`,
          'the constructs, for ES module and CommonJS apps',
        ],
        [
          '`dist/types/`',
          size(bytes(types)),
          `their declarations (\`.d.ts\`, \`.d.cts\`), ${types.length} files`,
        ],
      ],
      ['---', '---:', '---'],
    ),
  ].join('\n');
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  writeFigures('build', functionFigures());
  writeFigures('package', packageFigures());
  console.error('figures: wrote docs/figures/build.md and docs/figures/package.md');
  const changed = refreshDocuments();
  if (changed.length > 0) console.error(`figures: rewrote ${changed.join(', ')}`);
}
