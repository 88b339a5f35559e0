// Unit tests never reach AWS: fixed region and dummy credentials keep the SDK from looking further.
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'AKIATESTTESTTESTTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret';
process.env.POWERTOOLS_SERVICE_NAME = 'app-tier-iam-role-rule';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_DEV = 'false';
// The SDK's notice that its 2027 releases need Node 22 says nothing about the code under test.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// toHaveReceivedCommandWith & co. for aws-sdk-client-mock.
import 'aws-sdk-client-mock-vitest/extend';

// A client that no test points anywhere goes to a port of 127.0.0.1 that refuses the connection: no call
// ever leaves this machine, whatever a test forgets to mock.
process.env.AWS_ENDPOINT_URL ??= 'http://127.0.0.1:9';
