import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import generatedRoot from '@opentelemetry/otlp-transformer/build/src/generated/root';

/**
 * A loopback stand-in for an OpenTelemetry collector's OTLP/HTTP port. It decodes what it receives with the protobuf
 * classes OpenTelemetry generates from the official OTLP protos (shipped in @opentelemetry/otlp-transformer), and
 * OTLP/JSON through the same classes, so what the tests read is what a real collector would read.
 */

export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  status: { code: number; message: string };
  scope: string;
  resource: Record<string, unknown>;
  startNs: number;
  endNs: number;
}

export interface CollectedMetric {
  name: string;
  unit: string;
  points: { attributes: Record<string, unknown>; count: number; sum: number; bounds: number[] }[];
}

export interface CollectedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

interface Generated {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: Codec } };
        metrics: { v1: { ExportMetricsServiceRequest: Codec } };
      };
    };
  };
}
interface Codec {
  decode(bytes: Uint8Array): unknown;
  fromObject(object: unknown): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
}
const collector = (generatedRoot as unknown as Generated).opentelemetry.proto.collector;
const TO_OBJECT = { longs: Number, bytes: String, defaults: false, arrays: true };

export class OtlpCollector {
  readonly requests: CollectedRequest[] = [];
  private server!: Server;
  /** When set, requests are held open and never answered (a black-holed collector). */
  blackHole = false;
  private readonly held: Socket[] = [];
  maxConcurrent = 0;
  private open = 0;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.open++;
      this.maxConcurrent = Math.max(this.maxConcurrent, this.open);
      // Held requests count as open until the exporter gives up on them (its timeout closes the socket).
      let counted = true;
      const done = () => {
        if (counted) this.open--;
        counted = false;
      };
      response.once('close', done);
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        this.requests.push({ path: request.url ?? '', headers: request.headers, body });
        if (this.blackHole) {
          this.held.push(request.socket);
          return;
        }
        response.writeHead(200, { 'Content-Type': request.headers['content-type'] ?? 'application/x-protobuf' });
        response.end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.held) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  spans(): CollectedSpan[] {
    const spans: CollectedSpan[] = [];
    for (const request of this.requests.filter((r) => r.path.endsWith('/v1/traces'))) {
      const message = decode(request, collector.trace.v1.ExportTraceServiceRequest) as { resourceSpans?: ResourceSpans[] };
      for (const rs of message.resourceSpans ?? []) {
        const resource = attributes(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: hex(s.traceId),
              spanId: hex(s.spanId),
              parentSpanId: hex(s.parentSpanId),
              name: s.name ?? '',
              kind: s.kind ?? 0,
              attributes: attributes(s.attributes),
              events: (s.events ?? []).map((e) => ({ name: e.name ?? '', attributes: attributes(e.attributes) })),
              status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
              scope: ss.scope?.name ?? '',
              resource,
              startNs: Number(s.startTimeUnixNano ?? 0),
              endNs: Number(s.endTimeUnixNano ?? 0),
            });
          }
        }
      }
    }
    return spans;
  }

  metrics(): CollectedMetric[] {
    const out: CollectedMetric[] = [];
    for (const request of this.requests.filter((r) => r.path.endsWith('/v1/metrics'))) {
      const message = decode(request, collector.metrics.v1.ExportMetricsServiceRequest) as { resourceMetrics?: ResourceMetrics[] };
      for (const rm of message.resourceMetrics ?? []) {
        for (const sm of rm.scopeMetrics ?? []) {
          for (const m of sm.metrics ?? []) {
            out.push({
              name: m.name ?? '',
              unit: m.unit ?? '',
              points: (m.histogram?.dataPoints ?? []).map((p) => ({
                attributes: attributes(p.attributes),
                count: Number(p.count ?? 0),
                sum: Number(p.sum ?? 0),
                bounds: (p.explicitBounds ?? []).map(Number),
              })),
            });
          }
        }
      }
    }
    return out;
  }
}

interface KeyValue {
  key?: string;
  value?: Record<string, unknown>;
}
interface ResourceSpans {
  resource?: { attributes?: KeyValue[] };
  scopeSpans?: {
    scope?: { name?: string };
    spans?: {
      traceId?: string;
      spanId?: string;
      parentSpanId?: string;
      name?: string;
      kind?: number;
      attributes?: KeyValue[];
      events?: { name?: string; attributes?: KeyValue[] }[];
      status?: { code?: number; message?: string };
      startTimeUnixNano?: number;
      endTimeUnixNano?: number;
    }[];
  }[];
}
interface ResourceMetrics {
  scopeMetrics?: {
    metrics?: {
      name?: string;
      unit?: string;
      histogram?: { dataPoints?: { attributes?: KeyValue[]; count?: number; sum?: number; explicitBounds?: number[] }[] };
    }[];
  }[];
}

function decode(request: CollectedRequest, codec: Codec): Record<string, unknown> {
  const json = (request.headers['content-type'] ?? '').startsWith('application/json');
  if (!json) return codec.toObject(codec.decode(request.body), TO_OBJECT);
  // OTLP/JSON ids are hex; the generated classes read bytes as base64, so convert them first.
  const parsed = JSON.parse(request.body.toString('utf8'), (key, value) =>
    (key === 'traceId' || key === 'spanId' || key === 'parentSpanId') && typeof value === 'string'
      ? Buffer.from(value, 'hex').toString('base64')
      : value,
  );
  return codec.toObject(codec.fromObject(parsed), TO_OBJECT);
}

/** `bytes: String` gives base64. */
function hex(base64: string | undefined): string {
  return base64 ? Buffer.from(base64, 'base64').toString('hex') : '';
}

function attributes(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) if (kv.key) out[kv.key] = anyValue(kv.value);
  return out;
}

function anyValue(value: Record<string, unknown> | undefined): unknown {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('arrayValue' in value) return ((value.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(anyValue);
  return undefined;
}
