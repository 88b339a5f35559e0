import type { ConfigRuleEvent } from '../config/event.js';
import { ForeignAccountError, InvalidEventError, InvalidSettingError } from '../errors.js';
import { logger } from '../logger.js';
import { callerAccountId, type RoleCredentials, roleCredentials } from './assume-role.js';
import type { AwsAccess } from './client-options.js';
import { accountOf, iamRoleArn, isAccountId, isRoleName, partitionOf, roleSessionName } from './names.js';

/** The function-level default of `executionRoleName`; the rule parameter wins over it. */
export const EXECUTION_ROLE_NAME_ENV = 'EXECUTION_ROLE_NAME';

/** `true` in SAM's local emulator (`sam local invoke`, `sam local start-lambda`), which sets it. */
export const SAM_LOCAL_ENV = 'AWS_SAM_LOCAL';

/** What the function knows about itself, read once per invocation by the handler. */
export interface AccessSettings {
  /** The invoked function's ARN (the Lambda context's `invokedFunctionArn`): it names the function's account. */
  readonly functionArn: string | undefined;
  /** EXECUTION_ROLE_NAME: the role assumed when the rule parameters name none. */
  readonly defaultExecutionRoleName?: string;
  /**
   * Set in SAM's local emulator in dry-run mode only: an event of another account than the function's is
   * evaluated with the credentials at hand instead of refused. The emulator gives every function the
   * made-up ARN `arn:aws:lambda:us-east-1:012345678912:function:<name>`, so every real or sample event is
   * of another account there; and dry-run writes nothing to any account, so nothing lands in the wrong one.
   */
  readonly localDryRun?: boolean;
}

/** How {@link accessSettings} reads the invocation. */
export interface AccessSettingsOptions {
  /** The report mode is dry-run: nothing is written to any account. */
  readonly dryRun?: boolean;
  /** The function's environment; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** How access is resolved; tests replace the STS side. */
export interface AccessDependencies {
  readonly roleCredentials: RoleCredentials;
  /** The function's own account when its ARN is unknown (one STS GetCallerIdentity per container). */
  readonly callerAccountId: () => Promise<string>;
}

const defaultDependencies: AccessDependencies = { roleCredentials, callerAccountId };

/**
 * The settings of this invocation: the function's ARN, EXECUTION_ROLE_NAME (blank means unset), and
 * whether it runs in SAM's local emulator in dry-run mode.
 */
export const accessSettings = (
  functionArn: string | undefined,
  { dryRun = false, env = process.env }: AccessSettingsOptions = {},
): AccessSettings => {
  const defaultExecutionRoleName = env[EXECUTION_ROLE_NAME_ENV]?.trim();
  const localDryRun = dryRun && env[SAM_LOCAL_ENV] === 'true';
  return {
    functionArn,
    ...(defaultExecutionRoleName ? { defaultExecutionRoleName } : {}),
    ...(localDryRun ? { localDryRun } : {}),
  };
};

const roleNameFrom = (
  executionRoleName: string | undefined,
  settings: AccessSettings,
): string | undefined => {
  if (executionRoleName !== undefined) return executionRoleName;
  const fallback = settings.defaultExecutionRoleName;
  if (fallback !== undefined && !isRoleName(fallback)) {
    throw new InvalidSettingError(`${EXECUTION_ROLE_NAME_ENV} "${fallback}" is not a valid IAM role name`);
  }
  return fallback;
};

/**
 * Which account's credentials this invocation uses for all its AWS calls (EC2, Config, SSM, IAM).
 * - With `executionRoleName` (the rule parameter, else EXECUTION_ROLE_NAME): the credentials of
 *   `arn:<partition>:iam::<event account>:role/<name>`, assumed through STS (cached per account and role
 *   until five minutes before expiry). The partition is the rule ARN's, so aws-cn and aws-us-gov work. The
 *   role is assumed here, before any other call, so a role that cannot be assumed fails the invocation with
 *   a message naming it.
 * - Without: the function's own credentials, which only fit an event of the function's own account. An
 *   event of another account fails: evaluating and reporting it with these credentials would sweep and
 *   write in the wrong account. Except in SAM's local emulator in dry-run mode ({@link AccessSettings}),
 *   where nothing is written: there the event is evaluated with the credentials at hand.
 */
export const resolveAccess = async (
  envelope: ConfigRuleEvent,
  executionRoleName: string | undefined,
  settings: AccessSettings,
  dependencies: AccessDependencies = defaultDependencies,
): Promise<AwsAccess> => {
  const accountId = envelope.accountId;
  const roleName = roleNameFrom(executionRoleName, settings);

  if (roleName === undefined) {
    const ownAccountId = accountOf(settings.functionArn) ?? (await dependencies.callerAccountId());
    if (ownAccountId !== accountId) {
      if (settings.localDryRun !== true) {
        throw new ForeignAccountError(
          `The event is for account ${accountId}, but this function runs in account ${ownAccountId} and no ` +
            `execution role is configured: refusing to evaluate and report with this account's credentials. ` +
            `For a rule deployed across accounts, set the rule parameter executionRoleName (or the function's ` +
            `${EXECUTION_ROLE_NAME_ENV}) to the role deployed in member accounts.`,
        );
      }
      logger.warn(
        'SAM local emulator in dry-run mode: evaluating an event of another account than the function ARN ' +
          'names, with the credentials at hand; nothing is written',
        { eventAccountId: accountId, functionAccountId: ownAccountId },
      );
    }
    return { accountId };
  }

  if (!isAccountId(accountId)) {
    throw new InvalidEventError([`accountId "${accountId}" is not a 12-digit AWS account id`]);
  }
  const partition = partitionOf(envelope.configRuleArn) ?? partitionOf(settings.functionArn) ?? 'aws';
  const roleArn = iamRoleArn(partition, accountId, roleName);
  const sessionName = roleSessionName(envelope.configRuleName);
  const credentials = dependencies.roleCredentials.provider({ roleArn, accountId, sessionName });
  await credentials();
  logger.debug('Using the execution role of the event account', { roleArn, sessionName });
  return { accountId, credentials, credentialsKey: `${roleArn}\n${sessionName}` };
};
