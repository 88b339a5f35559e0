// The lowest floor of a cold start: the Config client alone, which every invocation needs to report.
import { ConfigServiceClient } from '@aws-sdk/client-config-service';

export const configClientClass = ConfigServiceClient;
