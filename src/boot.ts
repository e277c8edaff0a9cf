/**
 * The extension's entry point (package.json `main`): loads the extension bundle (`dist/extension.js`) and times it,
 * so activation can report module evaluation (reading, compiling and running the bundle's top-level code) beside
 * `activate()` itself. It stays a few lines on purpose: its own load is the only part not measured.
 */
import type * as Extension from './extension';

const started = performance.now();
// A separate file on purpose (esbuild leaves this require alone): timing it is the point of this module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require('./extension.js') as typeof Extension;
const moduleLoadMs = performance.now() - started;

export function activate(context: Parameters<typeof Extension.activate>[0]): void {
  extension.activate(context, { moduleLoadMs });
}

export function deactivate(): void {
  extension.deactivate();
}
