import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip } from 'node:zlib';
import { Writer } from 'protobufjs/minimal';
import type { Ledger } from '../../cost/ledger';
import type { CallRecord } from '../../cost/callRecord';
import type { ModelCatalog } from '../../models/catalog';
import { encodeTraceResponse, MalformedPayloadError } from './decodeTraces';
import { ingestTraces, LedgerUnavailableError, type IngestResult } from './ingestTraces';
import { SeenSpans } from './seenSpans';
import { OTLP_REQUEST_PREFIX } from './spanToRecord';

/** Largest request body accepted, compressed or not (a Copilot batch of 512 spans with content is well under this). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface ReceiverOptions {
  /** 0 = any free port (tests). */
  port: number;
  ledger: Ledger;
  catalog: ModelCatalog;
  /** Records already in the ledger, so spans received before a restart are still recognised as duplicates. */
  existingRecords?: () => Promise<Iterable<CallRecord>>;
  maxBodyBytes?: number;
  /** Each request's outcome, for the log. */
  onIngest?: (event: ReceiverEvent) => void;
}

export type ReceiverEvent =
  | { type: 'recorded'; result: IngestResult }
  | { type: 'refused'; status: number; message: string }
  | { type: 'ignored'; signal: 'metrics' | 'logs' };

export interface OtlpReceiver {
  readonly port: number;
  /** `http://127.0.0.1:PORT`: the OTLP/HTTP endpoint to give other tools. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** A busy port (or another listen failure), with what to do about it. */
export class ReceiverStartError extends Error {}

/**
 * A local OTLP/HTTP receiver (protobuf and JSON, gzip or not) on 127.0.0.1 only. Trace exports become ledger records
 * (see `spanToRecord`); metrics and logs exports are acknowledged and not read, so a tool that sends all three
 * signals to one endpoint (Copilot Chat does) logs no errors. Answers follow OTLP/HTTP: 200 with an
 * `ExportTraceServiceResponse` (and `partial_success` for rejected spans), 400 for a body that cannot be decoded,
 * 413 for one over the size limit, 415 for another content type or encoding, 503 with Retry-After when the ledger
 * cannot be written (the sender retries; nothing is lost), 404 / 405 for other paths and methods.
 * Requests whose Host is not a loopback name are refused, so a web page cannot reach it through DNS rebinding.
 */
export async function startOtlpReceiver(options: ReceiverOptions): Promise<OtlpReceiver> {
  const seen = new SeenSpans();
  const seeding = (async () => {
    try {
      for (const record of (await options.existingRecords?.()) ?? [])
        if (record.requestId?.startsWith(OTLP_REQUEST_PREFIX)) seen.add(record.requestId);
    } catch {
      // An unreadable ledger only weakens duplicate detection across restarts; the receiver still works.
    }
  })();
  const server = createServer((request, response) => {
    void seeding.then(() => handle(request, response, options, seen));
  });
  server.keepAliveTimeout = 5_000;
  await listen(server, options.port);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.close();
      reject(
        new ReceiverStartError(
          error.code === 'EADDRINUSE'
            ? `port ${port} on 127.0.0.1 is already in use (another OpenTelemetry collector or receiver?): stop it, or choose another port in llmWorkbench.otlpReceiver.port and point your tools there`
            : `could not listen on 127.0.0.1:${port}: ${error.message}`,
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

async function handle(request: IncomingMessage, response: ServerResponse, options: ReceiverOptions, seen: SeenSpans): Promise<void> {
  const json = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
  const refuse = (status: number, message: string, headers: Record<string, string> = {}) => {
    options.onIngest?.({ type: 'refused', status, message });
    // The rest of an oversize or unread body is not read: the connection closes once the answer is out.
    const closing = request.complete ? headers : { ...headers, Connection: 'close' };
    if (!request.complete) response.once('finish', () => request.destroy());
    send(response, status, json, statusBody(json, status, message), closing);
  };
  try {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    if (!LOOPBACK_HOSTS.has(host)) return refuse(403, 'this receiver accepts requests addressed to 127.0.0.1 or localhost only');
    const path = (request.url ?? '').split('?')[0];
    const signal = path === '/v1/traces' ? 'traces' : path === '/v1/metrics' ? 'metrics' : path === '/v1/logs' ? 'logs' : undefined;
    if (!signal) return refuse(404, `no OTLP endpoint at ${path}: traces go to /v1/traces`);
    if (request.method !== 'POST') return refuse(405, 'OTLP/HTTP exports are POST requests', { Allow: 'POST' });
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json' && type !== 'application/x-protobuf' && type !== 'application/protobuf') {
      return refuse(415, `content type "${type || 'none'}" is not OTLP: send application/x-protobuf or application/json`);
    }
    const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip')
      return refuse(415, `content encoding "${encoding}" is not supported: send gzip or uncompressed`);
    const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (declared > limit) return refuse(413, `the request is ${declared} bytes; the limit is ${limit}: export smaller batches`);
    const body = await readBody(request, encoding === 'gzip', limit);
    if (body === 'too-large') return refuse(413, `the request is over the ${limit}-byte limit: export smaller batches`);
    if (body === 'bad-gzip') return refuse(400, 'the body is not valid gzip');
    if (signal !== 'traces') {
      options.onIngest?.({ type: 'ignored', signal });
      return send(response, 200, json, json ? Buffer.from('{}') : new Uint8Array());
    }
    const result = await ingestTraces(body, json, { ledger: options.ledger, catalog: options.catalog, seen });
    options.onIngest?.({ type: 'recorded', result });
    const message = result.rejected > 0 ? `${result.rejected} span(s) rejected: invalid trace or span id, or start/end time` : '';
    send(response, 200, json, encodeTraceResponse(json, result.rejected, message));
  } catch (error) {
    if (error instanceof MalformedPayloadError) return refuse(400, error.message);
    if (error instanceof LedgerUnavailableError) return refuse(503, error.message, { 'Retry-After': '5' });
    return refuse(500, `the receiver failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The body, inflated if gzip, never more than `limit` bytes in memory (before or after inflating). */
function readBody(request: IncomingMessage, gzip: boolean, limit: number): Promise<Uint8Array | 'too-large' | 'bad-gzip'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (value: Uint8Array | 'too-large' | 'bad-gzip') => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    const source = gzip ? request.pipe(createGunzip()) : request;
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        if (gzip) (source as ReturnType<typeof createGunzip>).destroy();
        return finish('too-large');
      }
      chunks.push(chunk);
    });
    source.on('end', () => finish(Buffer.concat(chunks)));
    source.on('error', () => finish(gzip ? 'bad-gzip' : 'too-large'));
    request.on('aborted', () => finish('too-large'));
  });
}

/** google.rpc.Status, the body OTLP/HTTP gives with 4xx/5xx: `{ code, message }` with the gRPC code closest to `status`. */
function statusBody(json: boolean, status: number, message: string): Uint8Array {
  const code =
    status === 400 || status === 413 || status === 415
      ? 3
      : status === 503
        ? 14
        : status === 404
          ? 5
          : status === 403
            ? 7
            : status === 405
              ? 12
              : 13;
  if (json) return Buffer.from(JSON.stringify({ code, message }));
  return Writer.create().uint32(8).int32(code).uint32(18).string(message).finish();
}

function send(response: ServerResponse, status: number, json: boolean, body: Uint8Array, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    'Content-Type': json ? 'application/json' : 'application/x-protobuf',
    'Content-Length': String(body.length),
    ...headers,
  });
  response.end(body);
}
