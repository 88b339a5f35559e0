import type { ConfigRuleEvent } from '../config/event.js';
import type { AwsAccess } from './client-options.js';

/**
 * Which account's credentials this invocation uses for its AWS calls. In a single account, the function's
 * own.
 */
export const resolveAccess = async (
  envelope: ConfigRuleEvent,
  _executionRoleName: string | undefined,
): Promise<AwsAccess> => ({
  accountId: envelope.accountId,
});
