import { describe, expect, it } from 'vitest';
import { MessageType, parseConfigEvent } from '../../../src/config/event.js';
import { InvalidEventError } from '../../../src/errors.js';
import { loadEvent, SAMPLE_EVENTS, withChanges } from '../../support/events.js';

const problemsOf = (event: unknown): readonly string[] => {
  try {
    parseConfigEvent(event);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.problems;
    throw error;
  }
  throw new Error('expected an InvalidEventError');
};

describe('parseConfigEvent', () => {
  it.each(SAMPLE_EVENTS)('accepts the sample %s', (name) => {
    expect(() => parseConfigEvent(loadEvent(name))).not.toThrow();
  });

  it('accepts a real event without version and with evaluationMode', () => {
    // Prepare
    const event = loadEvent('compliant');
    delete event.version;

    // Act
    const { envelope, invoking } = parseConfigEvent(event);

    // Assess
    expect(envelope.evaluationMode).toBe('DETECTIVE');
    expect(invoking.messageType).toBe(MessageType.ConfigurationItemChange);
  });

  it('reads the periodic notification time', () => {
    // Act
    const { invoking } = parseConfigEvent(loadEvent('scheduled'));

    // Assess
    expect(invoking).toEqual({
      messageType: MessageType.Scheduled,
      notificationCreationTime: new Date('2023-04-27T13:26:17.741Z'),
    });
  });

  it('treats the legacy snapshot trigger as periodic', () => {
    expect(parseConfigEvent(loadEvent('snapshot-delivery-completed')).invoking.messageType).toBe(
      MessageType.SnapshotDeliveryCompleted,
    );
  });

  it('reads eventLeftScope, false when absent', () => {
    expect(parseConfigEvent(loadEvent('left-scope')).envelope.eventLeftScope).toBe(true);
    expect(
      parseConfigEvent(withChanges('compliant', { envelope: { eventLeftScope: undefined } })).envelope
        .eventLeftScope,
    ).toBe(false);
  });

  it.each([
    ['not an object', 'hello', ['the event is not a JSON object']],
    [
      'an empty object',
      {},
      [
        'invokingEvent is missing or not a non-empty string',
        'resultToken is missing or not a non-empty string',
        'configRuleName is missing or not a non-empty string',
        'accountId is missing or not a non-empty string',
      ],
    ],
    [
      'ruleParameters as an object',
      withChanges('compliant', { envelope: { ruleParameters: { a: 1 } } }),
      ['ruleParameters must be a JSON string'],
    ],
    [
      'eventLeftScope as a string',
      withChanges('compliant', { envelope: { eventLeftScope: 'false' } }),
      ['eventLeftScope must be a boolean'],
    ],
    [
      'invokingEvent not JSON',
      withChanges('compliant', { envelope: { invokingEvent: '{"messageType":' } }),
      ['invokingEvent is not valid JSON'],
    ],
    [
      'invokingEvent a JSON array',
      withChanges('compliant', { envelope: { invokingEvent: '[]' } }),
      ['invokingEvent is not a JSON object'],
    ],
    [
      'an unknown message type',
      withChanges('scheduled', {
        invoking: (i) => {
          i.messageType = 'ComplianceChangeNotification';
        },
      }),
      [
        'unsupported messageType "ComplianceChangeNotification" (expected one of: ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification, ScheduledNotification, ConfigurationSnapshotDeliveryCompleted)',
      ],
    ],
    [
      'no message type',
      withChanges('scheduled', {
        invoking: (i) => {
          delete i.messageType;
        },
      }),
      ['unsupported messageType null'],
    ],
    [
      'a change without item',
      withChanges('compliant', {
        invoking: (i) => {
          delete i.configurationItem;
        },
      }),
      ['invokingEvent.configurationItem is missing'],
    ],
    [
      'an item without id and capture time',
      withChanges('compliant', {
        invoking: (i) => {
          const item = i.configurationItem as Record<string, unknown>;
          delete item.resourceId;
          item.configurationItemCaptureTime = 'yesterday';
        },
      }),
      [
        'invokingEvent.configurationItem.resourceId is missing or not a non-empty string',
        'invokingEvent.configurationItem.configurationItemCaptureTime is missing or not a timestamp',
      ],
    ],
    [
      'an oversized event without summary',
      withChanges('oversized', {
        invoking: (i) => {
          delete i.configurationItemSummary;
        },
      }),
      ['invokingEvent.configurationItemSummary is missing'],
    ],
    [
      'an oversized summary without type',
      withChanges('oversized', {
        invoking: (i) => {
          delete (i.configurationItemSummary as Record<string, unknown>).resourceType;
        },
      }),
      ['invokingEvent.configurationItemSummary.resourceType is missing or not a non-empty string'],
    ],
    [
      'a periodic event without time',
      withChanges('scheduled', {
        invoking: (i) => {
          delete i.notificationCreationTime;
        },
      }),
      ['invokingEvent.notificationCreationTime is missing or not a timestamp'],
    ],
  ])('rejects %s, naming the problem', (_name, event, expected) => {
    // Act
    const problems = problemsOf(event);

    // Assess
    expect(problems).toHaveLength(expected.length);
    for (const [index, problem] of expected.entries()) expect(problems[index]).toContain(problem);
  });

  it('says what is wrong in the error message', () => {
    expect(() => parseConfigEvent({})).toThrow(/^Invalid AWS Config event: invokingEvent is missing/);
  });
});
