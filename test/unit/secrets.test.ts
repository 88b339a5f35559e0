import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logger } from '../../src/logger.js';
import {
  hideSecret,
  MIN_RUN,
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

  it('replaces an echo of the secret cut short, from its first 32 characters on', () => {
    // Prepare
    const echo = `Value '${token.slice(0, 120)}...' at 'resultToken'`;

    // Act & Assess
    expect(redactSecret(echo, token)).toBe(`Value '${REDACTED}...' at 'resultToken'`);
    expect(redactSecret(`x${token.slice(0, MIN_RUN - 1)}x`, token)).toBe(`x${token.slice(0, MIN_RUN - 1)}x`);
  });

  it('replaces a run of 32 characters or more that starts anywhere in the token, wherever it is in the line', () => {
    // Prepare: every real token begins with the same 24 characters, the encoding of {"encryptedData":[
    const middle = token.slice(200, 260);
    const tail = token.slice(-MIN_RUN);

    // Act & Assess
    expect(token.startsWith('eyJlbmNyeXB0ZWREYXRhIjpb')).toBe(true);
    expect(redactSecret(`token ${middle} echoed`, token)).toBe(`token ${REDACTED} echoed`);
    expect(redactSecret(`${tail}|${middle}`, token)).toBe(`${REDACTED}|${REDACTED}`);
    expect(redactSecret(`<${token.slice(300, 300 + MIN_RUN - 1)}>`, token)).toBe(
      `<${token.slice(300, 300 + MIN_RUN - 1)}>`,
    );
  });

  it('replaces a short secret only whole, and leaves text alone for an empty one', () => {
    expect(redactSecret('a myResultToken b myResult', 'myResultToken')).toBe(`a ${REDACTED} b myResult`);
    expect(redactSecret('anything', '')).toBe('anything');
  });

  it('leaves no run of 32 characters of the secret in any text, wherever the runs start and however they meet', () => {
    const secretUnit = fc.constantFrom('a', 'b', 'c', '=');
    const other = fc.string({ unit: fc.constantFrom('x', 'y', ' ', "'"), maxLength: 40 });
    const windowsOf = (secret: string) =>
      Array.from({ length: Math.max(0, secret.length - MIN_RUN + 1) }, (_, at) =>
        secret.slice(at, at + MIN_RUN),
      );
    fc.assert(
      fc.property(
        fc.string({ unit: secretUnit, minLength: MIN_RUN, maxLength: 300 }),
        fc.array(fc.tuple(other, fc.nat(), fc.nat()), { minLength: 1, maxLength: 4 }),
        other,
        (secret, pieces, after) => {
          const runs = pieces.map(([before, start, length]) => {
            const from = start % (secret.length - MIN_RUN + 1);
            const to = Math.min(secret.length, from + MIN_RUN + (length % secret.length));
            return [before, secret.slice(from, to)] as const;
          });
          const text = runs.map(([before, run]) => `${before}${run}`).join('') + after;
          const redacted = redactSecret(text, secret);
          for (const window of windowsOf(secret)) expect(redacted).not.toContain(window);
          // Only the runs go: whatever was around them stays.
          expect(redacted.replaceAll(REDACTED, '')).toBe(runs.map(([before]) => before).join('') + after);
        },
      ),
    );
  });

  it('replaces a single run exactly, from wherever it starts in the secret', () => {
    const other = fc.string({ unit: fc.constantFrom('x', 'y', ' ', "'"), maxLength: 40 });
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', '='), minLength: MIN_RUN + 1, maxLength: 200 }),
        other,
        other,
        fc.nat(),
        fc.nat(),
        (secret, before, after, start, extra) => {
          const from = start % (secret.length - MIN_RUN + 1);
          const run = secret.slice(from, from + MIN_RUN + (extra % secret.length));
          expect(redactSecret(`${before}${run}${after}`, secret)).toBe(`${before}${REDACTED}${after}`);
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
    expect(error.stack).not.toContain(token.slice(0, MIN_RUN));
    expect(cause.message).toBe(`underlying ${REDACTED}`);
    expect(error.Message).toBe(REDACTED);
    expect(error.$metadata.detail).toEqual([REDACTED]);
    expect(error.count).toBe(3);
  });

  it('never throws, and never lets the secret through, for an error whose message cannot be set', () => {
    // Prepare
    const forget = hideSecret(token);
    const frozen = Object.freeze(new Error(`frozen ${token.slice(100, 180)}`));
    const getterOnly = new TypeError('placeholder');
    Object.defineProperty(getterOnly, 'message', { get: () => `getter ${token}`, enumerable: false });
    const throwing = Object.assign(new Error('boom'), {});
    Object.defineProperty(throwing, 'detail', {
      enumerable: true,
      get() {
        throw new Error('a getter that fails');
      },
    });
    const hostile = new Proxy(new Error(`proxied ${token}`), {
      ownKeys() {
        throw new Error('no keys');
      },
    });

    try {
      // Act
      const results = [frozen, getterOnly, throwing, hostile].map((error) => redactError(error));

      // Assess
      for (const result of results) {
        expect(result).toBeInstanceOf(Error);
        expect(String((result as Error).message)).not.toContain(token.slice(100, 100 + MIN_RUN));
        expect(String((result as Error).message)).not.toContain(token.slice(0, MIN_RUN));
        expect(String((result as Error).stack)).not.toContain(token.slice(100, 100 + MIN_RUN));
      }
      // What could be cleaned in place is the very error; the others keep their name and their words.
      expect(results[2]).toBe(throwing);
      expect((results[0] as Error).message).toBe(`Error: frozen ${REDACTED}`);
      expect((results[1] as Error).message).toBe(`TypeError: getter ${REDACTED}`);
    } finally {
      forget();
    }
  });

  it('leaves an error that carries no secret as it is, frozen or not', () => {
    // Prepare
    const forget = hideSecret(token);
    const frozen = Object.freeze(new Error('nothing secret'));

    // Act
    const result = redactError(frozen);
    forget();

    // Assess
    expect(result).toBe(frozen);
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
      expect(line).not.toContain(token.slice(0, MIN_RUN));
      expect(line).toContain(REDACTED);
    }
  });
});
