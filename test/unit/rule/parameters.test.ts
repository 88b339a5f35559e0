import { describe, expect, it } from 'vitest';
import { InvalidParametersError } from '../../../src/errors.js';
import {
  completeParameters,
  describeTag,
  describeTagWithin,
  parseRuleParameters,
  RULE_PARAMETER_NAMES,
} from '../../../src/rule/parameters.js';

const problemsOf = (run: () => unknown): readonly string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidParametersError) return error.problems;
    throw error;
  }
  throw new Error('expected an InvalidParametersError');
};

describe('parseRuleParameters', () => {
  it('reads the tag key and one value', () => {
    // Act
    const parsed = parseRuleParameters('{"appTierTagKey":"tier","appTierTagValue":"app"}');

    // Assess
    expect(parsed.tag).toEqual({ key: 'tier', values: ['app'] });
    expect(parsed.requireRoleInProfile).toBe(false);
    expect(parsed.allowedInstanceProfileArns).toBeUndefined();
  });

  it('reads a comma-separated list of values, trimmed, without duplicates', () => {
    // Act
    const parsed = parseRuleParameters('{"appTierTagKey":" tier ","appTierTagValue":" app , api,app"}');

    // Assess
    expect(parsed.tag).toEqual({ key: 'tier', values: ['app', 'api'] });
  });

  it('takes * as any value of the key', () => {
    expect(parseRuleParameters('{"appTierTagKey":"tier","appTierTagValue":"*"}').tag.values).toBe('*');
  });

  it('accepts the PascalCase names CloudFormation users write', () => {
    // Act
    const parsed = parseRuleParameters(
      JSON.stringify({
        AppTierTagKey: 'tier',
        AppTierTagValue: 'app',
        AllowedInstanceProfileArns:
          'arn:aws:iam::123456789012:instance-profile/a, arn:aws-cn:iam::123456789012:instance-profile/p/b',
        RequireRoleInProfile: 'TRUE',
        ExecutionRoleName: 'ConfigRuleExecution',
      }),
    );

    // Assess
    expect(parsed.tag).toEqual({ key: 'tier', values: ['app'] });
    expect([...(parsed.allowedInstanceProfileArns ?? [])]).toEqual([
      'arn:aws:iam::123456789012:instance-profile/a',
      'arn:aws-cn:iam::123456789012:instance-profile/p/b',
    ]);
    expect(parsed.requireRoleInProfile).toBe(true);
    expect(parsed.executionRoleName).toBe('ConfigRuleExecution');
  });

  it('treats an empty optional value as not set', () => {
    // Act
    const parsed = parseRuleParameters(
      '{"appTierTagKey":"tier","appTierTagValue":"app","allowedInstanceProfileArns":"","tagParameterName":" "}',
    );

    // Assess
    expect(parsed.allowedInstanceProfileArns).toBeUndefined();
    expect(parsed.tagParameterName).toBeUndefined();
  });

  it('leaves the tag to the SSM parameter when tagParameterName is set', () => {
    // Act
    const parsed = parseRuleParameters('{"tagParameterName":"/config-rules/app-tier-tag"}');

    // Assess
    expect(parsed.tag).toEqual({});
    expect(parsed.tagParameterName).toBe('/config-rules/app-tier-tag');
  });

  it('lists every problem in one error', () => {
    // Act
    const problems = problemsOf(() =>
      parseRuleParameters(
        JSON.stringify({
          appTierTagValue: 'app,,web',
          allowedInstanceProfileArns: 'arn:aws:iam::123456789012:role/not-a-profile',
          requireRoleInProfile: 'yes',
          executionRoleName: 'bad role name',
          Colour: 'blue',
        }),
      ),
    );

    // Assess
    expect(problems).toEqual([
      'unknown parameter "Colour" (known: appTierTagKey, appTierTagValue, allowedInstanceProfileArns, executionRoleName, tagParameterName, requireRoleInProfile)',
      'appTierTagKey is missing or empty (or set tagParameterName)',
      'appTierTagValue has an empty item',
      'allowedInstanceProfileArns: "arn:aws:iam::123456789012:role/not-a-profile" is not an instance profile ARN (arn:aws:iam::<account>:instance-profile/<name>)',
      'executionRoleName "bad role name" is not a valid IAM role name',
      'requireRoleInProfile must be "true" or "false", got "yes"',
    ]);
  });

  it.each([
    [
      'absent',
      undefined,
      [
        'appTierTagKey is missing or empty (or set tagParameterName)',
        'appTierTagValue is missing or empty (or set tagParameterName)',
      ],
    ],
    ['not JSON', '{appTierTagKey:', ['ruleParameters is not valid JSON']],
    ['a JSON array', '["tier"]', ['ruleParameters is not a JSON object']],
    [
      'an empty value',
      '{"appTierTagKey":"tier","appTierTagValue":""}',
      ['appTierTagValue is missing or empty (or set tagParameterName)'],
    ],
    [
      '* among other values',
      '{"appTierTagKey":"tier","appTierTagValue":"app,*"}',
      ['appTierTagValue: "*" (any value) cannot be combined with other values'],
    ],
    [
      'a key too long',
      `{"appTierTagKey":"${'k'.repeat(129)}","appTierTagValue":"app"}`,
      ['appTierTagKey is longer than 128 characters'],
    ],
    [
      'a value too long',
      `{"appTierTagKey":"tier","appTierTagValue":"${'v'.repeat(257)}"}`,
      ['appTierTagValue has a value longer than 256 characters'],
    ],
    [
      'a name given twice',
      '{"appTierTagKey":"tier","AppTierTagKey":"tier","appTierTagValue":"app"}',
      ['appTierTagKey is given twice'],
    ],
    [
      'a non-string value',
      '{"appTierTagKey":{"k":1},"appTierTagValue":"app"}',
      ['appTierTagKey must be a string, got object'],
    ],
    [
      'a bad SSM name',
      '{"tagParameterName":"no spaces allowed"}',
      ['tagParameterName "no spaces allowed" is not a valid SSM parameter name or ARN'],
    ],
  ])('rejects %s', (_name, raw, expected) => {
    // Act
    const problems = problemsOf(() => parseRuleParameters(raw));

    // Assess
    expect(problems).toHaveLength(expected.length);
    for (const [index, problem] of expected.entries()) expect(problems[index]).toContain(problem);
  });

  it('takes a JSON true or false for requireRoleInProfile, as CloudFormation YAML writes it unquoted', () => {
    // Act
    const on = parseRuleParameters(
      '{"appTierTagKey":"tier","appTierTagValue":"app","requireRoleInProfile":true}',
    );
    const off = parseRuleParameters(
      '{"appTierTagKey":"tier","appTierTagValue":"app","RequireRoleInProfile":false}',
    );

    // Assess
    expect(on.requireRoleInProfile).toBe(true);
    expect(off.requireRoleInProfile).toBe(false);
  });

  it('refuses a number or a boolean for any other parameter, saying how to write it', () => {
    // Act
    const problems = problemsOf(() =>
      parseRuleParameters(
        '{"appTierTagKey":"tier","appTierTagValue":1.50,"executionRoleName":true,"requireRoleInProfile":1}',
      ),
    );

    // Assess
    expect(problems).toEqual([
      'appTierTagValue must be a string, got the number 1.5: put the value in quotes',
      'executionRoleName must be a string, got the boolean true: put the value in quotes',
      'requireRoleInProfile must be "true" or "false" (or JSON true or false), got the number 1',
    ]);
  });

  it('names every parameter the parser accepts', () => {
    expect(RULE_PARAMETER_NAMES).toEqual([
      'appTierTagKey',
      'appTierTagValue',
      'allowedInstanceProfileArns',
      'executionRoleName',
      'tagParameterName',
      'requireRoleInProfile',
    ]);
  });
});

describe('parseRuleParameters: IamInstanceProfileArnList, the managed rule EC2_INSTANCE_PROFILE_ATTACHED name', () => {
  const TAG = { appTierTagKey: 'tier', appTierTagValue: 'app' };
  const A = 'arn:aws:iam::123456789012:instance-profile/a';
  const B = 'arn:aws:iam::123456789012:instance-profile/b';
  const parse = (parameters: Record<string, string>) =>
    parseRuleParameters(JSON.stringify({ ...TAG, ...parameters }));

  it.each(['IamInstanceProfileArnList', 'iamInstanceProfileArnList'])(
    'reads %s as allowedInstanceProfileArns',
    (name) => {
      // Act
      const parsed = parse({ [name]: `${A}, ${B}` });

      // Assess
      expect(parsed.allowedInstanceProfileArns).toEqual(new Set([A, B]));
    },
  );

  it('accepts both names when they list the same profiles, in any order', () => {
    // Act
    const parsed = parse({
      allowedInstanceProfileArns: `${A},${B}`,
      IamInstanceProfileArnList: ` ${B} , ${A}`,
    });

    // Assess
    expect(parsed.allowedInstanceProfileArns).toEqual(new Set([A, B]));
  });

  it('refuses both names when they differ, with one clear problem', () => {
    // Act
    const problems = problemsOf(() => parse({ allowedInstanceProfileArns: A, IamInstanceProfileArnList: B }));

    // Assess
    expect(problems).toEqual([
      'allowedInstanceProfileArns and IamInstanceProfileArnList (its other name) are both given and differ: give one of them',
    ]);
  });

  it('treats an empty value as not set, like any optional parameter', () => {
    // Act
    const onlyEmpty = parse({ IamInstanceProfileArnList: '' });
    const emptyAndSet = parse({ IamInstanceProfileArnList: ' ', allowedInstanceProfileArns: A });

    // Assess
    expect(onlyEmpty.allowedInstanceProfileArns).toBeUndefined();
    expect(emptyAndSet.allowedInstanceProfileArns).toEqual(new Set([A]));
  });

  it('names the alias in the problems of its value', () => {
    // Act
    const problems = problemsOf(() =>
      parse({ IamInstanceProfileArnList: 'arn:aws:iam::123456789012:role/r' }),
    );

    // Assess
    expect(problems).toEqual([
      'IamInstanceProfileArnList: "arn:aws:iam::123456789012:role/r" is not an instance profile ARN (arn:aws:iam::<account>:instance-profile/<name>)',
    ]);
  });

  it('refuses the alias given twice, in both case forms', () => {
    // Act
    const problems = problemsOf(() => parse({ IamInstanceProfileArnList: A, iamInstanceProfileArnList: A }));

    // Assess
    expect(problems).toEqual(['IamInstanceProfileArnList is given twice']);
  });
});

describe('completeParameters', () => {
  const fromSsmOnly = parseRuleParameters('{"tagParameterName":"/rules/app-tier"}');

  it('takes the tag from the SSM parameter', () => {
    // Act
    const parameters = completeParameters(fromSsmOnly, { key: 'tier', values: ['app', ' api '] });

    // Assess
    expect(parameters.tag).toEqual({ key: 'tier', values: ['app', 'api'] });
    expect(parameters).not.toHaveProperty('tagParameterName');
  });

  it('lets the rule parameters win over the SSM parameter, field by field', () => {
    // Prepare
    const parsed = parseRuleParameters('{"tagParameterName":"/rules/app-tier","appTierTagKey":"layer"}');

    // Act
    const parameters = completeParameters(parsed, { key: 'tier', values: ['app'] });

    // Assess
    expect(parameters.tag).toEqual({ key: 'layer', values: ['app'] });
  });

  it('does not need the SSM parameter when the rule parameters give the whole tag', () => {
    // Prepare
    const parsed = parseRuleParameters(
      '{"tagParameterName":"/x","appTierTagKey":"tier","appTierTagValue":"app"}',
    );

    // Act
    const parameters = completeParameters(parsed);

    // Assess
    expect(parameters.tag).toEqual({ key: 'tier', values: ['app'] });
  });

  it.each([
    [
      'not an object',
      'tier=app',
      ['SSM parameter "/rules/app-tier" must hold a JSON object {"key": "...", "values": ["..."]}'],
    ],
    [
      'no key, values not a list',
      { values: 'app' },
      [
        'SSM parameter "/rules/app-tier": "key" must be a non-empty string',
        'SSM parameter "/rules/app-tier": "values" must be a list of strings',
      ],
    ],
    [
      'an empty list',
      { key: 'tier', values: [] },
      ['SSM parameter "/rules/app-tier": "values" lists no value'],
    ],
    [
      'a key too long',
      { key: 'k'.repeat(200), values: ['app'] },
      ['SSM parameter "/rules/app-tier": "key" is longer than 128 characters'],
    ],
  ])('rejects an SSM value that is %s', (_name, value, expected) => {
    expect(problemsOf(() => completeParameters(fromSsmOnly, value))).toEqual(expected);
  });
});

describe('describeTag', () => {
  it.each([
    [{ key: 'tier', values: ['app'] }, 'tier=app'],
    [{ key: 'tier', values: ['app', 'api'] }, 'tier=app|api'],
    [{ key: 'tier', values: '*' as const }, 'tier=*'],
  ])('%o → %s', (tag, text) => {
    expect(describeTag(tag)).toBe(text);
  });
});

describe('describeTagWithin', () => {
  const tag = { key: 'tier', values: ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'] };

  it('is describeTag when that fits', () => {
    expect(describeTagWithin(tag, 100)).toBe('tier=a1|b2|c3|d4|e5|f6');
  });

  it('leaves values out of the middle, saying how many, keeping the first and the last', () => {
    expect(describeTagWithin(tag, 21)).toBe('tier=a1|b2|…(+3)…|f6');
    expect(describeTagWithin(tag, 18)).toBe('tier=a1|…(+4)…|f6');
  });

  it('keeps two values at least, even past the room', () => {
    expect(describeTagWithin(tag, 5)).toBe('tier=a1|…(+4)…|f6');
    expect(describeTagWithin({ key: 'tier', values: '*' }, 3)).toBe('tier=*');
  });
});
