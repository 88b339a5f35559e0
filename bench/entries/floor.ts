// The floor of a cold start: only what every invocation needs, the Config client and the logger.
import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';

export const logger = new Logger({ serviceName: 'app-tier-iam-role-rule' });
export const configClientClass = ConfigServiceClient;
