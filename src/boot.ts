/**
 * The extension's entry point (package.json `main`): loads the extension bundle (`dist/extension.js`) with V8's code
 * cache (kept in the extension's global storage) and times it, so activation can report module evaluation (reading,
 * compiling and running the bundle's top-level code) beside `activate()` itself. The bundle is loaded in `activate`,
 * not at this module's top level, because the cache's folder comes from the extension context.
 */
import { join } from 'node:path';
import { codeCacheBundleLoader, loadWithCodeCache, type LoadedBundle } from './core/runtime/codeCache';
import { RunQueueClock, threadCpuMs } from './core/runtime/threadClock';
import type * as Extension from './extension';

let loaded: LoadedBundle<typeof Extension> | undefined;

const LAZY_CACHE_WRITE_DELAY_MS = 5_000;

export function activate(context: Parameters<typeof Extension.activate>[0]): void {
  const cacheDir = codeCacheDir(context.globalStorageUri.fsPath);
  // Where a slow wall clock went: the time this thread waited for a core during the load (activate()'s own timer
  // measures its part).
  const runQueue = new RunQueueClock();
  const waitedBefore = runQueue.waitedMs();
  const started = performance.now();
  const startedCpu = threadCpuMs();
  loaded = loadWithCodeCache<typeof Extension>(join(__dirname, 'extension.js'), { dir: cacheDir, name: 'extension' });
  const moduleLoadMs = performance.now() - started;
  // The thread's CPU time too: on a loaded machine the wall clock mostly measures waiting for a core.
  const moduleLoadCpuMs = threadCpuMs() - startedCpu;
  const waitedAfter = runQueue.waitedMs();
  runQueue.close();
  const boot = {
    moduleLoadMs,
    moduleLoadCpuMs,
    moduleLoadWaitMs: waitedAfter === undefined || waitedBefore === undefined ? undefined : waitedAfter - waitedBefore,
    ...loaded.timing,
    codeCacheWriteMs: undefined as number | undefined,
  };
  // The files the extension requires on first use (core/runtime/bundleLoader.ts) go through the same cache: the
  // settings validators, for one, load on every activation of a window with a non-default setting. Each one's cache
  // is written a few seconds after its first use, so it holds what that use compiled, and never during activate().
  const lazyLoader = codeCacheBundleLoader(cacheDir, (write) => setTimeout(write, LAZY_CACHE_WRITE_DELAY_MS));
  loaded.exports.activate(context, boot, lazyLoader);
  // With no (or a refused) cache: written now, so it holds the functions activate() compiled too. Once per version;
  // its time is reported (codeCacheWriteMs) with the cold activation's figures.
  boot.codeCacheWriteMs = loaded.saveCodeCache();
}

export function deactivate(): void {
  loaded?.exports.deactivate();
}

/**
 * `<global storage>/code-cache`. The benchmark (a test build) points two runs with fresh profiles at one folder with
 * LLM_WORKBENCH_CODE_CACHE_DIR to time the first activation and the next one.
 */
function codeCacheDir(globalStorage: string): string {
  const forBench = process.env.LLM_WORKBENCH_TEST === '1' ? process.env.LLM_WORKBENCH_CODE_CACHE_DIR : undefined;
  return forBench || join(globalStorage, 'code-cache');
}
