/** What the reporter could not deliver, as it tells it: in a capped message and in log parts. */
export interface Undelivered {
  /** The resources not delivered (`<type> <id>`), by the reason given (a call's error, or Config's answer). */
  readonly byReason: Map<string, string[]>;
  /** Entries of FailedEvaluations that matched nothing sent, as Config named them. */
  readonly unexplained: string[];
}

/** Resources the error message names; the rest are counted, and logged in parts. */
export const MAX_LISTED = 20;
/** Distinct reasons the message gives. */
export const MAX_REASONS = 5;
/** Bound of the error message, whatever was undelivered: far below CloudWatch's 256 KB event limit. */
export const MAX_MESSAGE_CHARS = 8 * 1024;
/** Size of the resource list of one log line (JSON characters); the line stays far below 256 KB. */
export const LOG_PART_CHARS = 32 * 1024;

const MAX_REASON_CHARS = 300;
const MAX_LISTED_CHARS = 120;
/** Longer than any real `<type> <id>` (256 + 768 characters): only what a broken answer names is cut. */
const MAX_LOGGED_CHARS = 1_100;
const MAX_UNEXPLAINED_LISTED = 3;

/** Keeps a text within `max` characters, showing that it was cut. */
const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const listed = (keys: readonly string[], max: number): string => {
  const names = keys.slice(0, max).map((key) => cut(key, MAX_LISTED_CHARS));
  const more = keys.length > max ? ` and ${keys.length - max} more` : '';
  return `${names.join(', ')}${more}`;
};

const UNEXPLAINED_REASON = 'returned in FailedEvaluations but matching nothing sent';

/**
 * The message of the delivery error: how many evaluations were not delivered and why, and the first
 * MAX_LISTED of them. Bounded (MAX_MESSAGE_CHARS), so the error always fits one log line; the full list is
 * logged in parts (`undeliveredLogParts`).
 */
export const deliveryErrorMessage = (undelivered: Undelivered): string => {
  const keys = [...undelivered.byReason.values()].flat();
  const reasons = [...undelivered.byReason.keys()];
  const why = [
    ...reasons.slice(0, MAX_REASONS).map((reason) => cut(reason, MAX_REASON_CHARS)),
    ...(reasons.length > MAX_REASONS ? [`${reasons.length - MAX_REASONS} other reason(s)`] : []),
  ].join('; ');
  const sentences: string[] = [];
  if (keys.length > 0) {
    const rest = keys.length > MAX_LISTED ? ' (every one is logged as "Evaluations not delivered")' : '';
    sentences.push(
      `${keys.length} evaluation(s) not delivered to AWS Config (${why}): ${listed(keys, MAX_LISTED)}${rest}`,
    );
  }
  if (undelivered.unexplained.length > 0) {
    sentences.push(
      `AWS Config returned ${undelivered.unexplained.length} entr(ies) in FailedEvaluations that match ` +
        `nothing sent: ${listed(undelivered.unexplained, MAX_UNEXPLAINED_LISTED)}`,
    );
  }
  return cut(sentences.join('. '), MAX_MESSAGE_CHARS);
};

/** Splits resources into lists of at most LOG_PART_CHARS JSON characters (one resource at least). */
const chunks = (keys: readonly string[]): string[][] => {
  const parts: string[][] = [];
  let part: string[] = [];
  let size = 0;
  for (const key of keys) {
    const resource = cut(key, MAX_LOGGED_CHARS);
    const cost = JSON.stringify(resource).length + 1;
    if (part.length > 0 && size + cost > LOG_PART_CHARS) {
      parts.push(part);
      part = [];
      size = 0;
    }
    part.push(resource);
    size += cost;
  }
  if (part.length > 0) parts.push(part);
  return parts;
};

/**
 * The full list of what was not delivered, as the attributes of log lines: one reason each, at most
 * LOG_PART_CHARS of resources each, numbered (`part` of `parts`), so no line nears CloudWatch's limit.
 */
export const undeliveredLogParts = (undelivered: Undelivered): Record<string, unknown>[] => {
  const groups: [string, readonly string[]][] = [...undelivered.byReason];
  if (undelivered.unexplained.length > 0) groups.push([UNEXPLAINED_REASON, undelivered.unexplained]);
  const lines = groups.flatMap(([reason, keys]) =>
    chunks(keys).map((resources) => ({ reason: cut(reason, MAX_REASON_CHARS), resources })),
  );
  return lines.map((line, index) => ({ part: index + 1, parts: lines.length, ...line }));
};
