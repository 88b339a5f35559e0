// Every error class of the product, the Lambda's and the command line's. Each sets a literal `name`: the
// bundle is minified, and class names would not survive it. Each takes ErrorOptions, so `cause` keeps the
// underlying error and logs show both.

/**
 * Base class of every error the rule raises on purpose (in the Lambda, and in the commands where they run
 * the rule's own steps). The message names the problem.
 */
export class RuleError extends Error {
  override name = 'RuleError';
}

/**
 * A subclass of `base` with nothing but its name, given as a literal: `class UsageError extends
 * named(CommandLineError, 'UsageError') {}`. It is a `base` (`instanceof` holds) and takes the same arguments.
 */
function named<Base extends typeof RuleError | typeof CommandLineError>(base: Base, errorName: string): Base {
  // TypeScript lets a class extend a type parameter only if its constructor takes `...args: any[]` (the
  // mixin rule). Both bases take Error's arguments, so the class is typed as its base instead.
  return class extends (base as typeof Error) {
    override name = errorName;
  } as Base;
}

/** Raised for an error list: one message that names every problem found, so a person fixes them in one go. */
abstract class ProblemListError extends RuleError {
  readonly problems: readonly string[];

  constructor(subject: string, problems: readonly string[], options?: ErrorOptions) {
    super(`${subject}: ${problems.join('; ')}`, options);
    this.problems = problems;
  }
}

/** The rule parameters (or the SSM parameter that supplies the tag) are invalid; nothing was evaluated. */
export class InvalidParametersError extends ProblemListError {
  override name = 'InvalidParametersError';

  constructor(problems: readonly string[], options?: ErrorOptions) {
    super('Invalid rule parameters', problems, options);
  }
}

/** The Lambda event is not a Config rule event this function understands; nothing was evaluated. */
export class InvalidEventError extends ProblemListError {
  override name = 'InvalidEventError';

  constructor(problems: readonly string[], options?: ErrorOptions) {
    super('Invalid AWS Config event', problems, options);
  }
}

/** A setting of the function itself (an environment variable such as REPORT_MODE) is invalid. */
export class InvalidSettingError extends named(RuleError, 'InvalidSettingError') {}

/**
 * Evaluations that Config did not accept (or did not confirm) even after retries. The invocation fails so
 * Lambda retries it. The message is bounded (counts, reasons, the first resources).
 */
export class EvaluationDeliveryError extends RuleError {
  override name = 'EvaluationDeliveryError';
  /**
   * Every resource not delivered, as `<type> <id>`. Not enumerable: Powertools and the Lambda runtime log an
   * error's enumerable properties, and a list of thousands would pass CloudWatch's 256 KB event limit; the
   * reporter logs it in parts instead.
   */
  declare readonly undelivered: readonly string[];

  constructor(message: string, undelivered: readonly string[], options?: ErrorOptions) {
    super(message, options);
    Object.defineProperty(this, 'undelivered', { value: undelivered, enumerable: false });
  }
}

/** A sweep ran out of Lambda time; what it delivered stays delivered and the message says how far it got. */
export class SweepTimeoutError extends named(RuleError, 'SweepTimeoutError') {}

/**
 * The sweep delivered its live evaluations, but could not clean up stale results (or compare with what Config
 * holds) because a step of the clean-up failed; the message names the rule and the step, the cause is kept.
 */
export class CleanupError extends named(RuleError, 'CleanupError') {}

/** The event is of another account than the function's, and no role to assume there is configured. */
export class ForeignAccountError extends named(RuleError, 'ForeignAccountError') {}

/**
 * An oversized change notification names a configuration item that GetResourceConfigHistory does not return
 * yet (its newest item is older), even after reading again: the invocation fails so that Lambda retries it,
 * rather than evaluate the state before the change.
 */
export class HistoryLagError extends RuleError {
  override name = 'HistoryLagError';
  /** The resource, as `<type> <id>`. */
  readonly resource: string;

  constructor(message: string, resource: string, options?: ErrorOptions) {
    super(message, options);
    this.resource = resource;
  }
}

/** AssumeRole failed: the message names the role and the account, and says what to check. */
export class AssumeRoleError extends RuleError {
  override name = 'AssumeRoleError';
  readonly roleArn: string;
  readonly accountId: string;

  constructor(
    message: string,
    role: { readonly roleArn: string; readonly accountId: string },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.roleArn = role.roleArn;
    this.accountId = role.accountId;
  }
}

/**
 * iam:GetInstanceProfile failed for a reason other than "no such profile" (access denied, throttling that
 * outlasted the SDK's retries, a network fault). The invocation fails: guessing either way could report a
 * wrong result.
 */
export class ProfileLookupError extends named(RuleError, 'ProfileLookupError') {}

/** An AWS call that was abandoned: every attempt timed out, or the invocation's time budget ran out. */
export class AwsCallTimeoutError extends RuleError {
  override name = 'AwsCallTimeoutError';
  /** The call, as `<service> <operation>` (e.g. `ConfigService PutEvaluations`). */
  readonly operation: string;

  constructor(message: string, operation: string, options?: ErrorOptions) {
    super(message, options);
    this.operation = operation;
  }
}

/**
 * Thrown in place of an error whose message or stack held the result token and could not be rewritten in
 * place (a frozen error, a message with a getter only): the original's name and words, the token replaced.
 * The original is not its cause: it still holds the token.
 */
export class RedactedError extends named(RuleError, 'RedactedError') {}

/**
 * Base class of the command line's own errors (`audit`, `remediate`): apart from the rule's errors, since
 * they are about how the command was called or what it found, not about an evaluation.
 */
export class CommandLineError extends Error {
  override name = 'CommandLineError';
}

/** The command line is wrong (unknown option, missing value); the message says how to call the command. */
export class UsageError extends named(CommandLineError, 'UsageError') {}

/** The command could not run (the rule to read does not exist, no region to read it from, ...). */
export class CommandError extends named(CommandLineError, 'CommandError') {}

/**
 * An error in one line. The product's own errors say it all in their message; an AWS error also needs its
 * name (the AWS error code).
 */
export const describeError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof RuleError || error instanceof CommandLineError) return error.message;
  const { name, message } = error;
  return name !== 'Error' && !message.startsWith(name) ? `${name}: ${message}` : message;
};

/** A file given to `scan` (a template, a plan, a cloud assembly) that cannot be read as one; the message names it. */
export class ScanInputError extends named(RuleError, 'ScanInputError') {}

/** The parameters cannot be written as Guard rules (a quote Guard cannot hold, a policy over Config's limit). */
export class GuardRulesError extends named(RuleError, 'GuardRulesError') {}
