import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../../src/run/map-bounded.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('mapBounded', () => {
  it('keeps the order of the items and never has more than the limit in flight', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 3 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        async (delays, limit) => {
          // Prepare
          let inFlight = 0;
          let most = 0;

          // Act
          const results = await mapBounded(delays, limit, async (delay, index) => {
            inFlight += 1;
            most = Math.max(most, inFlight);
            for (let i = 0; i < delay; i += 1) await tick();
            inFlight -= 1;
            return index * 10;
          });

          // Assess
          expect(results).toEqual(delays.map((_, index) => index * 10));
          expect(most).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects with the first failure and starts no item after it', async () => {
    // Prepare
    const started: number[] = [];

    // Act
    const mapping = mapBounded([0, 1, 2, 3, 4], 1, async (item) => {
      started.push(item);
      if (item === 1) throw new Error('boom');
      return item;
    });

    // Assess
    await expect(mapping).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
  });

  it('maps nothing to nothing', async () => {
    // Act
    const results = await mapBounded([], 4, async () => 1);

    // Assess
    expect(results).toEqual([]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the limit %s', async (limit) => {
    // Act
    const mapping = mapBounded([1], limit, async (item) => item);

    // Assess
    await expect(mapping).rejects.toThrow(RangeError);
  });
});
