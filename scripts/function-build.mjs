// The function's build, one description of it: the esbuild command line the real SAM CLI runs for the
// function (recorded from `sam build --debug` in function-build.json), run here with the project's own
// pinned esbuild, from the project folder, as SAM runs it from its copy of the project. Nothing here works
// out esbuild options from the template: test/template/template.test.ts checks the record against it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project folder: SAM's CodeUri (`./`), where esbuild runs. */
export const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Where the recorded command line names SAM's artifacts folder. */
export const ARTIFACTS_DIR = '<ARTIFACTS_DIR>';

/**
 * @typedef {object} FunctionBuild
 * @property {string} samCli the SAM CLI version that printed the command line
 * @property {string} awsLambdaBuilders the aws-lambda-builders version of that SAM CLI
 * @property {string} function the logical id of the function in template.yaml
 * @property {string[]} esbuild the esbuild arguments, `--outdir=<ARTIFACTS_DIR>` among them
 * @property {string[]} artifacts the files SAM wrote into the function's artifacts folder, sorted
 */

/** @type {FunctionBuild} */
export const functionBuild = JSON.parse(
  readFileSync(new URL('./function-build.json', import.meta.url), 'utf8'),
);

/**
 * @typedef {object} EsbuildArgsOptions
 * @property {string} outdir where the files go (SAM: the function's artifacts folder)
 * @property {string[]} [entryPoints] other entry points than the function's (the bench's variants)
 * @property {string[]} [without] flags to leave out, by name (`--main-fields`): what a variant does not use
 * @property {string[]} [extra] flags to add that change no output file (`--metafile=...`, `--log-level=...`)
 */

/**
 * The recorded command line, writing into `outdir`.
 * @param {EsbuildArgsOptions} options
 * @returns {string[]}
 */
export const esbuildArgs = ({ outdir, entryPoints, without = [], extra = [] }) => {
  const flagName = (/** @type {string} */ arg) => arg.split(/[=:]/, 1)[0];
  const flags = functionBuild.esbuild
    .filter((arg) => arg.startsWith('--') && !without.includes(flagName(arg)))
    .map((arg) => (arg === `--outdir=${ARTIFACTS_DIR}` ? `--outdir=${outdir}` : arg));
  const recordedEntryPoints = functionBuild.esbuild.filter((arg) => !arg.startsWith('--'));
  return [...(entryPoints ?? recordedEntryPoints), ...flags, ...extra];
};

/**
 * Runs the project's esbuild (node_modules/.bin/esbuild, where SAM looks for it) from the project folder.
 * @param {readonly string[]} args
 * @returns {string} what esbuild printed on stderr
 */
export const runEsbuild = (args) => {
  const result = spawnSync(join(PROJECT_DIR, 'node_modules', '.bin', 'esbuild'), args, {
    cwd: PROJECT_DIR,
    encoding: 'utf8',
  });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) throw new Error(`esbuild failed (exit code ${result.status}):\n${result.stderr}`);
  return result.stderr;
};

/**
 * The function in a parsed template: the one `AWS::Serverless::Function` built with esbuild.
 * @param {Record<string, any>} template
 * @returns {{ logicalId: string, properties: Record<string, any>, buildProperties: Record<string, unknown> }}
 */
export const findEsbuildFunction = (template) => {
  const candidates = Object.entries(template.Resources ?? {}).filter(
    ([, resource]) =>
      resource?.Type === 'AWS::Serverless::Function' && resource.Metadata?.BuildMethod === 'esbuild',
  );
  if (candidates.length !== 1) {
    throw new Error(
      `Expected exactly one AWS::Serverless::Function with Metadata.BuildMethod esbuild, found ${candidates.length}`,
    );
  }
  const [[logicalId, resource]] = candidates;
  return {
    logicalId,
    properties: resource.Properties ?? {},
    buildProperties: resource.Metadata.BuildProperties ?? {},
  };
};

/**
 * The Node options the function runs with in Lambda: the heap limits the Node.js runtime derives from
 * MemorySize (a tenth of it for the young generation, split into two semi-spaces; the rest for the old
 * generation; plus `--expose-gc`), then the NODE_OPTIONS the template sets. The template states every
 * NODE_OPTIONS the function gets (SAM adds `--enable-source-maps` to a function built with Sourcemap, a
 * key the template leaves out), so what runs here is what runs there.
 * @param {Record<string, any>} template
 * @returns {string[]}
 */
export const lambdaNodeOptions = (template) => {
  const { properties } = findEsbuildFunction(template);
  const memoryMb = Number(properties.MemorySize ?? 128);
  const newSpaceMb = Math.floor(memoryMb / 10);
  const nodeOptions = properties.Environment?.Variables?.NODE_OPTIONS;
  return [
    '--expose-gc',
    `--max-semi-space-size=${Math.floor(newSpaceMb / 2)}`,
    `--max-old-space-size=${memoryMb - newSpaceMb}`,
    ...(typeof nodeOptions === 'string' ? nodeOptions.split(/\s+/).filter(Boolean) : []),
  ];
};
