import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logger } from '../../src/logger.js';
import {
  hideSecret,
  MIN_FRAGMENT,
  REDACTED,
  redactError,
  redactSecret,
  redactSecrets,
} from '../../src/secrets.js';
import { loadEvent } from '../support/events.js';
import { captureLogs } from '../support/log-capture.js';

const token = loadEvent('compliant').resultToken as string;

describe('redactSecret', () => {
  it('replaces the secret wherever it appears', () => {
    expect(redactSecret(`a ${token} b ${token}`, token)).toBe(`a ${REDACTED} b ${REDACTED}`);
  });

  it('replaces an echo of the secret cut short, from its first 16 characters on', () => {
    // Prepare
    const echo = `Value '${token.slice(0, 120)}...' at 'resultToken'`;

    // Act & Assess
    expect(redactSecret(echo, token)).toBe(`Value '${REDACTED}...' at 'resultToken'`);
    expect(redactSecret(`x${token.slice(0, MIN_FRAGMENT - 1)}x`, token)).toBe(
      `x${token.slice(0, MIN_FRAGMENT - 1)}x`,
    );
  });

  it('replaces a short secret only whole, and leaves text alone for an empty one', () => {
    expect(redactSecret('a myResultToken b myResult', 'myResultToken')).toBe(`a ${REDACTED} b myResult`);
    expect(redactSecret('anything', '')).toBe('anything');
  });

  it('leaves nothing of the secret’s first 16 characters in any text carrying it, whole or cut', () => {
    const other = fc.string({ unit: fc.constantFrom('x', 'y', ' ', "'"), maxLength: 40 });
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', '='), minLength: MIN_FRAGMENT + 1, maxLength: 200 }),
        other,
        other,
        fc.integer({ min: MIN_FRAGMENT, max: 200 }),
        (secret, before, after, kept) => {
          const redacted = redactSecret(`${before}${secret.slice(0, kept)}${after}`, secret);
          expect(redacted).toBe(`${before}${REDACTED}${after}`);
        },
      ),
    );
  });
});

describe('hideSecret', () => {
  it('redacts a secret from registration until it is forgotten, counting registrations', () => {
    // Act
    const forgetFirst = hideSecret(token);
    const forgetSecond = hideSecret(token);
    forgetFirst();
    forgetFirst();
    const whileOneHolds = redactSecrets(token);
    forgetSecond();

    // Assess
    expect(whileOneHolds).toBe(REDACTED);
    expect(redactSecrets(token)).toBe(token);
  });

  it('ignores what is not a non-empty string', () => {
    expect(() => hideSecret(undefined)()).not.toThrow();
    expect(() => hideSecret('')()).not.toThrow();
    expect(redactSecrets('')).toBe('');
  });
});

describe('redactError', () => {
  it('removes the secret from the message, stack, causes and properties of an error, in place', () => {
    // Prepare
    const forget = hideSecret(token);
    const cause = new Error(`underlying ${token}`);
    const error = Object.assign(new Error(`echoed ${token}`, { cause }), {
      Message: token,
      $metadata: { detail: [token] },
      count: 3,
    });
    Object.defineProperty(error, 'fixed', { value: token, enumerable: true, writable: false });
    (error as unknown as { self: unknown }).self = error;

    // Act
    const redacted = redactError(error);
    forget();

    // Assess
    expect(redacted).toBe(error);
    expect(error.message).toBe(`echoed ${REDACTED}`);
    expect(error.stack).not.toContain(token.slice(0, MIN_FRAGMENT));
    expect(cause.message).toBe(`underlying ${REDACTED}`);
    expect(error.Message).toBe(REDACTED);
    expect(error.$metadata.detail).toEqual([REDACTED]);
    expect(error.count).toBe(3);
  });

  it('leaves anything but an object alone', () => {
    expect(redactError(undefined)).toBeUndefined();
    expect(redactError(42)).toBe(42);
  });
});

describe('logger', () => {
  it('writes no registered secret, wherever it is in the line', async () => {
    // Prepare
    const forget = hideSecret(token);

    // Act
    const { lines } = await captureLogs('INFO', () => {
      logger.info(`message ${token}`, { attribute: token, nested: { list: [token.slice(0, 100)] } });
      logger.error('failed', new Error(`error ${token}`, { cause: new Error(token) }));
    });
    forget();

    // Assess
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(token.slice(0, MIN_FRAGMENT));
      expect(line).toContain(REDACTED);
    }
  });
});
