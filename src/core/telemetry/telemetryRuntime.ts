/**
 * Everything that needs the OpenTelemetry packages, behind one small interface. Built as its own bundle
 * (`dist/telemetry.js`) and loaded by `loadTelemetryRuntime()` only when export or the receiver is turned on, so
 * neither the extension's activation nor the CLI's startup pays for the SDK when they are off.
 */
import type { ChatGateway } from '../gateway/gatewayApi';
import type { ProviderConfig } from '../providers/adapter';
import { EvalRunSpans, type EvalCaseStartLike, type EvalEventLike } from './evalSpans';
import type { ExportSettings } from './exportSettings';
import { GenAiMetrics } from './genAiMetrics';
import { createTelemetryPipeline } from './otelPipeline';
import { providerIdentities } from './providerNames';
import { traceGateway } from './traceGateway';

export { startOtlpReceiver } from './receiver/otlpReceiver';

export interface EvalRunTelemetry {
  onEvent(event: EvalEventLike): void;
  aroundCase(start: EvalCaseStartLike, run: () => Promise<void>): Promise<void>;
}

export interface Telemetry {
  /** The gateway with every call exported as spans and metrics. */
  wrapGateway(gateway: ChatGateway): ChatGateway;
  /** Spans for one eval run: pass `onEvent` and `aroundCase` to the runner. */
  evalRun(): EvalRunTelemetry;
  flush(timeoutMs: number): Promise<void>;
  /** False: the collector did not take everything in time (what is left is dropped; the ledger has every record). */
  shutdown(timeoutMs: number): Promise<boolean>;
  describe(): string;
}

export interface TelemetryOptions {
  version: string;
  /** For `gen_ai.provider.name` and `server.address` of each provider id. */
  providers: readonly ProviderConfig[];
  onExportError?: (message: string) => void;
}

export function createTelemetry(settings: ExportSettings, options: TelemetryOptions): Telemetry {
  const pipeline = createTelemetryPipeline(settings, options);
  const metrics = pipeline.meter ? new GenAiMetrics(pipeline.meter) : undefined;
  const provider = providerIdentities(options.providers);
  return {
    wrapGateway(gateway) {
      const tracer = pipeline.tracer;
      if (!tracer) return metricsOnly(gateway, metrics, provider);
      return traceGateway(gateway, { tracer, metrics, captureContent: pipeline.captureContent, provider });
    },
    evalRun() {
      const tracer = pipeline.tracer;
      if (!tracer) return { onEvent: () => undefined, aroundCase: (_start, run) => run() };
      const spans = new EvalRunSpans(tracer, pipeline.captureContent);
      return { onEvent: (event) => spans.onEvent(event), aroundCase: (start, run) => spans.aroundCase(start, run) };
    },
    flush: (timeoutMs) => pipeline.flush(timeoutMs),
    shutdown: (timeoutMs) => pipeline.shutdown(timeoutMs),
    describe: () => pipeline.describe(),
  };
}

/** Metrics without traces (`OTEL_TRACES_EXPORTER=none`): the records alone carry what the histograms need. */
function metricsOnly(
  gateway: ChatGateway,
  metrics: GenAiMetrics | undefined,
  provider: ReturnType<typeof providerIdentities>,
): ChatGateway {
  if (!metrics) return gateway;
  const observe = (record: import('../cost/callRecord').CallRecord) => {
    try {
      const colon = record.route[0]?.indexOf(':') ?? -1;
      metrics.record(record, colon > 0 ? record.route[0].slice(colon + 1) : undefined, provider(record.provider));
    } catch {
      // metrics never break a call
    }
  };
  return {
    async *stream(request) {
      for await (const event of gateway.stream(request)) {
        if (event.type === 'record') observe(event.record);
        yield event;
      }
    },
    async complete(request) {
      const result = await gateway.complete(request);
      observe(result.record);
      return result;
    },
  };
}
