// The Python tools the checks use: cfn-lint (npm run lint:template, the template tests) and moto's server
// (the integration tests). A tool on PATH is used as it is; one that is not is used from the project's
// .venv/bin, which this script fills when a tool is missing: `python3 -m venv .venv`, then pip installs the
// versions pinned in requirements-dev.txt. Where Python or the package index cannot be had, it fails in
// seconds with one line naming what is missing and the command that fixes it.
//
// Usage: node scripts/python-tools.mjs                   make sure both tools run (npm run check, first)
//        node scripts/python-tools.mjs run TOOL [ARG...]  run a tool from PATH, else from .venv/bin
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project folder: where .venv and requirements-dev.txt are. */
export const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Each tool, and the arguments that make it answer at once with exit code 0 when it works. */
export const TOOLS = /** @type {const} */ ({ 'cfn-lint': ['--version'], moto_server: ['--help'] });

/** The oldest Python that the pinned tools support. */
export const MIN_PYTHON = [3, 10];

/**
 * pip's bounds while it finds out whether the index answers: one attempt of at most 3 s per request. The
 * install itself, once the index has answered, gets the usual retries.
 */
const PROBE_LIMITS = ['--timeout', '3', '--retries', '0'];
const INSTALL_LIMITS = ['--timeout', '15', '--retries', '2'];

/** What fixes any of it by hand. */
const BY_HAND =
  'or install the tools yourself (pip install -r requirements-dev.txt), then run npm run check again';

/** A Python tooling problem the developer must fix: its message is the one line printed. */
export class ToolSetupError extends Error {
  name = 'ToolSetupError';
}

/**
 * @typedef {object} ToolOptions
 * @property {string} [projectDir] where .venv and requirements-dev.txt are (default: this project)
 * @property {NodeJS.ProcessEnv} [env] the environment, PATH included (default: this process's)
 */

/** @param {ToolOptions} options */
const venvBin = ({ projectDir = PROJECT_DIR }) => join(projectDir, '.venv', 'bin');

/**
 * Whether a command runs and exits 0.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
const runs = (command, args, env) => spawnSync(command, args, { stdio: 'ignore', env }).status === 0;

/**
 * The command that runs a tool: its name when it runs from PATH, else its path in .venv/bin when it runs
 * from there, else undefined.
 * @param {keyof typeof TOOLS} tool
 * @param {ToolOptions} [options]
 * @returns {string | undefined}
 */
export const toolCommand = (tool, options = {}) => {
  const env = options.env ?? process.env;
  if (runs(tool, TOOLS[tool], env)) return tool;
  const inVenv = join(venvBin(options), tool);
  return existsSync(inVenv) && runs(inVenv, TOOLS[tool], env) ? inVenv : undefined;
};

/**
 * Runs a command to its end, its output kept (or shown, with `show`).
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ env: NodeJS.ProcessEnv, cwd: string, show?: boolean }} options
 * @returns {Promise<{ status: number | null, output: string, error?: Error }>}
 */
const execute = (command, args, { env, cwd, show = false }) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', show ? 'inherit' : 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      if (show) process.stderr.write(chunk);
    });
    child.once('error', (error) => resolve({ status: null, output, error }));
    child.once('close', (status) => resolve({ status, output }));
  });

/**
 * What pip says went wrong: the index URL it could not fetch and why (its -vv output says so), else its
 * last ERROR line, else the last line it wrote.
 * @param {string} output
 */
const pipError = (output) => {
  const fetch = /Could not fetch URL (\S+): (.*) - skipping/.exec(output);
  if (fetch !== null) {
    const cause = fetch[2] ?? '';
    const why =
      /\[Errno -?\d+\] ([^'")]+)/.exec(cause)?.[1] ?? /timed out|refused/i.exec(cause)?.[0] ?? cause;
    return `${fetch[1]}: ${why.trim()}`;
  }
  const lines = output.split('\n').map((line) => line.trim());
  return (lines.filter((line) => line.startsWith('ERROR:')).at(-1) ?? lines.filter(Boolean).at(-1) ?? '')
    .replace(/^ERROR:\s*/, '')
    .replace(/\.$/, '');
};

/**
 * The python3 on PATH, when it is recent enough and can make a virtual environment with pip in it.
 * @param {string} missing the tools, as named in the message
 * @param {NodeJS.ProcessEnv} env
 */
const findPython = (missing, env) => {
  const check = spawnSync(
    'python3',
    ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3]); import venv, ensurepip; print("venv")'],
    { env, encoding: 'utf8' },
  );
  const [version = '', venv] = (check.stdout ?? '').trim().split('\n');
  const fix = `install Python ${MIN_PYTHON.join('.')} or later with venv (Debian: apt-get install python3 python3-venv), ${BY_HAND}`;
  if (check.error !== undefined || version === '') {
    throw new ToolSetupError(`${missing}: not on PATH, and no python3 on PATH to install them with: ${fix}`);
  }
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < (MIN_PYTHON[0] ?? 0) || (major === MIN_PYTHON[0] && minor < (MIN_PYTHON[1] ?? 0))) {
    throw new ToolSetupError(
      `${missing}: not on PATH, and python3 is ${version}, too old to install them: ${fix}`,
    );
  }
  if (venv !== 'venv') {
    throw new ToolSetupError(
      `${missing}: not on PATH, and python3 (${version}) cannot make a virtual environment to install them in ` +
        `(no venv or ensurepip module): install python3-venv (Debian: apt-get install python3-venv), ${BY_HAND}`,
    );
  }
  return 'python3';
};

/**
 * Makes sure both tools run: nothing is done when they do; otherwise the missing ones are installed into
 * .venv, at the versions of requirements-dev.txt. Throws a ToolSetupError, with the one line to print, when
 * they cannot be: no python3 (3.10 or later, with venv), or a package index that does not answer, found out
 * before the virtual environment is made where python3 has pip of its own.
 * @param {ToolOptions & { log?: (line: string) => void }} [options]
 * @returns {Promise<{ installed: string[] }>} the tools that were installed
 */
export const ensurePythonTools = async (options = {}) => {
  const { projectDir = PROJECT_DIR, env = process.env, log = () => {} } = options;
  const missing = /** @type {(keyof typeof TOOLS)[]} */ (Object.keys(TOOLS)).filter(
    (tool) => toolCommand(tool, { projectDir, env }) === undefined,
  );
  if (missing.length === 0) return { installed: [] };
  const named = missing.join(' and ');
  const python = findPython(named, env);
  const requirements = join(projectDir, 'requirements-dev.txt');
  const venv = join(projectDir, '.venv');
  const shown = relative(process.cwd(), venv) || venv;
  const indexDown = (/** @type {string} */ output) =>
    new ToolSetupError(
      `${named}: not on PATH, and pip could not reach the package index to install them into ${shown} ` +
        `(${pipError(output)}): connect to the index or set PIP_INDEX_URL to a mirror, ${BY_HAND}`,
    );
  // The index is asked first with the python3's own pip, if it has one: making the environment takes
  // seconds, and a machine without the index should learn that at once.
  const outerPip = spawnSync(python, ['-m', 'pip', '--version'], { env, stdio: 'ignore' }).status === 0;
  const probe = async (/** @type {string} */ interpreter) => {
    const asked = await execute(
      interpreter,
      ['-m', 'pip', 'index', 'versions', 'cfn-lint', '-vv', '--disable-pip-version-check', ...PROBE_LIMITS],
      { env, cwd: projectDir },
    );
    // A pip older than `pip index` (21.2) cannot be asked: the install then finds out for itself.
    if (asked.status !== 0 && !asked.output.includes('unknown command')) throw indexDown(asked.output);
  };
  if (outerPip) await probe(python);

  const venvPython = join(venv, 'bin', 'python');
  if (!existsSync(venvPython)) {
    const made = await execute(python, ['-m', 'venv', venv], { env, cwd: projectDir });
    if (made.status !== 0) {
      throw new ToolSetupError(
        `${named}: python3 -m venv ${shown} failed (${pipError(made.output)}): install python3-venv ` +
          `(Debian: apt-get install python3-venv), ${BY_HAND}`,
      );
    }
  }
  if (!outerPip) await probe(venvPython);
  log(`${named}: not on PATH; installing requirements-dev.txt into ${shown}`);
  const pip = await execute(
    venvPython,
    ['-m', 'pip', 'install', '--disable-pip-version-check', ...INSTALL_LIMITS, '-r', requirements],
    { env, cwd: projectDir, show: true },
  );
  if (pip.status !== 0) {
    throw new ToolSetupError(
      `${named}: pip install -r requirements-dev.txt into ${shown} failed (${pipError(pip.output)}): ${BY_HAND}`,
    );
  }
  const still = missing.filter((tool) => toolCommand(tool, { projectDir, env }) === undefined);
  if (still.length > 0) {
    throw new ToolSetupError(`${still.join(' and ')}: not in ${shown}/bin after pip install: ${BY_HAND}`);
  }
  return { installed: missing };
};

/**
 * The command line of the script: ensure (no argument) or run.
 * @param {readonly string[]} argv
 * @returns {Promise<number>} the exit code
 */
const main = async (argv) => {
  const [verb, tool, ...args] = argv;
  if (verb === 'run') {
    if (tool === undefined || !Object.hasOwn(TOOLS, tool)) {
      console.error(`error: run takes one of ${Object.keys(TOOLS).join(', ')}, got ${tool ?? 'nothing'}`);
      return 2;
    }
    const command = toolCommand(/** @type {keyof typeof TOOLS} */ (tool));
    if (command === undefined) {
      console.error(`error: ${tool} is neither on PATH nor in .venv/bin: run node scripts/python-tools.mjs`);
      return 2;
    }
    return spawnSync(command, args, { stdio: 'inherit' }).status ?? 2;
  }
  if (verb !== undefined) {
    console.error(`error: unknown argument ${verb}; usage: node scripts/python-tools.mjs [run TOOL ARG...]`);
    return 2;
  }
  try {
    const { installed } = await ensurePythonTools({ log: (line) => console.error(line) });
    if (installed.length > 0) console.error(`installed ${installed.join(' and ')} into .venv`);
    return 0;
  } catch (error) {
    if (!(error instanceof ToolSetupError)) throw error;
    console.error(`error: ${error.message}`);
    return 1;
  }
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
