import { createRequire } from 'node:module';

/**
 * Loads one built file that code requires on first use (a lazy bundle, an SDK): `file` is its absolute path, `name`
 * names its V8 code cache (one cache file per name).
 */
export type BundleLoader = (file: string, name: string) => unknown;

const requireBundle: BundleLoader = (file) => createRequire(__filename)(file);
let loader: BundleLoader = requireBundle;

/**
 * The host's loader: the extension's (set in activate() from what dist/boot.js passes, so it is this bundle's copy of
 * this module that is set) and the CLI's load through V8's code cache (core/runtime/codeCache.ts), as their main
 * bundles do. Without one (sources, unit tests, the worker), plain `require`. A lazily required file used on every
 * activation, such as the settings validators for a window with one non-default setting, would otherwise be compiled
 * again in every window.
 */
export function setBundleLoader(next: BundleLoader | undefined): void {
  loader = next ?? requireBundle;
}

/** The module in `file`, through the host's loader. Callers keep what it returns: it is loaded once per caller. */
export function loadBundle<T>(file: string, name: string): T {
  return loader(file, name) as T;
}
