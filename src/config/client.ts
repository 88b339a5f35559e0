import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { awsClient, perAccount } from '../aws/client-options.js';

/** The Config client; every path needs it (PutEvaluations), so it is loaded with the handler. */
export const configClient = perAccount((access) => awsClient(ConfigServiceClient, access));
