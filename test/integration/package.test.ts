import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCommand } from '../../scripts/python-tools.mjs';

const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));
const MANIFEST = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8'));
const TARBALL = `${MANIFEST.name}-${MANIFEST.version}.tgz`;
/** Packing builds everything (prepack), installing reads npm's cache first: minutes on a busy machine. */
const SLOW = 600_000;
// On PATH, else in the project's .venv (scripts/python-tools.mjs).
const cfnLint = toolCommand('cfn-lint');

/** The npm commands of the README's install block, as written there (after the install-from-clone marker). */
const readmeInstallCommands = (): string[] => {
  const readme = readFileSync(join(PROJECT_DIR, 'README.md'), 'utf8');
  const block = /<!-- install-from-clone[^>]*-->\s*```bash\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README.md has no install-from-clone block');
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('npm '));
};

/** The README's five lines of a CDK app, as written there (after the cdk-five-lines marker). */
const readmeFiveLines = (): string => {
  const readme = readFileSync(join(PROJECT_DIR, 'README.md'), 'utf8');
  const block = /<!-- cdk-five-lines[^>]*-->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README.md has no cdk-five-lines block');
  return block;
};

const run = (command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) => {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
};

/**
 * A copy of the working tree (the files git would commit), as a clone has it: `npm ci` installs and `npm
 * pack` builds there, so the other suites' dist/ is never rebuilt under their feet.
 */
const copyOfProject = (into: string): string => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: PROJECT_DIR,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(PROJECT_DIR, file)));
  for (const file of files) {
    mkdirSync(dirname(join(into, file)), { recursive: true });
    cpSync(join(PROJECT_DIR, file), join(into, file));
  }
  return into;
};

describe("the package: the README's install lines in a copy of the project, then npm install into an empty folder", () => {
  let work: string;
  let consumer: string;
  let tarball: string;
  let installed: string;
  /** Where `npm install -g` installs: a folder of the test's, not the machine's global one. */
  let globalPrefix: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'rule-package-'));
    // The CDK apps below write their cloud assemblies here, removed with the rest, not in the temp folder.
    process.env.CDK_OUTDIR = join(work, 'cdk.out');
    globalPrefix = join(work, 'global');
    const source = copyOfProject(join(work, 'source'));
    // As written, npm's cache first: `npm ci && npm pack`, then `npm install -g ./<tarball>`.
    for (const command of readmeInstallCommands()) {
      run('sh', ['-c', command], source, {
        npm_config_prefix: globalPrefix,
        npm_config_prefer_offline: 'true',
      });
    }
    tarball = join(source, TARBALL);
    consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(
      join(consumer, 'package.json'),
      '{ "name": "consumer", "private": true, "type": "module" }\n',
    );
    // The peer dependencies (aws-cdk-lib, constructs) are optional: not installed, nothing re-downloaded.
    run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], consumer);
    installed = join(consumer, 'node_modules', MANIFEST.name);
  }, SLOW);

  afterAll(() => {
    delete process.env.CDK_OUTDIR;
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('holds the command line, the function files, the constructs and their types, and nothing else', () => {
    // Act
    const files = run('tar', ['-tzf', tarball], work)
      .trim()
      .split('\n')
      .map((file) => file.replace(/^package\//, ''))
      .sort();

    // Assess
    expect(files.filter((file) => !file.startsWith('dist/types/'))).toEqual([
      'LICENSE',
      'README.md',
      'dist/cdk/index.cjs',
      'dist/cdk/index.mjs',
      'dist/cli.mjs',
      'dist/function/extensions.mjs',
      'dist/function/handler.mjs',
      'package.json',
    ]);
    expect(files).toEqual(
      expect.arrayContaining(['dist/types/cdk/index.d.ts', 'dist/types/cdk/index.d.cts']),
    );
    expect(
      files.filter((file) => /(^|\/)(src|test|events|bench|scripts|dev|local-aws)\//.test(file)),
    ).toEqual([]);
    // 3.0 MB today; a bound, so that a stray folder in `files` shows.
    expect(statSync(tarball).size).toBeLessThan(5 * 1024 * 1024);
  });

  it('installs the command the README names, which prints the package version', () => {
    // Act
    const version = run(join(globalPrefix, 'bin', 'app-tier-iam-role-rule'), ['--version'], work);
    const help = run(join(globalPrefix, 'bin', 'app-tier-iam-role-rule'), ['help'], work);

    // Assess
    expect(readmeInstallCommands()).toEqual(['npm ci && npm pack', `npm install -g ./${TARBALL}`]);
    expect(version).toBe(`${MANIFEST.version}\n`);
    expect(help).toMatch(/^Usage: app-tier-iam-role-rule <command>/);
  });

  it('is publishable: a license file for its license, no location it does not have, exports with types, engines', () => {
    // Act
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));

    // Assess
    expect(manifest.private).toBeUndefined();
    expect(manifest.license).toBe('MIT-0');
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT No Attribution/);
    // There is no public repository yet: a package must not point to one that does not exist.
    expect(manifest.repository ?? manifest.bugs ?? manifest.homepage).toBeUndefined();
    expect(manifest.engines.node).toBe('>=20');
    expect(manifest.exports['./cdk'].import.types).toBe('./dist/types/cdk/index.d.ts');
    expect(manifest.exports['./cdk'].require.types).toBe('./dist/types/cdk/index.d.cts');
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
  });

  it('gives a working npx app-tier-iam-role-rule audit --help and --version', () => {
    // Act
    const help = run('npx', ['--no-install', 'app-tier-iam-role-rule', 'audit', '--help'], consumer);
    const version = run('npx', ['--no-install', 'app-tier-iam-role-rule', '--version'], consumer);

    // Assess
    expect(help).toMatch(/^Usage: app-tier-iam-role-rule audit /);
    expect(help).toContain('--tag-key KEY');
    expect(version).toBe(`${MANIFEST.version}\n`);
  });

  it('holds the function files, a handler Node.js loads', () => {
    // Act
    const exported = run(
      process.execPath,
      [
        '--input-type=module',
        '--eval',
        `const m = await import('${MANIFEST.name}/function/handler.mjs'); console.log(Object.keys(m).join(), typeof m.handler);`,
      ],
      consumer,
      { AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' },
    );

    // Assess
    expect(exported.trim()).toBe('handler function');
    // What sam build writes, no more: the function is built without source maps.
    expect(readdirSync(join(installed, 'dist', 'function')).sort()).toEqual([
      'extensions.mjs',
      'handler.mjs',
    ]);
  });

  describe('the CDK constructs, with the aws-cdk-lib and constructs of this project', () => {
    beforeAll(() => {
      for (const peer of ['aws-cdk-lib', 'constructs']) {
        symlinkSync(join(PROJECT_DIR, 'node_modules', peer), join(consumer, 'node_modules', peer), 'dir');
      }
    });

    it('synthesize the README five lines: the function from the installed files, a template cfn-lint passes', () => {
      // Prepare
      writeFileSync(join(consumer, 'app.mjs'), readmeFiveLines());
      const outdir = join(consumer, 'cdk.out');

      // Act: as `cdk synth` runs an app (CDK_OUTDIR makes the app synthesize on exit).
      run(process.execPath, ['app.mjs'], consumer, { CDK_OUTDIR: outdir });
      const templateFile = join(outdir, 'AppTierIamRoleRule.template.json');
      const template = JSON.parse(readFileSync(templateFile, 'utf8'));
      const resources = Object.values<{ Type: string; Properties: Record<string, unknown> }>(
        template.Resources,
      );
      const assets = JSON.parse(readFileSync(join(outdir, 'AppTierIamRoleRule.assets.json'), 'utf8'));
      const [asset] = Object.values<{ source: { path: string } }>(assets.files).filter((file) =>
        file.source.path.startsWith('asset.'),
      );

      // Assess
      expect(resources.map((resource) => resource.Type)).toEqual(
        expect.arrayContaining(['AWS::Lambda::Function', 'AWS::Config::ConfigRule', 'AWS::SQS::Queue']),
      );
      expect(
        resources.find((resource) => resource.Type === 'AWS::Lambda::Function')?.Properties,
      ).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'handler.handler',
      });
      expect(readFileSync(join(outdir, asset?.source.path ?? '', 'handler.mjs'))).toEqual(
        readFileSync(join(installed, 'dist', 'function', 'handler.mjs')),
      );
      if (cfnLint !== undefined) run(cfnLint, [templateFile], consumer);
    });

    it('load in a CommonJS app too', () => {
      // Act
      const output = run(
        process.execPath,
        [
          '--eval',
          `const { App, Stack } = require('aws-cdk-lib');
           const { AppTierIamRoleRule, FUNCTION_DIR } = require('${MANIFEST.name}/cdk');
           const stack = new Stack(new App(), 'S');
           new AppTierIamRoleRule(stack, 'Rule');
           console.log(FUNCTION_DIR);`,
        ],
        consumer,
      );

      // Assess
      expect(output.trim()).toBe(`${join(installed, 'dist', 'function')}/`);
    });

    it('type-check in ES module and CommonJS apps (NodeNext), types from the package exports', () => {
      // Prepare
      const app = `import { App, Stack } from 'aws-cdk-lib';
import { AppTierIamRoleRule, type AppTierIamRoleRuleProps } from '${MANIFEST.name}/cdk';
const props: AppTierIamRoleRuleProps = { tagKey: 'tier', tagValues: ['app'], requireRoleInProfile: true };
new AppTierIamRoleRule(new Stack(new App(), 'S'), 'Rule', props);
`;
      writeFileSync(join(consumer, 'app.mts'), app);
      writeFileSync(join(consumer, 'app.cts'), app);
      // A wrong prop must fail, or the check proves nothing.
      writeFileSync(
        join(consumer, 'wrong.mts'),
        `${app}new AppTierIamRoleRule(new Stack(new App(), 'W'), 'R', { tagKey: 7 });\n`,
      );
      const tsc = join(PROJECT_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
      const options = [
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
      ];

      // Act
      const good = spawnSync(process.execPath, [tsc, ...options, 'app.mts', 'app.cts'], {
        cwd: consumer,
        encoding: 'utf8',
      });
      const wrong = spawnSync(process.execPath, [tsc, ...options, 'wrong.mts'], {
        cwd: consumer,
        encoding: 'utf8',
      });

      // Assess
      expect(good.stdout + good.stderr).toBe('');
      expect(good.status).toBe(0);
      expect(wrong.stdout).toMatch(/wrong\.mts.*error TS2322/);
    });
  });
});
