import { existsSync } from 'node:fs';
import { extname, join, posix } from 'node:path';

// What `sam build` does with `Metadata: BuildMethod: esbuild` (aws-lambda-builders, workflow
// nodejs_npm_esbuild): it turns the PascalCase BuildProperties into snake_case, keeps only the keys
// below, writes them as esbuild command-line flags and adds its own defaults. Every other key is
// ignored without a word, so the local build derives its options the same way instead of trusting
// the template to mean what it says.
const BOOLEAN_FLAGS = ['minify', 'sourcemap'];
const SINGLE_VALUE_FLAGS = ['target', 'format', 'main_fields', 'sources_content'];
const MULTI_VALUE_FLAGS = ['external', 'loader', 'out_extension', 'banner'];
const ENTRY_POINTS = 'entry_points';
const ALL_DEPENDENCIES_EXTERNAL = './node_modules/*';

/**
 * SAM's key normalisation: an underscore before every capital but the first, then lower case
 * (`OutExtension` → `out_extension`, but `SourceMap` → `source_map`, which SAM ignores).
 * @param {string} key
 */
export const toSnakeCase = (key) => key.replace(/(?<!^)(?=[A-Z])/g, '_').toLowerCase();

/** Python's `str()` of a YAML scalar, as SAM writes single-value flags with an f-string. */
const pythonString = (/** @type {unknown} */ value) =>
  value === true ? 'True' : value === false ? 'False' : String(value);

/**
 * The function the template builds with esbuild.
 * @param {Record<string, any>} template a parsed template
 * @param {string} [logicalId] which function, when the template holds more than one
 * @returns {{ logicalId: string, properties: Record<string, any>, buildProperties: Record<string, unknown> }}
 */
export const findEsbuildFunction = (template, logicalId) => {
  const candidates = Object.entries(template.Resources ?? {}).filter(
    ([id, resource]) =>
      resource?.Type === 'AWS::Serverless::Function' &&
      resource.Metadata?.BuildMethod === 'esbuild' &&
      (logicalId === undefined || id === logicalId),
  );
  if (candidates.length !== 1) {
    const which = logicalId === undefined ? 'exactly one' : `the function ${logicalId} as`;
    throw new Error(
      `Expected ${which} AWS::Serverless::Function with Metadata.BuildMethod esbuild, found ${candidates.length}`,
    );
  }
  const [[id, resource]] = candidates;
  return {
    logicalId: id,
    properties: resource.Properties ?? {},
    buildProperties: resource.Metadata.BuildProperties ?? {},
  };
};

/**
 * BuildProperties keys that SAM drops without using them.
 * @param {Record<string, unknown>} buildProperties as written in the template
 * @returns {string[]} the keys as written
 */
export const ignoredBuildProperties = (buildProperties) => {
  const known = new Set([...BOOLEAN_FLAGS, ...SINGLE_VALUE_FLAGS, ...MULTI_VALUE_FLAGS, ENTRY_POINTS]);
  return Object.keys(buildProperties).filter((key) => !known.has(toSnakeCase(key)));
};

/**
 * @typedef {object} DeriveOptions
 * @property {string} [logicalId] the function to build, when the template holds more than one
 * @property {string} [outdir] where the bundle goes (SAM: the function's artifacts directory)
 * @property {string} [codeDir] the function's CodeUri on disk; when given, entry points are checked (and
 *   completed with `.ts` or `.js` when written without an extension) as SAM does
 * @property {string[]} [dependencies] the `dependencies` of package.json, made external when the
 *   template lists `./node_modules/*` as external
 */

/**
 * The esbuild command-line arguments `sam build` would run for the function, in SAM's order.
 * @param {Record<string, unknown>} buildProperties the function's Metadata.BuildProperties
 * @param {DeriveOptions} [options]
 * @returns {string[]}
 */
export const deriveEsbuildArgs = (buildProperties, options = {}) => {
  const { outdir = 'dist', codeDir, dependencies = [] } = options;
  /** @type {Record<string, unknown>} */
  const config = Object.fromEntries(
    Object.entries(buildProperties).map(([key, value]) => [toSnakeCase(key), value]),
  );
  const args = [];

  const external = config.external;
  if (Array.isArray(external) && external.includes(ALL_DEPENDENCIES_EXTERNAL)) {
    args.push(...dependencies.map((name) => `--external:${name}`));
    delete config.external;
  }

  const entryPoints = config[ENTRY_POINTS];
  if (!Array.isArray(entryPoints) || entryPoints.length === 0) {
    throw new Error(
      `BuildProperties.EntryPoints must be a non-empty list (got ${JSON.stringify(entryPoints)})`,
    );
  }
  args.push(...entryPoints.map((entryPoint) => resolveEntryPoint(String(entryPoint), codeDir)));

  args.push('--bundle', '--platform=node', `--outdir=${outdir}`);
  if (!('target' in config)) args.push('--target=es2020');
  if (!('format' in config)) args.push('--format=cjs');
  if (!('minify' in config)) args.push('--minify');

  for (const flag of BOOLEAN_FLAGS) {
    if (config[flag] === true) args.push(`--${flag.replaceAll('_', '-')}`);
  }
  for (const flag of SINGLE_VALUE_FLAGS) {
    if (flag in config) args.push(`--${flag.replaceAll('_', '-')}=${pythonString(config[flag])}`);
  }
  for (const flag of MULTI_VALUE_FLAGS) {
    if (!(flag in config)) continue;
    const values = config[flag];
    if (!Array.isArray(values)) throw new Error(`BuildProperties ${flag} must be a list`);
    args.push(...values.map((value) => `--${flag.replaceAll('_', '-')}:${value}`));
  }
  return args;
};

/** SAM takes an entry point with an extension as is, and completes one without (`.ts`, then `.js`). */
const resolveEntryPoint = (/** @type {string} */ entryPoint, /** @type {string | undefined} */ codeDir) => {
  if (codeDir === undefined) return entryPoint;
  const candidates = extname(entryPoint) ? [entryPoint] : [`${entryPoint}.ts`, `${entryPoint}.js`];
  const found = candidates.find((candidate) => existsSync(join(codeDir, candidate)));
  if (found === undefined) throw new Error(`entry point ${join(codeDir, entryPoint)} does not exist`);
  return found;
};

/** `key=value` as the esbuild CLI splits it: at the first `=`. */
const splitPair = (/** @type {string} */ flag, /** @type {string} */ text) => {
  const at = text.indexOf('=');
  if (at <= 0) throw new Error(`esbuild flag ${flag} expects key=value, got ${JSON.stringify(text)}`);
  return [text.slice(0, at), text.slice(at + 1)];
};

/**
 * Translates esbuild command-line arguments into the options of esbuild's JavaScript API, the way the
 * esbuild CLI reads them. Only the flags SAM can produce are accepted.
 * @param {readonly string[]} args
 * @returns {import('esbuild').BuildOptions}
 */
export const esbuildArgsToOptions = (args) => {
  /** @type {import('esbuild').BuildOptions & { entryPoints: string[] }} */
  const options = { entryPoints: [] };
  for (const arg of args) {
    if (!arg.startsWith('--')) {
      options.entryPoints.push(arg);
      continue;
    }
    const [, name, separator, value = ''] = /^--([a-z-]+)([=:])?(.*)$/s.exec(arg) ?? [];
    const flag = `${name}${separator ?? ''}`;
    switch (flag) {
      case 'bundle':
      case 'minify':
      case 'sourcemap':
        options[flag] = true;
        break;
      case 'platform=':
        options.platform = /** @type {import('esbuild').Platform} */ (value);
        break;
      case 'outdir=':
        options.outdir = value;
        break;
      case 'target=': {
        const targets = value.split(',');
        options.target = targets.length === 1 ? value : targets;
        break;
      }
      case 'format=':
        options.format = /** @type {import('esbuild').Format} */ (value);
        break;
      case 'main-fields=':
        options.mainFields = value.split(',');
        break;
      case 'sources-content=':
        if (value !== 'true' && value !== 'false') {
          throw new Error(`--sources-content expects true or false, got ${JSON.stringify(value)}`);
        }
        options.sourcesContent = value === 'true';
        break;
      case 'external:':
        options.external = [...(options.external ?? []), value];
        break;
      case 'loader:': {
        const [extension, loader] = splitPair(arg, value);
        options.loader = { ...options.loader, [extension]: /** @type {import('esbuild').Loader} */ (loader) };
        break;
      }
      case 'out-extension:': {
        const [from, to] = splitPair(arg, value);
        options.outExtension = { ...options.outExtension, [from]: to };
        break;
      }
      case 'banner:': {
        const [type, text] = splitPair(arg, value);
        options.banner = { ...options.banner, [type]: text };
        break;
      }
      default:
        throw new Error(`Unexpected esbuild argument ${arg}`);
    }
  }
  return options;
};

/**
 * The esbuild options `sam build` would use for the template's esbuild function: the single source of
 * truth for `npm run build` and the contract test.
 * @param {Record<string, any>} template a parsed template
 * @param {DeriveOptions} [options]
 * @returns {import('esbuild').BuildOptions}
 */
export const deriveEsbuildOptions = (template, options = {}) => {
  const { buildProperties } = findEsbuildFunction(template, options.logicalId);
  return esbuildArgsToOptions(deriveEsbuildArgs(buildProperties, options));
};

/**
 * Where esbuild writes the bundle of an entry point, relative to outdir: entry points keep their path
 * below the lowest common directory of all entry points, and `.js` takes the out extension.
 * @param {import('esbuild').BuildOptions} options derived options
 * @param {string} entryPoint one of `options.entryPoints`
 */
export const bundleFileOf = (options, entryPoint) => {
  const entryPoints = /** @type {string[]} */ (options.entryPoints);
  const outbase = entryPoints
    .map((entry) => posix.dirname(entry))
    .reduce((common, directory) => {
      let shared = common;
      while (shared !== '.' && directory !== shared && !directory.startsWith(`${shared}/`)) {
        shared = posix.dirname(shared);
      }
      return shared;
    });
  const extension = options.outExtension?.['.js'] ?? '.js';
  const path = posix.relative(outbase, entryPoint);
  return posix.join(posix.dirname(path), `${posix.basename(path, posix.extname(path))}${extension}`);
};
