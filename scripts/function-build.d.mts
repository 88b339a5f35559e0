import type { CloudFormationTemplate } from './cfn-yaml.mjs';

/** The project folder: SAM's CodeUri (`./`), where esbuild runs. */
export declare const PROJECT_DIR: string;

/** Where the recorded command line names SAM's artifacts folder. */
export declare const ARTIFACTS_DIR: string;

/** The function's build as the real SAM CLI runs it (scripts/function-build.json). */
export interface FunctionBuild {
  /** The SAM CLI version that printed the command line. */
  samCli: string;
  /** The aws-lambda-builders version of that SAM CLI. */
  awsLambdaBuilders: string;
  /** The logical id of the function in template.yaml. */
  function: string;
  /** The esbuild arguments, `--outdir=<ARTIFACTS_DIR>` among them. */
  esbuild: string[];
  /** The files SAM wrote into the function's artifacts folder, sorted. */
  artifacts: string[];
}

export declare const functionBuild: FunctionBuild;

/** Options of {@link esbuildArgs}. */
export interface EsbuildArgsOptions {
  /** Where the files go (SAM: the function's artifacts folder). */
  outdir: string;
  /** Other entry points than the function's (the bench's variants). */
  entryPoints?: string[];
  /** Flags to leave out, by name (`--main-fields`). */
  without?: string[];
  /** Flags to add that change no output file (`--metafile=...`, `--log-level=...`). */
  extra?: string[];
}

/** The recorded command line, writing into `outdir`. */
export declare const esbuildArgs: (options: EsbuildArgsOptions) => string[];

/** Runs the project's esbuild from the project folder; returns what it printed on stderr. */
export declare const runEsbuild: (args: readonly string[]) => string;

/** The function the template builds with esbuild. */
export interface EsbuildFunction {
  logicalId: string;
  properties: CloudFormationTemplate;
  buildProperties: Record<string, unknown>;
}

/** The one `AWS::Serverless::Function` of the template built with esbuild. */
export declare const findEsbuildFunction: (template: CloudFormationTemplate) => EsbuildFunction;

/** Lambda's heap limits for the function's MemorySize, then the template's NODE_OPTIONS. */
export declare const lambdaNodeOptions: (template: CloudFormationTemplate) => string[];
