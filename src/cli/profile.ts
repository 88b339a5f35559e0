import { fromIni } from '@aws-sdk/credential-providers';
import { loadSharedConfigFiles, memoize } from '@smithy/core/config';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { CommandError } from '../errors.js';

/**
 * Where the SDK reads named profiles, as a person would write it: the file AWS_CONFIG_FILE (or
 * AWS_SHARED_CREDENTIALS_FILE) names, else the default under the home folder.
 */
export const profileFiles = (): { config: string; credentials: string } => ({
  config: process.env.AWS_CONFIG_FILE || '~/.aws/config',
  credentials: process.env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials',
});

/**
 * Refuses a profile that neither shared file defines, naming the files read and the profiles they hold.
 * Without this check the SDK's chain ends with "Could not load credentials from any providers", which
 * does not say that the name is the problem.
 */
export const checkProfileExists = async (profile: string): Promise<void> => {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  if (Object.hasOwn(configFile, profile) || Object.hasOwn(credentialsFile, profile)) return;
  const files = profileFiles();
  const known = [...new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)])].sort();
  const where = [
    `${files.config}${process.env.AWS_CONFIG_FILE ? ' (AWS_CONFIG_FILE)' : ''}`,
    `${files.credentials}${process.env.AWS_SHARED_CREDENTIALS_FILE ? ' (AWS_SHARED_CREDENTIALS_FILE)' : ''}`,
  ];
  throw new CommandError(
    `AWS profile "${profile}" does not exist: it is in neither ${where.join(' nor ')}` +
      ` (profiles there: ${known.length === 0 ? 'none' : known.join(', ')}). Profiles are read from` +
      ' AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, by default ~/.aws/config and ~/.aws/credentials.',
  );
};

// As the SDK's own chain: credentials that expire are fetched again five minutes before they do.
const willExpire = (credentials: AwsCredentialIdentity) => credentials.expiration !== undefined;
const nearExpiry = (credentials: AwsCredentialIdentity) =>
  credentials.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;

/**
 * The credentials of a named profile (keys, a role to assume, SSO, credential_process), one provider for
 * every client of the run, so a role is assumed once. Given to the clients rather than set as AWS_PROFILE:
 * the SDK warns when AWS_PROFILE and AWS_ACCESS_KEY_ID are both set, and the profile must win over keys
 * in the environment, as the AWS CLI's --profile does.
 */
export const profileCredentials = (profile: string): AwsCredentialIdentityProvider =>
  memoize(fromIni({ profile }), nearExpiry, willExpire);
