/** The project folder: where .venv and requirements-dev.txt are. */
export declare const PROJECT_DIR: string;

/** Each tool, and the arguments that make it answer at once with exit code 0 when it works. */
export declare const TOOLS: {
  readonly 'cfn-lint': readonly ['--version'];
  readonly moto_server: readonly ['--help'];
};

/** The oldest Python that the pinned tools support. */
export declare const MIN_PYTHON: readonly number[];

/** A Python tooling problem the developer must fix: its message is the one line printed. */
export declare class ToolSetupError extends Error {}

export interface ToolOptions {
  /** Where .venv and requirements-dev.txt are (default: this project). */
  projectDir?: string;
  /** The environment, PATH included (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The command that runs a tool: its name when it runs from PATH, else its path in .venv/bin when it runs
 * from there, else undefined.
 */
export declare const toolCommand: (tool: keyof typeof TOOLS, options?: ToolOptions) => string | undefined;

/**
 * Makes sure both tools run: nothing is done when they do; otherwise the missing ones are installed into
 * .venv, at the versions of requirements-dev.txt. Throws a ToolSetupError when they cannot be.
 */
export declare const ensurePythonTools: (
  options?: ToolOptions & { log?: (line: string) => void },
) => Promise<{ installed: string[] }>;
