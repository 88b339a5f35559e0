import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { documents } from '../scripts/figures.mjs';
import { startMoto } from '../test/support/moto.js';
import { accountAt, createAccount, HOME_REGION } from './transcript-account.js';
import {
  firstDifference,
  renderTranscript,
  replaceRegions,
  sameTranscript,
  transcriptRegions,
} from './transcript-regions.js';
import { isCommand, STORY } from './transcript-story.js';

const PROJECT_DIR = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(PROJECT_DIR, 'dist', 'cli.mjs');
/** Services the commands call, all pointed at moto's server. */
const SERVICES = ['EC2', 'IAM', 'CONFIG_SERVICE', 'STS', 'AUTO_SCALING'];
/** moto draws its ids from a generator seeded with this: the same calls give the same ids. */
const MOTO_SEED = 20_260_101;

const USAGE = `Usage: npm run docs:transcripts [-- --check]

Runs every command the documents show with its output (between <!-- transcript:NAME --> and
<!-- /transcript -->) against moto's server on 127.0.0.1, in an account made as
docs/audit-and-remediate.md describes (dev/transcript-account.ts, dev/transcript-story.ts), with
dist/cli.mjs (npm run build:cli first), dummy credentials and an empty home folder; then rewrites each
region whose output changed. Ids moto draws at random and the order of concurrent progress lines do not
count as a change.

Options:
  --check   rewrite nothing: list the regions that differ from what the commands print; exit code 1 if any
  --help    show this text`;

/** What one command printed (stdout and stderr in the order written) and its exit code. */
export interface Printed {
  readonly output: string;
  readonly exitCode: number;
}

/** Runs the command line with the given environment. */
export type Runner = (argv: readonly string[], env: Readonly<Record<string, string>>) => Promise<Printed>;

/**
 * The built bin in a process of its own. stdout and stderr go to one file, so they keep the order in
 * which they were written, as on a terminal.
 */
export const bundleRunner =
  (cli = CLI): Runner =>
  async (argv, env) => {
    const dir = mkdtempSync(join(tmpdir(), 'transcript-'));
    const file = join(dir, 'output');
    const fd = openSync(file, 'w');
    try {
      const exitCode = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, [cli, ...argv], { env, stdio: ['ignore', fd, fd] });
        child.once('error', reject);
        child.once('exit', (code, signal) =>
          code === null ? reject(new Error(`${argv.join(' ')}: killed by ${signal}`)) : resolve(code),
        );
      });
      return { output: readFileSync(file, 'utf8'), exitCode };
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  };

/**
 * The command line's `main` in this process, with the environment swapped in for the run: what the bin
 * runs, without a process and a bundle to load per command (the check of the integration tests).
 */
export const inProcessRunner = (): Runner => async (argv, env) => {
  const { main } = await import('../src/cli/main.js');
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, env);
  const output: string[] = [];
  try {
    const write = (text: string) => {
      output.push(text);
    };
    const exitCode = await main(argv, { stdout: write, stderr: write, stderrIsTTY: false });
    return { output: output.join(''), exitCode };
  } finally {
    for (const name of Object.keys(process.env)) delete process.env[name];
    Object.assign(process.env, saved);
  }
};

/** The commands' environment: moto's endpoints, dummy keys, the home region, a home folder of no profile. */
const commandEnv = (endpoint: string, home: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  HOME: home,
  AWS_ACCESS_KEY_ID: 'AKIAMOTOMOTOMOTOMOTO',
  AWS_SECRET_ACCESS_KEY: 'moto',
  AWS_REGION: HOME_REGION,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  ...Object.fromEntries(SERVICES.map((service) => [`AWS_ENDPOINT_URL_${service}`, endpoint])),
});

/**
 * Runs every step of the story against a moto server started for it (and stopped, whatever happens).
 * Returns each command's transcript block by name.
 */
export const captureTranscripts = async (runner: Runner): Promise<Map<string, string>> => {
  const moto = await startMoto();
  const home = mkdtempSync(join(tmpdir(), 'transcript-home-'));
  try {
    await fetch(`${moto.url}/moto-api/seed?a=${MOTO_SEED}`, { method: 'POST' });
    const account = accountAt(moto.url);
    await createAccount(account, moto.url);
    const env = commandEnv(moto.url, home);
    const state = new Map<string, string>();
    const blocks = new Map<string, string>();
    for (const step of STORY) {
      if (isCommand(step)) {
        const { output, exitCode } = await runner(step.argv, env);
        blocks.set(step.name, renderTranscript(step.argv, output, exitCode));
      } else {
        await step.act(account, state);
      }
    }
    return blocks;
  } finally {
    rmSync(home, { recursive: true, force: true });
    await moto.stop();
  }
};

/** The document of a command that no document shows. */
const NOWHERE = '(no document)';

/** A document's region whose block differs from what its command printed. */
export interface Mismatch {
  readonly document: string;
  readonly name: string;
  readonly difference: string;
}

/** A document's path (relative to the project) and text. */
export interface DocumentText {
  readonly document: string;
  readonly markdown: string;
}

/** The documents that may hold transcripts (those that may hold figures: the READMEs and docs/). */
export const readDocuments = (): DocumentText[] =>
  documents().map((document) => ({ document, markdown: readFileSync(join(PROJECT_DIR, document), 'utf8') }));

/**
 * Compares the documents' regions with the captured blocks; a region whose name no command has is a
 * mismatch too, and so is a command no document shows.
 */
export const checkDocuments = (
  blocks: ReadonlyMap<string, string>,
  texts: readonly DocumentText[] = readDocuments(),
): Mismatch[] => {
  const mismatches: Mismatch[] = [];
  const shown = new Set<string>();
  const known = new Set(STORY.filter(isCommand).map((step) => step.name));
  for (const { document, markdown } of texts) {
    for (const region of transcriptRegions(markdown)) {
      shown.add(region.name);
      const block = blocks.get(region.name);
      if (!known.has(region.name)) {
        mismatches.push({
          document,
          name: region.name,
          difference: 'no command of dev/transcript-story.ts has this name',
        });
      } else if (block !== undefined && !sameTranscript(region.content, block)) {
        mismatches.push({ document, name: region.name, difference: firstDifference(region.content, block) });
      }
    }
  }
  for (const name of known) {
    if (!shown.has(name)) mismatches.push({ document: NOWHERE, name, difference: 'no document shows it' });
  }
  return mismatches;
};

/** Rewrites the regions whose block changed (beyond what moto makes random); returns the documents written. */
const writeDocuments = (blocks: ReadonlyMap<string, string>): string[] => {
  const written: string[] = [];
  for (const { document, markdown } of readDocuments()) {
    const changed = new Map(
      transcriptRegions(markdown).flatMap((region) => {
        const block = blocks.get(region.name);
        return block === undefined || sameTranscript(region.content, block)
          ? []
          : [[region.name, block] as const];
      }),
    );
    if (changed.size === 0) continue;
    writeFileSync(join(PROJECT_DIR, document), replaceRegions(markdown, changed));
    written.push(`${document} (${[...changed.keys()].join(', ')})`);
  }
  return written;
};

const run = async (): Promise<number> => {
  // The SDK clients that make the account: its notice about Node 20 says nothing about the documents.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({ options: { check: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const blocks = await captureTranscripts(bundleRunner());
  if (values.check === true) {
    const mismatches = checkDocuments(blocks);
    for (const { document, name, difference } of mismatches)
      console.error(`${document}, transcript:${name}: ${difference}`);
    console.error(
      mismatches.length === 0 ? 'Every transcript matches.' : 'Run npm run docs:transcripts to rewrite them.',
    );
    return mismatches.length === 0 ? 0 : 1;
  }
  const unknown = checkDocuments(blocks).filter(
    (mismatch) => !blocks.has(mismatch.name) || mismatch.document === NOWHERE,
  );
  for (const { document, name, difference } of unknown)
    console.error(`${document}, transcript:${name}: ${difference}`);
  const written = writeDocuments(blocks);
  console.error(written.length === 0 ? 'Every transcript is up to date.' : `Rewrote ${written.join('; ')}.`);
  return unknown.length === 0 ? 0 : 1;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run();
}
