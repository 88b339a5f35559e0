// The handler with every SDK client it may use loaded eagerly, as a plain static import would do.
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

export { handler } from '../../src/handler.js';
export const clientClasses = [ConfigServiceClient, EC2Client, IAMClient, SSMClient, STSClient];
