import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitAnnotation, MAX_ANNOTATION_LENGTH, shortenMiddle } from '../../../src/rule/annotation.js';
import { decide } from '../../../src/rule/decide.js';
import type { InstanceView } from '../../../src/rule/instance-view.js';
import type { Owner } from '../../../src/rule/owner.js';
import type { RuleParameters } from '../../../src/rule/parameters.js';
import { owner } from '../../support/arbitraries.js';
import { appInstance } from '../../support/instances.js';

describe('fitAnnotation', () => {
  it('keeps an annotation within the limit as it is', () => {
    expect(fitAnnotation('a'.repeat(MAX_ANNOTATION_LENGTH))).toBe('a'.repeat(MAX_ANNOTATION_LENGTH));
  });

  it('shortens a longer one visibly', () => {
    // Act
    const annotation = fitAnnotation('a'.repeat(300));

    // Assess
    expect(annotation).toHaveLength(MAX_ANNOTATION_LENGTH);
    expect(annotation.endsWith('…')).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    // Act
    const annotation = fitAnnotation(`${'a'.repeat(254)}😀😀😀`);

    // Assess
    expect(annotation).toBe(`${'a'.repeat(254)}…`);
  });

  it('never returns an empty annotation', () => {
    expect(fitAnnotation('  ')).not.toBe('');
  });

  it('always returns 1 to 256 well-formed characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        const annotation = fitAnnotation(text);
        return (
          annotation.length >= 1 && annotation.length <= MAX_ANNOTATION_LENGTH && annotation.isWellFormed()
        );
      }),
    );
  });
});

describe('annotations with long tag lists and long names', () => {
  const tagValues = fc.uniqueArray(fc.stringMatching(/^[\w.:/=+@-]{1,40}$/), { minLength: 1, maxLength: 80 });
  const profileName = fc.oneof(
    fc.stringMatching(/^[\w+=,.@-]{1,20}$/),
    fc.stringMatching(/^[\w+=,.@-]{100,128}$/),
  );

  /** One view per reason the decision can give an app-tier candidate, with the parameters that reach it. */
  const everyReason = (values: string[], name: string, owner: Owner | undefined) => {
    const key = 'tier';
    const value = values[0] as string;
    const profile = `arn:aws:iam::123456789012:instance-profile/${name}`;
    const base: RuleParameters = { tag: { key, values }, requireRoleInProfile: false };
    const requireRole: RuleParameters = { ...base, requireRoleInProfile: true };
    const allowOther: RuleParameters = {
      ...base,
      allowedInstanceProfileArns: new Set(['arn:aws:iam::123456789012:instance-profile/other']),
    };
    const view = (overrides: Partial<InstanceView>): InstanceView => ({
      ...appInstance({ tags: new Map([[key, value]]), instanceProfileArn: profile }),
      ...(owner === undefined ? {} : { owner }),
      ...overrides,
    });
    const cases: [Partial<InstanceView>, RuleParameters, boolean][] = [
      [{ resourceType: 'AWS::EC2::Volume' }, base, false],
      [{}, base, true],
      [{ status: 'ResourceDeleted' }, base, false],
      [{ status: 'ResourceNotRecorded' }, base, false],
      [{ hasConfiguration: false }, base, false],
      [{ state: 'terminated' }, base, false],
      [{ tags: new Map([[key, `${value}-not`]]) }, base, false],
      [{ tags: new Map([['TIER', value]]) }, base, false],
      [{ instanceProfileArn: undefined }, base, false],
      [{ instanceProfileArn: undefined, profileWithoutArn: { id: 'AIPA1' } }, base, false],
      [{}, allowOther, false],
      [{ profileHoldsRole: false }, requireRole, false],
      [{}, requireRole, false],
      [{ profileHoldsRole: true }, requireRole, false],
      [{}, base, false],
    ];
    return cases.map(([overrides, parameters, leftScope]) =>
      decide(view(overrides), parameters, { eventLeftScope: leftScope }),
    );
  };

  it('gives every reason its own annotation, whatever the length of the tag list and of the names', () => {
    fc.assert(
      fc.property(tagValues, profileName, fc.option(owner, { nil: undefined }), (values, name, found) => {
        const decisions = everyReason(values, name, found);
        const annotations = decisions.map((decision) => decision.annotation);
        for (const annotation of annotations) {
          expect(annotation.length).toBeGreaterThan(0);
          expect(annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
          // Names gave way in their middle: nothing was cut off the end, the fix least of all.
          expect(annotation.endsWith('…')).toBe(false);
        }
        expect(new Set(annotations).size).toBe(annotations.length);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the reason and the fix of a 40-value list whole, and shortens the list in its middle', () => {
    // Prepare
    const values = Array.from({ length: 40 }, (_, index) => `application-tier-value-${index}`);
    const parameters: RuleParameters = { tag: { key: 'tier', values }, requireRoleInProfile: false };
    const view = appInstance({
      tags: new Map([['tier', 'application-tier-value-7']]),
      instanceProfileArn: undefined,
    });

    // Act
    const { annotation } = decide(view, parameters, { eventLeftScope: false });

    // Assess
    expect(
      annotation.startsWith('No IAM instance profile: attach one with ec2 associate-iam-instance-profile'),
    ).toBe(true);
    expect(annotation).toMatch(
      /tier=application-tier-value-0\|.*…\(\+\d+\)…\|.*application-tier-value-39\)$/,
    );
    expect(annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
  });
});

describe('shortenMiddle', () => {
  it('keeps both ends of a name', () => {
    expect(shortenMiddle('abcdefghijklmnopqrstuvwxyz', 20)).toBe('abcdefghij…rstuvwxyz');
  });

  it('never splits a surrogate pair, at either end', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.nat(200), (text, room) =>
        shortenMiddle(text, room).isWellFormed(),
      ),
    );
  });
});
