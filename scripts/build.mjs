// Bundles the Lambda function into dist/function/ (the function package) with the esbuild options `sam build` derives from template.yaml,
// then reports the size of every output file, and of the chunks of the handler's bundle: what its cold start
// evaluates, and what each `await import()` evaluates later (see scripts/bundle-chunks.mjs).
//
// Usage: node scripts/build.mjs [path/to/template.yaml]
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { bundleChunks, formatChunks } from './bundle-chunks.mjs';
import { readCloudFormationTemplate } from './cfn-yaml.mjs';
import {
  bundleFileOf,
  deriveEsbuildArgs,
  esbuildArgsToOptions,
  findEsbuildFunction,
  ignoredBuildProperties,
} from './esbuild-options.mjs';

const templatePath = resolve(process.argv[2] ?? fileURLToPath(new URL('../template.yaml', import.meta.url)));
const projectDir = dirname(templatePath);
const outdir = join(projectDir, 'dist', 'function');

const template = readCloudFormationTemplate(templatePath);
const { logicalId, properties, buildProperties } = findEsbuildFunction(template);
const codeDir = resolve(projectDir, properties.CodeUri ?? '.');
const manifest = JSON.parse(readFileSync(join(codeDir, 'package.json'), 'utf8'));

for (const key of ignoredBuildProperties(buildProperties)) {
  console.warn(`warning: ${logicalId} BuildProperties.${key} is ignored by sam build, and here too`);
}

const args = deriveEsbuildArgs(buildProperties, {
  outdir,
  codeDir,
  dependencies: Object.keys(manifest.dependencies ?? {}),
});
const options = esbuildArgsToOptions(args);
const quote = (/** @type {string} */ arg) =>
  /^[\w./:=,@*-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
console.error(`${logicalId}: esbuild ${args.map(quote).join(' ')}`);

// sam build starts from an empty artifacts directory; so does this build.
rmSync(outdir, { recursive: true, force: true });
// absWorkingDir stands for SAM's working directory (the CodeUri); metafile and logLevel only report.
const result = await build({ ...options, absWorkingDir: codeDir, metafile: true, logLevel: 'warning' });

const handlerFile = `${properties.Handler.slice(0, properties.Handler.lastIndexOf('.'))}${options.outExtension?.['.js'] ?? '.js'}`;
const entryPoints = /** @type {string[]} */ (options.entryPoints ?? []);
const bundles = entryPoints.map((entryPoint) => bundleFileOf(options, entryPoint));
if (!bundles.includes(handlerFile)) {
  throw new Error(
    `Handler ${properties.Handler} needs ${handlerFile}, the build writes ${bundles.join(', ')}`,
  );
}

const rows = Object.entries(result.metafile.outputs).map(([file, { bytes }]) => {
  const path = resolve(codeDir, file);
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

const handlerOutput = Object.keys(result.metafile.outputs).find(
  (file) => resolve(codeDir, file) === resolve(outdir, handlerFile),
);
if (handlerOutput !== undefined) {
  const file = relative(process.cwd(), resolve(codeDir, handlerOutput));
  console.error(`\n${formatChunks(file, bundleChunks(result.metafile, handlerOutput))}`);
}
