import { strict as assert } from 'node:assert';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { exportSettingsFromEnv } from '../../../src/core/telemetry/envSettings';
import { ExportSettingsError, parseOtlpHeaders } from '../../../src/core/telemetry/exportSettings';
import { credentialHeaderString, PRESETS, presetTargets, type PresetId } from '../../../src/core/telemetry/presets';
import { createTelemetryPipeline } from '../../../src/core/telemetry/otelPipeline';
import { OtlpCollector } from '../../emulator/otlpCollector';

describe('export settings', () => {
  describe('the standard OTEL_* environment (CLI)', () => {
    it('no endpoint: export is off', () => {
      assert.equal(exportSettingsFromEnv({}), undefined);
      assert.equal(exportSettingsFromEnv({ OTEL_SERVICE_NAME: 'x' }), undefined);
    });

    it('OTEL_EXPORTER_OTLP_ENDPOINT: both signals at /v1/traces and /v1/metrics, http/protobuf by default', () => {
      const s = exportSettingsFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example.com:4318/',
        OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20YWJjOmRlZg==,x-team=ml',
        OTEL_SERVICE_NAME: 'ci-evals',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=ci,service.namespace=ml',
      })!;
      assert.equal(s.traces?.url, 'https://collector.example.com:4318/v1/traces');
      assert.equal(s.metrics?.url, 'https://collector.example.com:4318/v1/metrics');
      assert.equal(s.traces?.protocol, 'http/protobuf');
      assert.deepEqual(s.traces?.headers, { Authorization: 'Basic YWJjOmRlZg==', 'x-team': 'ml' });
      assert.equal(s.serviceName, 'ci-evals');
      assert.deepEqual(s.resourceAttributes, { 'deployment.environment': 'ci', 'service.namespace': 'ml' });
      assert.equal(s.captureContent, false);
      assert.equal(s.timeoutMs, 10_000);
    });

    it('per-signal variables win; a signal endpoint is used as given; http/json and content capture are honoured', () => {
      const s = exportSettingsFromEnv({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://localhost:6006/v1/traces',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'api_key=k1',
        OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
      })!;
      assert.equal(s.traces?.url, 'http://localhost:6006/v1/traces');
      assert.equal(s.metrics, undefined);
      assert.equal(s.traces?.protocol, 'http/json');
      assert.deepEqual(s.traces?.headers, { api_key: 'k1' });
      assert.equal(s.traces?.compression, 'gzip');
      assert.equal(s.timeoutMs, 2500);
      assert.equal(s.captureContent, true);
      assert.equal(s.serviceName, 'llm-workbench');
    });

    it('OTEL_SDK_DISABLED and OTEL_*_EXPORTER=none turn export off', () => {
      assert.equal(exportSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }), undefined);
      const s = exportSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_METRICS_EXPORTER: 'none' })!;
      assert.ok(s.traces && !s.metrics);
    });

    it('what we do not implement is refused, naming the variable and what to set', () => {
      const refused: [NodeJS.ProcessEnv, RegExp][] = [
        [
          { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
          /OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported.*http\/protobuf/,
        ],
        [
          { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/xml' },
          /OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http\/xml" is not an OTLP protocol/,
        ],
        [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'zipkin' }, /OTEL_TRACES_EXPORTER=zipkin is not supported/],
        [
          { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_CERTIFICATE: '/etc/ca.pem' },
          /OTEL_EXPORTER_OTLP_CERTIFICATE is not supported/,
        ],
        [
          { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
          /OTEL_EXPORTER_OTLP_ENDPOINT: .* must be an http:\/\/ or https:\/\/ URL|is not a URL/,
        ],
        [
          { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'Authorization' },
          /OTEL_EXPORTER_OTLP_HEADERS: "Authorization" is not key=value/,
        ],
        [
          { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' },
          /OTEL_EXPORTER_OTLP_TIMEOUT: "soon" must be a positive whole number/,
        ],
      ];
      for (const [env, message] of refused) {
        assert.throws(
          () => exportSettingsFromEnv(env),
          (error: unknown) => error instanceof ExportSettingsError && message.test(error.message),
          JSON.stringify(env),
        );
      }
    });

    it('a header error never prints the header value', () => {
      for (const text of ['=sk-secret-value', 'sk-secret-value', 'Bearer sk-secret-value']) {
        assert.throws(
          () => parseOtlpHeaders(text, 'V'),
          (error: unknown) => error instanceof ExportSettingsError && !String(error).includes('secret'),
          text,
        );
      }
    });
  });

  describe('presets', () => {
    it("fill in each backend's endpoint, signals, protocol and auth header", () => {
      const langfuse = presetTargets({
        preset: 'langfuse',
        headers: credentialHeaderString(PRESETS.langfuse, ['pk-lf-1', 'sk-lf-2']),
        metrics: true,
      });
      assert.equal(langfuse.traces.url, 'https://cloud.langfuse.com/api/public/otel/v1/traces');
      assert.equal(langfuse.metrics, undefined, 'Langfuse ingests traces only');
      assert.equal(langfuse.traces.headers.Authorization, `Basic ${Buffer.from('pk-lf-1:sk-lf-2').toString('base64')}`);

      const datadog = presetTargets({
        preset: 'datadog',
        endpoint: 'https://otlp.datadoghq.eu',
        headers: credentialHeaderString(PRESETS.datadog, ['dd-key']),
        metrics: true,
      });
      assert.equal(datadog.traces.url, 'https://otlp.datadoghq.eu/v1/traces');
      assert.deepEqual(datadog.traces.headers, { 'dd-api-key': 'dd-key', 'dd-otlp-source': 'llmobs' });
      assert.throws(() => presetTargets({ preset: 'datadog', protocol: 'http/json', metrics: false }), /accepts http\/protobuf only/);

      const phoenix = presetTargets({ preset: 'phoenix', headers: credentialHeaderString(PRESETS.phoenix, ['']), metrics: true });
      assert.equal(phoenix.traces.url, 'http://localhost:6006/v1/traces');
      assert.deepEqual(phoenix.traces.headers, {}, 'a local Phoenix needs no key');

      assert.throws(
        () => presetTargets({ preset: 'grafana', metrics: true }),
        /Grafana Cloud \(OTLP gateway\) has no default endpoint: set llmWorkbench\.telemetry\.endpoint/,
      );
      const grafana = presetTargets({
        preset: 'grafana',
        endpoint: 'https://otlp-gateway-prod-eu-west-2.grafana.net/otlp',
        headers: credentialHeaderString(PRESETS.grafana, ['123456', 'glc_tok']),
        metrics: true,
      });
      assert.equal(grafana.metrics?.url, 'https://otlp-gateway-prod-eu-west-2.grafana.net/otlp/v1/metrics');

      const otlp = presetTargets({ preset: 'otlp', headers: 'x-honeycomb-team=abc', protocol: 'http/json', metrics: false });
      assert.equal(otlp.traces.url, 'http://localhost:4318/v1/traces');
      assert.equal(otlp.traces.protocol, 'http/json');
    });

    // Each preset pointed at a loopback server standing in for the backend: the request arrives at the backend's
    // path with its auth headers and content type, and decodes (with OpenTelemetry's generated OTLP classes) to our span.
    const cases: [PresetId, string, string[], Record<string, string>][] = [
      [
        'langfuse',
        '/api/public/otel',
        ['pk-lf-abc', 'sk-lf-xyz'],
        { authorization: `Basic ${Buffer.from('pk-lf-abc:sk-lf-xyz').toString('base64')}` },
      ],
      ['phoenix', '/s/my-space', ['phx-key'], { authorization: 'Bearer phx-key' }],
      ['datadog', '', ['dd-key-1'], { 'dd-api-key': 'dd-key-1', 'dd-otlp-source': 'llmobs' }],
      ['grafana', '/otlp', ['123456', 'glc_token'], { authorization: `Basic ${Buffer.from('123456:glc_token').toString('base64')}` }],
      ['otlp', '', ['x-honeycomb-team=hc-key'], { 'x-honeycomb-team': 'hc-key' }],
    ];
    for (const [preset, prefix, answers, expectedHeaders] of cases) {
      it(`${preset}: the exported payload reaches ${prefix}/v1/traces with its headers`, async () => {
        const collector = new OtlpCollector();
        const base = await collector.start();
        try {
          const targets = presetTargets({
            preset,
            endpoint: `${base}${prefix}`,
            headers: credentialHeaderString(PRESETS[preset], answers),
            metrics: false,
          });
          const pipeline = createTelemetryPipeline(
            {
              traces: targets.traces,
              metrics: targets.metrics,
              serviceName: 'llm-workbench',
              resourceAttributes: {},
              captureContent: false,
              timeoutMs: 2_000,
            },
            { version: 'test' },
          );
          const span = pipeline.tracer!.startSpan(
            'chat gpt-4o-mini',
            { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini' } },
            ROOT_CONTEXT,
          );
          span.end();
          await pipeline.shutdown(3_000);
          const request = collector.requests[0];
          assert.equal(request.path, `${prefix}/v1/traces`);
          assert.equal(request.headers['content-type'], 'application/x-protobuf');
          for (const [name, value] of Object.entries(expectedHeaders)) assert.equal(request.headers[name], value, name);
          const [received] = collector.spans();
          assert.equal(received.name, 'chat gpt-4o-mini');
          assert.equal(received.attributes['gen_ai.request.model'], 'gpt-4o-mini');
        } finally {
          await collector.close();
        }
      });
    }
  });
});
