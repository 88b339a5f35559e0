import { TransformParameterError } from '@aws-lambda-powertools/parameters/errors';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import { InvalidParametersError, RuleError } from '../errors.js';
import { type AwsAccess, awsClient, perAccount } from './client-options.js';

/**
 * How long the tag read from SSM is cached in the container. The tag changes rarely, and a burst of change
 * events should not turn into a burst of GetParameter calls.
 */
export const TAG_PARAMETER_MAX_AGE_SECONDS = 300;

/** One Powertools provider (and its cache) per account; loaded only when `tagParameterName` is set. */
const provider = perAccount(
  (access: AwsAccess) => new SSMProvider({ awsSdkV3Client: awsClient(SSMClient, access) }),
);

/** Reads the SSM parameter that supplies the app-tier tag, parsed as JSON. */
export const readTagParameter = async (name: string, access: AwsAccess): Promise<unknown> => {
  try {
    return await provider(access).get(name, { transform: 'json', maxAge: TAG_PARAMETER_MAX_AGE_SECONDS });
  } catch (error) {
    const reason = (error as Error).message;
    // A value that is not JSON is the user's input, not a failure to read it.
    if (error instanceof TransformParameterError) {
      throw new InvalidParametersError([`SSM parameter "${name}" does not hold JSON: ${reason}`], {
        cause: error,
      });
    }
    throw new RuleError(`SSM parameter "${name}" (tagParameterName) could not be read: ${reason}`, {
      cause: error,
    });
  }
};
