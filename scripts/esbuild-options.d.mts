import type { BuildOptions } from 'esbuild';
import type { CloudFormationTemplate } from './cfn-yaml.mjs';

/** Options of the derivation; see scripts/esbuild-options.mjs. */
export interface DeriveOptions {
  /** The function to build, when the template holds more than one. */
  logicalId?: string;
  /** Where the bundle goes (SAM: the function's artifacts directory); default `dist`. */
  outdir?: string;
  /** The function's CodeUri on disk; when given, entry points are checked and completed as SAM does. */
  codeDir?: string;
  /** package.json dependencies, made external when the template lists `./node_modules/*` as external. */
  dependencies?: string[];
}

/** The function the template builds with esbuild. */
export interface EsbuildFunction {
  logicalId: string;
  properties: CloudFormationTemplate;
  buildProperties: Record<string, unknown>;
}

/** SAM's PascalCase → snake_case normalisation of BuildProperties keys. */
export declare const toSnakeCase: (key: string) => string;

/** The function the template builds with esbuild (exactly one, or the one named). */
export declare const findEsbuildFunction: (
  template: CloudFormationTemplate,
  logicalId?: string,
) => EsbuildFunction;

/** BuildProperties keys that SAM drops without using them. */
export declare const ignoredBuildProperties: (buildProperties: Record<string, unknown>) => string[];

/** The esbuild command-line arguments `sam build` would run, in SAM's order. */
export declare const deriveEsbuildArgs: (
  buildProperties: Record<string, unknown>,
  options?: DeriveOptions,
) => string[];

/** esbuild command-line arguments as options of esbuild's JavaScript API. */
export declare const esbuildArgsToOptions: (args: readonly string[]) => BuildOptions;

/** The esbuild options `sam build` would use for the template's esbuild function. */
export declare const deriveEsbuildOptions: (
  template: CloudFormationTemplate,
  options?: DeriveOptions,
) => BuildOptions;

/** Where esbuild writes the bundle of an entry point, relative to outdir. */
export declare const bundleFileOf: (options: BuildOptions, entryPoint: string) => string;
