import { checkedProtocol, ExportSettingsError, parseOtlpHeaders, signalUrl, type OtlpProtocol, type SignalTarget } from './exportSettings';

export type PresetId = 'otlp' | 'langfuse' | 'phoenix' | 'datadog' | 'grafana';
export const PRESET_IDS: readonly PresetId[] = ['otlp', 'langfuse', 'phoenix', 'datadog', 'grafana'];

/** What the user is asked for, stored together as one header string in SecretStorage. */
export type PresetCredential =
  | { kind: 'basic'; header: 'Authorization'; user: string; password: string }
  | { kind: 'value'; header: string; prefix: string; label: string }
  | { kind: 'headers' };

/**
 * A backend that ingests OTLP: where its endpoint is, which signals it takes, which protocols, and how it
 * authenticates. Each is what that vendor documents for OTLP/HTTP ingestion of GenAI spans.
 */
export interface Preset {
  id: PresetId;
  label: string;
  /** Base URL the signal paths (`/v1/traces`, `/v1/metrics`) are appended to; absent = the user must give one. */
  defaultEndpoint?: string;
  endpointExample: string;
  metrics: boolean;
  protocols: readonly OtlpProtocol[];
  credential: PresetCredential;
  /** Headers the backend needs besides the credential. */
  fixedHeaders: Record<string, string>;
}

export const PRESETS: Record<PresetId, Preset> = {
  otlp: {
    id: 'otlp',
    label: 'Any OTLP/HTTP endpoint (OpenTelemetry Collector, Grafana Alloy, Honeycomb, Jaeger…)',
    defaultEndpoint: 'http://localhost:4318',
    endpointExample: 'http://localhost:4318',
    metrics: true,
    protocols: ['http/protobuf', 'http/json'],
    credential: { kind: 'headers' },
    fixedHeaders: {},
  },
  langfuse: {
    id: 'langfuse',
    label: 'Langfuse',
    defaultEndpoint: 'https://cloud.langfuse.com/api/public/otel',
    endpointExample:
      'https://us.cloud.langfuse.com/api/public/otel (US region) or https://langfuse.example.com/api/public/otel (self-hosted)',
    metrics: false,
    protocols: ['http/protobuf', 'http/json'],
    credential: {
      kind: 'basic',
      header: 'Authorization',
      user: 'Langfuse public key (pk-lf-…)',
      password: 'Langfuse secret key (sk-lf-…)',
    },
    fixedHeaders: {},
  },
  phoenix: {
    id: 'phoenix',
    label: 'Arize Phoenix',
    defaultEndpoint: 'http://localhost:6006',
    endpointExample: 'http://localhost:6006 (self-hosted) or https://app.phoenix.arize.com/s/<space> (Phoenix Cloud)',
    metrics: false,
    protocols: ['http/protobuf', 'http/json'],
    credential: {
      kind: 'value',
      header: 'Authorization',
      prefix: 'Bearer ',
      label: 'Phoenix API key (leave empty for a local Phoenix without auth)',
    },
    fixedHeaders: {},
  },
  datadog: {
    id: 'datadog',
    label: 'Datadog LLM Observability',
    defaultEndpoint: 'https://otlp.datadoghq.com',
    endpointExample:
      'https://otlp.datadoghq.eu, https://otlp.us3.datadoghq.com, https://otlp.us5.datadoghq.com, https://otlp.ap1.datadoghq.com (your Datadog site)',
    metrics: false,
    // Datadog's OTLP trace intake takes http/protobuf only.
    protocols: ['http/protobuf'],
    credential: { kind: 'value', header: 'dd-api-key', prefix: '', label: 'Datadog API key' },
    fixedHeaders: { 'dd-otlp-source': 'llmobs' },
  },
  grafana: {
    id: 'grafana',
    label: 'Grafana Cloud (OTLP gateway)',
    endpointExample: "https://otlp-gateway-prod-eu-west-2.grafana.net/otlp (from your stack's OpenTelemetry page)",
    metrics: true,
    protocols: ['http/protobuf', 'http/json'],
    credential: {
      kind: 'basic',
      header: 'Authorization',
      user: 'Grafana Cloud instance ID',
      password: 'Grafana Cloud access policy token',
    },
    fixedHeaders: {},
  },
};

export function isPresetId(value: unknown): value is PresetId {
  return typeof value === 'string' && (PRESET_IDS as readonly string[]).includes(value);
}

/** The stored header string for a credential (the `OTEL_EXPORTER_OTLP_HEADERS` format, values percent-encoded). */
export function credentialHeaderString(preset: Preset, answers: string[]): string {
  const credential = preset.credential;
  if (credential.kind === 'headers') return answers[0]?.trim() ?? '';
  if (credential.kind === 'basic') {
    const [user = '', password = ''] = answers.map((a) => a.trim());
    if (!user || !password)
      throw new ExportSettingsError(`${preset.label} needs both the ${credential.user} and the ${credential.password}`);
    return `${credential.header}=${encodeURIComponent(`Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`)}`;
  }
  const value = answers[0]?.trim() ?? '';
  return value ? `${credential.header}=${encodeURIComponent(`${credential.prefix}${value}`)}` : '';
}

export interface PresetInput {
  preset: PresetId;
  /** Empty = the preset's default endpoint. */
  endpoint?: string;
  protocol?: string;
  /** The stored header string (see `credentialHeaderString`). */
  headers?: string;
  metrics: boolean;
}

/** The export targets a preset and the user's values make. A combination the backend does not accept is an error that says what to change. */
export function presetTargets(
  input: PresetInput,
  settingPrefix = 'llmWorkbench.telemetry',
): { traces: SignalTarget; metrics?: SignalTarget } {
  const preset = PRESETS[input.preset];
  const endpoint = input.endpoint?.trim() || preset.defaultEndpoint;
  if (!endpoint) {
    throw new ExportSettingsError(`${preset.label} has no default endpoint: set ${settingPrefix}.endpoint, e.g. ${preset.endpointExample}`);
  }
  const protocol = checkedProtocol(input.protocol, `${settingPrefix}.protocol`);
  if (!preset.protocols.includes(protocol)) {
    throw new ExportSettingsError(
      `${preset.label} accepts ${preset.protocols.join(' or ')} only: set ${settingPrefix}.protocol to ${preset.protocols[0]}`,
    );
  }
  const headers = { ...parseOtlpHeaders(input.headers ?? '', 'the stored export credentials'), ...preset.fixedHeaders };
  const target = (signal: 'traces' | 'metrics'): SignalTarget => ({
    url: signalUrl(endpoint, signal, `${settingPrefix}.endpoint`),
    headers,
    protocol,
  });
  return { traces: target('traces'), metrics: input.metrics && preset.metrics ? target('metrics') : undefined };
}
