import { describe, expect, it } from 'vitest';
import type { OrganizationProgress } from '../../../src/cli/organization-audit.js';
import { formatDuration, progressDisplay, progressLine } from '../../../src/cli/progress.js';

/** A stand-in for process.stderr: a terminal or not. */
const fakeStream = (isTTY: boolean) => {
  const writes: string[] = [];
  return { isTTY, write: (text: string) => writes.push(text), writes };
};

const snapshot = (done: number, total: number, regionsDone: number, known: number): OrganizationProgress => ({
  accounts: { done, total },
  regions: { done: regionsDone, known },
  opened: Math.min(total, done + 2),
  openFailed: 0,
  failed: 0,
});

describe('progressDisplay', () => {
  it('draws nothing when stderr is not a terminal', () => {
    // Prepare
    const stream = fakeStream(false);
    const display = progressDisplay({ stream });

    // Act
    display.update(snapshot(1, 10, 17, 51));
    display.update(snapshot(10, 10, 170, 170));
    display.end();

    // Assess
    expect(stream.writes).toEqual([]);
  });

  it('draws nothing with --quiet, even on a terminal', () => {
    // Prepare
    const stream = fakeStream(true);
    const display = progressDisplay({ stream, quiet: true });

    // Act
    display.update(snapshot(1, 10, 17, 51));
    display.end();

    // Assess
    expect(stream.writes).toEqual([]);
  });

  it('redraws one line on a terminal, at most every interval, then clears it', () => {
    // Prepare
    const stream = fakeStream(true);
    let now = 0;
    const display = progressDisplay({ stream, now: () => now, intervalMs: 250 });

    // Act
    now = 10_000;
    display.update(snapshot(1, 4, 17, 51));
    now = 10_100;
    display.update(snapshot(1, 4, 20, 51));
    now = 20_000;
    display.update(snapshot(2, 4, 34, 68));
    now = 20_050;
    display.update(snapshot(4, 4, 68, 68));
    display.end();

    // Assess: the second is within the interval; the last is drawn anyway (all accounts done).
    expect(stream.writes).toEqual([
      '\r\x1b[2Kaccounts 1/4  regions 17/68  elapsed 0:10  about 0:30 left',
      '\r\x1b[2Kaccounts 2/4  regions 34/68  elapsed 0:20  about 0:20 left',
      '\r\x1b[2Kaccounts 4/4  regions 68/68  elapsed 0:20',
      '\r\x1b[2K',
    ]);
  });
});

describe('progressLine', () => {
  it('estimates the regions of the accounts not opened yet from those opened', () => {
    // 3 accounts opened with 17 regions each, one that could not be opened, 11 in all: about 170 regions.
    const line = progressLine(
      {
        accounts: { done: 2, total: 11 },
        regions: { done: 34, known: 51 },
        opened: 3,
        openFailed: 1,
        failed: 2,
      },
      60_000,
    );

    expect(line).toBe('accounts 2/11  regions 34/170  elapsed 1:00  about 4:00 left  2 failed');
  });

  it('gives no estimate before the first region is done', () => {
    expect(progressLine(snapshot(0, 5, 0, 0), 1_000)).toBe('accounts 0/5  regions 0/0  elapsed 0:01');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0:00'],
    [59_400, '0:59'],
    [65_000, '1:05'],
    [3_723_000, '1:02:03'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
