// `sam local invoke RuleFunction -e events/<file>.json`, without a container runtime: the built handler in
// a fresh process, with what SAM's emulator gives it (its function ARN, AWS_SAM_LOCAL) and the function's
// environment as SAM resolves it from template.yaml and the local_invoke settings of samconfig.toml.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../../dev/sample-inventory.js';
import { findEsbuildFunction } from '../../scripts/function-build.mjs';
import { type LocalAws, startLocalAws } from '../support/aws/index.js';
import { invokeBundle } from '../support/bundle.js';
import { loadTemplate, resolveTemplate } from '../support/cfn-template.js';
import { loadEvent, type SampleEvent } from '../support/events.js';
import { SAM_LOCAL_ENV, SAM_LOCAL_FUNCTION_ARN } from '../support/lambda-context.js';

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** The `parameter_overrides` samconfig.toml gives `sam local invoke` (`Key="value"` pairs). */
const localInvokeOverrides = (): Record<string, string> => {
  const toml = readFileSync(join(PROJECT_DIR, 'samconfig.toml'), 'utf8');
  const section = toml.split(/^\[/m).find((part) => part.startsWith('default.local_invoke.parameters]'));
  const value = section?.match(/^parameter_overrides\s*=\s*"((?:[^"\\]|\\.)*)"/m)?.[1];
  if (value === undefined) throw new Error('samconfig.toml sets no local_invoke parameter_overrides');
  const pairs = [...value.replaceAll('\\"', '"').matchAll(/(\w+)="([^"]*)"/g)];
  return Object.fromEntries(pairs.map(([, key = '', setting = '']) => [key, setting]));
};

/** The function's environment variables as SAM resolves them for the emulator: parameter Refs replaced. */
const functionEnvironment = (overrides: Record<string, string>): Record<string, string> => {
  const resolved = resolveTemplate(loadTemplate(), overrides);
  const { logicalId } = findEsbuildFunction(resolved);
  return resolved.Resources[logicalId].Properties.Environment.Variables;
};

/** Every sample change event and what it shows (events/README.md). */
const CHANGE_EVENTS: { name: SampleEvent; compliance: string }[] = [
  { name: 'compliant', compliance: 'COMPLIANT' },
  { name: 'no-profile', compliance: 'NON_COMPLIANT' },
  { name: 'profile-not-allowed', compliance: 'NON_COMPLIANT' },
  { name: 'left-scope', compliance: 'NOT_APPLICABLE' },
  { name: 'deleted', compliance: 'NOT_APPLICABLE' },
  { name: 'not-app-tier', compliance: 'NOT_APPLICABLE' },
  { name: 'oversized', compliance: 'NON_COMPLIANT' },
];

describe('sam local invoke with the settings of samconfig.toml (the built handler, the emulator context)', () => {
  let aws: LocalAws;

  beforeAll(async () => {
    // Stands for whatever account the emulator's credentials reach: it records every call.
    aws = await startLocalAws(await loadSeed(join(PROJECT_DIR, 'events', 'local-aws')));
  });
  afterAll(async () => {
    await aws.stop();
  });

  it('selects dry-run for local invocations', () => {
    expect(functionEnvironment(localInvokeOverrides())).toMatchObject({ REPORT_MODE: 'dry-run' });
  });

  it.each(CHANGE_EVENTS)(
    'evaluates $name ($compliance) although the event is not of the emulator account, and writes nothing',
    async ({ name, compliance }) => {
      // Prepare
      aws.requests.clear();
      const env = { ...functionEnvironment(localInvokeOverrides()), ...SAM_LOCAL_ENV, ...aws.env };

      // Act
      const { result, error } = await invokeBundle(loadEvent(name), {
        env,
        functionArn: SAM_LOCAL_FUNCTION_ARN,
      });

      // Assess
      expect(error).toBeUndefined();
      expect(result?.report).toMatchObject({ mode: 'dry-run', delivered: 0, calls: 0 });
      expect(result?.report.wouldSend).toEqual([expect.objectContaining({ ComplianceType: compliance })]);
      // Reads only (an oversized item's history; the previous result of an instance outside the app tier,
      // which decides whether it would be recorded again); no write of any kind.
      const reads: Record<string, readonly string[]> = {
        oversized: ['GetResourceConfigHistory'],
        'not-app-tier': ['GetComplianceDetailsByResource'],
      };
      expect(aws.requests.all.map((request) => request.operation)).toEqual(reads[name] ?? []);
    },
  );

  it('still refuses an event of another account when the emulator runs in live mode', async () => {
    // Prepare
    aws.requests.clear();
    const overrides = { ...localInvokeOverrides(), ReportMode: 'live' };
    const env = { ...functionEnvironment(overrides), ...SAM_LOCAL_ENV, ...aws.env };

    // Act
    const { error } = await invokeBundle(loadEvent('no-profile'), {
      env,
      functionArn: SAM_LOCAL_FUNCTION_ARN,
    });

    // Assess
    expect(error?.name).toBe('ForeignAccountError');
    expect(error?.message).toContain('this function runs in account 012345678912');
    expect(aws.requests.all).toEqual([]);
  });
});
