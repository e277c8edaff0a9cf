import assert from 'node:assert/strict';
import { errorFromHttp } from '../../../src/core/providers/normalizeError';
import type { ProviderContext } from '../../../src/core/providers/providerContext';
import { redactSecrets } from '../../../src/core/providers/redactSecrets';

/** Keys of the shapes real providers and proxies hand out, none of them `sk-`. */
const KEYS = [
  'AIzaSyD3mO-9x_Q7wLk2PqZr8tVb4nHc1Ju5Ke0', // Google
  'gh0-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a19', // a proxy token
  'xai-Zq8mN2vB5cX7kL1pR4tY6wE9uI3oA0sD+/==', // base64-ish with + / =
  'r8_Kp2mQ9vX4zT7wL1nB6cY3hJ5fD0sA8gE2uI9o', // Replicate
];

/** Every way the campaign saw a key echoed back, at several clip points. */
function echoes(key: string): string[] {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const b64url = (s: string) => Buffer.from(s).toString('base64url');
  return [
    `Incorrect API key provided: ${key}.`,
    `{"error":{"message":"bad key ${JSON.stringify(key).slice(1, -1)}"}}`,
    `GET /v1/models?api_key=${encodeURIComponent(key)}&x=1`,
    `GET /v1/models?key=${[...Buffer.from(key)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')}`,
    `GET /v1/models?key=${[...Buffer.from(key)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')}`,
    `"token": "${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`,
    `Authorization: Basic ${b64(`user:${key}`)}`,
    `payload ${b64(`{"k":"${key}"}`)}`,
    `payload ${b64(`xy${key}`)}`,
    `payload ${b64url(`x${key}`)}`,
    `key ${key.slice(0, 8)}… (clipped)`,
    `key ${key.slice(0, 23)}...`,
    `…${key.slice(-12)} was refused`,
    `split: ${key.slice(0, 20)}\n${key.slice(20)}`,
  ];
}

/** The text as a reader could decode it: as is, percent-decoded, \u-unescaped, and every base64 run decoded at each offset. */
function decodedViews(text: string): string[] {
  const views = [text];
  try {
    views.push(decodeURIComponent(text.replace(/%(?![0-9a-f]{2})/gi, '%25')));
  } catch {
    // not decodable as a whole
  }
  views.push(text.replace(/\\u([0-9a-f]{4})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
  for (const run of text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []) {
    for (let skip = 0; skip < 4; skip++) {
      const part = run.slice(skip);
      views.push(Buffer.from(part, 'base64').toString('latin1'), Buffer.from(part, 'base64url').toString('latin1'));
    }
  }
  return views;
}

describe('redactSecrets: every echo of a key, in any shape', () => {
  for (const key of KEYS) {
    it(`leaves no fragment of 8+ characters of ${key.slice(0, 6)}… in any spelling`, () => {
      for (const text of echoes(key)) {
        const out = redactSecrets(text, [key]);
        assert.ok(out.includes('[redacted]'), `nothing redacted in: ${text}`);
        for (const view of decodedViews(out)) {
          for (let i = 0; i + 8 <= key.length; i++) {
            assert.ok(
              !view.includes(key.slice(i, i + 8)),
              `"${key.slice(i, i + 8)}" readable in ${JSON.stringify(view)} (from ${JSON.stringify(out)})`,
            );
          }
        }
        // The check can fail: the unredacted echo does show the key in one of its views.
        assert.ok(
          decodedViews(text).some((view) => view.includes(key.slice(0, 8)) || view.includes(key.slice(-8))),
          `the echo hides the key: ${text}`,
        );
      }
    });
  }

  it('is idempotent and leaves ordinary text alone', () => {
    const key = KEYS[0];
    const once = redactSecrets(`a ${key} b`, [key]);
    assert.equal(redactSecrets(once, [key]), once);
    const plain = 'The server had an error while processing your request (request id req_123).';
    assert.equal(redactSecrets(plain, [key]), plain);
  });

  it('a key shorter than 8 characters is redacted whole only', () => {
    assert.equal(redactSecrets('token abc123 and abc12', ['abc123']), 'token [redacted] and abc12');
  });

  it('names a secret by its label even when the key is not known: api_key=, "apiKey": , x-api-key:', () => {
    const out = redactSecrets('url?api_key=Zx9Yw8Vu7Ts6 and {"apiKey": "Qq1Ww2Ee3Rr4"} and x-api-key: Mm9Nn8Bb7Vv6');
    assert.ok(!/Zx9Yw8Vu7Ts6|Qq1Ww2Ee3Rr4|Mm9Nn8Bb7Vv6/.test(out), out);
  });

  it('a provider error body is redacted before it is clipped: no part of a key near the clip point survives', () => {
    const key = KEYS[1];
    const context: ProviderContext = {
      config: { id: 'proxy', kind: 'openai-compatible' },
      label: "'proxy' (OpenAI-compatible)",
      baseUrl: 'http://proxy.local/v1',
      keyHint: 'set PROXY_API_KEY',
      redact: (text) => redactSecrets(text, [key]),
    };
    // The key straddles the 200-character clip: before the fix, 37 of its 40 characters reached the message.
    for (const pad of [160, 170, 180, 190, 195]) {
      const error = errorFromHttp({ status: 400, body: { error: { message: `${'x'.repeat(pad)} ${key} trailing text` } } }, context, 'm');
      for (let i = 0; i + 8 <= key.length; i++) assert.ok(!error.message.includes(key.slice(i, i + 8)), `pad ${pad}: ${error.message}`);
    }
  });
});
