// Unit tests never reach AWS: fixed region and dummy credentials keep the SDK from looking further.
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'AKIATESTTESTTESTTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret';
process.env.POWERTOOLS_SERVICE_NAME = 'app-tier-iam-role-rule';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_DEV = 'false';

// toHaveReceivedCommandWith & co. for aws-sdk-client-mock.
import 'aws-sdk-client-mock-vitest/extend';
