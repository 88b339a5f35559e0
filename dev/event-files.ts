import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isRecord, type JsonObject } from '../src/json.js';

/** A path given on the command line that names no event file, and why. */
export interface PathProblem {
  readonly path: string;
  readonly problem: string;
}

/** The event files of the paths given: a file as it is, a folder as every `*.json` directly in it, sorted. */
export const eventFiles = async (
  paths: readonly string[],
): Promise<{ files: string[]; problems: PathProblem[] }> => {
  const files: string[] = [];
  const problems: PathProblem[] = [];
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = (await stat(path)).isDirectory();
    } catch (error) {
      problems.push({ path, problem: fileProblem(error) });
      continue;
    }
    if (!isFolder) {
      files.push(path);
      continue;
    }
    const inFolder = (await readdir(path, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
      .map((entry) => join(path, entry.name))
      .sort();
    if (inFolder.length === 0) problems.push({ path, problem: 'the folder holds no .json file' });
    files.push(...inFolder);
  }
  return { files, problems };
};

/** What went wrong reading a file, in words: the system's code where it has one, not a stack. */
const fileProblem = (error: unknown): string => {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'a folder, not a file';
  return message;
};

/** An event file read as a JSON object, or the problem that keeps it from being one. */
export const readEventFile = async (
  file: string,
): Promise<{ event: JsonObject; problem?: undefined } | { event?: undefined; problem: string }> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { problem: fileProblem(error) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problem: `not valid JSON (${(error as Error).message})` };
  }
  return isRecord(parsed) ? { event: parsed } : { problem: 'not a JSON object, so not a Lambda event' };
};
