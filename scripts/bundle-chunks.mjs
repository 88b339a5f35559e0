// The chunks of a single-file bundle. SAM's esbuild builder does not split code, so every module lands
// in one file; but esbuild initialises a module reached only through `await import()` lazily, when the
// import runs. Read from the build's metafile, a bundle falls into chunks: what the entry point evaluates
// at cold start, and what each dynamic import evaluates later. Every chunk is still parsed at cold start.

import { relative } from 'node:path';

/** Imports evaluated with the module that makes them. */
const STATIC_KINDS = new Set(['entry-point', 'import-statement', 'require-call', 'require-resolve']);

/**
 * @typedef {object} Chunk
 * @property {string} name `eager` for what the entry point evaluates, `shared` for what several dynamic
 *   imports reach, else the module one dynamic import loads
 * @property {boolean} lazy
 * @property {number} bytes bytes of the output file that hold the chunk's modules
 * @property {number} modules how many modules
 */

/**
 * The chunks of one output file of a metafile (esbuild `metafile: true`).
 * @param {import('esbuild').Metafile} metafile
 * @param {string} outputFile the key of the output in `metafile.outputs`
 * @returns {Chunk[]} the eager chunk first, then the lazy ones, largest first
 */
export const bundleChunks = (metafile, outputFile) => {
  const output = metafile.outputs[outputFile];
  if (output?.entryPoint === undefined) throw new Error(`${outputFile} is not the output of an entry point`);
  // Walked through every input: a module of re-exports only leaves no byte in the output, but what it
  // re-exports does.
  const importsOf = (/** @type {string} */ path) =>
    (metafile.inputs[path]?.imports ?? []).filter(
      (edge) => !edge.external && metafile.inputs[edge.path] !== undefined,
    );

  /** The modules a module evaluates with it. */
  const closure = (/** @type {string} */ root, /** @type {Set<string>} */ stop) => {
    const found = new Set([root]);
    const queue = [root];
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      for (const edge of importsOf(path)) {
        if (!STATIC_KINDS.has(edge.kind) || found.has(edge.path) || stop.has(edge.path)) continue;
        found.add(edge.path);
        queue.push(edge.path);
      }
    }
    return found;
  };

  const eager = closure(output.entryPoint, new Set());
  // Which dynamic imports reach each lazily initialised module.
  /** @type {Map<string, Set<string>>} */
  const reachedBy = new Map();
  const roots = new Set(
    Object.keys(metafile.inputs).flatMap((path) =>
      importsOf(path)
        .filter((edge) => edge.kind === 'dynamic-import' && !eager.has(edge.path))
        .map((edge) => edge.path),
    ),
  );
  for (const root of roots) {
    for (const path of closure(root, eager))
      reachedBy.set(path, (reachedBy.get(path) ?? new Set()).add(root));
  }

  const name = (/** @type {string} */ path) =>
    relative('.', path)
      .replace(/^src\//, '')
      .replace(/^node_modules\/((?:@[^/]+\/)?[^/]+)\/.*$/, '$1')
      .replace(/\.[cm]?[jt]s$/, '');
  // A module more than one import() reaches is evaluated by whichever runs first: one line for them all.
  const keyOf = (/** @type {Set<string> | undefined} */ by) =>
    by === undefined ? 'eager' : by.size === 1 ? name([...by][0] ?? '') : 'shared';
  /** @type {Map<string, Chunk>} */
  const chunks = new Map([['eager', { name: 'eager', lazy: false, bytes: 0, modules: 0 }]]);
  let attributed = 0;
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const by = reachedBy.get(path);
    const key = eager.has(path) ? 'eager' : keyOf(by);
    const chunk = chunks.get(key) ?? { name: key, lazy: true, bytes: 0, modules: 0 };
    chunk.bytes += bytesInOutput;
    chunk.modules += 1;
    chunks.set(key, chunk);
    attributed += bytesInOutput;
  }
  // esbuild's own helpers, the banner and the source map comment belong to no input: they run at once.
  const eagerChunk = /** @type {Chunk} */ (chunks.get('eager'));
  eagerChunk.bytes += output.bytes - attributed;
  const lazy = [...chunks.values()].filter((chunk) => chunk.lazy).sort((a, b) => b.bytes - a.bytes);
  return [eagerChunk, ...lazy];
};

/**
 * The chunks as a table, for a terminal.
 * @param {string} file
 * @param {Chunk[]} chunks
 */
export const formatChunks = (file, chunks) => {
  const total = chunks.reduce((sum, chunk) => sum + chunk.bytes, 0);
  const number = (/** @type {number} */ value) => value.toLocaleString('en-US');
  const label = (/** @type {Chunk} */ chunk) =>
    !chunk.lazy
      ? 'eager: evaluated at cold start (change path)'
      : chunk.name === 'shared'
        ? 'lazy: shared by several import()'
        : `lazy: import(${chunk.name})`;
  const width = Math.max(...chunks.map((chunk) => label(chunk).length), 'chunk'.length);
  return [
    `${file}: one file, parsed whole at cold start; its modules are evaluated in these chunks`,
    `${'chunk'.padEnd(width)}  ${'bytes'.padStart(12)}  ${'share'.padStart(6)}  ${'modules'.padStart(7)}`,
    ...chunks.map(
      (chunk) =>
        `${label(chunk).padEnd(width)}  ${number(chunk.bytes).padStart(12)}  ${`${((100 * chunk.bytes) / total).toFixed(1)}%`.padStart(6)}  ${String(chunk.modules).padStart(7)}`,
    ),
  ].join('\n');
};
