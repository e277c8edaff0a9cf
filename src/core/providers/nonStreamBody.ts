import { errorMessages } from './errorMessages';
import type { ProviderContext } from './providerContext';
import { ProviderError } from './providerError';

/**
 * What a 200 holds when it is not the stream that was asked for: a complete JSON answer (some servers and proxies
 * ignore `stream: true`), or a page that is no answer at all (a login portal, a proxy's error page, a website at the
 * wrong base URL). Anything else is read as the stream.
 */
export type NonStreamBody = { kind: 'json'; body: unknown } | { kind: 'page'; contentType: string };

/** More than any real complete answer; a body past it is not read whole. */
const MAX_JSON_BYTES = 32 * 1024 * 1024;

/** Reads the body when the content type says it is not a stream; undefined = stream it as usual (body untouched). */
export async function nonStreamBody(response: Response): Promise<NonStreamBody | undefined> {
  const contentType = (response.headers.get('content-type') ?? '').toLowerCase();
  if (/^application\/(?:[\w.+-]+\+)?json\b/.test(contentType)) {
    const text = await readBounded(response, MAX_JSON_BYTES);
    try {
      return { kind: 'json', body: JSON.parse(text) as unknown };
    } catch {
      return { kind: 'page', contentType: 'application/json that does not parse' };
    }
  }
  if (/^text\/(html|xml)\b|^application\/xhtml/.test(contentType)) {
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'page', contentType: contentType.split(';')[0] };
  }
  return undefined;
}

/** A 200 that is not an answer: the base URL points somewhere else. Not retried: the same URL answers the same. */
export function notAnAnswerError(ctx: ProviderContext, model: string, contentType: string): ProviderError {
  return new ProviderError({
    kind: 'bad_request',
    provider: ctx.config.id,
    model,
    status: 200,
    message: errorMessages.notAnAnswer(ctx, contentType),
  });
}

async function readBounded(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return '';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
