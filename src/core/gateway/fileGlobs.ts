import picomatch from 'picomatch';

/**
 * Matches workspace-relative paths against globs the way people write them in settings:
 * `src/secrets/**` is anchored at the workspace root, while a glob without a slash (`*.pem`, `.env`)
 * matches the file's name in any folder, as in .gitignore. Dotfiles match (`**` covers `.env`).
 */
export type GlobMatcher = (path: string) => string | undefined;

export function globMatcher(globs: readonly string[]): GlobMatcher {
  const compiled = globs.map((glob) => {
    const anchored = glob.replace(/^\.\//, '').replace(/^\//, '');
    const test = picomatch(anchored, { dot: true });
    // picomatch's own `basename` option breaks globs that contain a slash, so names are matched separately.
    return { glob, byName: !anchored.includes('/'), test };
  });
  return (path) => {
    const normalized = normalizePath(path);
    const name = normalized.slice(normalized.lastIndexOf('/') + 1);
    return compiled.find((g) => g.test(g.byName ? name : normalized) || g.test(normalized))?.glob;
  };
}

/** Backslashes to slashes, no leading `./` or `/`: settings globs are written against that form. */
export function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}
