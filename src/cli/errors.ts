import { RuleError } from '../errors.js';

/** The command line is wrong (unknown option, missing value); the message says how to call the command. */
export class UsageError extends RuleError {
  override name = 'UsageError';
}

/** The command could not run (the rule to read does not exist, no region to read it from, ...). */
export class CommandError extends RuleError {
  override name = 'CommandError';
}

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

/** An AWS error in one line: its name (the AWS error code) and message. */
export const describeError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  // Our own errors say it all in their message.
  if (error instanceof RuleError) return error.message;
  const { name, message } = error;
  return name !== 'Error' && !message.startsWith(name) ? `${name}: ${message}` : message;
};
