import { AsyncLocalStorage } from 'node:async_hooks';
import type { HttpRequest } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type {
  HandlerExecutionContext,
  HttpHandlerOptions,
  InitializeHandler,
  InitializeHandlerArguments,
  InitializeHandlerOutput,
  MetadataBearer,
  Pluggable,
} from '@smithy/types';
import { AwsCallTimeoutError } from '../errors.js';

/**
 * The share of the Lambda's remaining time kept back from AWS calls, and its cap: an invocation whose
 * calls hang still has this long to name what it was waiting for and to fail, rather than be killed
 * silently at the deadline. The calls in flight when the budget runs out are aborted at once, so the
 * margin only has to cover writing the error.
 */
export const BUDGET_MARGIN_SHARE = 0.1;
export const MAX_BUDGET_MARGIN_MS = 5_000;

interface Budget {
  readonly signal: AbortSignal;
  readonly budgetMs: number;
}

/**
 * The budget of the invocation in progress; AsyncLocalStorage keeps concurrent runs (tests) apart. The
 * handler and the extensions are two files of one build, each with its own copy of this module: the store
 * is kept under a global symbol, so the clients the extensions create see the budget the handler set.
 */
const STORE = Symbol.for('app-tier-iam-role-rule.time-budget');
const shared = globalThis as Record<symbol, AsyncLocalStorage<Budget> | undefined>;
shared[STORE] ??= new AsyncLocalStorage<Budget>();
const current: AsyncLocalStorage<Budget> = shared[STORE];

/** How long the AWS calls of an invocation may take, given the time Lambda says is left. */
export const timeBudgetFor = (remainingMs: number): number =>
  Math.max(0, remainingMs - Math.min(MAX_BUDGET_MARGIN_MS, remainingMs * BUDGET_MARGIN_SHARE));

/**
 * Runs `run` with a time budget for every AWS call it makes through clients built by `awsClient`: when
 * the budget runs out, the calls in flight are aborted (their sockets closed) and fail with an
 * AwsCallTimeoutError naming the operation, and every later call fails at once. Whatever the retry
 * settings, no call outlives the budget.
 */
export const withTimeBudget = async <T>(budgetMs: number, run: () => Promise<T>): Promise<T> => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), budgetMs);
  try {
    return await current.run({ signal: controller.signal, budgetMs }, run);
  } finally {
    clearTimeout(timer);
  }
};

const merge = (signal: AbortSignal | undefined, budget: Budget | undefined): AbortSignal | undefined => {
  if (budget === undefined) return signal;
  return signal === undefined ? budget.signal : AbortSignal.any([signal, budget.signal]);
};

/**
 * The HTTP handler of every client: Node's, with its request timeout enforced (`throwOnRequestTimeout`:
 * without it the timeout only logs a warning and a silent endpoint holds the call forever), and each
 * attempt aborted when the invocation's time budget runs out.
 */
export class BudgetedHttpHandler extends NodeHttpHandler {
  override handle(request: HttpRequest, options: HttpHandlerOptions = {}) {
    const abortSignal = merge(options.abortSignal as AbortSignal | undefined, current.getStore());
    return super.handle(request, abortSignal === undefined ? options : { ...options, abortSignal });
  }
}

/** `ConfigService PutEvaluations`, from the names the SDK gives the middleware. */
const operationOf = (context: HandlerExecutionContext): string =>
  `${(context.clientName ?? 'AWS').replace(/Client$/, '')} ${(context.commandName ?? 'call').replace(/Command$/, '')}`;

const attemptsOf = (error: unknown): number | undefined =>
  (error as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts;

/** The error a call ends with, named after its operation when it timed out or ran out of budget. */
const named = (error: unknown, operation: string, budget: Budget | undefined): unknown => {
  if (budget?.signal.aborted === true) {
    return new AwsCallTimeoutError(
      `${operation} abandoned: no answer before the invocation's time budget for AWS calls ran out ` +
        `(${(budget.budgetMs / 1000).toFixed(1)} s, kept short of the Lambda timeout so the failure is reported)`,
      operation,
      { cause: error },
    );
  }
  if ((error as Error | undefined)?.name === 'TimeoutError') {
    const attempts = attemptsOf(error);
    return new AwsCallTimeoutError(
      `${operation} timed out${attempts === undefined ? '' : ` after ${attempts} attempt(s)`} (the last: ${(error as Error).message})`,
      operation,
      { cause: error },
    );
  }
  return error;
};

/**
 * Outermost middleware of every call: ends the call the moment the budget runs out (a retry's backoff is
 * not waited for), and names the operation when the call timed out.
 */
const budgetMiddleware =
  <Output extends MetadataBearer>(
    next: InitializeHandler<object, Output>,
    context: HandlerExecutionContext,
  ): InitializeHandler<object, Output> =>
  (args: InitializeHandlerArguments<object>): Promise<InitializeHandlerOutput<Output>> => {
    const budget = current.getStore();
    const operation = operationOf(context);
    const call = next(args);
    return new Promise((resolve, reject) => {
      const stop = () => reject(named(undefined, operation, budget));
      if (budget?.signal.aborted === true) stop();
      budget?.signal.addEventListener('abort', stop, { once: true });
      call
        .then(resolve, (error: unknown) => reject(named(error, operation, budget)))
        .finally(() => budget?.signal.removeEventListener('abort', stop));
    });
  };

/** Adds the time budget to a client's middleware stack (see `awsClient`). */
export const timeBudgetPlugin: Pluggable<object, MetadataBearer> = {
  applyToStack: (stack) => {
    stack.add(budgetMiddleware, {
      step: 'initialize',
      priority: 'high',
      name: 'invocationTimeBudget',
      override: true,
    });
  },
};
