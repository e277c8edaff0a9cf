import {
  checkedProtocol,
  checkedUrl,
  DEFAULT_EXPORT_TIMEOUT_MS,
  DEFAULT_SERVICE_NAME,
  ExportSettingsError,
  parseOtlpHeaders,
  parseResourceAttributes,
  signalUrl,
  type ExportSettings,
  type SignalTarget,
} from './exportSettings';

type Signal = 'traces' | 'metrics';
const UPPER: Record<Signal, 'TRACES' | 'METRICS'> = { traces: 'TRACES', metrics: 'METRICS' };

/**
 * The standard OpenTelemetry environment, as a CI job that already exports to a collector sets it:
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or the per-signal `..._TRACES_ENDPOINT` / `..._METRICS_ENDPOINT`), `..._HEADERS`,
 * `..._PROTOCOL` (`http/protobuf` default, `http/json`), `..._TIMEOUT`, `..._COMPRESSION`, `OTEL_SERVICE_NAME`,
 * `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER` (`otlp` or `none`), `OTEL_SDK_DISABLED`;
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true` opts into prompt and answer text.
 * No endpoint = export off (`undefined`). Something we do not implement (gRPC, client certificates, another
 * exporter) throws `ExportSettingsError` naming the variable, instead of exporting differently than asked.
 */
export function exportSettingsFromEnv(env: NodeJS.ProcessEnv): ExportSettings | undefined {
  if (flag(env, 'OTEL_SDK_DISABLED')) return undefined;
  const traces = signalFromEnv(env, 'traces');
  const metrics = signalFromEnv(env, 'metrics');
  if (!traces && !metrics) return undefined;
  const resourceAttributes = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || resourceAttributes['service.name'] || DEFAULT_SERVICE_NAME;
  delete resourceAttributes['service.name'];
  return {
    traces,
    metrics,
    serviceName,
    resourceAttributes,
    captureContent: flag(env, 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT'),
    timeoutMs: timeout(env),
  };
}

function signalFromEnv(env: NodeJS.ProcessEnv, signal: Signal): SignalTarget | undefined {
  const S = UPPER[signal];
  const exporterVar = `OTEL_${S}_EXPORTER`;
  const exporter = (env[exporterVar] ?? 'otlp').trim().toLowerCase() || 'otlp';
  if (exporter === 'none') return undefined;
  if (exporter !== 'otlp') {
    throw new ExportSettingsError(
      `${exporterVar}=${exporter} is not supported: LLM Workbench exports OTLP only (set it to otlp, or none to turn ${signal} off)`,
    );
  }
  for (const name of ['CERTIFICATE', 'CLIENT_KEY', 'CLIENT_CERTIFICATE']) {
    for (const variable of [`OTEL_EXPORTER_OTLP_${name}`, `OTEL_EXPORTER_OTLP_${S}_${name}`]) {
      if (env[variable]?.trim()) {
        throw new ExportSettingsError(
          `${variable} is not supported: LLM Workbench uses the system's trusted certificates and no client certificate; unset it, or export through a local collector`,
        );
      }
    }
  }
  const specific = env[`OTEL_EXPORTER_OTLP_${S}_ENDPOINT`]?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  let url: string;
  if (specific) url = checkedUrl(specific, `OTEL_EXPORTER_OTLP_${S}_ENDPOINT`).toString();
  else if (base) url = signalUrl(base, signal, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  else return undefined;
  const specificProtocol = `OTEL_EXPORTER_OTLP_${S}_PROTOCOL`;
  const protocol = env[specificProtocol]?.trim()
    ? checkedProtocol(env[specificProtocol], specificProtocol)
    : checkedProtocol(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  const headers = {
    ...parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS ?? '', 'OTEL_EXPORTER_OTLP_HEADERS'),
    ...parseOtlpHeaders(env[`OTEL_EXPORTER_OTLP_${S}_HEADERS`] ?? '', `OTEL_EXPORTER_OTLP_${S}_HEADERS`),
  };
  return { url, headers, protocol, compression: compression(env, S) };
}

function compression(env: NodeJS.ProcessEnv, S: string): 'gzip' | 'none' {
  const variable = env[`OTEL_EXPORTER_OTLP_${S}_COMPRESSION`]?.trim()
    ? `OTEL_EXPORTER_OTLP_${S}_COMPRESSION`
    : 'OTEL_EXPORTER_OTLP_COMPRESSION';
  const value = (env[variable] ?? '').trim().toLowerCase();
  if (value === '' || value === 'none') return 'none';
  if (value === 'gzip') return 'gzip';
  throw new ExportSettingsError(`${variable}=${value} is not supported: use gzip or none`);
}

function timeout(env: NodeJS.ProcessEnv): number {
  const variable = env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT?.trim() ? 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT' : 'OTEL_EXPORTER_OTLP_TIMEOUT';
  const text = env[variable]?.trim();
  if (!text) return DEFAULT_EXPORT_TIMEOUT_MS;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new ExportSettingsError(`${variable}: "${text}" must be a positive whole number of milliseconds`);
  return ms;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name]?.trim().toLowerCase();
  return value === 'true' || value === '1';
}
