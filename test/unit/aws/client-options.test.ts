import { describe, expect, it } from 'vitest';
import {
  type AwsAccess,
  clientOptions,
  MAX_ATTEMPTS,
  MAX_KEPT_CLIENTS,
  perAccount,
  RETRY_MODE,
} from '../../../src/aws/client-options.js';

/** A client stand-in that records what it was made for and whether it was destroyed. */
class FakeClient {
  destroyed = false;
  constructor(readonly access: AwsAccess) {}
  destroy() {
    this.destroyed = true;
  }
}

const provider = async () => ({ accessKeyId: 'ASIA', secretAccessKey: 'secret' });
const assumed = (accountId: string, role = 'exec'): AwsAccess => ({
  accountId,
  credentials: provider,
  credentialsKey: `arn:aws:iam::${accountId}:role/${role}\nrule`,
});

describe('clientOptions', () => {
  it('sets the retry strategy and timeouts, and no credentials for the own account', () => {
    // Act
    const options = clientOptions({ accountId: '111111111111' });

    // Assess
    expect(options).toMatchObject({ retryMode: RETRY_MODE, maxAttempts: MAX_ATTEMPTS });
    expect(options.requestHandler).toEqual({ connectionTimeout: 3_000, requestTimeout: 15_000 });
    expect(options).not.toHaveProperty('credentials');
  });

  it('passes an assumed role’s credential provider through, so the SDK refreshes through it', () => {
    expect(clientOptions(assumed('222222222222'))).toHaveProperty('credentials', provider);
  });
});

describe('perAccount', () => {
  it('keeps one client for the own account, whatever account the access names', () => {
    // Prepare
    const client = perAccount((access) => new FakeClient(access));

    // Act
    const first = client({ accountId: '111111111111' });
    const second = client({ accountId: '111111111111' });

    // Assess
    expect(second).toBe(first);
  });

  it('keeps a client per assumed role, reused while its provider refreshes the credentials', () => {
    // Prepare
    const made: AwsAccess[] = [];
    const client = perAccount((access) => {
      made.push(access);
      return new FakeClient(access);
    });

    // Act
    const inB = client(assumed('222222222222'));
    const inBLater = client({
      ...assumed('222222222222'),
      credentials: async () => ({ accessKeyId: 'NEW', secretAccessKey: 's' }),
    });
    const inC = client(assumed('333333333333'));
    const otherRoleInB = client(assumed('222222222222', 'other'));
    const own = client({ accountId: '111111111111' });

    // Assess
    expect(inBLater).toBe(inB);
    expect(new Set([inB, inC, otherRoleInB, own]).size).toBe(4);
    expect(made.map((access) => access.accountId)).toEqual([
      '222222222222',
      '333333333333',
      '222222222222',
      '111111111111',
    ]);
  });

  it('drops and destroys the least recently used client past the limit', () => {
    // Prepare
    const client = perAccount((access) => new FakeClient(access));
    const account = (index: number) => assumed(String(200000000000 + index));
    const first = client(account(0));
    const second = client(account(1));
    for (let index = 2; index < MAX_KEPT_CLIENTS; index += 1) client(account(index));
    client(account(0)); // used again: now the most recent

    // Act
    client(account(MAX_KEPT_CLIENTS));

    // Assess
    expect(second.destroyed).toBe(true);
    expect(first.destroyed).toBe(false);
    expect(client(account(0))).toBe(first);
    expect(client(account(1))).not.toBe(second);
  });

  it('drops a kept value without destroy without failing', () => {
    // Prepare
    const client = perAccount((access) => ({ accountId: access.accountId }));
    const first = client(assumed('200000000000'));

    // Act
    for (let index = 1; index <= MAX_KEPT_CLIENTS; index += 1) client(assumed(String(200000000000 + index)));

    // Assess
    expect(client(assumed('200000000000'))).not.toBe(first);
  });
});
