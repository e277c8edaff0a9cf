/**
 * Where and how spans and metrics are exported. Plain data with no OpenTelemetry import, so the CLI can decide
 * from the environment whether export is on without loading the SDK (it stays off the startup path when it is off).
 */

export type OtlpProtocol = 'http/protobuf' | 'http/json';
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

export interface SignalTarget {
  /** Full URL, e.g. `http://localhost:4318/v1/traces`. */
  url: string;
  headers: Record<string, string>;
  protocol: OtlpProtocol;
  compression?: 'gzip' | 'none';
}

export interface ExportSettings {
  traces?: SignalTarget;
  metrics?: SignalTarget;
  serviceName: string;
  /** `OTEL_RESOURCE_ATTRIBUTES` or the editor's equivalent: added to the resource, `service.name` excepted. */
  resourceAttributes: Record<string, string>;
  /** Prompt and answer text on spans (`gen_ai.input.messages`, `gen_ai.output.messages`). Off unless opted in. */
  captureContent: boolean;
  /** Per export request; the SDK default is 10 s. */
  timeoutMs: number;
  /** Spans kept waiting for export; past this, new spans are dropped rather than growing memory. */
  maxQueueSize?: number;
  /** How often metrics are pushed (ms). */
  metricsIntervalMs?: number;
}

export const DEFAULT_SERVICE_NAME = 'llm-workbench';
export const DEFAULT_EXPORT_TIMEOUT_MS = 10_000;

/** A configuration we refuse rather than run differently from what it asks (e.g. gRPC). */
export class ExportSettingsError extends Error {}

/**
 * `OTEL_EXPORTER_OTLP_HEADERS` format: `key1=value1,key2=value2`, values percent-encoded (W3C baggage style).
 * A malformed pair is an error naming it, never silently dropped (a lost Authorization header fails every export).
 */
export function parseOtlpHeaders(text: string, variable: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const rawPair of text.split(',')) {
    const pair = rawPair.trim();
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!key || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) {
      throw new ExportSettingsError(`${variable}: ${describePair(pair)} is not key=value (write e.g. Authorization=Basic%20abc,x-team=ml)`);
    }
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw new ExportSettingsError(`${variable}: the value of "${key}" is not valid percent-encoding`);
    }
    headers[key] = value;
  }
  return headers;
}

/** Header values can be credentials: an error message shows a key, never a value or a bare token. */
function describePair(pair: string): string {
  const eq = pair.indexOf('=');
  if (eq > 0 && /^[\w.-]+$/.test(pair.slice(0, eq).trim())) return `"${pair.slice(0, eq).trim()}=…"`;
  if (eq < 0 && /^[A-Za-z]{1,30}$/.test(pair)) return `"${pair}"`;
  return `an entry of ${pair.length} characters`;
}

/** `OTEL_RESOURCE_ATTRIBUTES`: `key=value,key2=value2`, percent-encoded values. */
export function parseResourceAttributes(text: string | undefined): Record<string, string> {
  return text ? parseOtlpHeaders(text, 'OTEL_RESOURCE_ATTRIBUTES') : {};
}

/** The base endpoint plus `v1/traces` or `v1/metrics`, as the OTLP exporter spec says for the non-signal variable. */
export function signalUrl(base: string, signal: 'traces' | 'metrics', source: string): string {
  const url = checkedUrl(base, source);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/${signal}`;
  return url.toString();
}

export function checkedUrl(text: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ExportSettingsError(`${source}: "${text}" is not a URL (write e.g. http://localhost:4318)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ExportSettingsError(`${source}: "${text}" must be an http:// or https:// URL (OTLP over HTTP)`);
  }
  if (url.username || url.password) {
    throw new ExportSettingsError(`${source}: put credentials in headers, not in the URL`);
  }
  return url;
}

export function checkedProtocol(text: string | undefined, source: string): OtlpProtocol {
  const value = (text ?? '').trim();
  if (value === '') return 'http/protobuf';
  if ((OTLP_PROTOCOLS as readonly string[]).includes(value)) return value as OtlpProtocol;
  if (value === 'grpc') {
    throw new ExportSettingsError(
      `${source}=grpc is not supported: LLM Workbench exports OTLP over HTTP. Set it to http/protobuf (the default) or http/json and ` +
        "point the endpoint at the collector's OTLP/HTTP port (usually 4318).",
    );
  }
  throw new ExportSettingsError(`${source}: "${value}" is not an OTLP protocol; use http/protobuf (the default) or http/json`);
}

/** Text to show (log, status) for a target: URL and protocol, header names only. */
export function describeTarget(target: SignalTarget): string {
  const names = Object.keys(target.headers);
  return `${target.url} (${target.protocol}${names.length ? `, headers: ${names.join(', ')}` : ''})`;
}
