import { main } from './main.js';

// The process entry of the `app-tier-iam-role-rule` bin (bundled to dist/cli.mjs by scripts/build-cli.mjs).
// Setting exitCode rather than calling process.exit lets stdout drain into a pipe first.
process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY,
});
