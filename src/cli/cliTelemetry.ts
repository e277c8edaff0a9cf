/** OpenTelemetry export for `llm-workbench chat` and `eval`, turned on by the standard OTEL_* environment. */
import packageJson from '../../package.json';
import type { ProviderConfig } from '../core/providers/adapter';
import { exportSettingsFromEnv } from '../core/telemetry/envSettings';
import { ExportSettingsError } from '../core/telemetry/exportSettings';
import { loadTelemetryRuntime } from '../core/telemetry/loadRuntime';
import type { Telemetry } from '../core/telemetry/telemetryRuntime';

/** At exit the CLI waits at most this long for the collector: a down collector never holds a CI job. */
export const EXIT_FLUSH_MS = 5_000;

/**
 * Export settings from the environment. Nothing set: `{}`, and the SDK is not even loaded. A setting we do not
 * implement (gRPC, client certificates): `{ problem }`, reported like any configuration error (exit 2).
 */
export function cliTelemetry(
  env: NodeJS.ProcessEnv,
  providers: readonly ProviderConfig[],
  warn: (line: string) => void,
): { telemetry?: Telemetry } | { problem: string } {
  let settings;
  try {
    settings = exportSettingsFromEnv(env);
  } catch (error) {
    if (error instanceof ExportSettingsError) return { problem: error.message };
    throw error;
  }
  if (!settings) return {};
  const telemetry = loadTelemetryRuntime().createTelemetry(settings, {
    version: packageJson.version,
    providers,
    onExportError: (message) => warn(`llm-workbench: ${message}\n`),
  });
  if (env.LLM_WORKBENCH_DEBUG) warn(`[telemetry] ${telemetry.describe()}\n`);
  return { telemetry };
}

let abandoned = false;

/**
 * Shuts export down at the end of a command, waiting at most `EXIT_FLUSH_MS`. When the collector did not answer in
 * time, the exporter's retry timers would keep the process alive: `main` then exits explicitly.
 */
export async function closeCliTelemetry(telemetry: Telemetry | undefined, warn: (line: string) => void): Promise<void> {
  if (!telemetry || (await telemetry.shutdown(EXIT_FLUSH_MS))) return;
  abandoned = true;
  warn(
    `llm-workbench: OpenTelemetry export did not finish within ${EXIT_FLUSH_MS / 1000} s (is the collector reachable?); ` +
      'spans not yet sent were dropped. The ledger has every call.\n',
  );
}

export function exportAbandoned(): boolean {
  return abandoned;
}
