import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPreviousIndex, resultFingerprint } from '../../../src/run/previous-index.js';

const complianceType = fc.constantFrom(
  'COMPLIANT',
  'NON_COMPLIANT',
  'NOT_APPLICABLE',
  'INSUFFICIENT_DATA',
  '',
);
const annotation = fc.option(fc.string({ maxLength: 256 }), { nil: undefined });

describe('resultFingerprint', () => {
  it('is the same for the same result and annotation', () => {
    fc.assert(
      fc.property(complianceType, annotation, (type, note) => {
        // Act & Assess
        expect(resultFingerprint(type, note)).toBe(
          resultFingerprint(type, note === undefined ? undefined : `${note}`),
        );
      }),
    );
  });

  it('never matches across two compliance types, whatever the annotations', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'),
        fc.constantFrom('COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'),
        annotation,
        annotation,
        (first, second, firstNote, secondNote) => {
          fc.pre(first !== second);
          // Act & Assess
          expect(resultFingerprint(first, firstNote)).not.toBe(resultFingerprint(second, secondNote));
        },
      ),
    );
  });

  it('tells apart different annotations, an empty one and none', () => {
    fc.assert(
      fc.property(annotation, annotation, (first, second) => {
        fc.pre(first !== second);
        // Act & Assess
        expect(resultFingerprint('COMPLIANT', first)).not.toBe(resultFingerprint('COMPLIANT', second));
      }),
    );
    expect(resultFingerprint('COMPLIANT', '')).not.toBe(resultFingerprint('COMPLIANT', undefined));
  });

  it('is an exact integer, small enough to be stored without boxing in most engines', () => {
    fc.assert(
      fc.property(complianceType, annotation, (type, note) => {
        // Act
        const fingerprint = resultFingerprint(type, note);

        // Assess
        expect(Number.isSafeInteger(fingerprint)).toBe(true);
        expect(fingerprint).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('createPreviousIndex', () => {
  it('hands out each fingerprint once, and keeps what was not taken, of any resource type', () => {
    // Prepare
    const index = createPreviousIndex();
    index.add({
      resourceType: 'AWS::EC2::Instance',
      resourceId: 'i-1',
      complianceType: 'COMPLIANT',
      annotation: 'a',
    });
    index.add({ resourceType: 'AWS::EC2::Instance', resourceId: 'i-2', complianceType: 'NON_COMPLIANT' });
    index.add({ resourceType: 'AWS::EC2::Volume', resourceId: 'i-1', complianceType: 'COMPLIANT' });

    // Act
    const taken = index.take('AWS::EC2::Instance', 'i-1');
    const again = index.take('AWS::EC2::Instance', 'i-1');

    // Assess
    expect(taken).toBe(resultFingerprint('COMPLIANT', 'a'));
    expect(again).toBeUndefined();
    expect(index.size).toBe(2);
    expect([...index.remaining()]).toEqual([
      { resourceType: 'AWS::EC2::Instance', resourceId: 'i-2' },
      { resourceType: 'AWS::EC2::Volume', resourceId: 'i-1' },
    ]);
  });
});
