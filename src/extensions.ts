/**
 * What only some invocations need: the sweep with its EC2 client, the SSM tag parameter and the IAM
 * profile lookup. A second entry point of the same build (`extensions.mjs` beside `handler.mjs`), so that
 * the change path neither evaluates nor even parses the EC2, SSM and IAM clients (see `load-extensions.ts`).
 */
export { readTagParameter } from './aws/tag-parameter.js';
export { ec2Client, ec2Inventory } from './ec2/inventory.js';
export { createProfileRoleEnricher } from './iam/profile-roles.js';
export { sweep } from './run/sweep.js';
