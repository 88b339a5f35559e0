/** What the commands exit with, like a test runner: 0 clean, 1 findings, 2 could not tell. */
export const ExitCode = {
  /** Nothing NON_COMPLIANT (remediate: nothing left to fix). */
  Ok: 0,
  /** Something NON_COMPLIANT (remediate: something left to fix, or a dry run with work to do). */
  NonCompliant: 1,
  /** The command failed, a region could not be scanned or an action failed. */
  Error: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
