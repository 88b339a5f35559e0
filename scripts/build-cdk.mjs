// Builds the CDK constructs (`app-tier-iam-role-rule/cdk`): one ES module and one CommonJS module, so CDK
// apps of either kind load them, with aws-cdk-lib and constructs left to the app (peer dependencies), and
// their type declarations (.d.ts, and .d.cts for CommonJS apps).
//
// Usage: node scripts/build-cdk.mjs
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';

const projectDir = fileURLToPath(new URL('..', import.meta.url));
const entryPoint = 'src/cdk/index.ts';
const outdir = join(projectDir, 'dist', 'cdk');
const typesDir = join(projectDir, 'dist', 'types');

rmSync(outdir, { recursive: true, force: true });
rmSync(typesDir, { recursive: true, force: true });

/** @type {import('esbuild').BuildOptions} */
const common = {
  absWorkingDir: projectDir,
  entryPoints: [entryPoint],
  bundle: true,
  platform: 'node',
  target: 'node20',
  // The app's own aws-cdk-lib and constructs: one copy of each, whatever version the app pins.
  external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
  legalComments: 'none',
  logLevel: 'warning',
};
await build({ ...common, format: 'esm', outfile: join(outdir, 'index.mjs') });
// CommonJS has no import.meta: the construct finds the function's files from its own file name instead.
await build({
  ...common,
  format: 'cjs',
  outfile: join(outdir, 'index.cjs'),
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// Declarations with the project's own compiler options (strict, NodeNext).
const configFile = ts.readConfigFile(join(projectDir, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, projectDir);
const program = ts.createProgram([join(projectDir, entryPoint)], {
  ...options,
  noEmit: false,
  declaration: true,
  emitDeclarationOnly: true,
  rootDir: join(projectDir, 'src'),
  outDir: typesDir,
});
const emitted = program.emit();
const errors = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
if (errors.length > 0) {
  throw new Error(
    ts.formatDiagnostics(errors, {
      ...ts.sys,
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => projectDir,
      getNewLine: () => '\n',
    }),
  );
}

/** Every file under a directory. */
const filesIn = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesIn(join(dir, entry.name)) : [join(dir, entry.name)],
  );

// A CommonJS app resolves the `require` condition to .d.cts files, whose relative imports name .cjs.
for (const file of filesIn(typesDir).filter((name) => name.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8').replace(/(from\s+'\.{1,2}\/[^']*)\.js'/g, "$1.cjs'");
  writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), text);
}

for (const file of [...filesIn(outdir), join(typesDir, 'cdk', 'index.d.ts')]) {
  console.error(`${relative(process.cwd(), file)}: ${statSync(file).size.toLocaleString('en-US')} bytes`);
}
