/**
 * The result token filter. Config's result token lets whoever holds it write evaluations for the rule, and a
 * service error may echo what it was sent: every log line (see `logger.ts`) and the error an invocation ends
 * with pass through here, and the token of the invocation in progress is replaced wherever it appears.
 */

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * The shortest leading part of a secret that is taken for the secret: a service that echoes a long value
 * may cut it short, and the part it keeps is as much a secret.
 */
export const MIN_FRAGMENT = 16;

/** Replaces `secret` in `text`: whole, or (for a secret that long) any cut-short echo of its first characters. */
export const redactSecret = (text: string, secret: string): string => {
  if (secret === '') return text;
  if (secret.length <= MIN_FRAGMENT) return text.replaceAll(secret, REDACTED);
  const head = secret.slice(0, MIN_FRAGMENT);
  let at = text.indexOf(head);
  if (at < 0) return text;
  let redacted = '';
  let from = 0;
  while (at >= 0) {
    let end = at + MIN_FRAGMENT;
    while (end < text.length && end - at < secret.length && text[end] === secret[end - at]) end += 1;
    redacted += `${text.slice(from, at)}${REDACTED}`;
    from = end;
    at = text.indexOf(head, end);
  }
  return redacted + text.slice(from);
};

/** The secrets of the invocations in progress, with how many of them registered each. */
const secrets = new Map<string, number>();

/** Replaces every registered secret in `text`. */
export const redactSecrets = (text: string): string => {
  let redacted = text;
  for (const secret of secrets.keys()) redacted = redactSecret(redacted, secret);
  return redacted;
};

/**
 * Registers a secret (a non-empty string; anything else is ignored) until the returned function is called:
 * from then on, no log line carries it.
 */
export const hideSecret = (secret: unknown): (() => void) => {
  if (typeof secret !== 'string' || secret === '') return () => {};
  secrets.set(secret, (secrets.get(secret) ?? 0) + 1);
  let forgotten = false;
  return () => {
    if (forgotten) return;
    forgotten = true;
    const count = (secrets.get(secret) ?? 1) - 1;
    if (count > 0) secrets.set(secret, count);
    else secrets.delete(secret);
  };
};

const MAX_DEPTH = 5;

const redactValue = (value: unknown, seen: Set<object>, depth: number): unknown => {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || seen.has(value)) return value;
  seen.add(value);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const redacted = redactValue(record[key], seen, depth + 1);
    if (redacted === record[key]) continue;
    try {
      record[key] = redacted;
    } catch {
      // A read-only property: left as it is; the log lines are filtered anyway.
    }
  }
  if (value instanceof Error) {
    value.message = redactSecrets(value.message);
    if (typeof value.stack === 'string') value.stack = redactSecrets(value.stack);
    if (value.cause !== undefined) value.cause = redactValue(value.cause, seen, depth + 1);
  }
  return value;
};

/**
 * Removes every registered secret from an error, in place: its message and stack, its causes, and its
 * enumerable properties (an SDK error carries what the service answered). The Lambda runtime logs the error
 * an invocation ends with, and sends it to the dead-letter queue.
 */
export const redactError = <T>(error: T): T => redactValue(error, new Set(), 0) as T;
