import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deliveryErrorMessage,
  LOG_PART_CHARS,
  MAX_LISTED,
  MAX_MESSAGE_CHARS,
  type Undelivered,
  undeliveredLogParts,
} from '../../../src/config/delivery-report.js';

/** CloudWatch Logs' limit for one event. */
const CLOUDWATCH_EVENT_BYTES = 256 * 1024;

const ec2 = (index: number) => `AWS::EC2::Instance i-${index.toString(16).padStart(17, '0')}`;
const refused = (count: number): Undelivered => ({
  byReason: new Map([['returned in FailedEvaluations', Array.from({ length: count }, (_, i) => ec2(i))]]),
  unexplained: [],
});

/** Undelivered resources of any shape Config allows (type up to 256, id up to 768 characters), and more. */
const anyUndelivered: fc.Arbitrary<Undelivered> = fc
  .record({
    groups: fc.array(
      fc.tuple(
        fc.string({ maxLength: 2_000 }),
        fc.array(fc.string({ minLength: 1, maxLength: 1_100 }), { minLength: 1, maxLength: 60 }),
      ),
      { maxLength: 8 },
    ),
    unexplained: fc.array(fc.string({ maxLength: 5_000 }), { maxLength: 10 }),
  })
  .map(({ groups, unexplained }) => ({ byReason: new Map(groups), unexplained }));

describe('deliveryErrorMessage', () => {
  it('counts, gives the reason and names the resources of a short list', () => {
    expect(deliveryErrorMessage(refused(2))).toBe(
      `2 evaluation(s) not delivered to AWS Config (returned in FailedEvaluations): ${ec2(0)}, ${ec2(1)}`,
    );
  });

  it('names only the first resources of a long list, counts the rest and says where they are', () => {
    // Act
    const message = deliveryErrorMessage(refused(100_000));

    // Assess
    expect(message).toMatch(
      /^100000 evaluation\(s\) not delivered to AWS Config \(returned in FailedEvaluations\)/,
    );
    expect(message).toContain(`${ec2(MAX_LISTED - 1)} and ${100_000 - MAX_LISTED} more`);
    expect(message).not.toContain(ec2(MAX_LISTED));
    expect(message).toContain('every one is logged as "Evaluations not delivered"');
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
  });

  it('stays within its bound whatever was undelivered', () => {
    fc.assert(
      fc.property(anyUndelivered, (undelivered) => {
        expect(deliveryErrorMessage(undelivered).length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
      }),
    );
  });

  it('gives at most five reasons', () => {
    // Prepare
    const reasons = Array.from({ length: 7 }, (_, index) => [`reason ${index}`, [ec2(index)]] as const);

    // Act
    const message = deliveryErrorMessage({
      byReason: new Map(reasons.map(([r, k]) => [r, [...k]])),
      unexplained: [],
    });

    // Assess
    expect(message).toContain('(reason 0; reason 1; reason 2; reason 3; reason 4; 2 other reason(s))');
  });
});

describe('undeliveredLogParts', () => {
  it('logs every resource, in order, in numbered parts each far below the CloudWatch event limit', () => {
    // Prepare: 100,000 resources, about 4 MB of names
    const undelivered = refused(100_000);

    // Act
    const parts = undeliveredLogParts(undelivered);

    // Assess
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((part) => part.part)).toEqual(parts.map((_, index) => index + 1));
    expect(parts.every((part) => part.parts === parts.length)).toBe(true);
    expect(parts.flatMap((part) => part.resources as string[])).toEqual(
      undelivered.byReason.get('returned in FailedEvaluations'),
    );
    for (const part of parts) {
      expect(Buffer.byteLength(JSON.stringify(part))).toBeLessThan(CLOUDWATCH_EVENT_BYTES / 4);
    }
  });

  it('keeps every part within its bound, whatever was undelivered, and loses no resource', () => {
    fc.assert(
      fc.property(anyUndelivered, (undelivered) => {
        const parts = undeliveredLogParts(undelivered);
        for (const part of parts) {
          expect(JSON.stringify(part.resources).length).toBeLessThanOrEqual(LOG_PART_CHARS + 1_200 * 6);
          expect(JSON.stringify(part).length).toBeLessThan(CLOUDWATCH_EVENT_BYTES / 4);
        }
        const logged = parts.flatMap((part) => part.resources as string[]).length;
        const all = [...undelivered.byReason.values()].flat().length + undelivered.unexplained.length;
        expect(logged).toBe(all);
      }),
    );
  });
});
