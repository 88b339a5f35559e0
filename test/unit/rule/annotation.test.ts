import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitAnnotation, MAX_ANNOTATION_LENGTH } from '../../../src/rule/annotation.js';

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
