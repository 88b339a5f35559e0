import { ReportMode } from './config/reporter.js';
import { InvalidSettingError } from './errors.js';

/** The function's own settings, read from its environment (set by the template). */
export interface FunctionSettings {
  /** REPORT_MODE: `live` (default), `test` (PutEvaluations with TestMode) or `dry-run` (nothing sent). */
  readonly reportMode: ReportMode;
  /** RECORD_UNCHANGED: record every result again, not only what changed (default false). */
  readonly recordUnchanged: boolean;
}

const reportMode = (value: string = ReportMode.Live): ReportMode => {
  const modes: readonly string[] = Object.values(ReportMode);
  if (!modes.includes(value))
    throw new InvalidSettingError(`REPORT_MODE must be one of ${modes.join(', ')}, got "${value}"`);
  return value as ReportMode;
};

const recordUnchanged = (value = 'false'): boolean => {
  if (value !== 'true' && value !== 'false')
    throw new InvalidSettingError(`RECORD_UNCHANGED must be "true" or "false", got "${value}"`);
  return value === 'true';
};

/** Reads and checks the settings; an invalid one fails the invocation with an InvalidSettingError. */
export const functionSettings = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): FunctionSettings => ({
  reportMode: reportMode(env.REPORT_MODE),
  recordUnchanged: recordUnchanged(env.RECORD_UNCHANGED),
});
