import type { OrganizationProgress } from './organization-audit.js';

/** Where progress goes: stderr, or a stand-in for it in tests. */
export interface ProgressStream {
  /** True only for a terminal: progress is drawn for a person watching, never into a file or a pipe. */
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** A progress display of an audit across accounts. */
export interface ProgressDisplay {
  update(progress: OrganizationProgress): void;
  /** Clears the line, so what follows on the terminal starts clean. */
  end(): void;
}

export interface ProgressOptions {
  readonly stream: ProgressStream;
  /** `--quiet`. */
  readonly quiet?: boolean;
  /** Milliseconds since some origin; `performance.now` by default (tests give their own clock). */
  readonly now?: () => number;
  /** The least time between two redraws, so 17,000 regions do not mean 17,000 writes to the terminal. */
  readonly intervalMs?: number;
}

/** `1:05`, `1:02:03`. */
export const formatDuration = (ms: number): string => {
  const total = Math.max(0, Math.round(ms / 1000));
  const [hours, minutes, seconds] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const mm = hours > 0 ? String(minutes).padStart(2, '0') : String(minutes);
  return `${hours > 0 ? `${hours}:` : ''}${mm}:${String(seconds).padStart(2, '0')}`;
};

/**
 * The regions there will be in all: those of the accounts opened so far, and as many again per account
 * not opened yet (or being opened) as the opened ones have on average.
 */
const expectedRegions = (progress: OrganizationProgress): number => {
  const { accounts, regions, opened, openFailed } = progress;
  const perAccount = opened > 0 ? regions.known / opened : 0;
  return Math.round(regions.known + (accounts.total - opened - openFailed) * perAccount);
};

/**
 * One line: `accounts 12/50  regions 180/850  elapsed 0:42  about 1:10 left  2 failed`. The estimate is
 * the regions left at the pace so far; none is given before the first region is done.
 */
export const progressLine = (progress: OrganizationProgress, elapsedMs: number): string => {
  const { accounts, regions, failed } = progress;
  const total = Math.max(expectedRegions(progress), regions.done);
  const left =
    regions.done > 0 && total > regions.done
      ? `  about ${formatDuration(((total - regions.done) * elapsedMs) / regions.done)} left`
      : '';
  return (
    `accounts ${accounts.done}/${accounts.total}  regions ${regions.done}/${total}  ` +
    `elapsed ${formatDuration(elapsedMs)}${left}${failed > 0 ? `  ${failed} failed` : ''}`
  );
};

const NOTHING: ProgressDisplay = { update() {}, end() {} };

/**
 * Progress on a terminal: one line redrawn in place (carriage return, erase line). Nothing at all when the
 * stream is not a terminal or with `--quiet`: a log or a pipe gets the result and the errors, not a
 * stream of redraws. Progress never goes to stdout, which holds the result.
 */
export const progressDisplay = ({
  stream,
  quiet = false,
  now = () => performance.now(),
  intervalMs = 250,
}: ProgressOptions): ProgressDisplay => {
  if (quiet || stream.isTTY !== true) return NOTHING;
  const start = now();
  let drawnAt: number | undefined;
  let drawn = false;
  return {
    update(progress) {
      const at = now();
      const finished = progress.accounts.done === progress.accounts.total;
      if (!finished && drawnAt !== undefined && at - drawnAt < intervalMs) return;
      drawnAt = at;
      drawn = true;
      stream.write(`\r\x1b[2K${progressLine(progress, at - start)}`);
    },
    end() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
};
