import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accountOf,
  iamRoleArn,
  isInstanceProfileArn,
  isInstanceProfileName,
  isRegionName,
  isRoleName,
  isSsmParameterName,
  parseArn,
  parseInstanceProfileArn,
  partitionOf,
  roleSessionName,
} from '../../../src/aws/names.js';

const ACCOUNT = '123456789012';
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:app-tier-iam-role-rule`;

describe('parseArn, partitionOf and accountOf', () => {
  it('reads every part of an ARN', () => {
    expect(parseArn(`arn:aws-cn:config:cn-north-1:${ACCOUNT}:config-rule/config-rule-abc`)).toEqual({
      partition: 'aws-cn',
      service: 'config',
      region: 'cn-north-1',
      accountId: ACCOUNT,
      resource: 'config-rule/config-rule-abc',
    });
  });

  it.each([
    [`arn:aws:config:us-east-1:${ACCOUNT}:config-rule/config-rule-abc`, 'aws'],
    [`arn:aws-cn:config:cn-north-1:${ACCOUNT}:config-rule/config-rule-abc`, 'aws-cn'],
    [`arn:aws-us-gov:config:us-gov-west-1:${ACCOUNT}:config-rule/config-rule-abc`, 'aws-us-gov'],
    ['arn:aws-iso-b:lambda:us-isob-east-1:111111111111:function:f', 'aws-iso-b'],
    ['arn:azure:lambda:us-east-1:111111111111:function:f', undefined],
    ['not-an-arn', undefined],
    [undefined, undefined],
  ])('%s is in partition %s', (arn, partition) => {
    expect(partitionOf(arn)).toBe(partition);
  });

  it.each([
    [FUNCTION_ARN, ACCOUNT],
    [`${FUNCTION_ARN}:live`, ACCOUNT],
    ['arn:aws:config:us-east-1:0123456789012:config-rule/config-rule-abc', undefined],
    ['arn:aws:s3:::bucket', undefined],
    [undefined, undefined],
  ])('%s names account %s', (arn, account) => {
    expect(accountOf(arn)).toBe(account);
  });
});

describe('parseInstanceProfileArn', () => {
  it.each([
    [`arn:aws:iam::${ACCOUNT}:instance-profile/app`, { partition: 'aws', path: '/', name: 'app' }],
    [
      `arn:aws:iam::${ACCOUNT}:instance-profile/team/empty`,
      { partition: 'aws', path: '/team/', name: 'empty' },
    ],
    [
      `arn:aws-us-gov:iam::${ACCOUNT}:instance-profile/a/b/c`,
      { partition: 'aws-us-gov', path: '/a/b/', name: 'c' },
    ],
    [
      `arn:aws:iam::${ACCOUNT}:instance-profile/a+b=c,d.e@f_g-h`,
      { partition: 'aws', path: '/', name: 'a+b=c,d.e@f_g-h' },
    ],
  ])('reads the partition, account, path and name of %s', (arn, expected) => {
    expect(parseInstanceProfileArn(arn)).toEqual({ ...expected, accountId: ACCOUNT });
  });

  it.each([
    `arn:aws:iam::${ACCOUNT}:role/app`,
    `arn:aws:iam::${ACCOUNT}:instance-profile/`,
    `arn:aws:iam::${ACCOUNT}:instance-profile/team/`,
    `arn:aws:iam::${ACCOUNT}:instance-profile/a b`,
    `arn:aws:iam::${ACCOUNT}:instance-profile/${'n'.repeat(129)}`,
    `arn:aws:iam::${ACCOUNT}:instance-profile/${'p'.repeat(512)}/app`,
    `arn:aws:iam::1234:instance-profile/app`,
    `arn:aws:iam:us-east-1:${ACCOUNT}:instance-profile/app`,
    `arn:aws:ec2::${ACCOUNT}:instance-profile/app`,
    'app',
    '',
  ])('refuses %j', (arn) => {
    expect(parseInstanceProfileArn(arn)).toBeUndefined();
    expect(isInstanceProfileArn(arn)).toBe(false);
  });

  it('reads back the name and path of every ARN it is given', () => {
    const segment = fc.stringMatching(/^[\w+=,.@-]{1,20}$/);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 3 }), segment, (folders, name) => {
        const path = folders.length === 0 ? '/' : `/${folders.join('/')}/`;
        expect(parseInstanceProfileArn(`arn:aws:iam::${ACCOUNT}:instance-profile${path}${name}`)).toEqual({
          partition: 'aws',
          accountId: ACCOUNT,
          path,
          name,
        });
      }),
    );
  });
});

describe('names', () => {
  const checks = { isRoleName, isInstanceProfileName, isRegionName, isSsmParameterName };
  it.each([
    ['isRoleName', 'app-tier-rule-execution', true],
    ['isRoleName', 'a+b=c,d.e@f_g-h', true],
    ['isRoleName', 'r'.repeat(64), true],
    ['isRoleName', 'r'.repeat(65), false],
    ['isRoleName', 'path/role', false],
    ['isRoleName', '', false],
    ['isInstanceProfileName', 'p'.repeat(128), true],
    ['isInstanceProfileName', 'p'.repeat(129), false],
    ['isInstanceProfileName', 'bad name', false],
    ['isRegionName', 'us-east-1', true],
    ['isRegionName', 'us-gov-west-1', true],
    ['isRegionName', 'ap-southeast-10', true],
    ['isRegionName', 'Mars', false],
    ['isRegionName', 'us-east', false],
    ['isSsmParameterName', '/app-tier/tag', true],
    ['isSsmParameterName', 'app_tier.tag', true],
    ['isSsmParameterName', `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app-tier/tag`, true],
    ['isSsmParameterName', `arn:aws-cn:ssm:cn-north-1:${ACCOUNT}:parameter/app-tier/tag`, true],
    ['isSsmParameterName', 'has space', false],
    ['isSsmParameterName', 'arn:aws:ssm:us-east-1:1234:parameter/x', false],
  ] as const)('%s(%j) is %s', (check, name, valid) => {
    expect(checks[check](name)).toBe(valid);
  });

  it('builds a role ARN', () => {
    expect(iamRoleArn('aws-cn', ACCOUNT, 'member-exec')).toBe(`arn:aws-cn:iam::${ACCOUNT}:role/member-exec`);
  });
});

describe('roleSessionName', () => {
  it('keeps a rule name STS accepts as it is', () => {
    expect(roleSessionName('app-tier-ec2-instance-uses-iam-role')).toBe(
      'app-tier-ec2-instance-uses-iam-role',
    );
  });

  it('replaces every character STS rejects with a dash', () => {
    expect(roleSessionName('OrgConfigRule app/tier:rule#1 (prod)')).toBe(
      'OrgConfigRule-app-tier-rule-1--prod-',
    );
  });

  it('keeps the characters STS allows besides letters and digits', () => {
    expect(roleSessionName('a_b+c=d,e.f@g-h')).toBe('a_b+c=d,e.f@g-h');
  });

  it('cuts a long name to 64 characters', () => {
    // Prepare
    const name = `OrgConfigRule-${'x'.repeat(100)}`;

    // Act
    const session = roleSessionName(name);

    // Assess
    expect(session).toHaveLength(64);
    expect(session).toBe(name.slice(0, 64));
  });

  it('pads a one-character name to the minimum of two', () => {
    expect(roleSessionName('r')).toBe('r-');
  });

  it('always matches the pattern STS enforces', () => {
    for (const name of ['r', 'ä ö ü', 'rule\nname', 'x'.repeat(200), '日本語のルール']) {
      expect(roleSessionName(name)).toMatch(/^[\w+=,.@-]{2,64}$/);
    }
  });
});
