import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

type Runtime = typeof import('./telemetryRuntime');

let loaded: Runtime | undefined;

/**
 * The OpenTelemetry side, loaded on first use: `dist/telemetry.js` next to the extension or CLI bundle, or the
 * source module when running from source (tests). The require is built at run time so the bundler leaves the SDK
 * out of `extension.js` and `cli.js`.
 */
export function loadTelemetryRuntime(): Runtime {
  if (!loaded) {
    const load = createRequire(__filename);
    const bundled = [join(__dirname, 'telemetry.js'), join(__dirname, '..', 'telemetry.js')].find((file) => existsSync(file));
    loaded = load(bundled ?? join(__dirname, 'telemetryRuntime')) as Runtime;
  }
  return loaded;
}
