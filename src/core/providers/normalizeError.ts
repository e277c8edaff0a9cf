import { errorMessages } from './errorMessages';
import type { ProviderContext } from './providerContext';
import { ProviderError } from './providerError';
import { redactSecrets } from './redactSecrets';
import { parseRetryAfterMs, type HeaderLookup } from './retryAfter';

/** An HTTP error answer (or an in-stream error frame, which has no status) as any protocol delivers it. */
export interface HttpFailure {
  status?: number;
  headers?: HeaderLookup;
  /** Parsed JSON body or its text: OpenAI `{error:{message,type,code}}`, Anthropic `{type:'error',error:{type,message}}`, Ollama `{error:'…'}`. */
  body?: unknown;
}

const QUOTA_CODES = new Set([
  'insufficient_quota',
  'enforced_spend_limit_reached',
  'billing_hard_limit_reached',
  'billing_not_active',
  'insufficient_balance',
]);
// Wording only: OpenAI's ordinary rate-limit messages link to account/billing, so "billing" alone proves nothing.
const QUOTA_TEXT = /exceeded your current quota|credit balance is too low|spend(ing)? limit|specified (workspace )?API usage limits/i;
const CONTEXT_TEXT = /prompt is too long|context[ _-]length|maximum context|context window|too many tokens/i;

/** Maps a provider's error answer to one kind with its actionable message. */
export function errorFromHttp(failure: HttpFailure, ctx: ProviderContext, model: string): ProviderError {
  const { status } = failure;
  const { code, type, message } = describeBody(failure.body);
  const signals = [code, type].filter((s): s is string => typeof s === 'string');
  const has = (...names: string[]) => signals.some((s) => names.includes(s));
  const base = { provider: ctx.config.id, model, status, cause: failure.body };
  // Redacted before it is clipped: a key cut in half by the clip would no longer match the key.
  const detail = message ? clip(ctx.redact ? ctx.redact(message) : redactSecrets(message)) : undefined;

  const saysRateLimit = has('rate_limit_error', 'rate_limit_exceeded');
  if (
    signals.some((s) => QUOTA_CODES.has(s)) ||
    status === 402 ||
    (!saysRateLimit && isClientStatus(status) && message && QUOTA_TEXT.test(message))
  ) {
    return new ProviderError({ ...base, kind: 'quota', message: errorMessages.quota(ctx, code ?? type) });
  }
  if (has('context_length_exceeded', 'string_above_max_length') || (isClientStatus(status) && message && CONTEXT_TEXT.test(message))) {
    return new ProviderError({ ...base, kind: 'context_overflow', message: errorMessages.contextOverflow(ctx, model) });
  }
  if (status === 401 || status === 403 || has('authentication_error', 'permission_error', 'invalid_api_key')) {
    return new ProviderError({ ...base, kind: 'auth', message: errorMessages.auth(ctx, status) });
  }
  if (status === 429 || saysRateLimit) {
    const retryAfterMs = parseRetryAfterMs(failure.headers);
    return new ProviderError({ ...base, kind: 'rate_limit', retryAfterMs, message: errorMessages.rateLimit(ctx, retryAfterMs) });
  }
  if (status === 529 || has('overloaded_error')) {
    return new ProviderError({
      ...base,
      kind: 'overloaded',
      retryAfterMs: parseRetryAfterMs(failure.headers),
      message: errorMessages.overloaded(ctx),
    });
  }
  if (status === 408) {
    return new ProviderError({ ...base, kind: 'timeout', message: errorMessages.timeout(ctx, model) });
  }
  if (status === 404 || has('not_found_error', 'model_not_found')) {
    return new ProviderError({ ...base, kind: 'bad_request', message: errorMessages.modelNotFound(ctx, model) });
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new ProviderError({ ...base, kind: 'bad_request', message: errorMessages.badRequest(ctx, status, detail) });
  }
  // 5xx, or an error frame inside a stream that names nothing more specific.
  return new ProviderError({
    ...base,
    kind: 'server',
    retryAfterMs: parseRetryAfterMs(failure.headers),
    message: errorMessages.server(ctx, status, detail),
  });
}

/** Connection-level failures: refused, reset, DNS, TLS. Ollama refusing the connection means it is not running. */
export function errorFromTransport(cause: unknown, ctx: ProviderContext, model: string): ProviderError {
  const code = findErrorCode(cause);
  const base = { provider: ctx.config.id, model, cause };
  const connectFailed = code !== undefined && CONNECT_CODES.test(code);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new ProviderError({ ...base, kind: 'timeout', connectFailed, message: errorMessages.timeout(ctx, model) });
  }
  if (code && /^UND_ERR_(HEADERS|BODY)_TIMEOUT$/.test(code)) {
    return new ProviderError({ ...base, kind: 'timeout', message: errorMessages.timeout(ctx, model) });
  }
  if (ctx.config.kind === 'ollama' && code === 'ECONNREFUSED') {
    return new ProviderError({ ...base, kind: 'network', connectFailed, message: errorMessages.ollamaNotRunning(ctx) });
  }
  return new ProviderError({ ...base, kind: 'network', connectFailed, message: errorMessages.network(ctx, code) });
}

/** Codes that mean the request never reached the server: the endpoint is down or unreachable, whatever the model. */
const CONNECT_CODES =
  /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|UND_ERR_CONNECT_TIMEOUT|UND_ERR_SOCKET_CONNECT|CERT_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** A connection that broke after the provider started answering: the answer was cut, not the endpoint unreachable. */
export function midAnswerTransportError(error: ProviderError, ctx: ProviderContext, model: string): ProviderError {
  if (error.kind !== 'network') return error;
  return new ProviderError({
    kind: 'network',
    provider: ctx.config.id,
    model,
    cause: error.cause,
    message: errorMessages.reset(ctx, model, findErrorCode(error.cause)),
  });
}

export function abortedError(ctx: ProviderContext, model: string): ProviderError {
  return new ProviderError({ kind: 'aborted', provider: ctx.config.id, model, message: errorMessages.aborted() });
}

export function timeoutError(ctx: ProviderContext, model: string, ms: number | undefined): ProviderError {
  return new ProviderError({ kind: 'timeout', provider: ctx.config.id, model, message: errorMessages.timeout(ctx, model, ms) });
}

export function incompleteError(ctx: ProviderContext, model: string, why: string, cause?: unknown): ProviderError {
  return new ProviderError({
    kind: 'incomplete',
    provider: ctx.config.id,
    model,
    cause,
    message: errorMessages.incomplete(ctx, model, why),
  });
}

export function missingKeyError(ctx: ProviderContext, model: string): ProviderError {
  return new ProviderError({ kind: 'auth', provider: ctx.config.id, model, missingKey: true, message: errorMessages.missingKey(ctx) });
}

/** Finds `code`/`type`/`message` whether the body is the whole answer, its inner `error`, or a bare string. */
export function describeBody(body: unknown): { code?: string; type?: string; message?: string } {
  if (typeof body === 'string') return { message: body };
  if (!isObject(body)) return {};
  const inner = isObject(body.error) ? body.error : body;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    code: str(inner.code),
    type: str(inner.type) === 'error' ? undefined : str(inner.type),
    message: str(inner.message) ?? str(body.error) ?? str(body.message),
  };
}

/** Walks `cause` links (fetch wraps the socket error) for a Node/undici error code. */
export function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && isObject(current); depth++) {
    if (typeof current.code === 'string') return current.code;
    // Happy-eyeballs connects (IPv4 + IPv6) fail with an AggregateError of per-address errors.
    const first = Array.isArray(current.errors) ? (current.errors as unknown[])[0] : undefined;
    current = current.cause ?? first;
  }
  return undefined;
}

function isClientStatus(status: number | undefined): boolean {
  return status === undefined || (status >= 400 && status < 500);
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 197)}...` : oneLine;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
