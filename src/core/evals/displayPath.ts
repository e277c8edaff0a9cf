import { basename, isAbsolute, relative, sep } from 'node:path';

/**
 * How a record names an eval file: relative to `base` (the workspace folder, or the CLI's current directory) with
 * `/` separators; a file outside `base` by its name alone. Never an absolute path: a model-selection record is
 * committed next to the eval file, and someone's home directory does not belong in it.
 */
export function relativeDisplayPath(base: string | undefined, path: string): string {
  if (!isAbsolute(path)) return path.split(sep).join('/');
  if (!base) return basename(path);
  const rel = relative(base, path);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return basename(path);
  return rel.split(sep).join('/');
}
