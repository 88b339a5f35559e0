// The bundle (dist/cli.mjs) carries the version in its code: esbuild inlines the JSON, so the installed
// command needs no package.json beside it.
import manifest from '../../package.json' with { type: 'json' };

/** The package's version, as `--version` prints it. */
export const VERSION: string = manifest.version;
