import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';
import type { BundleLoader } from './bundleLoader';

/**
 * Loads a CommonJS bundle as `require` does, but compiled through `vm.Script` with V8's code cache: the extension
 * host compiles extensions without one, and Node 20 (the CLI) has no `module.enableCompileCache`. The cache is
 * written after the bundle has run (`saveCodeCache`: the extension after `activate()`, the CLI at exit), so it holds
 * the functions that run compiled lazily, most of the cost — which is why this is not the `v8-compile-cache` package:
 * it writes its cache when the file is compiled, before anything has run.
 *
 * Never fails loading: an unreadable, torn, altered or rejected cache (another Node, other V8 flags) only means
 * compiling as without one, and the cache is rewritten; a cache that cannot be written is skipped. A cache file is
 * keyed by the bundle's bytes, Node's version, architecture and flags, and `name` (what else the flags depend on), so
 * an upgraded bundle or another Node never reads an old one (V8's own check covers only the source length).
 */
export interface CodeCacheOptions {
  /** Folder of the cache files; undefined: no cache (the bundle is loaded the same way, without one). */
  dir: string | undefined;
  /** The cache file's prefix, one file per name: `extension`, `cli-eval`, `cli-base`, a lazy bundle's. */
  name: string;
}

/** `hit`: V8 took the cache; `missing`: none yet; `rejected`/`corrupt`: refused, rewritten; `off`: loaded by `require`. */
export type CodeCacheState = 'hit' | 'missing' | 'rejected' | 'corrupt' | 'off';

/** How loading went, for the activation figures (test hooks, `npm run bench`). */
export interface BundleLoadTiming {
  /** Reading the file and its code cache, hashing both. */
  readMs: number;
  /** V8 compiling the top level (with the cache: deserializing it). */
  compileMs: number;
  /** Running the bundle's top-level code. */
  runMs: number;
  codeCache: CodeCacheState;
}

export interface LoadedBundle<T> {
  exports: T;
  timing: BundleLoadTiming;
  /** Writes V8's cache (with the functions compiled so far) when it was not taken; the ms spent, or undefined. */
  saveCodeCache(): number | undefined;
}

/** The CLI's cache folder: `$XDG_CACHE_HOME/llm-workbench/v8`, default `~/.cache/llm-workbench/v8`. */
export function defaultCodeCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return join(env.XDG_CACHE_HOME?.trim() || join(home, '.cache'), 'llm-workbench', 'v8');
}

const DIGEST_BYTES = 32;

export function loadWithCodeCache<T>(file: string, options: CodeCacheOptions): LoadedBundle<T> {
  const t0 = performance.now();
  const importModuleDynamically = vmConstants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (importModuleDynamically === undefined) {
    // A Node 20 older than 20.12: without this, `import()` inside the bundle would fail, so it is required as always.
    const exports = createRequire(__filename)(file) as T;
    const ms = performance.now() - t0;
    return { exports, timing: { readMs: 0, compileMs: 0, runMs: ms, codeCache: 'off' }, saveCodeCache: () => undefined };
  }
  const bytes = readFileSync(file);
  let source = decodeUtf8(bytes);
  // A shebang is not JavaScript inside the module wrapper: keep the line (and so every position), drop the `#!`.
  if (source.startsWith('#!')) source = `//${source.slice(2)}`;
  const cacheFile = options.dir === undefined ? undefined : join(options.dir, `${options.name}-${cacheKey(bytes, options.name)}.v8cache`);
  const read = cacheFile === undefined ? { state: 'missing' as const } : readCache(cacheFile);
  const t1 = performance.now();
  const script = new Script(Module.wrap(source), {
    filename: file,
    cachedData: read.data,
    // `import()` inside the bundle (file:// JavaScript assertions) resolves as it would in a required module.
    importModuleDynamically,
  });
  const t2 = performance.now();
  const module = new Module(file, undefined);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  // In require's cache, as `require` would put it: a plain `require` of the same file (another bundle's copy of a
  // loader) gets this module, not a second instance with its own state.
  (Module as unknown as { _cache: Record<string, Module> })._cache[file] = module;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  const t3 = performance.now();
  const codeCache: CodeCacheState = read.data === undefined ? read.state : script.cachedDataRejected ? 'rejected' : 'hit';
  let saved = false;
  return {
    exports: module.exports as T,
    timing: { readMs: t1 - t0, compileMs: t2 - t1, runMs: t3 - t2, codeCache },
    saveCodeCache: () => {
      if (cacheFile === undefined || codeCache === 'hit' || saved) return undefined;
      saved = true;
      const started = performance.now();
      writeCache(cacheFile, script);
      return performance.now() - started;
    },
  };
}

/** Loads `file` through the code cache and writes the cache when the process exits (the CLI and what it loads). */
export function loadWithCodeCacheUntilExit<T>(file: string, options: CodeCacheOptions): T {
  const bundle = loadWithCodeCache<T>(file, options);
  process.once('exit', () => bundle.saveCodeCache());
  return bundle.exports;
}

/**
 * A `BundleLoader` (core/runtime/bundleLoader.ts) through the code cache in `dir`: each file loaded once per process —
 * a file already in require's cache (required by a bundle that has no such loader) is that module, never a second
 * instance — and its cache written by `writeLater(write)`, once the first use has compiled the functions it runs,
 * when it was not taken.
 */
export function codeCacheBundleLoader(dir: string | undefined, writeLater: (write: () => void) => void): BundleLoader {
  const required = (Module as unknown as { _cache: Record<string, Module | undefined> })._cache;
  return (file, name) => {
    const present = required[file];
    if (present) return present.exports;
    const bundle = loadWithCodeCache(file, { dir, name });
    writeLater(() => bundle.saveCodeCache());
    return bundle.exports;
  };
}

function cacheKey(bytes: Buffer, name: string): string {
  const runtime = [process.version, process.versions.v8, process.arch, process.execArgv.join(' '), process.env.NODE_OPTIONS ?? '', name];
  return createHash('sha256')
    .update(bytes)
    .update(`\0${runtime.join('\0')}`)
    .digest('hex')
    .slice(0, 24);
}

/**
 * The same string as `bytes.toString('utf8')`, 10-100× faster for a bundle that is ASCII but for a few characters
 * (a `’` in a regular expression, a `≤` in a comment): Node decodes a whole buffer that holds any non-ASCII byte on
 * a slow path (~100 ms for the CLI bundle here). The ASCII stretches are read as Latin-1 (a copy), each run of bytes
 * >= 0x80 as UTF-8: such a run always holds whole UTF-8 sequences, since ASCII bytes never occur inside one.
 */
export function decodeUtf8(bytes: Buffer): string {
  const latin1 = bytes.toString('latin1');
  const nonAscii = /[\x80-\xff]+/g;
  let out = '';
  let last = 0;
  for (let m = nonAscii.exec(latin1); m !== null; m = nonAscii.exec(latin1)) {
    out += latin1.slice(last, m.index) + bytes.toString('utf8', m.index, m.index + m[0].length);
    last = m.index + m[0].length;
  }
  return last === 0 ? latin1 : out + latin1.slice(last);
}

/** The cached data, checked against its digest (a torn or altered file is never handed to V8). */
function readCache(cacheFile: string): { data?: Buffer; state: CodeCacheState } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return { state: 'missing' };
  }
  const data = bytes.subarray(DIGEST_BYTES);
  const digest = createHash('sha256').update(data).digest();
  if (bytes.length <= DIGEST_BYTES || !digest.equals(bytes.subarray(0, DIGEST_BYTES))) return { state: 'corrupt' };
  return { data, state: 'hit' };
}

/** Writes the cache whole or not at all (a temporary file renamed over it): a reader never sees half a file. */
function writeCache(cacheFile: string, script: Script): void {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(temporary, Buffer.concat([createHash('sha256').update(data).digest(), data]));
    renameSync(temporary, cacheFile);
    removeStale(cacheFile);
  } catch {
    // A read-only or full disk costs the next start its cache, nothing else.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // nothing more to do
    }
  }
}

/** One file per name: the caches of earlier bundles (every build has its own key) go when a new one is written. */
function removeStale(cacheFile: string): void {
  const prefix = basename(cacheFile).replace(/[0-9a-f]+\.v8cache$/, '');
  for (const file of readdirSync(dirname(cacheFile)))
    if (file.startsWith(prefix) && file.endsWith('.v8cache') && file !== basename(cacheFile))
      rmSync(join(dirname(cacheFile), file), { force: true });
}
