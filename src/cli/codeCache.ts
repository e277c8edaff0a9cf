import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';

/**
 * Runs a CommonJS bundle through V8's code cache (Node 20 has no `module.enableCompileCache`).
 *
 * Why: the CLI bundle is ~2.8 MB; on every start V8 parses it and then compiles, one by one, every function the
 * command calls. The cache, written once after a run (`script.createCachedData()` at exit, so it holds the functions
 * that run compiled, not only the top level), lets the next start deserialize them instead. Not the
 * `v8-compile-cache` package: it produces its cache when the file is compiled, before anything has run, so the
 * lazily compiled functions, most of the cost, are not in it.
 *
 * Never fails a run: an unreadable, corrupt or rejected cache (another Node, other V8 flags, another bundle) is
 * ignored and rewritten at exit; a cache that cannot be written is skipped. The file is keyed by the bundle's content,
 * Node's version and architecture, Node's flags and `variant` (V8 checks its own flags against the cache).
 */
export interface CodeCacheOptions {
  /** Folder of the cache files. */
  dir: string;
  /** What else the V8 flags depend on (e.g. a flag the launcher set for this command): its own cache file. */
  variant: string;
}

/** The user's cache folder: `$XDG_CACHE_HOME/llm-workbench/v8`, default `~/.cache/llm-workbench/v8`. */
export function defaultCodeCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return join(env.XDG_CACHE_HOME?.trim() || join(home, '.cache'), 'llm-workbench', 'v8');
}

/** What `loadWithCodeCache` did with the cache: `off` when this Node cannot use it (the bundle was required). */
export type CodeCacheState = 'accepted' | 'missing' | 'rejected' | 'corrupt' | 'off';

const DIGEST_BYTES = 32;

/** Loads and runs `file` (a CommonJS module) with the code cache; returns what happened to the cache. */
export function loadWithCodeCache(file: string, options: CodeCacheOptions): CodeCacheState {
  let prepared: { script: Script; state: CodeCacheState };
  try {
    prepared = compile(file, options);
  } catch {
    // E.g. a Node 20 older than 20.12 (no USE_MAIN_CONTEXT_DEFAULT_LOADER): the bundle starts as it always did.
    createRequire(__filename)(file);
    return 'off';
  }
  const { script, state } = prepared;
  const module = new Module(file, require.main);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return state;
}

function compile(file: string, options: CodeCacheOptions): { script: Script; state: CodeCacheState } {
  const bytes = readFileSync(file);
  let source = decodeUtf8(bytes);
  // A shebang is not JavaScript inside the module wrapper: keep the line (and so every position), drop the `#!`.
  if (source.startsWith('#!')) source = `//${source.slice(2)}`;
  const key = createHash('sha256')
    .update(bytes)
    .update(`\0${process.version}\0${process.arch}\0${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}\0${options.variant}`)
    .digest('hex')
    .slice(0, 24);
  const cacheFile = join(options.dir, `cli-${options.variant}-${key}.bin`);
  const { data, state: readState } = readCache(cacheFile);
  const importModuleDynamically = vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (importModuleDynamically === undefined) throw new Error('no USE_MAIN_CONTEXT_DEFAULT_LOADER');
  const script = new Script(Module.wrap(source), {
    filename: file,
    cachedData: data,
    // `import()` inside the bundle (file:// JavaScript assertions) resolves as it would in a required module.
    importModuleDynamically,
  });
  const state: CodeCacheState = data === undefined ? readState : script.cachedDataRejected ? 'rejected' : 'accepted';
  if (state !== 'accepted') process.once('exit', () => writeCache(cacheFile, script));
  return { script, state };
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
  return { data, state: 'accepted' };
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

/** One file per variant: the caches of earlier bundles (every build has its own key) go when a new one is written. */
function removeStale(cacheFile: string): void {
  const prefix = basename(cacheFile).replace(/[0-9a-f]+\.bin$/, '');
  for (const name of readdirSync(dirname(cacheFile)))
    if (name.startsWith(prefix) && name.endsWith('.bin') && name !== basename(cacheFile))
      rmSync(join(dirname(cacheFile), name), { force: true });
}
