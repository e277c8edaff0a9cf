import type { Meter, Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporterBase } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { createOtlpHttpExportDelegate, httpAgentFactoryFromOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import {
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describeTarget, type ExportSettings, type SignalTarget } from './exportSettings';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION, WORKBENCH_SCOPE } from './genAiNames';

/** What the span and metric builders use; built once per configuration and shut down when it changes or on exit. */
export interface TelemetryPipeline {
  readonly tracer?: Tracer;
  readonly meter?: Meter;
  readonly captureContent: boolean;
  /** Exports what is queued, waiting at most `timeoutMs`; never throws. */
  flush(timeoutMs: number): Promise<void>;
  /** Flushes (bounded by `timeoutMs`) and releases the exporters; never throws. False: gave up waiting for the collector. */
  shutdown(timeoutMs: number): Promise<boolean>;
  /** One line per target, for logs: URLs and header names, never header values. */
  describe(): string;
}

export interface PipelineOptions {
  version: string;
  /** Export failures, one line each (the output channel, or stderr once in the CLI). */
  onExportError?: (message: string) => void;
}

const DEFAULT_MAX_QUEUE = 2048;
const BATCH_SIZE = 512;
// Two exports in flight at most: a slow or black-holed collector holds two requests, never a growing pile.
const CONCURRENT_EXPORTS = 2;

/**
 * A private TracerProvider and MeterProvider with OTLP/HTTP exporters. Nothing is registered globally: the
 * extension host is shared with other extensions (Copilot Chat registers its own global provider and context
 * manager), so spans are started from our tracer with explicit parent contexts only.
 * Spans go through a BatchSpanProcessor with a bounded queue: `span.end()` only enqueues, so a call never waits for
 * the collector, and when the collector is down or slow the queue fills and further spans are dropped, not buffered.
 */
export function createTelemetryPipeline(settings: ExportSettings, options: PipelineOptions): TelemetryPipeline {
  const resource = defaultResource().merge(
    resourceFromAttributes({
      ...settings.resourceAttributes,
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: options.version,
    }),
  );
  const report = reporter(options.onExportError);
  let tracerProvider: BasicTracerProvider | undefined;
  let meterProvider: MeterProvider | undefined;
  if (settings.traces) {
    const exporter = traceExporter(settings.traces, settings.timeoutMs, report('traces', settings.traces));
    const processor = new BatchSpanProcessor(exporter, {
      maxQueueSize: settings.maxQueueSize ?? DEFAULT_MAX_QUEUE,
      maxExportBatchSize: Math.min(BATCH_SIZE, settings.maxQueueSize ?? DEFAULT_MAX_QUEUE),
      scheduledDelayMillis: 1000,
      exportTimeoutMillis: settings.timeoutMs,
    });
    tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  }
  if (settings.metrics) {
    const exporter = metricExporter(settings.metrics, settings.timeoutMs, report('metrics', settings.metrics));
    const reader = new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: settings.metricsIntervalMs ?? 60_000,
      exportTimeoutMillis: Math.min(settings.timeoutMs, settings.metricsIntervalMs ?? 60_000),
    });
    meterProvider = new MeterProvider({ resource, readers: [reader] });
  }
  const tracer = tracerProvider?.getTracer(WORKBENCH_SCOPE, options.version);
  const meter = meterProvider?.getMeter(WORKBENCH_SCOPE, options.version);
  const flush = async (timeoutMs: number) => {
    await bounded(Promise.all([tracerProvider?.forceFlush(), meterProvider?.forceFlush()]), timeoutMs);
  };
  return {
    tracer,
    meter,
    captureContent: settings.captureContent,
    flush,
    shutdown(timeoutMs) {
      return bounded(Promise.all([tracerProvider?.shutdown(), meterProvider?.shutdown()]), timeoutMs);
    },
    describe() {
      const lines = [
        `traces: ${settings.traces ? describeTarget(settings.traces) : 'off'}`,
        `metrics: ${settings.metrics ? describeTarget(settings.metrics) : 'off'}`,
      ];
      return `${lines.join('; ')}; service.name=${settings.serviceName}; content capture ${settings.captureContent ? 'ON' : 'off'}`;
    },
  };
}

function delegateOptions(target: SignalTarget, timeoutMs: number) {
  const contentType = target.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
  // Built here rather than through the exporters' constructors: those also read OTEL_EXPORTER_OTLP_* from the
  // process environment and merge it in, and in the editor that environment must not add headers or redirect export.
  const headers = { ...target.headers, 'Content-Type': contentType };
  return {
    url: target.url,
    headers: async () => headers,
    timeoutMillis: timeoutMs,
    concurrencyLimit: CONCURRENT_EXPORTS,
    compression: target.compression ?? 'none',
    agentFactory: httpAgentFactoryFromOptions({ keepAlive: true }),
    userAgent: `${WORKBENCH_SCOPE}`,
  };
}

function traceExporter(target: SignalTarget, timeoutMs: number, onResult: (result: ExportResult) => void): SpanExporter {
  const serializer = target.protocol === 'http/json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  const exporter = new OTLPExporterBase<ReadableSpan[]>(createOtlpHttpExportDelegate(delegateOptions(target, timeoutMs), serializer));
  return observed(exporter, onResult);
}

function metricExporter(target: SignalTarget, timeoutMs: number, onResult: (result: ExportResult) => void): OTLPMetricExporterBase {
  const serializer = target.protocol === 'http/json' ? JsonMetricsSerializer : ProtobufMetricsSerializer;
  const exporter = new OTLPMetricExporterBase(
    createOtlpHttpExportDelegate<ResourceMetrics, unknown>(delegateOptions(target, timeoutMs), serializer),
  );
  return observed(exporter, onResult);
}

/** The exporter with every export's result reported as well as returned (the SDK itself only logs to its global diag). */
function observed<T extends { export(items: never, callback: (result: ExportResult) => void): void }>(
  exporter: T,
  onResult: (result: ExportResult) => void,
): T {
  type Export = (items: unknown, callback: (result: ExportResult) => void) => void;
  const original = exporter.export.bind(exporter) as unknown as Export;
  (exporter as unknown as { export: Export }).export = (items, callback) =>
    original(items, (result) => {
      onResult(result);
      callback(result);
    });
  return exporter;
}

/** One message per failure streak: the first failure, then again only after an export succeeded in between. */
function reporter(onError: ((message: string) => void) | undefined) {
  return (signal: string, target: SignalTarget) => {
    let failing = false;
    return (result: ExportResult) => {
      if (result.code === ExportResultCode.SUCCESS) {
        failing = false;
        return;
      }
      if (failing) return;
      failing = true;
      const reason = result.error?.message ?? 'unknown error';
      onError?.(
        `OpenTelemetry export of ${signal} to ${target.url} failed: ${reason}. Calls are not affected; the ledger keeps every record.`,
      );
    };
  };
}

/** True when `work` settled within `timeoutMs`. */
async function bounded(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref?.();
    }),
  ]);
  clearTimeout(timer);
  return done;
}
