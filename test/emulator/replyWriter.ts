import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault } from './emulatorTypes';

/** A protocol's streamed answer, already framed (SSE events or NDJSON lines). */
export interface StreamFrames {
  contentType: string;
  /** Before the first text chunk (OpenAI role chunk; Anthropic message_start, content_block_start, ping). */
  prelude: string[];
  /** One frame per text chunk: faults count these. */
  texts: string[];
  /** After the text: finish, usage, terminal event. */
  epilogue: string[];
  /** A frame whose JSON does not parse. */
  malformed: string;
  /** The protocol's in-stream error frame for a status fault with `afterChunks`. */
  inStreamError(fault: Extract<Fault, { kind: 'status' }>): string;
  /** One text frame with this text (for `trailing_text`). */
  textFrame(text: string): string;
}

/** A 200 that is a web page, not an answer. */
export function writeHtml(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><html><head><title>Sign in</title></head><body><form>Sign in to continue</form></body></html>');
}

/** Writes a streamed reply, injecting the fault at the chunk it names. Resolves when the exchange is over. */
export async function writeStream(
  req: IncomingMessage,
  res: ServerResponse,
  frames: StreamFrames,
  fault: Fault | undefined,
  chunkDelayMs: number,
): Promise<void> {
  if (fault?.kind === 'slow_first_byte') await sleep(fault.ms);
  if (fault?.kind === 'reset' && (fault.afterChunks ?? 0) === 0) return reset(req);
  if (fault?.kind === 'html') return writeHtml(res);
  res.writeHead(200, { 'content-type': frames.contentType, 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  for (const frame of frames.prelude) res.write(frame);

  for (let i = 0; i <= frames.texts.length; i++) {
    if (fault && 'afterChunks' in fault && fault.afterChunks === i) {
      switch (fault.kind) {
        case 'stall':
          return untilClosed(res);
        case 'reset':
          // An RST makes the receiver drop unread bytes: give the chunks already sent time to be read first.
          await sleep(25);
          return reset(req);
        case 'cut':
          res.end();
          return;
        case 'malformed':
          res.write(frames.malformed);
          break;
        case 'status':
          res.end(frames.inStreamError(fault));
          return;
      }
    }
    if (i === frames.texts.length) break;
    if (chunkDelayMs > 0) await sleep(chunkDelayMs);
    if (res.destroyed) return;
    res.write(frames.texts[i]);
  }
  // A fault placed past the last chunk has already been handled above (i === texts.length).
  for (const frame of frames.epilogue) res.write(frame);
  if (fault?.kind === 'trailing_text') res.write(frames.textFrame(fault.text));
  res.end();
}

/** Writes a non-streamed JSON reply; chunk-counted faults apply as if the body were one chunk. */
export async function writeJson(req: IncomingMessage, res: ServerResponse, body: unknown, fault: Fault | undefined): Promise<void> {
  if (fault?.kind === 'slow_first_byte') await sleep(fault.ms);
  if (fault?.kind === 'reset') return reset(req);
  if (fault?.kind === 'html') return writeHtml(res);
  const text = JSON.stringify(body);
  if (fault?.kind === 'stall') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    return untilClosed(res);
  }
  if (fault?.kind === 'cut') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(text.slice(0, Math.floor(text.length / 2)));
    return;
  }
  if (fault?.kind === 'malformed') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"malformed": ${text}`);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(text);
}

/** An HTTP error with `retry-after` / `retry-after-ms` headers when the fault asks for them. */
export async function writeStatus(res: ServerResponse, fault: Extract<Fault, { kind: 'status' }>, body: unknown): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
  res.writeHead(fault.status, headers);
  res.end(JSON.stringify(body));
}

/** Sockets the emulator reset on purpose (fault `reset`), so their close is not counted as the client's. */
export const resetByEmulator = new WeakSet<object>();

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** RST, not FIN: the client sees ECONNRESET, like a proxy or load balancer dropping the connection. */
function reset(req: IncomingMessage): void {
  resetByEmulator.add(req.socket);
  req.socket.resetAndDestroy();
}

function untilClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) resolve();
    else res.once('close', () => resolve());
  });
}
