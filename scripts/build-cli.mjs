// Bundles the command line (audit, remediate) into one executable ES module: the `bin` of package.json.
// Everything is bundled, the AWS SDK included, so the file runs wherever Node 20+ is installed.
//
// Usage: node scripts/build-cli.mjs [outfile]   (default: dist/cli.mjs)
import { chmodSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const projectDir = fileURLToPath(new URL('..', import.meta.url));
const outfile = resolve(process.argv[2] ?? resolve(projectDir, 'dist/cli.mjs'));

await build({
  absWorkingDir: projectDir,
  entryPoints: ['src/cli/bin.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Bundled CommonJS dependencies call require(); an ES module has none, so one is made for them.
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire } from 'module';",
      'const require = createRequire(import.meta.url);',
    ].join('\n'),
  },
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
console.error(`${relative(process.cwd(), outfile)}: ${statSync(outfile).size.toLocaleString('en-US')} bytes`);
