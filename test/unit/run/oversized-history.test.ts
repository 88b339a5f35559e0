import { describe, expect, it } from 'vitest';
import type { OversizedNotification } from '../../../src/config/event.js';
import type { HistoryReader } from '../../../src/config/history.js';
import { HistoryLagError } from '../../../src/errors.js';
import { completeParameters, parseRuleParameters } from '../../../src/rule/parameters.js';
import type { Deadline } from '../../../src/run/deadline.js';
import { evaluateChange, HISTORY_REREAD_DELAYS_MS } from '../../../src/run/evaluate-change.js';
import { historyItem } from '../../support/events.js';

const NOTIFIED_AT = '2017-04-05T22:23:11.677Z';
const parameters = completeParameters(
  parseRuleParameters(JSON.stringify({ appTierTagKey: 'tier', appTierTagValue: 'app' })),
);
const oversized = (capturedAt: string | undefined = NOTIFIED_AT): OversizedNotification => ({
  messageType: 'OversizedConfigurationItemChangeNotification',
  configurationItemSummary: {
    resourceType: 'AWS::EC2::Instance',
    resourceId: 'i-03402838daac1d611',
    ...(capturedAt === undefined ? {} : { configurationItemCaptureTime: capturedAt }),
  },
});

/** The history item, captured at `at`: the newest Config holds, as GetResourceConfigHistory returns it. */
const itemAt = (at: string, profile?: string) => {
  const item = historyItem();
  const configuration = JSON.parse(item.configuration as string);
  if (profile !== undefined) configuration.iamInstanceProfile = { arn: profile, id: 'AIPAEXAMPLE' };
  return {
    ...item,
    configurationItemCaptureTime: new Date(at),
    configuration: JSON.stringify(configuration),
  };
};

/** A history that answers each read with the next item (the last one from then on), counting reads. */
const history = (...answers: Record<string, unknown>[]) => {
  let reads = 0;
  const reader: HistoryReader = {
    async latest() {
      const answer = answers[Math.min(reads, answers.length - 1)] as Record<string, unknown>;
      reads += 1;
      return answer;
    },
  };
  return { reader, reads: () => reads };
};

/** A clock that moves only when the rule waits: the deadline and the waits it asked for. */
const clock = (remainingMs: number) => {
  const waits: number[] = [];
  let left = remainingMs;
  const deadline: Deadline = { remainingMs: () => left };
  const sleep = async (ms: number) => {
    waits.push(ms);
    left -= ms;
  };
  return { deadline, sleep, waits };
};

const PROFILE = 'arn:aws:iam::123456789012:instance-profile/app';

describe('evaluateChange: an oversized notification whose history lags', () => {
  it('reads again after a short wait, and evaluates the item of the change notified', async () => {
    // Prepare: the first read still returns the item before the change (no profile).
    const { reader, reads } = history(itemAt('2017-04-05T22:00:00.000Z'), itemAt(NOTIFIED_AT, PROFILE));
    const { deadline, sleep, waits } = clock(300_000);

    // Act
    const result = await evaluateChange({
      invoking: oversized(),
      eventLeftScope: false,
      parameters,
      history: () => reader,
      deadline,
      sleep,
    });

    // Assess
    expect(reads()).toBe(2);
    expect(waits).toEqual([HISTORY_REREAD_DELAYS_MS[0]]);
    expect(result.decision.compliance).toBe('COMPLIANT');
    expect(result.evaluation.OrderingTimestamp).toEqual(new Date(NOTIFIED_AT));
  });

  it('fails, naming the resource and both capture times, when the history is still older after its waits', async () => {
    // Prepare
    const { reader, reads } = history(itemAt('2017-04-05T22:00:00.000Z'));
    const { deadline, sleep, waits } = clock(300_000);

    // Act
    const evaluated = evaluateChange({
      invoking: oversized(),
      eventLeftScope: false,
      parameters,
      history: () => reader,
      deadline,
      sleep,
    });

    // Assess
    await expect(evaluated).rejects.toBeInstanceOf(HistoryLagError);
    await expect(evaluated).rejects.toThrow(
      /AWS::EC2::Instance i-03402838daac1d611.*2017-04-05T22:00:00\.000Z.*2017-04-05T22:23:11\.677Z/,
    );
    expect(reads()).toBe(HISTORY_REREAD_DELAYS_MS.length + 1);
    expect(waits).toEqual([...HISTORY_REREAD_DELAYS_MS]);
  });

  it('waits only while the invocation has time to read again and report: none at all when short of it', async () => {
    // Prepare
    const { reader, reads } = history(itemAt('2017-04-05T22:00:00.000Z'));
    const { deadline, sleep, waits } = clock(5_000);

    // Act
    const evaluated = evaluateChange({
      invoking: oversized(),
      eventLeftScope: false,
      parameters,
      history: () => reader,
      deadline,
      sleep,
    });

    // Assess
    await expect(evaluated).rejects.toBeInstanceOf(HistoryLagError);
    expect(reads()).toBe(1);
    expect(waits).toEqual([]);
  });

  it('fails, naming the resource, when the history item has no valid capture time (nothing would order it)', async () => {
    // Prepare
    const { reader, reads } = history({ ...itemAt(NOTIFIED_AT), configurationItemCaptureTime: 'not a time' });
    const { deadline, sleep, waits } = clock(300_000);

    // Act
    const evaluated = evaluateChange({
      invoking: oversized(),
      eventLeftScope: false,
      parameters,
      history: () => reader,
      deadline,
      sleep,
    });

    // Assess
    await expect(evaluated).rejects.toThrow(
      'The configuration item of i-03402838daac1d611 has no valid configurationItemCaptureTime',
    );
    expect(reads()).toBe(1);
    expect(waits).toEqual([]);
  });

  it.each([
    ['the item is the one notified', NOTIFIED_AT, NOTIFIED_AT],
    ['the item is newer than the one notified', '2017-04-06T00:00:00.000Z', NOTIFIED_AT],
    ['the notification names no capture time', NOTIFIED_AT, undefined],
  ])('reads once when %s', async (_, itemTime, notified) => {
    // Prepare
    const { reader, reads } = history(itemAt(itemTime));
    const { deadline, sleep, waits } = clock(300_000);

    // Act
    const result = await evaluateChange({
      invoking: oversized(notified),
      eventLeftScope: false,
      parameters,
      history: () => reader,
      deadline,
      sleep,
    });

    // Assess
    expect(reads()).toBe(1);
    expect(waits).toEqual([]);
    expect(result.evaluation.OrderingTimestamp).toEqual(new Date(itemTime));
  });
});
