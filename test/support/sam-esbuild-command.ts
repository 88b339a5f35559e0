/**
 * The esbuild arguments `sam build` writes for a function's `Metadata.BuildProperties`, as the SAM CLI
 * 1.164.0 with aws-lambda-builders 1.63.0 does (samcli/lib/samlib/resource_metadata_normalizer.py, then
 * EsbuildCommandBuilder in aws_lambda_builders/workflows/nodejs_npm_esbuild/esbuild.py). Only the contract
 * test uses it, to hold scripts/function-build.json, recorded from the real SAM CLI, to the template: a
 * change to either that the other does not follow fails there.
 */

/** Keys SAM sets itself; the template's values are dropped. */
const NON_CONFIGURABLE = new Set(['bundle', 'platform', 'outdir']);
/** Keys for the Node.js workflow, not esbuild flags. */
const NOT_ESBUILD = new Set(['use_npm_ci', 'entry_points']);

/** SAM's normalisation: `MainFields` → `main_fields` (an underscore before every capital but the first). */
export const snakeCase = (key: string): string => key.replace(/(?<!^)(?=[A-Z])/g, '_').toLowerCase();

const flag = (key: string): string => `--${key.replaceAll('_', '-')}`;

/**
 * The esbuild arguments SAM runs for these build properties, writing into `artifactsDir`: the entry points,
 * SAM's own flags and defaults, then one flag per other key in the template's order (true → `--key`,
 * false → nothing, a string → `--key=value`, a list → `--key:item` per item).
 */
export const samEsbuildCommand = (
  buildProperties: Record<string, unknown>,
  artifactsDir: string,
): string[] => {
  const config = new Map(Object.entries(buildProperties).map(([key, value]) => [snakeCase(key), value]));
  const entryPoints = config.get('entry_points');
  if (!Array.isArray(entryPoints) || entryPoints.length === 0) {
    throw new Error('BuildProperties.EntryPoints must be a non-empty list');
  }
  // SAM completes an entry point written without an extension by looking at the disk; the template writes it.
  const unsuffixed = entryPoints.filter((entryPoint) => !/\.[a-z]+$/.test(String(entryPoint)));
  if (unsuffixed.length > 0) throw new Error(`Entry points without an extension: ${unsuffixed.join(', ')}`);
  if ((config.get('external') as unknown[] | undefined)?.includes('./node_modules/*')) {
    throw new Error('External ./node_modules/* makes SAM list package.json dependencies; not modelled here');
  }

  const args = [...entryPoints.map(String), '--bundle', '--platform=node', `--outdir=${artifactsDir}`];
  if (!config.has('target')) args.push('--target=es2020');
  if (!config.has('format')) args.push('--format=cjs');
  if (!config.has('minify')) args.push('--minify');

  for (const [key, value] of config) {
    if (NON_CONFIGURABLE.has(key) || NOT_ESBUILD.has(key)) continue;
    if (value === true) args.push(flag(key));
    else if (value === false) continue;
    else if (typeof value === 'string') args.push(`${flag(key)}=${value}`);
    else if (Array.isArray(value)) args.push(...value.map((item) => `${flag(key)}:${String(item)}`));
    else throw new Error(`BuildProperties ${key}: SAM fails on a value that is no boolean, string or list`);
  }
  return args;
};
