import { DEFAULT_EXPORT_TIMEOUT_MS, DEFAULT_SERVICE_NAME, ExportSettingsError, type ExportSettings } from './exportSettings';
import { isPresetId, presetTargets, type PresetId } from './presets';

/** `llmWorkbench.telemetry.*` and `llmWorkbench.otlpReceiver.*` as the editor reads them (user or machine values only). */
export interface EditorTelemetrySettings {
  enabled: boolean;
  preset: PresetId;
  endpoint: string;
  protocol: string;
  metrics: boolean;
  captureContent: boolean;
  serviceName: string;
}

export interface ReceiverSettings {
  enabled: boolean;
  port: number;
}

export const DEFAULT_RECEIVER_PORT = 4318;

/** `read(key)` returns the user's value of `llmWorkbench.<key>` (never a workspace's), or undefined. */
export function readEditorTelemetrySettings(read: (key: string) => unknown): EditorTelemetrySettings {
  const preset = read('telemetry.preset');
  return {
    enabled: read('telemetry.enabled') === true,
    preset: isPresetId(preset) ? preset : 'otlp',
    endpoint: typeof read('telemetry.endpoint') === 'string' ? (read('telemetry.endpoint') as string) : '',
    protocol: typeof read('telemetry.protocol') === 'string' ? (read('telemetry.protocol') as string) : 'http/protobuf',
    metrics: read('telemetry.metrics') !== false,
    captureContent: read('telemetry.captureContent') === true,
    serviceName:
      typeof read('telemetry.serviceName') === 'string' && (read('telemetry.serviceName') as string).trim()
        ? (read('telemetry.serviceName') as string).trim()
        : DEFAULT_SERVICE_NAME,
  };
}

export function readReceiverSettings(read: (key: string) => unknown): ReceiverSettings {
  const port = read('otlpReceiver.port');
  return {
    enabled: read('otlpReceiver.enabled') === true,
    port: typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : DEFAULT_RECEIVER_PORT,
  };
}

/**
 * The export settings the editor's settings and stored credentials make; throws `ExportSettingsError` with the
 * setting to change when the combination cannot work (e.g. Datadog with http/json, Grafana without an endpoint).
 */
export function editorExportSettings(settings: EditorTelemetrySettings, headers: string | undefined): ExportSettings {
  if (!settings.enabled) throw new ExportSettingsError('llmWorkbench.telemetry.enabled is off');
  const targets = presetTargets({
    preset: settings.preset,
    endpoint: settings.endpoint,
    protocol: settings.protocol,
    headers,
    metrics: settings.metrics,
  });
  return {
    traces: targets.traces,
    metrics: targets.metrics,
    serviceName: settings.serviceName,
    resourceAttributes: {},
    captureContent: settings.captureContent,
    timeoutMs: DEFAULT_EXPORT_TIMEOUT_MS,
  };
}
