// What `sam build` does before and with esbuild, checked without the SAM CLI (CI has none):
//   1. SAM copies the project, less every node_modules, .git and .aws-sam, to a temporary folder and
//      installs there: `npm ci --omit=dev` must succeed in such a copy (no install script may need a
//      dev dependency; SAM's default install is `npm install --omit=dev`).
//   2. With `UseNpmCi: true` (template.yaml), SAM runs `npm ci` there instead and runs the esbuild it finds
//      in that copy's node_modules/.bin: that esbuild, run from the copy with the command line SAM prints
//      (scripts/function-build.json), must write the very files `npm run build` wrote into dist/function/.
//
// Usage: npm run build && node scripts/check-sam-build.mjs
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readCloudFormationTemplate } from './cfn-yaml.mjs';
import { esbuildArgs, findEsbuildFunction, functionBuild, PROJECT_DIR } from './function-build.mjs';

/** What SAM leaves out when it copies the project (aws-lambda-builders, NodejsNpmEsbuildWorkflow). */
const NOT_COPIED = new Set(['node_modules', '.git', '.aws-sam']);
const BUILT = join(PROJECT_DIR, 'dist', 'function');

/** Runs a command; throws with its output when it fails. */
const run = (/** @type {string} */ command, /** @type {string[]} */ args, /** @type {string} */ cwd) => {
  console.error(`$ ${command} ${args.join(' ')}   (in ${cwd})`);
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (exit code ${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
};

if (!existsSync(BUILT)) throw new Error('dist/function/ is missing: run npm run build first');
const { logicalId, buildProperties } = findEsbuildFunction(
  readCloudFormationTemplate(join(PROJECT_DIR, 'template.yaml')),
);

const scratch = mkdtempSync(join(tmpdir(), 'sam-build-copy-'));
try {
  const copy = join(scratch, 'project');
  cpSync(PROJECT_DIR, copy, { recursive: true, filter: (source) => !NOT_COPIED.has(basename(source)) });

  run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], copy);
  console.error('ok: npm ci --omit=dev succeeds in a copy of the project');

  if (buildProperties.UseNpmCi !== true) {
    console.error(`${logicalId} does not set UseNpmCi: SAM then needs an esbuild on PATH, not the project's`);
  } else {
    rmSync(join(copy, 'node_modules'), { recursive: true, force: true });
    run('npm', ['ci', '--no-audit', '--no-fund'], copy);
    const esbuild = join(copy, 'node_modules', '.bin', 'esbuild');
    if (!existsSync(esbuild)) throw new Error(`npm ci left no ${esbuild}: sam build would not find esbuild`);

    const artifacts = join(scratch, 'artifacts');
    run(esbuild, esbuildArgs({ outdir: artifacts, extra: ['--log-level=warning'] }), copy);
    const written = readdirSync(artifacts).sort();
    if (written.join() !== functionBuild.artifacts.join()) {
      throw new Error(
        `esbuild wrote ${written.join(', ')}; sam build writes ${functionBuild.artifacts.join(', ')}`,
      );
    }
    const differing = written.filter(
      (file) => !readFileSync(join(artifacts, file)).equals(readFileSync(join(BUILT, file))),
    );
    if (differing.length > 0) {
      throw new Error(
        `the copy's esbuild wrote other ${differing.join(', ')} than npm run build (dist/function/)`,
      );
    }
    console.error(
      `ok: npm ci puts esbuild in the copy's node_modules/.bin, and it writes ${written.join(', ')} byte for byte as npm run build`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
