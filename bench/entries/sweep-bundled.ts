// The handler, plus what its sweep does first: the EC2 inventory module and its client, from a lazily
// initialised chunk of the same file (as today).
export { handler } from '../../src/handler.js';

export const loadSweepPath = async (): Promise<unknown> => {
  const { ec2Client } = await import('../../src/ec2/inventory.js');
  return ec2Client({ accountId: '123456789012' });
};
