import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs; the service name and level come from POWERTOOLS_* variables. */
export const logger = new Logger({ serviceName: 'app-tier-iam-role-rule' });
