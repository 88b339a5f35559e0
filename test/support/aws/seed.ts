import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ComplianceResult,
  HistoryItem,
  LocalAwsOptions,
  LocalInstance,
  LocalInstanceProfile,
  LocalParameter,
} from './types.js';

/** The seed files of a directory and the list each holds, in the shape of the API response. */
const SEED_FILES = {
  instances: { file: 'instances.json', field: 'Instances' },
  configHistory: { file: 'resource-config-history.json', field: 'configurationItems' },
  complianceResults: { file: 'compliance-results.json', field: 'EvaluationResults' },
  parameters: { file: 'ssm-parameters.json', field: 'Parameters' },
  instanceProfiles: { file: 'instance-profiles.json', field: 'InstanceProfiles' },
} as const;

const readField = async (dir: string, file: string, field: string): Promise<unknown> => {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch (error) {
    // Every seed file is optional: a directory holds only what its scenario needs.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const value = (JSON.parse(text) as Record<string, unknown>)[field];
  if (value === undefined) throw new Error(`${join(dir, file)} has no "${field}" field`);
  return value;
};

/**
 * Reads the stores of a seed directory such as `events/local-aws/`: `instances.json`
 * (`{ Instances }`), `resource-config-history.json` (`{ configurationItems }`),
 * `compliance-results.json` (`{ EvaluationResults }`), `ssm-parameters.json` (`{ Parameters }`) and
 * `instance-profiles.json` (`{ InstanceProfiles }`).
 */
export const loadSeed = async (dir: string): Promise<LocalAwsOptions> => {
  const [instances, configHistory, complianceResults, parameters, instanceProfiles] = await Promise.all(
    Object.values(SEED_FILES).map(({ file, field }) => readField(dir, file, field)),
  );
  return {
    ...(instances === undefined ? {} : { instances: instances as LocalInstance[] }),
    ...(configHistory === undefined ? {} : { configHistory: configHistory as HistoryItem[] }),
    ...(complianceResults === undefined
      ? {}
      : { complianceResults: complianceResults as ComplianceResult[] }),
    ...(parameters === undefined ? {} : { parameters: parameters as Record<string, LocalParameter> }),
    ...(instanceProfiles === undefined
      ? {}
      : { instanceProfiles: instanceProfiles as LocalInstanceProfile[] }),
  };
};
