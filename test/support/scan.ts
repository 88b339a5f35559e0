import { main } from '../../src/cli/main.js';

/** What one run of the command line printed, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line in-process (`app-tier-iam-role-rule ...argv`), capturing what it prints. */
export const runCli = async (...argv: string[]): Promise<CliRun> => {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
};

/** One finding of `scan --output json`. */
export interface JsonFinding {
  readonly file: string;
  readonly line: number;
  readonly id: string;
  readonly resourceType: string;
  readonly constructPath: string | null;
  readonly compliance: string;
  readonly reason: string;
  readonly annotation: string;
  readonly notes: string[];
}

/** What `scan --output json` prints. */
export interface JsonScan {
  readonly code: number;
  readonly stderr: string;
  readonly files: string[];
  readonly skipped: string[];
  readonly findings: JsonFinding[];
}

/** `scan --output json ...argv`, parsed; throws with what it printed when it printed no JSON. */
export const scanJson = async (...argv: string[]): Promise<JsonScan> => {
  const { code, stdout, stderr } = await runCli('scan', '--output', 'json', ...argv);
  if (stdout === '') throw new Error(`scan printed nothing (exit ${code}): ${stderr}`);
  const { files, skipped, findings } = JSON.parse(stdout) as Omit<JsonScan, 'code' | 'stderr'>;
  return { code, stderr, files, skipped, findings };
};

/** The 1-based line of the first line of `text` that contains `needle`; throws when none does. */
export const lineOf = (text: string, needle: string): number => {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index === -1) throw new Error(`no line contains ${needle}`);
  return index + 1;
};
