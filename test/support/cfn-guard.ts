import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The real cfn-guard (3.1.1, Linux x86_64) that @cdklabs/cdk-validator-cfnguard ships. */
export const CFN_GUARD = join(
  dirname(createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'bin/ubuntu/x86_64/cfn-guard',
);

/** What cfn-guard says of one data file. */
export type GuardStatus = 'PASS' | 'FAIL' | 'SKIP';

/**
 * Runs `cfn-guard validate` with the rules on each data file (name → JSON content), in one process, and
 * returns each file's status. cfn-guard exits 19 when a file fails; anything else but 0 is an error.
 */
export const guardStatuses = (rules: string, data: Record<string, unknown>): Map<string, GuardStatus> => {
  const directory = mkdtempSync(join(tmpdir(), 'cfn-guard-'));
  try {
    writeFileSync(join(directory, 'rules.guard'), rules);
    const dataDir = join(directory, 'data');
    execFileSync('mkdir', [dataDir]);
    for (const [name, content] of Object.entries(data))
      writeFileSync(join(dataDir, `${name}.json`), JSON.stringify(content, null, 2));
    let output: string;
    try {
      output = execFileSync(
        CFN_GUARD,
        [
          'validate',
          '-r',
          join(directory, 'rules.guard'),
          '-d',
          dataDir,
          '--structured',
          '-o',
          'json',
          '--show-summary',
          'none',
        ],
        { encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 },
      );
    } catch (error) {
      const failed = error as { status?: number; stdout?: string; stderr?: string };
      if (failed.status !== 19)
        throw new Error(`cfn-guard failed (${failed.status}): ${failed.stderr}${failed.stdout}`);
      output = failed.stdout ?? '';
    }
    const statuses = new Map<string, GuardStatus>();
    for (const file of JSON.parse(output) as { name: string; status: GuardStatus }[]) {
      statuses.set(file.name.replace(/^.*\//, '').replace(/\.json$/, ''), file.status);
    }
    return statuses;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
};

/** Guard's status as the compliance Config records for a custom policy rule. */
export const complianceOfStatus = {
  PASS: 'COMPLIANT',
  FAIL: 'NON_COMPLIANT',
  SKIP: 'NOT_APPLICABLE',
} as const;
