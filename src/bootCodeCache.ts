import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import * as vm from 'node:vm';

/** How loading the bundle went, for the activation figures (test hooks, `npm run bench`). */
export interface BundleLoadTiming {
  /** Reading the file, hashing it and reading its code cache. */
  readMs: number;
  /** V8 compiling the top level (with the cache: deserializing it). */
  compileMs: number;
  /** Running the bundle's top-level code. */
  runMs: number;
  /** `hit`: V8 took the cache; `cold`: none yet; `rejected`: V8 refused it (another V8, flags); `off`: no cache dir. */
  codeCache: 'hit' | 'cold' | 'rejected' | 'off';
}

/** A bundle loaded by {@link loadWithCodeCache}, and how to write its code cache once activation has run. */
export interface LoadedBundle<T> {
  exports: T;
  timing: BundleLoadTiming;
  /** Writes V8's code cache (with the functions compiled so far) when the cache was missing or refused; ms spent, or undefined. */
  saveCodeCache(dir: string | undefined): number | undefined;
}

// Node's CommonJS wrapper: the bundle runs with the same five parameters `require` gives a module.
const WRAPPER = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'];

/**
 * Loads a CommonJS bundle the way `require` does, but compiled through `vm.Script` with V8's code cache: the extension
 * host (unlike VS Code's own code) compiles extensions without one, and compiling dist/extension.js was most of its
 * module evaluation. The cache file is named by a hash of the bundle's text, so an upgraded bundle never meets an
 * old cache (V8's own check covers only the source length); V8 refusing a cache (another Node, corrupt file) only
 * means compiling as without one, and the cache is rewritten. Reading or writing the cache never fails loading.
 */
export function loadWithCodeCache<T>(file: string, cacheDir: string | undefined): LoadedBundle<T> {
  const t0 = performance.now();
  const source = readFileSync(file, 'utf8');
  const cacheFile = cacheDir === undefined ? undefined : join(cacheDir, cacheFileName(file, source));
  const cachedData = cacheFile === undefined ? undefined : readIfPresent(cacheFile);
  const t1 = performance.now();
  const script = new vm.Script(WRAPPER[0] + source + WRAPPER[1], { filename: file, cachedData });
  const t2 = performance.now();
  const module = new Module(file, undefined);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  const t3 = performance.now();
  const codeCache = cacheFile === undefined ? 'off' : cachedData === undefined ? 'cold' : script.cachedDataRejected ? 'rejected' : 'hit';
  return {
    exports: module.exports as T,
    timing: { readMs: t1 - t0, compileMs: t2 - t1, runMs: t3 - t2, codeCache },
    saveCodeCache: (dir) => (codeCache === 'cold' || codeCache === 'rejected' ? writeCodeCache(script, file, source, dir) : undefined),
  };
}

/** `extension-<sha256 of the text, 16 hex>-<V8 version>.v8cache`: a changed bundle or another V8 never reads it. */
function cacheFileName(file: string, source: string): string {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  return `${basename(file, '.js')}-${hash}-${process.versions.v8.replace(/[^\w.-]/g, '_')}.v8cache`;
}

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined; // none yet (first activation of this version) or unreadable: compile without it
  }
}

/** Writes the cache beside nothing else of ours (older versions' caches are removed); a failure only costs the next start its cache. */
function writeCodeCache(script: vm.Script, file: string, source: string, dir: string | undefined): number | undefined {
  if (dir === undefined) return undefined;
  const started = performance.now();
  try {
    const data = script.createCachedData();
    mkdirSync(dir, { recursive: true });
    const name = cacheFileName(file, source);
    for (const old of readdirSync(dir)) if (old.endsWith('.v8cache') && old !== name) rmSync(join(dir, old), { force: true });
    // Written whole, then renamed: a window starting at the same time reads either no cache or all of it.
    const partial = join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(partial, data);
    renameSync(partial, join(dir, name));
  } catch {
    // read-only or full disk: the next activation compiles without a cache, as before
  }
  return performance.now() - started;
}
