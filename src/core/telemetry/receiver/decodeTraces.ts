import generatedRoot from '@opentelemetry/otlp-transformer/build/src/generated/root';

/** An attribute value as JSON-like data: OTLP's AnyValue unwrapped. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type AttributeMap = Record<string, AttributeValue>;

/** One span of an export request, with what the ledger mapping needs. Ids are lowercase hex ('' when malformed). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  startUnixNano: number;
  endUnixNano: number;
  attributes: AttributeMap;
  statusCode: number;
  statusMessage: string;
  scopeName: string;
  resource: AttributeMap;
}

/** The request could not be read at all: answered 400 (retrying the same bytes would fail again). */
export class MalformedPayloadError extends Error {}

// The protobuf classes OpenTelemetry generates from the official OTLP .proto files (shipped by otlp-transformer).
interface Decodable<T> {
  decode(bytes: Uint8Array): T;
  fromObject(object: unknown): T;
}
interface Encodable {
  encode(message: unknown): { finish(): Uint8Array };
  fromObject(object: unknown): unknown;
}
interface KeyValue {
  key?: string | null;
  value?: AnyValue | null;
}
interface AnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: unknown;
  doubleValue?: number | null;
  arrayValue?: { values?: AnyValue[] | null } | null;
  kvlistValue?: { values?: KeyValue[] | null } | null;
  bytesValue?: Uint8Array | null;
}
interface SpanMessage {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  attributes?: KeyValue[] | null;
  status?: { code?: number | null; message?: string | null } | null;
}
interface RequestMessage {
  resourceSpans?:
    | {
        resource?: { attributes?: KeyValue[] | null } | null;
        scopeSpans?: { scope?: { name?: string | null } | null; spans?: SpanMessage[] | null }[] | null;
      }[]
    | null;
}

const traceV1 = (
  generatedRoot as unknown as {
    opentelemetry: {
      proto: {
        collector: { trace: { v1: { ExportTraceServiceRequest: Decodable<RequestMessage>; ExportTraceServiceResponse: Encodable } } };
      };
    };
  }
).opentelemetry.proto.collector.trace.v1;

/** `ExportTraceServiceRequest` from OTLP/protobuf bytes. */
export function decodeProtobufTraces(body: Uint8Array): ReceivedSpan[] {
  let message: RequestMessage;
  try {
    message = traceV1.ExportTraceServiceRequest.decode(body);
  } catch (error) {
    throw new MalformedPayloadError(`not an OTLP ExportTraceServiceRequest in protobuf: ${(error as Error).message}`);
  }
  return flatten(message);
}

/**
 * `ExportTraceServiceRequest` from OTLP/JSON. OTLP/JSON differs from protobuf's JSON mapping in its ids (hex, not
 * base64), so they are turned into bytes first; the rest (lowerCamelCase keys, enums as integers, 64-bit integers
 * as strings or numbers) is what the generated `fromObject` reads.
 */
export function decodeJsonTraces(body: Uint8Array): ReceivedSpan[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (error) {
    throw new MalformedPayloadError(`not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedPayloadError('an OTLP/JSON export request is an object with "resourceSpans"');
  }
  hexIdsToBytes(parsed as Record<string, unknown>);
  let message: RequestMessage;
  try {
    message = traceV1.ExportTraceServiceRequest.fromObject(parsed);
  } catch (error) {
    throw new MalformedPayloadError(`not an OTLP ExportTraceServiceRequest: ${(error as Error).message}`);
  }
  return flatten(message);
}

/** An `ExportTraceServiceResponse`, with `partial_success` when some spans were rejected. */
export function encodeTraceResponse(json: boolean, rejectedSpans: number, errorMessage: string): Uint8Array {
  const partial = rejectedSpans > 0 || errorMessage ? { partialSuccess: { rejectedSpans, errorMessage } } : {};
  if (json) return Buffer.from(JSON.stringify(partial));
  const { ExportTraceServiceResponse } = traceV1;
  return ExportTraceServiceResponse.encode(ExportTraceServiceResponse.fromObject(partial)).finish();
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

function hexIdsToBytes(request: Record<string, unknown>): void {
  for (const resourceSpans of asArray(request.resourceSpans)) {
    for (const scopeSpans of asArray((resourceSpans as { scopeSpans?: unknown })?.scopeSpans)) {
      for (const span of asArray((scopeSpans as { spans?: unknown })?.spans)) {
        if (typeof span !== 'object' || span === null) continue;
        const fields = span as Record<string, unknown>;
        for (const key of ['traceId', 'spanId', 'parentSpanId']) {
          const value = fields[key];
          // A malformed id becomes empty bytes: the span is rejected on its own, the rest of the batch still counts.
          if (typeof value === 'string') fields[key] = HEX.test(value) ? Buffer.from(value, 'hex') : new Uint8Array();
        }
        delete fields.links; // links carry ids too, and nothing here reads them
      }
    }
  }
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function flatten(message: RequestMessage): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of message.resourceSpans ?? []) {
    const resource = attributeMap(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scopeName = scopeSpans.scope?.name ?? '';
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: hex(span.traceId, 16),
          spanId: hex(span.spanId, 8),
          name: span.name ?? '',
          kind: span.kind ?? 0,
          startUnixNano: toNumber(span.startTimeUnixNano),
          endUnixNano: toNumber(span.endTimeUnixNano),
          attributes: attributeMap(span.attributes),
          statusCode: span.status?.code ?? 0,
          statusMessage: span.status?.message ?? '',
          scopeName,
          resource,
        });
      }
    }
  }
  return spans;
}

/** Valid ids are exactly 16 / 8 bytes and not all zero (the OTLP spec's invalid id). */
function hex(bytes: Uint8Array | null | undefined, length: number): string {
  if (!bytes || bytes.length !== length || bytes.every((b) => b === 0)) return '';
  return Buffer.from(bytes).toString('hex');
}

/** 64-bit values arrive as numbers, decimal strings or Long objects; nanosecond times fit a double to ~0.25 µs. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (value && typeof value === 'object' && 'low' in value && 'high' in value) {
    const { low, high, unsigned } = value as { low: number; high: number; unsigned?: boolean };
    return (unsigned ? high >>> 0 : high) * 4294967296 + (low >>> 0);
  }
  return 0;
}

function attributeMap(list: KeyValue[] | null | undefined): AttributeMap {
  const map: AttributeMap = {};
  for (const kv of list ?? []) if (kv.key) map[kv.key] = anyValue(kv.value);
  return map;
}

function anyValue(value: AnyValue | null | undefined): AttributeValue {
  if (!value) return null;
  if (value.stringValue != null) return value.stringValue;
  if (value.boolValue != null) return value.boolValue;
  if (value.intValue != null) return toNumber(value.intValue);
  if (value.doubleValue != null) return value.doubleValue;
  if (value.arrayValue != null) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue != null) return attributeMap(value.kvlistValue.values);
  if (value.bytesValue != null) return Buffer.from(value.bytesValue).toString('base64');
  return null;
}
