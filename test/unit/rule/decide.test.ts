import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ANNOTATION_LENGTH } from '../../../src/rule/annotation.js';
import { isAppTier } from '../../../src/rule/applicability.js';
import { ComplianceType, Reason } from '../../../src/rule/compliance.js';
import { decide } from '../../../src/rule/decide.js';
import { type InstanceView, viewFromConfigurationItem } from '../../../src/rule/instance-view.js';
import type { RuleParameters } from '../../../src/rule/parameters.js';
import { instanceView, ruleParameters } from '../../support/arbitraries.js';
import { invokingOf, type SampleEvent } from '../../support/events.js';
import { APP_PROFILE, appInstance } from '../../support/instances.js';
import { type ProfileWithoutArnCase, peerItem } from '../../support/peer-events.js';

const PARAMETERS: RuleParameters = { tag: { key: 'tier', values: ['app'] }, requireRoleInProfile: false };

/** Whether steps 1 to 3 of the decision (type, scope, deletion, state) leave the instance to the tag step. */
const reachesTheTagStep = (view: InstanceView, eventLeftScope: boolean): boolean =>
  view.resourceType === 'AWS::EC2::Instance' &&
  !eventLeftScope &&
  !['ResourceDeleted', 'ResourceDeletedNotRecorded', 'ResourceNotRecorded'].includes(view.status ?? '') &&
  view.hasConfiguration &&
  !['terminated', 'shutting-down'].includes(view.state ?? '');

const sampleView = (name: SampleEvent) => viewFromConfigurationItem(invokingOf(name).configurationItem);

describe('decide: the sample events', () => {
  it.each([
    ['compliant', ComplianceType.Compliant, Reason.UsesRole],
    ['no-profile', ComplianceType.NonCompliant, Reason.NoProfile],
    ['deleted', ComplianceType.NotApplicable, Reason.Deleted],
    ['not-app-tier', ComplianceType.NotApplicable, Reason.NotAppTier],
  ] as const)('%s → %s', (name, compliance, reason) => {
    // Act
    const decision = decide(sampleView(name), PARAMETERS, { eventLeftScope: false });

    // Assess
    expect(decision).toMatchObject({ compliance, reason });
  });

  it('gives the action to take in the annotation of a non-compliant instance', () => {
    // Act
    const decision = decide(sampleView('no-profile'), PARAMETERS, { eventLeftScope: false });

    // Assess
    expect(decision.annotation).toBe(
      'No IAM instance profile: attach one with ec2 associate-iam-instance-profile (app-tier tag tier=app)',
    );
  });
});

describe('decide: a real profile association without an ARN', () => {
  it.each([
    [
      'arn null, id null',
      'Profile association with neither ARN nor id: check it with ec2 describe-iam-instance-profile-associations (app-tier tag tier=app)',
    ],
    [
      'id only',
      'Profile association without ARN (id AIPAJ5EXAMPLE): check it with ec2 describe-iam-instance-profile-associations (app-tier tag tier=app)',
    ],
    [
      'arn empty, id set',
      'Profile association without ARN (id AIPAJ5EXAMPLE): check it with ec2 describe-iam-instance-profile-associations (app-tier tag tier=app)',
    ],
  ] as [ProfileWithoutArnCase, string][])('%s: NON_COMPLIANT, saying what was found', (name, annotation) => {
    // Prepare
    const view = viewFromConfigurationItem(peerItem(name));

    // Act
    const decision = decide(view, PARAMETERS, { eventLeftScope: false });

    // Assess
    expect(decision).toEqual({
      compliance: ComplianceType.NonCompliant,
      reason: Reason.ProfileWithoutArn,
      annotation,
    });
  });

  it('is NON_COMPLIANT whatever the options, since the profile cannot be checked', () => {
    // Prepare
    const view = viewFromConfigurationItem(peerItem('id only'));
    const lenient: RuleParameters = { ...PARAMETERS, tag: { key: 'tier', values: '*' } };

    // Act
    const decisions = [
      decide(view, lenient, { eventLeftScope: false }),
      decide(view, { ...lenient, requireRoleInProfile: true }, { eventLeftScope: false }),
      decide(
        view,
        { ...lenient, allowedInstanceProfileArns: new Set([APP_PROFILE]) },
        { eventLeftScope: false },
      ),
    ];

    // Assess
    expect(decisions.map((decision) => decision.reason)).toEqual([
      Reason.ProfileWithoutArn,
      Reason.ProfileWithoutArn,
      Reason.ProfileWithoutArn,
    ]);
  });
});

describe('decide: the steps, in order', () => {
  const cases: [string, Partial<InstanceView>, Partial<RuleParameters>, boolean, string][] = [
    [
      'another resource type',
      { resourceType: 'AWS::EC2::Volume', instanceProfileArn: undefined },
      {},
      false,
      Reason.WrongResourceType,
    ],
    ['the event left scope', { instanceProfileArn: undefined }, {}, true, Reason.LeftScope],
    [
      'ResourceDeleted',
      { status: 'ResourceDeleted', instanceProfileArn: undefined },
      {},
      false,
      Reason.Deleted,
    ],
    ['ResourceDeletedNotRecorded', { status: 'ResourceDeletedNotRecorded' }, {}, false, Reason.Deleted],
    [
      'ResourceNotRecorded',
      { status: 'ResourceNotRecorded', instanceProfileArn: undefined },
      {},
      false,
      Reason.NotRecorded,
    ],
    [
      'no configuration',
      { hasConfiguration: false, instanceProfileArn: undefined },
      {},
      false,
      Reason.NoConfiguration,
    ],
    ['terminated', { state: 'terminated', instanceProfileArn: undefined }, {}, false, Reason.Terminated],
    [
      'shutting-down',
      { state: 'shutting-down', instanceProfileArn: undefined },
      {},
      false,
      Reason.Terminated,
    ],
    [
      'no app-tier tag',
      { tags: new Map([['env', 'prod']]), instanceProfileArn: undefined },
      {},
      false,
      Reason.NotAppTier,
    ],
    [
      'another tag value',
      { tags: new Map([['tier', 'web']]), instanceProfileArn: undefined },
      {},
      false,
      Reason.NotAppTier,
    ],
    [
      'the key in another case',
      { tags: new Map([['Tier', 'app']]), instanceProfileArn: undefined },
      {},
      false,
      Reason.TagKeyCase,
    ],
    [
      'the key, and the key in another case',
      {
        tags: new Map([
          ['Tier', 'app'],
          ['tier', 'web'],
        ]),
        instanceProfileArn: undefined,
      },
      {},
      false,
      Reason.NotAppTier,
    ],
    ['no instance profile', { instanceProfileArn: undefined }, {}, false, Reason.NoProfile],
    [
      'a stopped instance without profile',
      { state: 'stopped', instanceProfileArn: undefined },
      {},
      false,
      Reason.NoProfile,
    ],
    [
      'a profile outside the allowed list',
      {},
      { allowedInstanceProfileArns: new Set(['arn:aws:iam::123456789012:instance-profile/other']) },
      false,
      Reason.ProfileNotAllowed,
    ],
    [
      'a profile in the allowed list',
      {},
      { allowedInstanceProfileArns: new Set([APP_PROFILE]) },
      false,
      Reason.UsesRole,
    ],
    [
      'a profile without role when roles are required',
      { profileHoldsRole: false },
      { requireRoleInProfile: true },
      false,
      Reason.ProfileWithoutRole,
    ],
    [
      'a profile without role when roles are not required',
      { profileHoldsRole: false },
      {},
      false,
      Reason.UsesRole,
    ],
    [
      'a profile with a role when roles are required',
      { profileHoldsRole: true },
      { requireRoleInProfile: true },
      false,
      Reason.UsesRole,
    ],
    [
      'any value of the key',
      { tags: new Map([['tier', 'anything']]) },
      { tag: { key: 'tier', values: '*' } },
      false,
      Reason.UsesRole,
    ],
    [
      'one of several values',
      { tags: new Map([['tier', 'api']]), instanceProfileArn: undefined },
      { tag: { key: 'tier', values: ['app', 'api'] } },
      false,
      Reason.NoProfile,
    ],
  ];

  it.each(cases)('%s', (_name, view, parameters, eventLeftScope, reason) => {
    // Act
    const decision = decide(appInstance(view), { ...PARAMETERS, ...parameters }, { eventLeftScope });

    // Assess
    expect(decision.reason).toBe(reason);
  });
});

describe('decide: properties', () => {
  it('never throws, and the annotation is always 1 to 256 characters', () => {
    fc.assert(
      fc.property(instanceView, ruleParameters, fc.boolean(), (view, parameters, eventLeftScope) => {
        const { annotation } = decide(view, parameters, { eventLeftScope });
        return annotation.length >= 1 && annotation.length <= MAX_ANNOTATION_LENGTH;
      }),
    );
  });

  it('never reports COMPLIANT for an instance without an instance profile ARN', () => {
    fc.assert(
      fc.property(instanceView, ruleParameters, fc.boolean(), (view, parameters, eventLeftScope) => {
        const withoutProfile = { ...view, instanceProfileArn: undefined };
        return decide(withoutProfile, parameters, { eventLeftScope }).compliance !== ComplianceType.Compliant;
      }),
    );
  });

  it('is NOT_APPLICABLE exactly when the instance is out of scope', () => {
    fc.assert(
      fc.property(instanceView, ruleParameters, fc.boolean(), (view, parameters, eventLeftScope) => {
        const inScope = reachesTheTagStep(view, eventLeftScope) && isAppTier(view.tags, parameters.tag);
        const notApplicable =
          decide(view, parameters, { eventLeftScope }).compliance === ComplianceType.NotApplicable;
        return notApplicable === !inScope;
      }),
    );
  });

  it('never reports COMPLIANT for a profile outside a set allow-list', () => {
    fc.assert(
      fc.property(instanceView, ruleParameters, (view, parameters) => {
        const allowed = parameters.allowedInstanceProfileArns;
        const decision = decide(view, parameters, { eventLeftScope: false });
        if (decision.compliance !== ComplianceType.Compliant || allowed === undefined) return true;
        return view.instanceProfileArn !== undefined && allowed.has(view.instanceProfileArn);
      }),
    );
  });

  it('is deterministic: the same input gives the same decision', () => {
    fc.assert(
      fc.property(instanceView, ruleParameters, fc.boolean(), (view, parameters, eventLeftScope) => {
        expect(decide(view, parameters, { eventLeftScope })).toEqual(
          decide(view, parameters, { eventLeftScope }),
        );
      }),
    );
  });
});

describe('decide: a tag key in another case', () => {
  /** A tag key, and a spelling of it that differs only in case. */
  const keyAndOtherCase = fc
    .tuple(fc.stringMatching(/^[a-zA-Z][\w:.-]{0,29}$/), fc.infiniteStream(fc.boolean()))
    .map(([key, upper]) => {
      const flips = [...key].map((char) => (upper.next().value ? char.toUpperCase() : char.toLowerCase()));
      return { key, other: flips.join('') };
    })
    .filter(({ key, other }) => key !== other);

  it('says so in the NOT_APPLICABLE annotation, naming the key it found and its value', () => {
    fc.assert(
      fc.property(
        keyAndOtherCase,
        fc.stringMatching(/^[\w.-]{1,20}$/),
        instanceView,
        ({ key, other }, value, recorded) => {
          // Prepare: an instance the earlier steps keep in scope, with the key only in the other case
          const tags = new Map(
            [...recorded.tags].filter(([candidate]) => candidate.toLowerCase() !== key.toLowerCase()),
          );
          tags.set(other, value);
          const view = appInstance({ tags, instanceProfileArn: recorded.instanceProfileArn });

          // Act
          const decision = decide(
            view,
            { ...PARAMETERS, tag: { key, values: [value] } },
            { eventLeftScope: false },
          );

          // Assess
          expect(decision.compliance).toBe(ComplianceType.NotApplicable);
          expect(decision.reason).toBe(Reason.TagKeyCase);
          expect(decision.annotation).toContain(
            `no tag ${key}, but a tag ${other}=${value}; tag keys are case-sensitive`,
          );
        },
      ),
    );
  });

  it('is not named when the value under the other spelling would not be app tier either', () => {
    // Act
    const decision = decide(appInstance({ tags: new Map([['Tier', 'web']]) }), PARAMETERS, {
      eventLeftScope: false,
    });

    // Assess
    expect(decision).toMatchObject({ compliance: ComplianceType.NotApplicable, reason: Reason.NotAppTier });
    expect(decision.annotation).not.toContain('Tier');
  });

  it('is named only when the exact key is missing and a key differing only in case holds an app-tier value', () => {
    fc.assert(
      fc.property(instanceView, ruleParameters, fc.boolean(), (view, parameters, eventLeftScope) => {
        const { key } = parameters.tag;
        const onlyInOtherCase =
          !view.tags.has(key) &&
          [...view.tags].some(
            ([candidate, value]) =>
              candidate.toLowerCase() === key.toLowerCase() &&
              isAppTier(new Map([[key, value]]), parameters.tag),
          );
        const decision = decide(view, parameters, { eventLeftScope });
        return (
          (decision.reason === Reason.TagKeyCase) ===
          (reachesTheTagStep(view, eventLeftScope) && onlyInOtherCase)
        );
      }),
    );
  });
});
