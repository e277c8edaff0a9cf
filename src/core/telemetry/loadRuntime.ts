import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadBundle } from '../runtime/bundleLoader';

type Runtime = typeof import('./telemetryRuntime');

let loaded: Runtime | undefined;

/**
 * The OpenTelemetry side, loaded on first use: `dist/telemetry.js` next to the extension or CLI bundle, or the
 * source module when running from source (tests). The path is built at run time so the bundler leaves the SDK out of
 * `extension.js` and `cli.js`; the bundle loads through the host's loader (core/runtime/bundleLoader.ts).
 */
export function loadTelemetryRuntime(): Runtime {
  if (!loaded) {
    const bundled = [join(__dirname, 'telemetry.js'), join(__dirname, '..', 'telemetry.js')].find((file) => existsSync(file));
    loaded = bundled
      ? loadBundle<Runtime>(bundled, 'telemetry')
      : (createRequire(__filename)(join(__dirname, 'telemetryRuntime')) as Runtime);
  }
  return loaded;
}
