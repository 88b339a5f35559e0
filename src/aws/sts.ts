/**
 * What only a deployment that assumes roles needs: STS, and the SDK's provider of assumed-role credentials.
 * `assume-role.ts` imports this module dynamically, so a single-account deployment never evaluates it, and
 * the re-exports let the bundler keep only these two parts of their packages.
 */
export { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
export { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
