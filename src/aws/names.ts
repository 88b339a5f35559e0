// The shapes of AWS names this product reads and writes: ARNs, partitions, account ids, regions, IAM role
// and instance profile names, SSM parameter names. The one place that knows them; pure (no SDK).

/** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`, ... */
const PARTITION = 'aws(?:-[a-z]+)*';
const ACCOUNT_ID = /^\d{12}$/;
/** `arn:<partition>:<service>:<region>:<account>:<resource>`; region and account may be empty (IAM, S3). */
const ARN = new RegExp(`^arn:(${PARTITION}):([a-z0-9-]+):([a-z0-9-]*):([^:]*):(.+)$`);
/** What IAM allows in role and instance profile names. */
const IAM_NAME = /^[\w+=,.@-]+$/;
const MAX_ROLE_NAME = 64;
const MAX_INSTANCE_PROFILE_NAME = 128;
/** IAM paths: `/`, or `/` + printable ASCII + `/`, at most 512 characters. */
const MAX_IAM_PATH = 512;
const INSTANCE_PROFILE_RESOURCE = /^instance-profile(\/(?:[\x21-\x7e]*\/)?)([^/]+)$/;
/** STS accepts role session names of 2 to 64 characters from this set. */
const SESSION_NAME_MAX = 64;
const SESSION_NAME_INVALID = /[^\w+=,.@-]/g;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const SSM_PARAMETER_NAME = new RegExp(
  `^(?:arn:${PARTITION}:ssm:[a-z0-9-]+:\\d{12}:parameter)?[\\w./-]{1,2048}$`,
);

/** The parts of an ARN. */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  /** Empty for global services (IAM). */
  readonly region: string;
  /** Empty where the resource has none (S3 buckets); not always 12 digits (see `accountOf`). */
  readonly accountId: string;
  readonly resource: string;
}

/** The instance profile an ARN names: `arn:<partition>:iam::<account>:instance-profile<path><name>`. */
export interface InstanceProfileArn {
  readonly partition: string;
  readonly accountId: string;
  /** `/`, or `/team/` and the like. */
  readonly path: string;
  readonly name: string;
}

/** A 12-digit AWS account id. */
export const isAccountId = (value: string): boolean => ACCOUNT_ID.test(value);

/** An IAM role name: 1 to 64 of letters, digits and `+=,.@_-` (no path). */
export const isRoleName = (value: string): boolean => value.length <= MAX_ROLE_NAME && IAM_NAME.test(value);

/** An IAM instance profile name: 1 to 128 of letters, digits and `+=,.@_-` (no path). */
export const isInstanceProfileName = (value: string): boolean =>
  value.length <= MAX_INSTANCE_PROFILE_NAME && IAM_NAME.test(value);

/** A region name such as `us-east-1`, `eu-central-2`, `us-gov-west-1`. */
export const isRegionName = (value: string): boolean => REGION.test(value);

/** An SSM parameter name (`/path/name`, `name`) or parameter ARN. */
export const isSsmParameterName = (value: string): boolean => SSM_PARAMETER_NAME.test(value);

/** The parts of an ARN, or undefined when the value is not one. */
export const parseArn = (value: string | undefined): Arn | undefined => {
  const match = value === undefined ? null : ARN.exec(value);
  if (match === null) return undefined;
  const [, partition = '', service = '', region = '', accountId = '', resource = ''] = match;
  return { partition, service, region, accountId, resource };
};

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`, ...), or undefined when it is not an ARN. */
export const partitionOf = (arn: string | undefined): string | undefined => parseArn(arn)?.partition;

/** The account of an ARN when it names a 12-digit one, or undefined. */
export const accountOf = (arn: string | undefined): string | undefined => {
  const account = parseArn(arn)?.accountId;
  return account !== undefined && isAccountId(account) ? account : undefined;
};

/** The parts of an instance profile ARN, or undefined when the value is not one. */
export const parseInstanceProfileArn = (value: string): InstanceProfileArn | undefined => {
  const arn = parseArn(value);
  if (arn === undefined || arn.service !== 'iam' || arn.region !== '' || !isAccountId(arn.accountId)) {
    return undefined;
  }
  const match = INSTANCE_PROFILE_RESOURCE.exec(arn.resource);
  const [, path = '', name = ''] = match ?? [];
  if (match === null || path.length > MAX_IAM_PATH || !isInstanceProfileName(name)) return undefined;
  return { partition: arn.partition, accountId: arn.accountId, path, name };
};

/** Whether the value is an instance profile ARN. */
export const isInstanceProfileArn = (value: string): boolean => parseInstanceProfileArn(value) !== undefined;

/** `arn:<partition>:iam::<account>:role/<name>` */
export const iamRoleArn = (partition: string, accountId: string, name: string): string =>
  `arn:${partition}:iam::${accountId}:role/${name}`;

/**
 * The role session name for a rule: its name with every character STS does not accept replaced by `-`,
 * cut to 64 characters, so a member account's CloudTrail shows which rule acted.
 */
export const roleSessionName = (ruleName: string): string =>
  ruleName.replace(SESSION_NAME_INVALID, '-').slice(0, SESSION_NAME_MAX).padEnd(2, '-');
