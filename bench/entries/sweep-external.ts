// The handler, plus what its sweep does first, with the EC2 client from the SDK package at run time
// (External; in Lambda, the runtime's SDK): bundled with @aws-sdk/client-ec2 external.
import { clientOptions } from '../../src/aws/client-options.js';

export { handler } from '../../src/handler.js';

export const loadSweepPath = async (): Promise<unknown> => {
  const { EC2Client } = await import('@aws-sdk/client-ec2');
  return new EC2Client(clientOptions());
};
