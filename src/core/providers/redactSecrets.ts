import type { KeySource, ProviderAdapter } from './adapter';
import type { ChatEvent, ChatRequest } from './chat';
import { ProviderError } from './providerError';

export const REDACTED = '[redacted]';

/**
 * Tokens that look like API keys whoever sent them: OpenAI `sk-…`/`sk-proj-…`, Anthropic `sk-ant-…`, Groq `gsk_…`,
 * and any `Bearer <token>`. Provider error bodies echo (part of) the key they refused — OpenAI's "Incorrect API key
 * provided: sk-…" — and that text becomes the error message that reaches the log, the ledger, the chat view and the CLI.
 */
const KEY_LIKE = /\b(?:sk-ant-|sk-|gsk_)[A-Za-z0-9_\-*]{8,}|\bBearer\s+[A-Za-z0-9_\-.~+/=*]{8,}/g;
/** `https://user:secret@host` in a base URL echoed by a network error. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi;

/** The text with every known key and anything key-shaped replaced by `[redacted]`. */
export function redactSecrets(text: string, knownKeys: Iterable<string> = []): string {
  let out = text;
  // Longest first, so a key that contains another is removed whole.
  for (const key of [...knownKeys].filter((k) => k.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(key).join(REDACTED);
  return out.replace(KEY_LIKE, REDACTED).replace(URL_CREDENTIALS, `$1${REDACTED}@`);
}

/**
 * The same error with its message (and a JSON body kept as `cause`) redacted; the error itself when nothing needed
 * redacting. A cause that cannot be redacted (not JSON) but would show a key is dropped.
 */
export function redactError(error: ProviderError, knownKeys: Iterable<string> = []): ProviderError {
  const keys = [...knownKeys];
  const message = redactSecrets(error.message, keys);
  const cause = redactCause(error.cause, keys);
  if (message === error.message && cause === error.cause) return error;
  return new ProviderError({
    kind: error.kind,
    message,
    provider: error.provider,
    model: error.model,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    missingKey: error.missingKey,
    cause,
  });
}

function redactCause(cause: unknown, keys: readonly string[]): unknown {
  if (cause === undefined || cause === null) return cause;
  if (typeof cause === 'string') return redactSecrets(cause, keys);
  let json: string | undefined;
  try {
    json = JSON.stringify(cause);
  } catch {
    json = undefined;
  }
  const visible = json ?? String(cause);
  if (cause instanceof Error) {
    const text = `${cause.message} ${cause.stack ?? ''} ${visible}`;
    return redactSecrets(text, keys) === text ? cause : undefined;
  }
  if (json === undefined) return redactSecrets(visible, keys) === visible ? cause : undefined;
  const clean = redactSecrets(json, keys);
  return clean === json ? cause : (JSON.parse(clean) as unknown);
}

/**
 * Wraps an adapter so no error it reports or throws carries the key it was given: the key source is watched for the
 * keys this adapter actually used, and every error event and rejection is redacted against them (and key shapes).
 */
export function withRedactedErrors(build: (keys: KeySource) => ProviderAdapter, keys: KeySource): ProviderAdapter {
  const used = new Set<string>();
  const watched: KeySource = async (providerId) => {
    const key = await keys(providerId);
    if (typeof key === 'string' && key.trim() !== '') {
      used.add(key);
      used.add(key.trim());
    }
    return key;
  };
  const inner = build(watched);
  const clean = (error: unknown): unknown => (error instanceof ProviderError ? redactError(error, used) : error);
  const guard = <A extends unknown[], R>(fn: ((...args: A) => Promise<R>) | undefined) =>
    fn &&
    (async (...args: A): Promise<R> => {
      try {
        return await fn.apply(inner, args);
      } catch (error) {
        throw clean(error);
      }
    });
  return {
    id: inner.id,
    kind: inner.kind,
    async *stream(model: string, request: ChatRequest): AsyncIterable<ChatEvent> {
      for await (const event of inner.stream(model, request)) {
        yield event.type === 'error' ? { ...event, error: redactError(event.error, used) } : event;
      }
    },
    missingKey: inner.missingKey && ((model: string) => inner.missingKey!(model)),
    listModels: guard(inner.listModels),
    contextWindowFor: guard(inner.contextWindowFor),
    countTokens: guard(inner.countTokens),
    embed: guard(inner.embed),
  };
}
