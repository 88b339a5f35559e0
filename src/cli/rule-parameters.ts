import {
  type ConfigRule,
  DescribeConfigRulesCommand,
  NoSuchConfigRuleException,
} from '@aws-sdk/client-config-service';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { CommandError, UsageError } from '../errors.js';
import { isRecord } from '../json.js';
import {
  completeParameters,
  type ParsedRuleParameters,
  parseRuleParameters,
  RULE_PARAMETER_ALIASES,
  type RuleParameterName,
  type RuleParameters,
} from '../rule/parameters.js';
import type { CliClients } from './clients.js';

/** The options of the command line that say which instances are app tier and how they are judged. */
export interface ParameterFlags {
  readonly tagKey?: string;
  readonly tagValue?: string;
  readonly allowedInstanceProfileArns?: string;
  readonly requireRoleInProfile?: boolean;
  /** A deployed Config rule whose InputParameters supply what the flags do not. */
  readonly ruleName?: string;
  readonly ruleRegion?: string;
}

/** Where the parameters came from, for the report. */
export interface ResolvedParameters {
  readonly parameters: RuleParameters;
  /** `command line`, or the rule's name and region. */
  readonly source: string;
}

type Raw = Record<string, unknown>;

const canonicalName = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/** Whether a rule's parameter key is a spelling of `name`: camelCase, PascalCase, or an alias of it. */
const spells = (key: string, name: RuleParameterName): boolean =>
  canonicalName(key) === name ||
  Object.entries(RULE_PARAMETER_ALIASES).some(
    ([alias, target]) => target === name && canonicalName(alias) === canonicalName(key),
  );

/** Sets a parameter, dropping any spelling of it the rule already had (IamInstanceProfileArnList too). */
const override = (raw: Raw, name: RuleParameterName, value: string | undefined): void => {
  if (value === undefined) return;
  for (const key of Object.keys(raw)) if (spells(key, name)) delete raw[key];
  raw[name] = value;
};

const noSuchRule = (name: string, region: string, options?: ErrorOptions) =>
  new CommandError(`No AWS Config rule named "${name}" in ${region} (set --rule-region?)`, options);

const readRule = async (clients: CliClients, name: string, region: string): Promise<Raw> => {
  let rules: readonly ConfigRule[];
  try {
    const output = await clients
      .config(region)
      .send(new DescribeConfigRulesCommand({ ConfigRuleNames: [name] }));
    rules = output.ConfigRules ?? [];
  } catch (error) {
    if (error instanceof NoSuchConfigRuleException) throw noSuchRule(name, region, { cause: error });
    throw new CommandError(`Could not read Config rule "${name}" in ${region}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // AWS answers an unknown name with NoSuchConfigRuleException; other endpoints answer with an empty list
  // (or with rules of other names): the rule is not there either way.
  const rule = rules.find((candidate) => candidate.ConfigRuleName === name);
  if (rule === undefined) throw noSuchRule(name, region);
  const input = rule.InputParameters;
  if (input === undefined || input.trim() === '') return {};
  let raw: unknown;
  try {
    raw = JSON.parse(input);
  } catch {
    // The parser names the problem exactly as the Lambda would report it.
    parseRuleParameters(input);
  }
  if (!isRecord(raw)) parseRuleParameters(input);
  return { ...(raw as Raw) };
};

/** The tag from the SSM parameter the rule names (tagParameterName), read in the rule's region. */
const readTagParameter = async (clients: CliClients, name: string, region: string): Promise<unknown> => {
  let value: string | undefined;
  try {
    const output = await clients.ssm(region).send(new GetParameterCommand({ Name: name }));
    value = output.Parameter?.Value;
  } catch (error) {
    throw new CommandError(
      `SSM parameter "${name}" (tagParameterName) could not be read in ${region}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    return JSON.parse(value ?? '');
  } catch {
    // completeParameters reports a value that is not a JSON object.
    return undefined;
  }
};

const blank = (value: string | undefined): boolean => value !== undefined && value.trim() === '';

/**
 * Refuses flags that cannot name the app tier, in the command's words (the rule parser's would name
 * rule parameters): an empty --tag-key or --tag-value, an empty item in --tag-value, and without
 * --rule-name, a missing --tag-key or --tag-value.
 */
export const checkParameterFlags = (flags: ParameterFlags): void => {
  const { tagKey, tagValue } = flags;
  if (blank(tagKey)) {
    throw new UsageError('--tag-key is empty: name the tag key that marks the app tier (case-sensitive)');
  }
  if (blank(tagValue)) {
    throw new UsageError(
      '--tag-value is empty: name the value that marks the app tier (or comma-separated values, or * for any value)',
    );
  }
  if (tagValue?.split(',').some((value) => value.trim() === '')) {
    throw new UsageError(
      `--tag-value "${tagValue}" has an empty value: separate the values with single commas`,
    );
  }
  if (flags.ruleName !== undefined) return;
  if (tagKey === undefined && tagValue === undefined) {
    throw new UsageError(
      'Name the app-tier tag with --tag-key and --tag-value, or a deployed rule with --rule-name',
    );
  }
  if (tagValue === undefined) {
    throw new UsageError(
      `--tag-value is missing: with --tag-key ${tagKey}, name the value that marks the app tier ` +
        '(or comma-separated values, or * for any value)',
    );
  }
  if (tagKey === undefined) {
    throw new UsageError(`--tag-key is missing: name the tag key whose value ${tagValue} marks the app tier`);
  }
};

/**
 * The rule parameters of a command run, through the same parser as the Lambda: the deployed rule's
 * InputParameters (with --rule-name), then the flags on top. The tag flags replace the rule's tag;
 * --require-role-in-profile can only switch the check on.
 */
export const resolveCliParameters = async (
  flags: ParameterFlags,
  clients: CliClients,
  fallbackRegion?: string,
): Promise<ResolvedParameters> => {
  checkParameterFlags(flags);
  let raw: Raw = {};
  let ruleRegion: string | undefined;
  let source = 'command line';
  if (flags.ruleName !== undefined) {
    ruleRegion = flags.ruleRegion ?? (await clients.defaultRegion()) ?? fallbackRegion;
    if (ruleRegion === undefined) {
      throw new UsageError(`Name the region of Config rule "${flags.ruleName}" with --rule-region`);
    }
    raw = await readRule(clients, flags.ruleName, ruleRegion);
    source = `Config rule ${flags.ruleName} (${ruleRegion})`;
  }
  override(raw, 'appTierTagKey', flags.tagKey);
  override(raw, 'appTierTagValue', flags.tagValue);
  override(raw, 'allowedInstanceProfileArns', flags.allowedInstanceProfileArns);
  if (flags.requireRoleInProfile === true) override(raw, 'requireRoleInProfile', 'true');

  const parsed: ParsedRuleParameters = parseRuleParameters(JSON.stringify(raw));
  if (parsed.tag.key !== undefined && parsed.tag.values !== undefined) {
    return { parameters: completeParameters(parsed), source };
  }
  // Only a rule's parameters can leave the tag to SSM: without --rule-name the flags above give the tag.
  const region = ruleRegion as string;
  const document = await readTagParameter(clients, parsed.tagParameterName ?? '', region);
  return {
    parameters: completeParameters(parsed, document),
    source: `${source}, tag from SSM parameter ${parsed.tagParameterName}`,
  };
};
