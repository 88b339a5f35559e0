import { RedactedError } from './errors.js';

/**
 * The result token filter. Config's result token lets whoever holds it write evaluations for the rule, and a
 * service error may echo what it was sent: every log line (see `logger.ts`) and the error an invocation ends
 * with pass through here, and the token of the invocation in progress is replaced wherever it appears.
 */

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * The shortest run of a secret's consecutive characters that is taken for the secret, wherever it starts in
 * the secret: a service that echoes a long value may cut it at either end. Not less: every real result token
 * begins with the same 24 characters (`eyJlbmNyeXB0ZWREYXRhIjpb`, the encoding of `{"encryptedData":[`), which
 * hold nothing secret.
 */
export const MIN_RUN = 32;

// A polynomial hash of each MIN_RUN-character window, modulo 2^32, rolled one character at a time.
const BASE = 0x9e3779b1;
const BASE_POW = Array.from({ length: MIN_RUN - 1 }).reduce<number>((power) => Math.imul(power, BASE), 1);
const hashOf = (text: string, from: number): number => {
  let hash = 0;
  for (let index = from; index < from + MIN_RUN; index += 1) {
    hash = (Math.imul(hash, BASE) + text.charCodeAt(index)) | 0;
  }
  return hash;
};
/** A hash as a map key small enough for V8 to keep unboxed. */
const keyOf = (hash: number): number => hash >>> 2;
const roll = (hash: number, leaving: number, entering: number): number =>
  (Math.imul((hash - Math.imul(leaving, BASE_POW)) | 0, BASE) + entering) | 0;

/** A hash's slot in a secret's table of hashes present: most windows of a line are ruled out by it alone. */
const SLOT_BITS = 16;
const slotOf = (hash: number): number => (hash ^ (hash >>> SLOT_BITS)) & ((1 << SLOT_BITS) - 1);

/** Every MIN_RUN-character window of a secret, by hash: where in the secret each starts. */
interface SecretIndex {
  readonly secret: string;
  readonly windows: ReadonlyMap<number, readonly number[]>;
  /** 1 at the slot of each window's hash. */
  readonly slots: Uint8Array;
  /** 1 at the code of each character the secret holds: a window with any other cannot be part of it. */
  readonly characters: Uint8Array;
}

const indexSecret = (secret: string): SecretIndex => {
  const windows = new Map<number, number[]>();
  const slots = new Uint8Array(1 << SLOT_BITS);
  const characters = new Uint8Array(1 << 16);
  for (let at = 0; at < secret.length; at += 1) characters[secret.charCodeAt(at)] = 1;
  let hash = hashOf(secret, 0);
  for (let at = 0; ; at += 1) {
    const starts = windows.get(keyOf(hash));
    if (starts === undefined) windows.set(keyOf(hash), [at]);
    else starts.push(at);
    slots[slotOf(hash)] = 1;
    if (at + MIN_RUN >= secret.length) break;
    hash = roll(hash, secret.charCodeAt(at), secret.charCodeAt(at + MIN_RUN));
  }
  return { secret, windows, slots, characters };
};

/** Indexes of the secrets seen lately: a secret is indexed once, not once per line. */
const indexes = new Map<string, SecretIndex>();
const INDEX_LIMIT = 16;

const indexOf = (secret: string): SecretIndex => {
  let index = indexes.get(secret);
  if (index === undefined) {
    index = indexSecret(secret);
    if (indexes.size >= INDEX_LIMIT) indexes.clear();
    indexes.set(secret, index);
  }
  return index;
};

/** Whether `text` holds, at `at`, the window of the secret that starts at `start`. */
const holdsWindow = (text: string, at: number, secret: string, start: number): boolean => {
  for (let offset = 0; offset < MIN_RUN; offset += 1) {
    if (text.charCodeAt(at + offset) !== secret.charCodeAt(start + offset)) return false;
  }
  return true;
};

/**
 * Where the run of the secret that `text` holds at `at` ends, when one of these windows of the secret is
 * there (extended as far as text and secret go on alike); -1 when none is.
 */
const runEnd = (text: string, at: number, secret: string, starts: readonly number[] | undefined): number => {
  if (starts === undefined) return -1;
  let longest = -1;
  for (const start of starts) {
    if (!holdsWindow(text, at, secret, start)) continue;
    let end = at + MIN_RUN;
    while (end < text.length && text.charCodeAt(end) === secret.charCodeAt(start + end - at)) end += 1;
    longest = Math.max(longest, end);
  }
  return longest;
};

/**
 * Replaces `secret` in `text`: every run of MIN_RUN or more of its consecutive characters, whatever part of
 * the secret it is and wherever it stands in the text (a secret shorter than that only whole). One pass over
 * the text: only stretches of at least MIN_RUN characters that the secret holds are looked at; there each
 * MIN_RUN-character window is hashed as it rolls by and looked up among the secret's windows (verified
 * character by character on a hit). The windows found, merged where they meet or overlap, are what is
 * replaced: a run of the secret is exactly a stretch of the text covered by such windows.
 */
export const redactSecret = (text: string, secret: string): string => {
  if (secret === '') return text;
  if (secret.length < MIN_RUN) return text.replaceAll(secret, REDACTED);
  if (text.length < MIN_RUN) return text;
  const { windows, slots, characters } = indexOf(secret);
  let redacted = '';
  let from = 0;
  let maskStart = -1;
  let maskEnd = -1;
  for (let start = 0; start + MIN_RUN <= text.length; ) {
    let end = start;
    while (end < text.length && characters[text.charCodeAt(end)] === 1) end += 1;
    let at = start;
    let hash = end - start >= MIN_RUN ? hashOf(text, at) : 0;
    while (at + MIN_RUN <= end) {
      const found = slots[slotOf(hash)] === 1 ? runEnd(text, at, secret, windows.get(keyOf(hash))) : -1;
      if (found >= 0) {
        if (at > maskEnd) {
          if (maskEnd >= 0) redacted += `${text.slice(from, maskStart)}${REDACTED}`;
          if (maskEnd >= 0) from = maskEnd;
          maskStart = at;
        }
        maskEnd = Math.max(maskEnd, found);
        // Every window inside the run is the secret's: go on with the first that reaches past it.
        at = Math.max(at + 1, found - MIN_RUN + 1);
        if (at + MIN_RUN <= end) hash = hashOf(text, at);
      } else {
        if (at + MIN_RUN >= end) break;
        hash = roll(hash, text.charCodeAt(at), text.charCodeAt(at + MIN_RUN));
        at += 1;
      }
    }
    start = end + 1;
  }
  if (maskEnd < 0) return text;
  return `${redacted}${text.slice(from, maskStart)}${REDACTED}${text.slice(maskEnd)}`;
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

/** A property as it reads, or undefined when reading it throws (a getter that fails, a hostile proxy). */
const read = (object: object, key: PropertyKey): unknown => {
  try {
    return (object as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
};

/** Sets a property if it can be set; a read-only one (a frozen object, a getter) is left as it is. */
const write = (object: object, key: PropertyKey, value: unknown): void => {
  try {
    (object as Record<PropertyKey, unknown>)[key] = value;
  } catch {
    // Left as it is: the caller checks what the error still says.
  }
};

const ownKeys = (object: object): string[] => {
  try {
    return Object.keys(object);
  } catch {
    return [];
  }
};

const redactValue = (value: unknown, seen: Set<object>, depth: number): unknown => {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || seen.has(value)) return value;
  seen.add(value);
  for (const key of ownKeys(value)) {
    const current = read(value, key);
    const redacted = redactValue(current, seen, depth + 1);
    if (redacted !== current) write(value, key, redacted);
  }
  if (value instanceof Error) {
    for (const key of ['message', 'stack', 'cause']) {
      const current = read(value, key);
      const redacted =
        key === 'cause' ? redactValue(current, seen, depth + 1) : redactValue(current, seen, depth);
      if (redacted !== current) write(value, key, redacted);
    }
  }
  return value;
};

const leaks = (text: unknown): boolean => typeof text === 'string' && redactSecrets(text) !== text;

/**
 * Removes every registered secret from an error, in place: its message and stack, its causes, and its
 * enumerable properties (an SDK error carries what the service answered). The Lambda runtime logs the error
 * an invocation ends with, and sends it to the dead-letter queue. Never throws: what cannot be rewritten
 * (a frozen error, a getter-only message) is left, and if the message or stack still holds a secret, a
 * RedactedError with the same words, the secret replaced, is returned to be thrown instead.
 */
export const redactError = <T>(error: T): T | RedactedError => {
  try {
    redactValue(error, new Set(), 0);
    if (!(error instanceof Error)) return error;
    const [message, stack] = [read(error, 'message'), read(error, 'stack')];
    if (!leaks(message) && !leaks(stack)) return error;
    const name = read(error, 'name');
    const replacement = new RedactedError(
      `${typeof name === 'string' ? name : 'Error'}: ${redactSecrets(String(message ?? ''))}`,
    );
    if (typeof stack === 'string') replacement.stack = redactSecrets(stack);
    return replacement;
  } catch {
    // Nothing above throws; should it, the error the invocation ended with is still the one reported.
    return error;
  }
};
