import type { KeySource, ProviderAdapter } from './adapter';
import type { ChatEvent, ChatRequest } from './chat';
import { FragmentIndex, keySpellings } from './keyEchoes';
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

/** `api_key=…`, `"apiKey": "…"`, `x-api-key: …`, `access_token=…`, `password: …`: a secret by the name it is given. */
const NAMED_SECRET = /\b((?:x-)?api[_-]?key|access[_-]?token|secret|password)(["']?\s*[:=]\s*["']?)([^\s"'&,;}]{8,})/gi;

/**
 * The text with every known key and anything key-shaped replaced by `[redacted]`. A known key is found in every
 * spelling an echo can give it (verbatim, JSON-escaped, URL-encoded, `\uXXXX`, base64 at any alignment) and as any
 * fragment of 8 or more of its characters, so a key that was clipped, split or encoded before it got here is
 * still removed. Run it before clipping or encoding text, and again on what leaves (reports, logs): it is idempotent.
 */
export function redactSecrets(text: string, knownKeys: Iterable<string> = []): string {
  return secretRedactor(knownKeys)(text);
}

/**
 * `redactSecrets` with one fixed key set: the set's index is found once, not per text (building its lookup id cost
 * ~0.1 ms per call, paid for every result of an eval run). The same output as `redactSecrets(text, knownKeys)`.
 */
export function secretRedactor(knownKeys: Iterable<string>): (text: string) => string {
  const index = fragmentIndexFor(knownKeys);
  return (text) => {
    let out = replaceSpans(text, index.spans(text)).replace(KEY_LIKE, REDACTED);
    // The credentials pattern tries every word start of the text; without `://` it cannot match (most texts).
    if (out.includes('://')) out = out.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
    return out.replace(NAMED_SECRET, (match, name: string, separator: string, value: string) =>
      value.startsWith(REDACTED) ? match : `${name}${separator}${REDACTED}`,
    );
  };
}

/** Indexes of recent key sets: callers pass the same few sets (the keys a gateway used, a report's keys) again and again. */
const indexes = new Map<string, FragmentIndex>();
const MAX_INDEXES = 16;

function fragmentIndexFor(knownKeys: Iterable<string>): FragmentIndex {
  const keys = [...new Set([...knownKeys].map((k) => k.trim()).filter((k) => k.length >= 4))];
  const id = JSON.stringify(keys);
  let index = indexes.get(id);
  if (index) {
    // Most recently used last, so the oldest is the one dropped.
    indexes.delete(id);
  } else {
    index = new FragmentIndex(keys.flatMap((key) => keySpellings(key)));
    if (indexes.size >= MAX_INDEXES) indexes.delete(indexes.keys().next().value as string);
  }
  indexes.set(id, index);
  return index;
}

/** Replaces the (possibly overlapping) spans with one `[redacted]` each after merging them. */
function replaceSpans(text: string, spans: Array<[number, number]>): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  let current: [number, number] | undefined;
  for (const span of spans) {
    if (current && span[0] <= current[1]) current[1] = Math.max(current[1], span[1]);
    else {
      if (current) {
        out += text.slice(at, current[0]) + REDACTED;
        at = current[1];
      }
      current = [span[0], span[1]];
    }
  }
  if (current) out += text.slice(at, current[0]) + REDACTED + text.slice(current[1]);
  return out;
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
    connectFailed: error.connectFailed,
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
 * `build` also gets a redactor over the same keys, for the adapter to apply before it clips or encodes error text;
 * `used` may be shared so the gateway redacts its own records against every key any adapter used.
 */
export function withRedactedErrors(
  build: (keys: KeySource, redact: (text: string) => string) => ProviderAdapter,
  keys: KeySource,
  used: Set<string> = new Set<string>(),
): ProviderAdapter {
  const watched: KeySource = async (providerId) => {
    const key = await keys(providerId);
    if (typeof key === 'string' && key.trim() !== '') {
      used.add(key);
      used.add(key.trim());
    }
    return key;
  };
  const inner = build(watched, (text) => redactSecrets(text, used));
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
