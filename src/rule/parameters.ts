import { isInstanceProfileArn, isRoleName, isSsmParameterName } from '../aws/names.js';
import { InvalidParametersError } from '../errors.js';
import { isRecord, type JsonObject, parseJsonObject } from '../json.js';

/** `appTierTagValue: *` — any value of the tag key marks the app tier. */
export const ANY_VALUE = '*';

/** The tag that marks an instance as application tier. */
export interface AppTierTag {
  readonly key: string;
  /** Allowed values, or ANY_VALUE for any value of the key. */
  readonly values: readonly string[] | typeof ANY_VALUE;
}

/** The rule's parameters, validated and complete. */
export interface RuleParameters {
  readonly tag: AppTierTag;
  /** When set, an attached profile outside this set is NON_COMPLIANT. */
  readonly allowedInstanceProfileArns?: ReadonlySet<string>;
  /** Organization rules: the role assumed in the member account. */
  readonly executionRoleName?: string;
  /** When true, a profile that holds no IAM role is NON_COMPLIANT. */
  readonly requireRoleInProfile: boolean;
}

/** What the rule parameters say before the SSM parameter (if any) fills in the tag. */
export interface ParsedRuleParameters extends Omit<RuleParameters, 'tag'> {
  readonly tag: Partial<AppTierTag>;
  readonly tagParameterName?: string;
}

/** The names the parser accepts (camelCase; the PascalCase form is accepted too). */
export const RULE_PARAMETER_NAMES = [
  'appTierTagKey',
  'appTierTagValue',
  'allowedInstanceProfileArns',
  'executionRoleName',
  'tagParameterName',
  'requireRoleInProfile',
] as const;
export type RuleParameterName = (typeof RULE_PARAMETER_NAMES)[number];

/**
 * Other names a parameter is accepted under. The managed rule EC2_INSTANCE_PROFILE_ATTACHED calls the list of
 * allowed profiles IamInstanceProfileArnList, so a rule switches to this function with its parameters as
 * they are. Where both names are given, they must agree.
 */
export const RULE_PARAMETER_ALIASES = {
  IamInstanceProfileArnList: 'allowedInstanceProfileArns',
} as const satisfies Record<string, RuleParameterName>;
type RuleParameterAlias = keyof typeof RULE_PARAMETER_ALIASES;

const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;

const isName = (name: string): name is RuleParameterName =>
  (RULE_PARAMETER_NAMES as readonly string[]).includes(name);

/** The alias a parameter name (in either case form) stands for, if it is one. */
const aliasOf = (name: string): RuleParameterAlias | undefined =>
  (Object.keys(RULE_PARAMETER_ALIASES) as RuleParameterAlias[]).find(
    (alias) => alias.charAt(0).toLowerCase() + alias.slice(1) === name,
  );

const splitList = (value: string): string[] => value.split(',').map((item) => item.trim());

/** Whether two comma-separated lists hold the same items, whatever their order, spacing or repeats. */
const sameItems = (left: string, right: string): boolean => {
  const [a, b] = [new Set(splitList(left)), new Set(splitList(right))];
  return a.size === b.size && [...a].every((item) => b.has(item));
};

/** Checks a tag key and its values; shared by the rule parameters and the SSM parameter. */
const checkTag = (
  key: string | undefined,
  values: readonly string[] | undefined,
  where: { key: string; values: string },
  problems: string[],
): AppTierTag['values'] | undefined => {
  if (key !== undefined && key.length > MAX_TAG_KEY) {
    problems.push(`${where.key} is longer than ${MAX_TAG_KEY} characters`);
  }
  if (values === undefined) return undefined;
  if (values.length === 0) {
    problems.push(`${where.values} lists no value`);
    return undefined;
  }
  if (values.some((value) => value === '')) {
    problems.push(`${where.values} has an empty item`);
  }
  const tooLong = values.find((value) => value.length > MAX_TAG_VALUE);
  if (tooLong !== undefined) {
    problems.push(`${where.values} has a value longer than ${MAX_TAG_VALUE} characters`);
  }
  if (values.includes(ANY_VALUE)) {
    if (values.length > 1)
      problems.push(`${where.values}: "${ANY_VALUE}" (any value) cannot be combined with other values`);
    return ANY_VALUE;
  }
  return [...new Set(values)];
};

/** The flag among the parameters: a JSON boolean means what it says there. */
const BOOLEAN_PARAMETER: RuleParameterName = 'requireRoleInProfile';

/**
 * The text of a parameter. Values are strings; `requireRoleInProfile` also takes a JSON boolean (as
 * CloudFormation YAML writes an unquoted `true`). A number or a boolean anywhere else is refused rather
 * than converted: its text is not always what was written (`1.50` arrives as 1.5).
 */
const textOf = (
  name: RuleParameterName | RuleParameterAlias,
  value: unknown,
  problems: string[],
): string | undefined => {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'boolean' && name === BOOLEAN_PARAMETER) return String(value);
  if (name === BOOLEAN_PARAMETER && typeof value === 'number') {
    problems.push(`${name} must be "true" or "false" (or JSON true or false), got the number ${value}`);
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    problems.push(`${name} must be a string, got the ${typeof value} ${value}: put the value in quotes`);
  } else {
    problems.push(`${name} must be a string, got ${value === null ? 'null' : typeof value}`);
  }
  return undefined;
};

/**
 * Parses Config's `ruleParameters` (a JSON string, possibly absent) into typed parameters.
 * Throws one InvalidParametersError listing every problem found.
 */
export const parseRuleParameters = (raw: string | undefined): ParsedRuleParameters => {
  let input: JsonObject = {};
  if (raw !== undefined && raw.trim() !== '') {
    const { object, problem, options } = parseJsonObject(raw);
    if (object === undefined) throw new InvalidParametersError([`ruleParameters is ${problem}`], options);
    input = object;
  }

  const problems: string[] = [];
  const given = new Map<RuleParameterName, string>();
  const invalid = new Set<RuleParameterName>();
  const aliased = new Map<RuleParameterAlias, string>();
  for (const [rawName, rawValue] of Object.entries(input)) {
    const name = rawName.charAt(0).toLowerCase() + rawName.slice(1);
    const alias = aliasOf(name);
    if (alias !== undefined) {
      if (aliased.has(alias)) problems.push(`${alias} is given twice`);
      const value = textOf(alias, rawValue, problems);
      if (value !== undefined && value !== '') aliased.set(alias, value);
      continue;
    }
    if (!isName(name)) {
      problems.push(`unknown parameter "${rawName}" (known: ${RULE_PARAMETER_NAMES.join(', ')})`);
      continue;
    }
    if (given.has(name)) {
      problems.push(`${name} is given twice`);
      continue;
    }
    const value = textOf(name, rawValue, problems);
    if (value === undefined) invalid.add(name);
    // An empty optional value is how templates say "not set".
    if (value !== undefined && value !== '') given.set(name, value);
  }

  // The alias stands in for its parameter; both given, they must say the same.
  const namedBy = new Map<RuleParameterName, string>();
  for (const [alias, value] of aliased) {
    const name = RULE_PARAMETER_ALIASES[alias];
    const own = given.get(name);
    if (own === undefined) {
      given.set(name, value);
      namedBy.set(name, alias);
    } else if (!sameItems(own, value)) {
      problems.push(`${name} and ${alias} (its other name) are both given and differ: give one of them`);
    }
  }

  const tagParameterName = given.get('tagParameterName');
  if (tagParameterName !== undefined && !isSsmParameterName(tagParameterName)) {
    problems.push(`tagParameterName "${tagParameterName}" is not a valid SSM parameter name or ARN`);
  }
  const key = given.get('appTierTagKey');
  const valueList = given.get('appTierTagValue');
  if (tagParameterName === undefined) {
    for (const name of ['appTierTagKey', 'appTierTagValue'] as const) {
      if (!given.has(name) && !invalid.has(name))
        problems.push(`${name} is missing or empty (or set tagParameterName)`);
    }
  }
  const values = checkTag(
    key,
    valueList === undefined ? undefined : splitList(valueList),
    { key: 'appTierTagKey', values: 'appTierTagValue' },
    problems,
  );

  const arnList = given.get('allowedInstanceProfileArns');
  const arns = arnList === undefined ? undefined : splitList(arnList);
  for (const arn of arns ?? []) {
    if (!isInstanceProfileArn(arn)) {
      problems.push(
        `${namedBy.get('allowedInstanceProfileArns') ?? 'allowedInstanceProfileArns'}: "${arn}" is not an instance profile ARN (arn:aws:iam::<account>:instance-profile/<name>)`,
      );
    }
  }

  const executionRoleName = given.get('executionRoleName');
  if (executionRoleName !== undefined && !isRoleName(executionRoleName)) {
    problems.push(`executionRoleName "${executionRoleName}" is not a valid IAM role name`);
  }

  const requireRole = given.get('requireRoleInProfile')?.toLowerCase();
  if (requireRole !== undefined && requireRole !== 'true' && requireRole !== 'false') {
    problems.push(
      `requireRoleInProfile must be "true" or "false", got "${given.get('requireRoleInProfile')}"`,
    );
  }

  if (problems.length > 0) throw new InvalidParametersError(problems);
  return {
    tag: { ...(key === undefined ? {} : { key }), ...(values === undefined ? {} : { values }) },
    tagParameterName,
    allowedInstanceProfileArns: arns === undefined ? undefined : new Set(arns),
    executionRoleName,
    requireRoleInProfile: requireRole === 'true',
  };
};

/**
 * Completes the parameters with the tag read from the SSM parameter `{"key": "...", "values": ["..."]}`.
 * Fields the rule parameters give win over the SSM parameter's.
 */
export const completeParameters = (parsed: ParsedRuleParameters, fromSsm?: unknown): RuleParameters => {
  const { tagParameterName, tag: ruleTag, ...rest } = parsed;
  if (ruleTag.key !== undefined && ruleTag.values !== undefined)
    return { ...rest, tag: { key: ruleTag.key, values: ruleTag.values } };

  const where = `SSM parameter "${tagParameterName ?? ''}"`;
  const problems: string[] = [];
  const document = fromSsm;
  if (!isRecord(document)) {
    throw new InvalidParametersError([`${where} must hold a JSON object {"key": "...", "values": ["..."]}`]);
  }
  let key = ruleTag.key;
  if (key === undefined) {
    if (typeof document.key === 'string' && document.key.trim() !== '') key = document.key.trim();
    else problems.push(`${where}: "key" must be a non-empty string`);
  }
  let values = ruleTag.values;
  if (values === undefined) {
    const list = document.values;
    if (Array.isArray(list) && list.every((value) => typeof value === 'string')) {
      values = checkTag(
        key,
        list.map((value: string) => value.trim()),
        { key: `${where}: "key"`, values: `${where}: "values"` },
        problems,
      );
    } else {
      problems.push(`${where}: "values" must be a list of strings`);
    }
  } else if (key !== undefined) {
    checkTag(key, undefined, { key: `${where}: "key"`, values: '' }, problems);
  }
  if (problems.length > 0 || key === undefined || values === undefined)
    throw new InvalidParametersError(problems);
  return { ...rest, tag: { key, values } };
};

/** `tier=app`, `tier=app|web` or `tier=*`, for annotations and logs. */
export const describeTag = (tag: AppTierTag): string =>
  `${tag.key}=${tag.values === ANY_VALUE ? ANY_VALUE : tag.values.join('|')}`;

/**
 * `describeTag` within `room` characters where it can be: values are left out from the middle of the list,
 * saying how many (`tier=a|b|…(+36)…|y|z`), so the first and last values still show. Longer than `room`
 * when even the key and two values do not fit; the annotation then cuts it further.
 */
export const describeTagWithin = (tag: AppTierTag, room: number): string => {
  const whole = describeTag(tag);
  if (whole.length <= room || tag.values === ANY_VALUE || tag.values.length <= 2) return whole;
  const values = tag.values;
  let shortest = '';
  for (let kept = values.length - 1; kept >= 2; kept -= 1) {
    const head = values.slice(0, Math.ceil(kept / 2));
    const tail = values.slice(values.length - Math.floor(kept / 2));
    shortest = `${tag.key}=${[...head, `…(+${values.length - kept})…`, ...tail].join('|')}`;
    if (shortest.length <= room) return shortest;
  }
  return shortest;
};
