import { createRequire } from 'node:module';

/**
 * Loads one built file that code requires on first use (a lazy bundle, an SDK): `file` is its absolute path, `name`
 * names its V8 code cache (one cache file per name).
 */
export type BundleLoader = (file: string, name: string) => unknown;

const requireBundle: BundleLoader = (file) => createRequire(__filename)(file);

/**
 * Where the host's loader is kept: one slot for the whole thread, not this module's own variable, because every
 * bundle that loads files on first use has its own copy of this module (extension.js, and gateway.js for the SDKs,
 * evalRuns.js for the eval engine, …), and all of them must use the loader the host set.
 */
const SLOT = Symbol.for('llm-workbench.bundleLoader');
const slot = globalThis as { [SLOT]?: BundleLoader };

/**
 * The host's loader: the extension's (set in activate() from what dist/boot.js passes) and the CLI's load through
 * V8's code cache (core/runtime/codeCache.ts), as their main bundles do. Without one (sources, unit tests, the
 * worker), plain `require`. A lazily required file used on every activation, such as the settings validators for a
 * window with one non-default setting, would otherwise be compiled again in every window.
 */
export function setBundleLoader(next: BundleLoader | undefined): void {
  if (next) slot[SLOT] = next;
  else delete slot[SLOT];
}

/** The module in `file`, through the host's loader. Callers keep what it returns. */
export function loadBundle<T>(file: string, name: string): T {
  return (slot[SLOT] ?? requireBundle)(file, name) as T;
}
