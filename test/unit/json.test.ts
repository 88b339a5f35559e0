import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonObject } from '../../src/json.js';

describe('parseJsonObject', () => {
  it('returns the object of any JSON text that holds one', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        // Act
        const parsed = parseJsonObject(JSON.stringify(object));

        // Assess
        expect(parsed.problem).toBeUndefined();
        expect(parsed.object).toEqual(JSON.parse(JSON.stringify(object)));
      }),
    );
  });

  it('says "not a JSON object" for JSON text that holds anything else', () => {
    fc.assert(
      fc.property(
        fc.jsonValue().filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)),
        (value) => {
          // Act
          const parsed = parseJsonObject(JSON.stringify(value));

          // Assess
          expect(parsed).toEqual({ problem: 'not a JSON object' });
        },
      ),
    );
  });

  it("says why text is not JSON, in the parser's words, and keeps the parser's error as the cause", () => {
    // Act
    const parsed = parseJsonObject('{"messageType":');

    // Assess
    expect(parsed.object).toBeUndefined();
    expect(parsed.problem).toMatch(/^not valid JSON \(.+\)$/);
    expect(parsed.options?.cause).toBeInstanceOf(SyntaxError);
  });
});
