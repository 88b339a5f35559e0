import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalAwsOptions } from '../test/support/aws/index.js';

/** The files of a sample inventory, each holding one list in the shape of the API response. */
const SEED_FILES = [
  ['instances', 'instances.json', 'Instances'],
  ['configHistory', 'resource-config-history.json', 'configurationItems'],
  ['complianceResults', 'compliance-results.json', 'EvaluationResults'],
] as const;

/** What the local endpoint serves from a sample inventory such as `events/local-aws/`; every file is optional. */
export const loadSeed = async (dir: string): Promise<LocalAwsOptions> => {
  const options: Record<string, unknown> = {};
  for (const [option, file, field] of SEED_FILES) {
    const text = await readFile(join(dir, file), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text !== undefined) options[option] = (JSON.parse(text) as Record<string, unknown>)[field];
  }
  return options as LocalAwsOptions;
};
