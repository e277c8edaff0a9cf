import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadBundle } from '../core/runtime/bundleLoader';

/**
 * Code nothing on activation needs, built into its own file beside dist/extension.js (esbuild.config.mjs) and
 * required the first time it is used: activation neither compiles nor runs it. Running from sources (unit tests,
 * tsx) there is no such file, and `source` (the module's path without extension) is required instead. The path is
 * built at run time so esbuild leaves the module out of the bundle that loads it. The bundle is loaded through the
 * host's loader (core/runtime/bundleLoader.ts: in the extension, V8's code cache, as boot loads extension.js).
 */
export function lazyBundle<T>(bundle: string, source: string): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) {
      const bundled = join(__dirname, `${bundle}.js`);
      loaded = existsSync(bundled) ? loadBundle<T>(bundled, bundle) : (createRequire(__filename)(source) as T);
    }
    return loaded;
  };
}
