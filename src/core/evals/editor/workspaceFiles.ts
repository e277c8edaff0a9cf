import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

export const OUTSIDE_WORKSPACE =
  'it is outside the workspace (in the editor an eval file reads file:// targets inside its workspace only, so a cloned repo cannot send your other files to a model; the CLI reads any path)';

/** Whether `path` (after following symlinks, when it exists) lies inside one of `roots`. */
export function isInsideRoots(path: string, roots: readonly string[]): boolean {
  const real = realOrResolved(path);
  return roots.some((root) => {
    const rel = relative(realOrResolved(root), real);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

/** A file reader that refuses paths outside `roots` with an error saying why (the parser shows it at the reference). */
export function confinedReader(read: (path: string) => string, roots: readonly string[]): (path: string) => string {
  return (path) => {
    if (!isInsideRoots(path, roots)) throw new Error(OUTSIDE_WORKSPACE);
    return read(path);
  };
}

function realOrResolved(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return resolve(path);
  }
}
