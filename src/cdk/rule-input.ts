import { Token } from 'aws-cdk-lib';
import { parseRuleParameters } from '../rule/parameters.js';

/** What decides which instances are app tier and how they are judged: the rule parameters, as props. */
export interface RulePolicyProps {
  /**
   * The tag key that marks the app tier (case-sensitive).
   * @default 'tier', unless tagParameterName supplies the tag
   */
  readonly tagKey?: string;
  /**
   * Its values; `['*']` for any value of the key.
   * @default ['app'], unless tagParameterName supplies the tag
   */
  readonly tagValues?: readonly string[];
  /** An SSM String parameter holding `{"key": "...", "values": ["..."]}` that supplies the tag the props do not. */
  readonly tagParameterName?: string;
  /** When set, an attached instance profile outside this list is NON_COMPLIANT. */
  readonly allowedInstanceProfileArns?: readonly string[];
  /** An instance profile that holds no IAM role is NON_COMPLIANT (adds iam:GetInstanceProfile). @default false */
  readonly requireRoleInProfile?: boolean;
}

/** template.yaml's defaults. */
export const DEFAULT_TAG = { key: 'tier', values: ['app'] } as const;
const MAX_DESCRIPTION = 256;

/**
 * The rule's InputParameters, as template.yaml writes them (a parameter left unset is left out). Checked with
 * the function's own parser when every value is known at synthesis, so a mistake fails `cdk synth` rather
 * than every invocation.
 */
export const ruleInputParameters = (
  props: RulePolicyProps,
  extra: Record<string, string> = {},
): Record<string, string> => {
  const fromSsm = props.tagParameterName !== undefined;
  const key = props.tagKey ?? (fromSsm ? undefined : DEFAULT_TAG.key);
  const values = props.tagValues ?? (fromSsm ? undefined : DEFAULT_TAG.values);
  const input: Record<string, string> = {
    ...(key === undefined ? {} : { appTierTagKey: key }),
    ...(values === undefined ? {} : { appTierTagValue: values.join(',') }),
    ...(props.allowedInstanceProfileArns === undefined || props.allowedInstanceProfileArns.length === 0
      ? {}
      : { allowedInstanceProfileArns: props.allowedInstanceProfileArns.join(',') }),
    ...(props.tagParameterName === undefined ? {} : { tagParameterName: props.tagParameterName }),
    ...(props.requireRoleInProfile === true ? { requireRoleInProfile: 'true' } : {}),
    ...extra,
  };
  if (!Object.values(input).some((value) => Token.isUnresolved(value))) {
    parseRuleParameters(JSON.stringify(input));
  }
  return input;
};

/**
 * The rule's description, which Security Hub shows instead of the annotation: it states the policy, within
 * Config's 256 characters (a tag too long to fit, or not known at synthesis, is named generically).
 */
export const ruleDescription = (input: Record<string, string>): string => {
  const policy =
    'must get AWS credentials from an IAM role via an attached instance profile. NON_COMPLIANT: no instance profile, or one not in the allowed list.';
  const { appTierTagKey: key, appTierTagValue: values } = input;
  const generic = `App-tier EC2 instances (tag defined in the ${
    key === undefined ? 'SSM parameter named in the rule parameters' : 'rule parameters'
  }) ${policy}`;
  if (key === undefined || values === undefined || Token.isUnresolved(key) || Token.isUnresolved(values)) {
    return generic;
  }
  const described = `App-tier EC2 instances (tag ${key}=${values}) ${policy}`;
  return described.length <= MAX_DESCRIPTION ? described : generic;
};
