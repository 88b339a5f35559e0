// The handler, plus what its sweep does first, with the EC2 inventory from a second bundle (a second entry
// point, src/ec2/inventory.ts), found through SWEEP_BUNDLE_URL.
export { handler } from '../../src/handler.js';

export const loadSweepPath = async (): Promise<unknown> => {
  const url = process.env.SWEEP_BUNDLE_URL;
  if (url === undefined) throw new Error('SWEEP_BUNDLE_URL is not set');
  const { ec2Client } = (await import(url)) as typeof import('../../src/ec2/inventory.js');
  return ec2Client({ accountId: '123456789012' });
};
