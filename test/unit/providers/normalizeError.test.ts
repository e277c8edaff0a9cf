import assert from 'node:assert/strict';
import type { ProviderConfig } from '../../../src/core/providers/adapter';
import { isRetryable } from '../../../src/core/providers/isRetryable';
import { errorFromHttp, errorFromTransport, findErrorCode } from '../../../src/core/providers/normalizeError';
import { providerLabel, type ProviderContext } from '../../../src/core/providers/providerContext';
import { parseRetryAfterMs } from '../../../src/core/providers/retryAfter';

const context = (config: ProviderConfig, baseUrl = 'https://api.example.com'): ProviderContext => ({
  config,
  label: providerLabel(config),
  baseUrl,
  keyHint: 'set it with X',
});
const openai = context({ id: 'openai', kind: 'openai' });
const ollama = context({ id: 'ollama', kind: 'ollama' }, 'http://localhost:11434');
const headers = (h: Record<string, string>) => new Headers(h);

describe('parseRetryAfterMs', () => {
  it('prefers retry-after-ms, then retry-after seconds, then an HTTP date', () => {
    assert.equal(parseRetryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' })), 250);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': '1.5' })), 1500);
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    assert.equal(
      parseRetryAfterMs(headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT' }), () => now),
      30_000,
    );
  });

  it('ignores absent, negative and unparsable values, and never returns a negative wait', () => {
    assert.equal(parseRetryAfterMs(headers({})), undefined);
    assert.equal(parseRetryAfterMs(undefined), undefined);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': 'soon' })), undefined);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after-ms': 'x', 'retry-after': '2' })), 2000);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': '-3' })), undefined);
    assert.equal(
      parseRetryAfterMs(headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }), () => Date.now()),
      0,
    );
  });
});

describe('errorFromHttp', () => {
  const kind = (status: number | undefined, body: unknown, ctx = openai) => errorFromHttp({ status, body }, ctx, 'm').kind;

  it('classifies by status', () => {
    assert.deepEqual(
      [401, 403, 429, 529, 500, 502, 503, 504, 408, 400, 404, 422].map((s) => kind(s, {})),
      [
        'auth',
        'auth',
        'rate_limit',
        'overloaded',
        'server',
        'server',
        'server',
        'server',
        'timeout',
        'bad_request',
        'bad_request',
        'bad_request',
      ],
    );
  });

  it('quota and spend limits beat the 429 status (they must not be retried)', () => {
    for (const code of ['insufficient_quota', 'enforced_spend_limit_reached', 'billing_hard_limit_reached']) {
      assert.equal(kind(429, { code, message: 'x' }), 'quota', code);
    }
    assert.equal(kind(402, {}), 'quota');
    assert.equal(
      kind(400, { type: 'error', error: { type: 'invalid_request_error', message: 'Your credit balance is too low' } }),
      'quota',
    );
    assert.equal(kind(429, { code: 'rate_limit_exceeded', message: 'Rate limit reached for requests' }), 'rate_limit');
    const withBillingLink =
      'Rate limit reached for gpt-4o on tokens per min (TPM). Add a payment method at https://platform.openai.com/account/billing to increase your rate limit.';
    assert.equal(kind(429, { code: 'rate_limit_exceeded', message: withBillingLink }), 'rate_limit');
    assert.equal(kind(429, { message: withBillingLink }), 'rate_limit');
    assert.equal(
      kind(400, { type: 'error', error: { type: 'invalid_request_error', message: 'You have reached your specified API usage limits.' } }),
      'quota',
    );
  });

  it("recognises context overflow by code or by the providers' wording", () => {
    assert.equal(kind(400, { code: 'context_length_exceeded' }), 'context_overflow');
    assert.equal(
      kind(400, { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } }),
      'context_overflow',
    );
    assert.equal(kind(400, { error: "This model's maximum context length is 8192 tokens" }, ollama), 'context_overflow');
  });

  it('classifies in-stream error frames (no status) by their type', () => {
    assert.equal(kind(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }), 'overloaded');
    assert.equal(kind(undefined, { type: 'error', error: { type: 'rate_limit_error' } }), 'rate_limit');
    assert.equal(kind(undefined, { error: 'llama runner process has terminated' }, ollama), 'server');
  });

  it("quotes the provider's own detail in bad_request and says what to check", () => {
    const error = errorFromHttp({ status: 422, body: { error: { message: 'temperature   must be\n<= 2' } } }, openai, 'gpt-4o');
    assert.equal(error.message, 'OpenAI rejected the request (422): temperature must be <= 2 — check the model name and request settings');
    assert.equal(error.provider, 'openai');
    assert.equal(error.model, 'gpt-4o');
  });
});

describe('errorFromTransport', () => {
  const wrapped = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error('socket'), { code }) });

  it("finds the socket error code under fetch's TypeError", () => {
    assert.equal(findErrorCode(wrapped('ECONNRESET')), 'ECONNRESET');
    assert.equal(findErrorCode(new Error('plain')), undefined);
    const both = new AggregateError([Object.assign(new Error('v6'), { code: 'ECONNREFUSED' })], 'all failed');
    assert.equal(findErrorCode(new TypeError('fetch failed', { cause: both })), 'ECONNREFUSED');
  });

  it('says Ollama is not running when it refuses the connection, names URL and code otherwise', () => {
    assert.equal(
      errorFromTransport(wrapped('ECONNREFUSED'), ollama, 'm').message,
      'Ollama is not running at http://localhost:11434 — start it with `ollama serve`',
    );
    const dns = errorFromTransport(wrapped('ENOTFOUND'), openai, 'm');
    assert.equal(dns.kind, 'network');
    assert.equal(
      dns.message,
      'Could not reach OpenAI at https://api.example.com (ENOTFOUND) — check the base URL, your network and any proxy',
    );
    assert.equal(errorFromTransport(wrapped('UND_ERR_HEADERS_TIMEOUT'), openai, 'm').kind, 'timeout');
  });
});

describe('isRetryable', () => {
  it('retries transient kinds only', () => {
    const kinds = [
      'auth',
      'rate_limit',
      'quota',
      'overloaded',
      'server',
      'timeout',
      'network',
      'context_overflow',
      'bad_request',
      'aborted',
      'invalid_output',
      'incomplete',
    ] as const;
    const retryable = kinds.filter((k) => isRetryable(errorFromHttpLike(k)));
    assert.deepEqual(retryable, ['rate_limit', 'overloaded', 'server', 'timeout', 'network', 'incomplete']);
  });
});

function errorFromHttpLike(kind: Parameters<typeof isRetryable>[0]['kind']) {
  return { kind } as Parameters<typeof isRetryable>[0];
}
