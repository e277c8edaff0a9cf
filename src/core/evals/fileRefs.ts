/**
 * Reading what an eval file points at (`file://` prompts, vars, tests, filters), with the bounds a file from a
 * cloned repository must not be able to cross: regular files only (no devices, FIFOs or `/proc`), a size limit, and
 * (unless the user widened it) only inside the eval file's own folder tree.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { Glob } from 'glob';

/** Default cap for any one file an eval run reads (prompts, vars, tests, configs): generous, but not /dev/zero. */
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;

export interface FileRules {
  /** Folders reads must stay in (after following symlinks); empty = anywhere (the user allowed it). */
  roots: string[];
  maxBytes: number;
}

export class FileRefError extends Error {}

/** The rules for an eval file: its own folder tree, the default size limit. */
export function defaultRules(evalFile: string, overrides: Partial<FileRules> = {}): FileRules {
  return { roots: overrides.roots ?? [dirname(evalFile)], maxBytes: overrides.maxBytes ?? DEFAULT_MAX_FILE_BYTES };
}

/** `file://x` relative to `baseDir`; absolute paths stay absolute. */
export function resolveRef(ref: string, baseDir: string): string {
  const target = ref.startsWith('file://') ? ref.slice('file://'.length) : ref;
  return isAbsolute(target) ? target : resolve(baseDir, target);
}

/**
 * Throws FileRefError with the reason when `path` may not be read under `rules`. `virtual`: the caller serves the
 * text itself (an unsaved editor buffer); a path that does not exist on disk then only has to be inside the roots.
 */
export function checkReadable(path: string, rules: FileRules, virtual = false): void {
  const real = realOrResolved(path);
  if (/^\/(proc|sys|dev)(\/|$)/.test(real))
    throw new FileRefError(`${path} is a system file (/proc, /sys, /dev); eval files read regular files only`);
  if (rules.roots.length > 0 && !rules.roots.some((root) => inside(real, realOrResolved(root)))) {
    throw new FileRefError(
      `${path} is outside the eval file's folder (${rules.roots.join(', ')}); a file from a cloned repository may not send your other files to a model — move it next to the eval file, or allow it with --allow-outside-reads`,
    );
  }
  let stats;
  try {
    stats = statSync(real);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (virtual && (code === 'ENOENT' || code === 'ENOTDIR')) return;
    throw new FileRefError(
      code === 'ENOENT' || code === 'ENOTDIR' ? 'the file does not exist' : `it cannot be read (${code ?? (error as Error).message})`,
    );
  }
  if (!stats.isFile())
    throw new FileRefError(`${path} is not a regular file (${stats.isDirectory() ? 'a directory' : 'a device, socket or FIFO'})`);
  if (stats.size > rules.maxBytes) {
    throw new FileRefError(
      `${path} is ${formatBytes(stats.size)}, above the ${formatBytes(rules.maxBytes)} limit for eval inputs (raise it with --max-file-size or llmWorkbench.evals.maxFileBytes)`,
    );
  }
}

/** Reads text after `checkReadable`; `read` lets the editor serve open buffers. */
export function readChecked(path: string, rules: FileRules, read: (p: string) => string = (p) => readFileSync(p, 'utf8')): string {
  checkReadable(path, rules);
  return read(path);
}

export function readBinaryChecked(path: string, rules: FileRules): Buffer {
  checkReadable(path, rules);
  return readFileSync(path);
}

/** Whether a path holds glob magic (`*`, `?`, `[...]`, `{a,b}`), as glob's hasMagic decides. */
export function hasGlobMagic(pattern: string): boolean {
  return /[*?[\]]/.test(pattern) || /\{[^}]*,[^}]*\}/.test(pattern);
}

/** More matches than this is refused, never cut short. */
const MAX_GLOB_FILES = 100_000;

/**
 * Files matching a glob (relative to `baseDir`), inside the rules' roots. It is promptfoo's own glob (v13.0.7, with
 * promptfoo's options), because the order of the matches is the order of prompts and cases: glob lists each folder's
 * files in reverse name order before its subfolders, and brace alternatives in the order written.
 */
export function expandGlob(pattern: string, baseDir: string, rules: FileRules): string[] {
  const absolute = resolveRef(pattern, baseDir);
  const glob = new Glob(absolute, { windowsPathsNoEscape: true });
  // Each brace alternative must start inside the roots (or above them, when the filter below keeps what is inside).
  for (const alternative of glob.patterns) {
    const parts = alternative.globString().split('/');
    const firstMagic = parts.findIndex((p) => hasGlobMagic(p));
    const start = (firstMagic < 0 ? parts.slice(0, -1) : parts.slice(0, firstMagic)).join(sep) || sep;
    if (
      rules.roots.length > 0 &&
      !rules.roots.some((r) => inside(realOrResolved(start), realOrResolved(r)) || inside(realOrResolved(r), realOrResolved(start)))
    ) {
      throw new FileRefError(
        `${pattern} points outside the eval file's folder (${rules.roots.join(', ')}); allow it with --allow-outside-reads`,
      );
    }
  }
  const files = glob
    .walkSync()
    .filter((f) => rules.roots.length === 0 || rules.roots.some((r) => inside(realOrResolved(f), realOrResolved(r))));
  if (files.length > MAX_GLOB_FILES)
    throw new FileRefError(
      `${pattern} matches ${files.length.toLocaleString('en-US')} files, more than the ${MAX_GLOB_FILES.toLocaleString('en-US')} an eval reads; narrow the pattern`,
    );
  return files;
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function realOrResolved(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return resolve(path);
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}
