import { vi } from 'vitest';
import { logger } from '../../src/logger.js';

/** What a run wrote to the log, and how it ended. */
export interface Captured<T> {
  /** Every chunk written to stdout and stderr: one JSON line per log record. */
  readonly lines: string[];
  readonly result?: T;
  readonly error?: unknown;
}

/**
 * Runs `run` with the logger at `level`, capturing what it writes to stdout and stderr (the Powertools
 * logger writes errors to stderr, the rest to stdout); the level goes back to SILENT afterwards.
 */
export const captureLogs = async <T>(
  level: Parameters<typeof logger.setLogLevel>[0],
  run: () => Promise<T> | T,
): Promise<Captured<T>> => {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  const writes = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  logger.setLogLevel(level);
  try {
    return { lines, result: await run() };
  } catch (error) {
    return { lines, error };
  } finally {
    logger.setLogLevel('SILENT');
    for (const write of writes) write.mockRestore();
  }
};
