/**
 * Base class of every error this rule raises on purpose. The message names the problem; `cause`
 * keeps the underlying error so logs show both.
 */
export class RuleError extends Error {
  // Literal names: the bundle is minified, and class names would not survive it.
  override name = 'RuleError';
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
export class SweepTimeoutError extends RuleError {
  override name = 'SweepTimeoutError';
}
