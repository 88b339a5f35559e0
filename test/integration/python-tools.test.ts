import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCommand } from '../../scripts/python-tools.mjs';
import { startSilentEndpoint } from '../support/silent-endpoint.js';

// `npm run check` starts with scripts/python-tools.mjs: it uses cfn-lint and moto_server from PATH, and
// installs them into .venv when they are not there. Each test runs the script in a project folder of its
// own (the script and requirements-dev.txt), with a PATH that holds node and at most a python3.

const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));
const REQUIREMENTS = readFileSync(join(PROJECT_DIR, 'requirements-dev.txt'), 'utf8');
const pinned = (name: string) =>
  new RegExp(`^${name}(?:\\[[^\\]]*\\])?==(\\S+)$`, 'm').exec(REQUIREMENTS)?.[1];

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'python-tools-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

let projects = 0;
/** A project folder holding what the script needs. */
const project = (): string => {
  projects += 1;
  const dir = join(work, `project-${projects}`);
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  copyFileSync(join(PROJECT_DIR, 'scripts', 'python-tools.mjs'), join(dir, 'scripts', 'python-tools.mjs'));
  copyFileSync(join(PROJECT_DIR, 'requirements-dev.txt'), join(dir, 'requirements-dev.txt'));
  return dir;
};

/** A folder of links to the given programs, as `name: path`: the whole PATH of a run. */
const binDir = (programs: Record<string, string>): string => {
  const dir = join(work, `bin-${Object.keys(programs).join('-')}-${projects}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, path] of Object.entries(programs)) {
    if (!existsSync(join(dir, name))) symlinkSync(path, join(dir, name));
  }
  return dir;
};

/** An interpreter's path and version (`3.11`), or undefined when it does not run. */
const interpreter = (command: string) => {
  const found = spawnSync(
    command,
    ['-c', 'import sys; print(sys.executable); print("%d.%d" % sys.version_info[:2])'],
    {
      encoding: 'utf8',
    },
  );
  const [path, version] = (found.stdout ?? '').trim().split('\n');
  return found.status === 0 && path !== undefined ? { path, version } : undefined;
};
/** The python3 on PATH: its site-packages hold the tools when they are installed. */
const ON_PATH = interpreter('python3');
/** Debian's python3, which has no tool beside it (pyenv's shims sit beside the tools' shims). */
const DEBIAN = existsSync('/usr/bin/python3') ? interpreter('/usr/bin/python3') : undefined;
/** The python3 of the runs: Debian's where it can use wheels of the interpreter on PATH. */
const PYTHON = (DEBIAN !== undefined && DEBIAN.version === ON_PATH?.version ? DEBIAN : (ON_PATH ?? DEBIAN))
  ?.path;

/**
 * The environment of a run: nothing of pip's own configuration on this machine (files and PIP_*
 * variables), then `extra`.
 */
const environment = (path: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PIP_'))),
  PIP_CONFIG_FILE: '/dev/null',
  PATH: path,
  ...extra,
});

/** Runs `node scripts/python-tools.mjs` in a project folder, asynchronously: a test may serve its index. */
const ensure = (dir: string, env: NodeJS.ProcessEnv) =>
  new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, 'scripts', 'python-tools.mjs')], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });

/** A loopback port nothing listens on. */
const refusingPort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const BY_HAND =
  'or install the tools yourself (pip install -r requirements-dev.txt), then run npm run check again\n';

describe('scripts/python-tools.mjs, the first step of npm run check', () => {
  it.skipIf(toolCommand('cfn-lint') !== 'cfn-lint' || toolCommand('moto_server') !== 'moto_server')(
    'with both tools on PATH, installs nothing',
    { timeout: 60_000 },
    async () => {
      // Prepare
      const dir = project();

      // Act
      const run = await ensure(dir, process.env);

      // Assess
      expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
      expect(existsSync(join(dir, '.venv'))).toBe(false);
    },
  );

  it('without python3 on PATH, fails with one line naming the tools and the fix', {
    timeout: 60_000,
  }, async () => {
    // Prepare: node alone
    const dir = project();

    // Act
    const run = await ensure(dir, environment(binDir({ node: process.execPath })));

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: cfn-lint and moto_server: not on PATH, and no python3 on PATH to install them with: install Python 3.10 ' +
        `or later with venv (Debian: apt-get install python3 python3-venv), ${BY_HAND}`,
    );
    expect(existsSync(join(dir, '.venv'))).toBe(false);
  });

  describe.skipIf(PYTHON === undefined)('with a python3 on PATH, but not the tools', () => {
    const path = () => binDir({ node: process.execPath, python3: PYTHON as string });

    it('fails with one line when the package index refuses the connection', { timeout: 60_000 }, async () => {
      // Prepare
      const dir = project();
      const index = `http://127.0.0.1:${await refusingPort()}/simple`;

      // Act
      const run = await ensure(dir, environment(path(), { PIP_INDEX_URL: index }));

      // Assess
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        'error: cfn-lint and moto_server: not on PATH, and pip could not reach the package index to install them ' +
          `into .venv (${index}/cfn-lint/: Connection refused): connect to the index or set PIP_INDEX_URL to a mirror, ${BY_HAND}`,
      );
      expect(existsSync(join(dir, '.venv', 'bin', 'cfn-lint'))).toBe(false);
    });

    // Without pip's bounds (its defaults: 15 s a request, 5 retries) this runs past the test's timeout.
    it('fails with one line, after one request, when the package index never answers', {
      timeout: 60_000,
    }, async () => {
      // Prepare
      const dir = project();
      const silent = await startSilentEndpoint();

      try {
        // Act
        const run = await ensure(dir, environment(path(), { PIP_INDEX_URL: `${silent.url}/simple` }));

        // Assess
        expect(run.code).toBe(1);
        expect(run.stderr).toBe(
          'error: cfn-lint and moto_server: not on PATH, and pip could not reach the package index to install them ' +
            `into .venv (${silent.url}/simple/cfn-lint/: timed out): connect to the index or set PIP_INDEX_URL to a mirror, ${BY_HAND}`,
        );
        expect(silent.requests()).toBe(1);
      } finally {
        await silent.stop();
      }
    });

    describe('installs the pinned tools into .venv from a package index, and uses them', () => {
      // No index but the installed distributions of the pinned versions, packed again as wheels: pip does
      // the whole install (resolution, dependencies, scripts) as from PyPI, offline.
      const wheels = () => join(work, 'wheels');
      let packed: { ok: boolean; why: string };
      beforeAll(() => {
        const requirements = REQUIREMENTS.split('\n').filter((line) => /^[a-z]/i.test(line));
        const pack = spawnSync(
          'python3',
          [join(PROJECT_DIR, 'test', 'support', 'python', 'wheelhouse.py'), wheels(), ...requirements],
          { encoding: 'utf8' },
        );
        packed = { ok: pack.status === 0, why: `${pack.stderr}${pack.error?.message ?? ''}`.trim() };
      }, 120_000);

      it('then runs cfn-lint and moto_server from .venv, and installs nothing the second time', {
        timeout: 600_000,
      }, async (context) => {
        if (!packed.ok) {
          context.skip(`the pinned versions are not installed in the python3 on PATH: ${packed.why}`);
        }
        // Prepare
        const dir = project();
        const env = environment(path(), { PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheels() });

        // Act
        const first = await ensure(dir, env);
        const second = await ensure(dir, env);

        // Assess
        expect(first.code, first.stderr).toBe(0);
        expect(first.stderr).toMatch(/installed cfn-lint and moto_server into \.venv\n$/);
        const cfnLint = toolCommand('cfn-lint', { projectDir: dir, env });
        expect(cfnLint).toBe(join(dir, '.venv', 'bin', 'cfn-lint'));
        expect(spawnSync(cfnLint as string, ['--version'], { env, encoding: 'utf8' }).stdout.trim()).toBe(
          `cfn-lint ${pinned('cfn-lint')}`,
        );
        const lint = spawnSync(cfnLint as string, [join(PROJECT_DIR, 'template.yaml')], {
          env,
          encoding: 'utf8',
        });
        expect(lint.status, lint.stdout).toBe(0);
        expect(toolCommand('moto_server', { projectDir: dir, env })).toBe(
          join(dir, '.venv', 'bin', 'moto_server'),
        );
        const moto = spawnSync(
          join(dir, '.venv', 'bin', 'python'),
          ['-c', 'import moto; print(moto.__version__)'],
          {
            env,
            encoding: 'utf8',
          },
        );
        expect(moto.stdout.trim()).toBe(pinned('moto'));
        expect(second).toMatchObject({ code: 0, stdout: '', stderr: '' });
      });
    });
  });
});
