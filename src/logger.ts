import { Logger } from '@aws-lambda-powertools/logger';
import { redactSecrets } from './secrets.js';

/**
 * Structured JSON logs; the service name and level come from POWERTOOLS_* variables. Every string of every
 * line passes the secret filter, so the result token never reaches the log, even inside an error a service
 * echoed it in.
 */
export const logger = new Logger({
  serviceName: 'app-tier-iam-role-rule',
  jsonReplacerFn: (_key, value) => (typeof value === 'string' ? redactSecrets(value) : value),
});
