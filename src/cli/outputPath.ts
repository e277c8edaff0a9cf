import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Why a report file (`--json`, `--junit`, `--record`) could not be written there, or undefined when it can. Checked
 * before a run, so a typo costs no model calls and ends as a usage error rather than a crash after the run.
 */
export function outputPathProblem(path: string): string | undefined {
  const existing = statOrUndefined(path);
  if (existing?.isDirectory()) return `${path} is a directory: give a file name inside it`;
  if (existing) return writable(path) ? undefined : `${path} is not writable`;
  // A new file: its nearest existing ancestor must be a directory we may create entries in.
  let ancestor = dirname(path);
  while (!statOrUndefined(ancestor) && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
  const stat = statOrUndefined(ancestor);
  if (stat && !stat.isDirectory()) return `cannot create ${path}: ${ancestor} is a file, not a directory`;
  return writable(ancestor) ? undefined : `cannot create ${path}: ${ancestor} is not writable`;
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
