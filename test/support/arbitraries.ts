import fc from 'fast-check';
import type { InstanceView } from '../../src/rule/instance-view.js';
import { type Owner, OwnerTag, ownerFromTags } from '../../src/rule/owner.js';
import { ANY_VALUE, type RuleParameters } from '../../src/rule/parameters.js';

const STATUSES = [
  'OK',
  'ResourceDiscovered',
  'ResourceNotRecorded',
  'ResourceDeleted',
  'ResourceDeletedNotRecorded',
];
const STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'];
const TYPES = ['AWS::EC2::Instance', 'AWS::EC2::Volume', 'AWS::S3::Bucket', ''];
const PROFILES = [
  'arn:aws:iam::123456789012:instance-profile/app',
  'arn:aws:iam::123456789012:instance-profile/web',
  'arn:aws-us-gov:iam::123456789012:instance-profile/path/app',
];

/** Tag keys and values drawn small on purpose, so that collisions with the rule's tag are frequent. */
const tagKey = fc.oneof(
  fc.constantFrom('tier', 'Tier', 'env', 'constructor', '__proto__'),
  fc.string({ maxLength: 130 }),
);
const tagValue = fc.oneof(fc.constantFrom('app', 'App', 'web', '', '*'), fc.string({ maxLength: 300 }));

/** Names as AWS allows them: short ones, and ones long enough to crowd an annotation. */
const ownerName = fc.oneof(
  fc.stringMatching(/^[\w-]{1,20}$/),
  fc.string({ minLength: 100, maxLength: 255 }).filter((text) => text.trim() !== ''),
);

/** An owner as the tags AWS sets make it: any combination of them, of every kind. */
export const owner: fc.Arbitrary<Owner> = fc
  .record(
    Object.fromEntries(Object.values(OwnerTag).map((key) => [key, ownerName])) as Record<
      (typeof OwnerTag)[keyof typeof OwnerTag],
      fc.Arbitrary<string>
    >,
    { requiredKeys: [] },
  )
  .map((tags) => ownerFromTags(new Map(Object.entries(tags))))
  .filter((found): found is Owner => found !== undefined);

export const instanceView: fc.Arbitrary<InstanceView> = fc.record(
  {
    resourceType: fc.oneof(fc.constantFrom(...TYPES), fc.string()),
    resourceId: fc.oneof(fc.constant('i-0123456789abcdef0'), fc.string()),
    status: fc.constantFrom(...STATUSES),
    hasConfiguration: fc.boolean(),
    state: fc.constantFrom(...STATES),
    tags: fc.array(fc.tuple(tagKey, tagValue), { maxLength: 6 }).map((entries) => new Map(entries)),
    instanceProfileArn: fc.constantFrom(...PROFILES),
    // The decision reads it only when instanceProfileArn is absent, as the view builders make it.
    profileWithoutArn: fc.record({ id: fc.string({ minLength: 1, maxLength: 300 }) }, { requiredKeys: [] }),
    owner,
    capturedAt: fc.date({ noInvalidDate: true }),
    profileHoldsRole: fc.boolean(),
  },
  { requiredKeys: ['resourceType', 'resourceId', 'hasConfiguration', 'tags'] },
);

export const ruleParameters: fc.Arbitrary<RuleParameters> = fc.record(
  {
    tag: fc.record({
      key: tagKey.filter((key) => key !== ''),
      values: fc.oneof(
        fc.constant(ANY_VALUE),
        fc.uniqueArray(
          tagValue.filter((value) => value !== '' && value !== ANY_VALUE),
          { minLength: 1, maxLength: 3 },
        ),
      ),
    }),
    allowedInstanceProfileArns: fc
      .uniqueArray(fc.constantFrom(...PROFILES), { maxLength: 2 })
      .map((arns) => new Set(arns)),
    executionRoleName: fc.constant('ConfigRuleExecution'),
    requireRoleInProfile: fc.boolean(),
  },
  { requiredKeys: ['tag', 'requireRoleInProfile'] },
);
