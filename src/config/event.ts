import { InvalidEventError } from '../errors.js';
import { isRecord, type JsonObject, parseJsonObject } from '../json.js';

/** The `messageType` values of Config's invoking event. */
export const MessageType = {
  ConfigurationItemChange: 'ConfigurationItemChangeNotification',
  OversizedConfigurationItemChange: 'OversizedConfigurationItemChangeNotification',
  Scheduled: 'ScheduledNotification',
  /** The legacy periodic trigger; handled like ScheduledNotification. */
  SnapshotDeliveryCompleted: 'ConfigurationSnapshotDeliveryCompleted',
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** The Lambda event AWS Config sends to a custom rule (`@types/aws-lambda` has no type for it). */
export interface ConfigRuleEvent {
  readonly version?: string;
  readonly invokingEvent: string;
  readonly ruleParameters?: string;
  readonly resultToken: string;
  readonly eventLeftScope: boolean;
  readonly executionRoleArn?: string;
  readonly configRuleArn?: string;
  readonly configRuleName: string;
  readonly configRuleId?: string;
  readonly accountId: string;
  readonly evaluationMode?: string;
}

/** A change notification: the whole configuration item is in the event. */
export interface ChangeNotification {
  readonly messageType: typeof MessageType.ConfigurationItemChange;
  readonly configurationItem: Record<string, unknown>;
  /** What changed since the previous item (`changedProperties` by property path); absent or null at times. */
  readonly configurationItemDiff?: unknown;
  readonly notificationCreationTime?: string;
}

/** The item was too large for the event: only a summary; the item is read from the history. */
export interface OversizedNotification {
  readonly messageType: typeof MessageType.OversizedConfigurationItemChange;
  readonly configurationItemSummary: {
    readonly resourceType: string;
    readonly resourceId: string;
    readonly configurationItemCaptureTime?: string;
  };
  readonly notificationCreationTime?: string;
}

/** A periodic trigger: no resource; the rule sweeps every instance. */
export interface PeriodicNotification {
  readonly messageType: typeof MessageType.Scheduled | typeof MessageType.SnapshotDeliveryCompleted;
  readonly notificationCreationTime: Date;
}

export type InvokingEvent = ChangeNotification | OversizedNotification | PeriodicNotification;

/** A Config rule event whose envelope and invoking event have been checked. */
export interface ParsedConfigEvent {
  readonly envelope: ConfigRuleEvent;
  readonly invoking: InvokingEvent;
}

const requireString = (source: JsonObject, field: string, where: string, problems: string[]): void => {
  if (typeof source[field] !== 'string' || source[field] === '') {
    problems.push(`${where}${field} is missing or not a non-empty string`);
  }
};

const checkEnvelope = (event: unknown): ConfigRuleEvent => {
  if (!isRecord(event)) throw new InvalidEventError(['the event is not a JSON object']);
  const problems: string[] = [];
  for (const field of ['invokingEvent', 'resultToken', 'configRuleName', 'accountId']) {
    requireString(event, field, '', problems);
  }
  if (event.ruleParameters !== undefined && typeof event.ruleParameters !== 'string') {
    problems.push('ruleParameters must be a JSON string');
  }
  if (event.eventLeftScope !== undefined && typeof event.eventLeftScope !== 'boolean') {
    problems.push('eventLeftScope must be a boolean');
  }
  if (problems.length > 0) throw new InvalidEventError(problems);
  return { ...event, eventLeftScope: event.eventLeftScope === true } as unknown as ConfigRuleEvent;
};

const parseDate = (value: unknown, field: string, problems: string[]): Date => {
  const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) problems.push(`invokingEvent.${field} is missing or not a timestamp`);
  return date;
};

/** `invokingEvent.<field>`: an object whose `strings` are non-empty strings; undefined when it is missing. */
const requireItem = (
  invoking: JsonObject,
  field: string,
  strings: readonly string[],
  problems: string[],
): JsonObject | undefined => {
  const item = invoking[field];
  if (!isRecord(item)) {
    problems.push(`invokingEvent.${field} is missing`);
    return undefined;
  }
  for (const name of strings) requireString(item, name, `invokingEvent.${field}.`, problems);
  return item;
};

const checkInvoking = (raw: string): InvokingEvent => {
  const { object: invoking, problem, options } = parseJsonObject(raw);
  if (invoking === undefined) throw new InvalidEventError([`invokingEvent is ${problem}`], options);
  const problems: string[] = [];
  const messageType = invoking.messageType;
  switch (messageType) {
    case MessageType.ConfigurationItemChange: {
      const fields = ['resourceType', 'resourceId', 'configurationItemStatus'];
      const item = requireItem(invoking, 'configurationItem', fields, problems);
      const captureTime = 'configurationItem.configurationItemCaptureTime';
      if (item !== undefined) parseDate(item.configurationItemCaptureTime, captureTime, problems);
      break;
    }
    case MessageType.OversizedConfigurationItemChange:
      requireItem(invoking, 'configurationItemSummary', ['resourceType', 'resourceId'], problems);
      break;
    case MessageType.Scheduled:
    case MessageType.SnapshotDeliveryCompleted: {
      const notificationCreationTime = parseDate(
        invoking.notificationCreationTime,
        'notificationCreationTime',
        problems,
      );
      if (problems.length > 0) throw new InvalidEventError(problems);
      return { messageType, notificationCreationTime };
    }
    default:
      throw new InvalidEventError([
        `unsupported messageType ${JSON.stringify(messageType ?? null)} (expected one of: ${Object.values(MessageType).join(', ')})`,
      ]);
  }
  if (problems.length > 0) throw new InvalidEventError(problems);
  return invoking as unknown as InvokingEvent;
};

/**
 * Checks the Lambda event and parses its invoking event. Throws an InvalidEventError naming every problem;
 * nothing is evaluated from an event that fails here.
 */
export const parseConfigEvent = (event: unknown): ParsedConfigEvent => {
  const envelope = checkEnvelope(event);
  return { envelope, invoking: checkInvoking(envelope.invokingEvent) };
};
