// Builds the function into dist/function/ exactly as `sam build` builds it into its artifacts folder: the
// esbuild command line the SAM CLI runs (scripts/function-build.json), run with the project's own esbuild.
// Then checks that the folder holds the very files SAM writes, and reports their sizes, and the chunks of
// the handler's file: what its cold start evaluates, and what each `await import()` evaluates later (see
// scripts/bundle-chunks.mjs).
//
// Usage: node scripts/build.mjs [outdir]   (default: dist/function)
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleChunks, formatChunks } from './bundle-chunks.mjs';
import { esbuildArgs, functionBuild, PROJECT_DIR, runEsbuild } from './function-build.mjs';

const outdir = resolve(process.argv[2] ?? join(PROJECT_DIR, 'dist', 'function'));
// Beside the folder, not in it: the folder holds what SAM would put in the function's package, no more.
const metafilePath = `${outdir}.metafile.json`;

const args = esbuildArgs({ outdir, extra: [`--metafile=${metafilePath}`, '--log-level=warning'] });
const quote = (/** @type {string} */ arg) =>
  /^[\w./:=,@*-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
console.error(`${functionBuild.function}: esbuild ${args.map(quote).join(' ')}`);

// sam build starts from an empty artifacts folder; so does this build.
rmSync(outdir, { recursive: true, force: true });
process.stderr.write(runEsbuild(args));

const written = readdirSync(outdir).sort();
if (written.join('\n') !== functionBuild.artifacts.join('\n')) {
  throw new Error(
    `${relative(process.cwd(), outdir)} holds ${written.join(', ')}; sam build writes ${functionBuild.artifacts.join(', ')}`,
  );
}

/** @type {import('esbuild').Metafile} */
const metafile = JSON.parse(readFileSync(metafilePath, 'utf8'));
const rows = Object.entries(metafile.outputs).map(([file, { bytes }]) => {
  const path = resolve(PROJECT_DIR, file);
  return { file: relative(process.cwd(), path), bytes, gzip: gzipSync(readFileSync(path)).length };
});
const number = (/** @type {number} */ value) => value.toLocaleString('en-US');
const width = Math.max(...rows.map((row) => row.file.length), 'file'.length);
console.error(`\n${'file'.padEnd(width)}  ${'bytes'.padStart(12)}  ${'gzip'.padStart(12)}`);
for (const row of rows) {
  console.error(
    `${row.file.padEnd(width)}  ${number(row.bytes).padStart(12)}  ${number(row.gzip).padStart(12)}`,
  );
}

// The first entry point is the handler's (test/template/template.test.ts holds the template to it).
const [handlerEntry] = esbuildArgs({ outdir });
const handlerOutput = Object.keys(metafile.outputs).find(
  (file) => metafile.outputs[file]?.entryPoint === handlerEntry,
);
if (handlerOutput !== undefined) {
  const file = relative(process.cwd(), resolve(PROJECT_DIR, handlerOutput));
  console.error(`\n${formatChunks(file, bundleChunks(metafile, handlerOutput))}`);
}
