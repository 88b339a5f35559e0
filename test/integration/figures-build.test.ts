import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionFigures, packageFigures } from '../../scripts/build-figures.mjs';
import { readFigures } from '../../scripts/figures.mjs';
import { figuresDisagree } from '../support/figures-agree.js';

// The build's figures in the documents (docs/figures/build.md and package.md, written by npm run figures)
// against the build under test: the global setup built dist/function/; `npm run check` builds the rest
// first, and what is missing is built here (the command line and the constructs, beside the function).

const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));
const REWRITE = 'run npm run figures and commit docs/';

describe("the build's figures in the documents", () => {
  beforeAll(() => {
    for (const [output, script] of [
      ['dist/cli.mjs', 'scripts/build-cli.mjs'],
      ['dist/cdk/index.mjs', 'scripts/build-cdk.mjs'],
    ] as const) {
      if (existsSync(join(PROJECT_DIR, output))) continue;
      const built = spawnSync(process.execPath, [script], { cwd: PROJECT_DIR, encoding: 'utf8' });
      if (built.status !== 0) throw new Error(`${script} failed:\n${built.stderr}`);
    }
  }, 120_000);

  it('docs/figures/build.md: the function files and the chunks of the handler', () => {
    // Act
    const disagree = figuresDisagree(readFigures('build') ?? '', `${functionFigures()}\n`);

    // Assess
    expect(disagree, REWRITE).toEqual([]);
  });

  it('docs/figures/package.md: what npm pack puts in the package', { timeout: 60_000 }, () => {
    // Act
    const disagree = figuresDisagree(readFigures('package') ?? '', `${packageFigures()}\n`);

    // Assess
    expect(disagree, REWRITE).toEqual([]);
  });

  it('tells a size within rounding from one that moved', () => {
    // Act, Assess
    expect(figuresDisagree('| a | 390 KiB | 65.0 % |', '| a | 391 KiB | 65.4 % |')).toEqual([]);
    expect(figuresDisagree('| a | 390 KiB |', '| a | 420 KiB |')).toEqual(['390 where the build has 420']);
    expect(figuresDisagree('| a | 390 KiB |', '| b | 390 KiB |')).toHaveLength(1);
  });
});
